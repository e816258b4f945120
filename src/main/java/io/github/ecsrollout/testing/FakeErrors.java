package io.github.ecsrollout.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/** Errors as ECS sends them, for every part of the fake: a code, a message and HTTP status 400. */
final class FakeErrors {

    private FakeErrors() {
    }

    /** An error as ECS sends it: its code, message and HTTP status 400. */
    static AwsServiceException error(AwsServiceException.Builder builder, String code, String message) {
        return builder.message(message).statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).serviceName("Ecs").build()).build();
    }

    static InvalidParameterException invalidParameter(String message) {
        return (InvalidParameterException) error(InvalidParameterException.builder(), "InvalidParameterException",
                message);
    }
}
