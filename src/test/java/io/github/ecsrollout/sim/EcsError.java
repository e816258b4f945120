package io.github.ecsrollout.sim;

/**
 * An ECS error answer: the awsJson1_1 {@code __type} and message, and the HTTP status it travels
 * with. ECS sends every client error (throttling included) as 400; only ServerException is a 5xx.
 */
final class EcsError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final String type;
    final int httpStatus;

    EcsError(String type, String message) {
        this(type, message, "ServerException".equals(type) ? 500 : 400);
    }

    EcsError(String type, String message, int httpStatus) {
        super(message, null, false, false);
        this.type = type;
        this.httpStatus = httpStatus;
    }

    static EcsError invalidParameter(String message) {
        return new EcsError("InvalidParameterException", message);
    }

    static EcsError clusterNotFound() {
        return new EcsError("ClusterNotFoundException", "Cluster not found.");
    }

    static EcsError serviceNotFound() {
        return new EcsError("ServiceNotFoundException", "Service not found.");
    }
}
