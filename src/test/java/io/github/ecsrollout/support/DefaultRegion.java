package io.github.ecsrollout.support;

import java.util.function.Supplier;

/**
 * Builds what a Lambda cold start builds ({@code EcsClient.create()} and the like) on a machine with no AWS
 * configuration: the SDK's default region chain is given {@code aws.region} for the duration, and nothing is called.
 */
public final class DefaultRegion {

    private static final String PROPERTY = "aws.region";

    private DefaultRegion() {
    }

    /** Runs {@code build} with the {@code aws.region} system property set to us-east-1 unless already set. */
    public static synchronized <T> T during(Supplier<T> build) {
        String before = System.getProperty(PROPERTY);
        if (before == null) {
            System.setProperty(PROPERTY, "us-east-1");
        }
        try {
            return build.get();
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            }
        }
    }
}
