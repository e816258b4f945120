package io.github.ecsrollout.internal;

import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkInterruptedException;

/** Looks through cause chains: the SDK and its waiter wrap what actually happened. */
final class Causes {

    private Causes() {
    }

    /** Whether an exception says the thread was interrupted, however the SDK wrapped it. */
    static boolean isInterruption(Throwable e) {
        return find(e, AbortedException.class) != null || find(e, SdkInterruptedException.class) != null
                || find(e, InterruptedException.class) != null;
    }

    /** The first throwable of the given type in the cause chain, or {@code null}. */
    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
