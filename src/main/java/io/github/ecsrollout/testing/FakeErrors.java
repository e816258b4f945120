package io.github.ecsrollout.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ServerException;

/** Errors as ECS sends them, for every part of the fake: a code, a message and HTTP status 400. */
final class FakeErrors {

    private FakeErrors() {
    }

    /** An error as ECS sends it: its code, message and HTTP status 400. */
    static AwsServiceException error(AwsServiceException.Builder builder, String code, String message) {
        return builder.message(message).statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).serviceName("Ecs").build()).build();
    }

    /** ECS's answer to a caller over its rate: error code ThrottlingException, HTTP 400; no SDK type of its own. */
    static EcsException throttling() {
        return (EcsException) error(EcsException.builder(), "ThrottlingException", "Rate exceeded");
    }

    /** ECS's one 5xx: ServerException, HTTP 500. */
    static ServerException serverError() {
        return (ServerException) ServerException.builder().message("Service Unavailable").statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServerException")
                        .errorMessage("Service Unavailable").serviceName("Ecs").build())
                .build();
    }

    static InvalidParameterException invalidParameter(String message) {
        return (InvalidParameterException) error(InvalidParameterException.builder(), "InvalidParameterException",
                message);
    }
}
