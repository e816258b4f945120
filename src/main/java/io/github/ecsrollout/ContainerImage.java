package io.github.ecsrollout;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * One container of a service revision: its name, the image its task definition names, and the digest ECS resolved
 * that image to when the deployment started (a tag can move later; the digest is what the revision runs). Immutable.
 *
 * <p>Read from DescribeServiceRevisions ({@code containerImages} of the SDK's {@code ServiceRevision}). The digest is
 * empty when ECS recorded none (it resolves no digest when the task definition's {@code versionConsistency} is
 * {@code disabled}).
 */
public final class ContainerImage implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Hex digits of a digest that {@link #toString()} shows, as {@code docker images} shows short ids. */
    static final int SHORT_DIGEST_HEX = 12;

    /** The container's name in the task definition. */
    private final String containerName;
    /** The image as the task definition names it. */
    private final String image;
    /** The digest ECS resolved, or {@code null}. */
    private final String digest;

    private ContainerImage(String containerName, String image, String digest) {
        this.containerName = containerName;
        this.image = image;
        this.digest = digest;
    }

    /**
     * A container's image and digest.
     *
     * @param containerName the container's name in the task definition
     * @param image the image as the task definition names it ({@code repository:tag}, say)
     * @param digest the digest ECS resolved the image to ({@code sha256:...}), or {@code null} when it recorded none
     * @return the value
     * @throws NullPointerException if {@code containerName} or {@code image} is null
     * @throws IllegalArgumentException if {@code containerName} or {@code image} is blank, or {@code digest} is blank
     */
    public static ContainerImage of(String containerName, String image, String digest) {
        requireText(containerName, "containerName");
        requireText(image, "image");
        if (digest != null && digest.isBlank()) {
            throw new IllegalArgumentException("digest must not be blank (null when there is none)");
        }
        return new ContainerImage(containerName, image, digest);
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /**
     * Refuses a stream that lacks what every value has.
     *
     * @param in the stream
     * @throws IOException when it cannot be read, or lacks the container's name or image
     * @throws ClassNotFoundException when a class it names is not on the class path
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (containerName == null || image == null) {
            throw new InvalidObjectException("a ContainerImage needs containerName and image");
        }
    }

    /**
     * The container's name in the task definition.
     *
     * @return the name
     */
    public String containerName() {
        return containerName;
    }

    /**
     * The image as the task definition names it: a tag ({@code repo/web:2}) or a digest ({@code repo/web@sha256:...}).
     *
     * @return the image
     */
    public String image() {
        return image;
    }

    /**
     * The digest ECS resolved the image to for this revision ({@code sha256:} and 64 hex digits).
     *
     * @return the digest; empty when ECS recorded none
     */
    public Optional<String> digest() {
        return Optional.ofNullable(digest);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ContainerImage)) {
            return false;
        }
        ContainerImage that = (ContainerImage) o;
        return containerName.equals(that.containerName) && image.equals(that.image)
                && Objects.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(containerName, image, digest);
    }

    /**
     * {@code container=image@digest}, the digest cut to its algorithm and first 12 hex digits
     * ({@code web=repo/web:2@sha256:0123456789ab}); an image already named by that digest is not repeated.
     *
     * @return the short form, for logs
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(containerName).append('=');
        int at = image.indexOf('@');
        if (at >= 0) {
            sb.append(image, 0, at + 1).append(shorten(image.substring(at + 1)));
            if (digest != null && !digest.equals(image.substring(at + 1))) {
                sb.append(" (resolved ").append(shorten(digest)).append(')');
            }
        } else {
            sb.append(image);
            if (digest != null) {
                sb.append('@').append(shorten(digest));
            }
        }
        return sb.toString();
    }

    /** {@code sha256:} and the first hex digits of a digest; anything else as it is. */
    private static String shorten(String digest) {
        int colon = digest.indexOf(':');
        return colon >= 0 && digest.length() > colon + 1 + SHORT_DIGEST_HEX
                ? digest.substring(0, colon + 1 + SHORT_DIGEST_HEX) : digest;
    }
}
