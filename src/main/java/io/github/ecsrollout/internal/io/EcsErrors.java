package io.github.ecsrollout.internal.io;

import io.github.ecsrollout.internal.time.Deadline;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkInterruptedException;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/**
 * The one classifier of what an ECS call threw, from the exception's types (never its message): the rollout's
 * deadline cut it short, the thread was interrupted, ECS answered with an error, or no answer came. The SDK wraps what
 * actually happened, so the cause chain is searched.
 */
public final class EcsErrors {

    /** What went wrong with a call. */
    public enum Kind {
        /** The rollout's deadline ended it (the SDK ends an overdue call by interrupting its thread). */
        CUT_SHORT,
        /** The calling thread was interrupted. */
        INTERRUPTED,
        /** ECS answered with an error: the call was not applied. */
        REFUSED,
        /** No answer came (a connection reset, a client-side timeout): ECS may or may not have applied the call. */
        NO_ANSWER
    }

    /** A call the SDK ended this close to the deadline was ended by it. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Error codes that say an operation is off limits for this caller (or unknown to this ECS). */
    private static final Set<String> UNAVAILABLE_CODES = Set.of("AccessDeniedException", "AccessDenied",
            "UnauthorizedOperation", "UnknownOperationException", "UnsupportedFeatureException", "InvalidAction");

    private EcsErrors() {
    }

    /** What went wrong, the deadline checked first: its end arrives as an interrupt of the calling thread. */
    public static Kind kind(Throwable e, Deadline deadline) {
        if (cutShort(e, deadline)) {
            return Kind.CUT_SHORT;
        }
        if (isInterruption(e)) {
            return Kind.INTERRUPTED;
        }
        return find(e, AwsServiceException.class) != null ? Kind.REFUSED : Kind.NO_ANSWER;
    }

    /**
     * Sets the calling thread's interrupt flag to what a kind means: cleared after a call the deadline cut short (the
     * SDK's own interrupt, not the caller's), set after an interrupt (never swallowed).
     */
    public static void settleInterruptFlag(Kind kind) {
        if (kind == Kind.CUT_SHORT) {
            Thread.interrupted();
        } else if (kind == Kind.INTERRUPTED) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether an exception is a call the deadline cut short. */
    public static boolean cutShort(Throwable e, Deadline deadline) {
        return deadline.isSet() && deadline.remainingNanos() < SLACK_NANOS
                && find(e, ApiCallTimeoutException.class) != null;
    }

    /** Whether an exception says the thread was interrupted, however the SDK wrapped it. */
    public static boolean isInterruption(Throwable e) {
        return find(e, AbortedException.class) != null || find(e, SdkInterruptedException.class) != null
                || find(e, InterruptedException.class) != null;
    }

    /**
     * Why an operation cannot be used at all by this caller (access denied, unknown to this ECS), in ECS's words; or
     * {@code null} when the error says something else.
     */
    public static String unavailable(Throwable e) {
        AwsServiceException denied = find(e, AwsServiceException.class);
        if (denied == null || !(denied.statusCode() == 403 || (denied.awsErrorDetails() != null
                && UNAVAILABLE_CODES.contains(denied.awsErrorDetails().errorCode())))) {
            return null;
        }
        return words(e);
    }

    /**
     * Whether ECS refused what the request named ({@code ClientException}, {@code InvalidParameterException}), rather
     * than the caller's rights, its rate or its own state: what DescribeTaskDefinition answers for a task definition
     * it cannot describe (one that does not exist, or is no longer ACTIVE and used by nothing).
     */
    public static boolean refusedWhatWasNamed(Throwable e) {
        return find(e, ClientException.class) != null || find(e, InvalidParameterException.class) != null;
    }

    /** ECS's own words for an error it answered ({@code ErrorCode: message}), or the exception's message. */
    public static String words(Throwable e) {
        AwsServiceException answered = find(e, AwsServiceException.class);
        if (answered != null && answered.awsErrorDetails() != null && answered.awsErrorDetails().errorCode() != null) {
            return answered.awsErrorDetails().errorCode() + ": " + answered.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }

    /** The first throwable of the given type in the cause chain, or {@code null}. */
    public static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
