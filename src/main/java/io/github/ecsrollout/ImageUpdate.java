package io.github.ecsrollout;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One service to move to new container images: its cluster, its name or ARN, and the image each named container
 * should run. {@link ServiceRollout#rollOutImages} registers a revision of the service's current task definition that
 * differs only in those images, then rolls the service out to it.
 *
 * <p>{@link #of(String, String, String)} names no container: it applies to a task definition with exactly one
 * container definition, and any other count is refused (with the containers' names) before anything is registered.
 *
 * <p>Immutable; {@code equals} compares every part.
 */
public final class ImageUpdate implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The cluster's name or ARN as given; {@code null} for ECS's default cluster. */
    private final String cluster;
    /** The service's name or ARN as given. */
    private final String service;
    /** Container name to image, in the order given; empty when {@link #image} names the only container's. */
    private final Map<String, String> imagesByContainer;
    /** The image of the task definition's only container, or {@code null} when containers are named. */
    private final String image;

    private ImageUpdate(String cluster, String service, Map<String, String> imagesByContainer, String image) {
        this.cluster = cluster;
        this.service = service;
        this.imagesByContainer = imagesByContainer;
        this.image = image;
    }

    /**
     * The named containers of {@code service}'s task definition to run the given images; its other containers keep
     * theirs.
     *
     * @param cluster the cluster's name or ARN; {@code null} is ECS's default cluster
     * @param service the service's name or ARN
     * @param imagesByContainer container name to image ({@code repository:tag} or {@code repository@sha256:...}); at
     *     least one, no blank name or image
     * @return the update
     * @throws NullPointerException if {@code service}, {@code imagesByContainer} or one of its keys or values is null
     * @throws IllegalArgumentException if {@code service} is blank, {@code imagesByContainer} is empty, or a container
     *     name or image is blank
     */
    public static ImageUpdate of(String cluster, String service, Map<String, String> imagesByContainer) {
        String checkedService = service(cluster, service);
        Objects.requireNonNull(imagesByContainer, "imagesByContainer");
        if (imagesByContainer.isEmpty()) {
            throw new IllegalArgumentException("imagesByContainer is empty: name at least one container of "
                    + checkedService + " and its image");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        imagesByContainer.forEach((container, image) -> {
            Objects.requireNonNull(container, "imagesByContainer has a null container name");
            Objects.requireNonNull(image, "imagesByContainer has a null image for container " + container);
            if (container.isBlank()) {
                throw new IllegalArgumentException("imagesByContainer has a blank container name");
            }
            if (image.isBlank()) {
                throw new IllegalArgumentException("imagesByContainer has a blank image for container " + container);
            }
            copy.put(container, image);
        });
        return new ImageUpdate(cluster, checkedService, Collections.unmodifiableMap(copy), null);
    }

    /**
     * The single container of {@code service}'s task definition to run {@code image}. A task definition with no or
     * several container definitions is refused, naming them, before anything is registered.
     *
     * @param cluster the cluster's name or ARN; {@code null} is ECS's default cluster
     * @param service the service's name or ARN
     * @param image the image ({@code repository:tag} or {@code repository@sha256:...})
     * @return the update
     * @throws NullPointerException if {@code service} or {@code image} is null
     * @throws IllegalArgumentException if {@code service} or {@code image} is blank
     */
    public static ImageUpdate of(String cluster, String service, String image) {
        String checkedService = service(cluster, service);
        Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException("image is blank for service " + checkedService);
        }
        return new ImageUpdate(cluster, checkedService, Map.of(), image);
    }

    /**
     * A deserialized update is checked as {@code of} checks one: a stream that lacks the service, names both or
     * neither of an image and containers, or holds a blank or mutable part cannot make an update that registers an
     * unchanged copy or changes under the rollout.
     *
     * @return the update as {@code of} makes it
     * @throws ObjectStreamException ({@code InvalidObjectException}) when {@code of} would refuse the parts
     */
    private Object readResolve() throws ObjectStreamException {
        try {
            if (image != null && (imagesByContainer == null || imagesByContainer.isEmpty())) {
                return of(cluster, service, image);
            }
            if (image != null) {
                throw new IllegalArgumentException("both an image and images by container");
            }
            return of(cluster, service, imagesByContainer);
        } catch (RuntimeException e) {
            InvalidObjectException invalid = new InvalidObjectException("not a valid ImageUpdate: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    private static String service(String cluster, String service) {
        Objects.requireNonNull(service, "service");
        if (service.isBlank()) {
            throw new IllegalArgumentException("service is blank");
        }
        if (cluster != null && cluster.isBlank()) {
            throw new IllegalArgumentException("cluster is blank: pass null for the default cluster");
        }
        return service;
    }

    /**
     * The cluster as given.
     *
     * @return the cluster's name or ARN, or {@code null} for ECS's default cluster: {@code null} rather than an
     *     {@code Optional}, as the SDK's {@code UpdateServiceRequest.cluster()} says it, so that it goes into a request
     *     as it is
     */
    public String cluster() {
        return cluster;
    }

    /**
     * The service as given.
     *
     * @return the service's name or ARN
     */
    public String service() {
        return service;
    }

    /**
     * The images by container name, in the order given; empty for an update of the task definition's only container
     * ({@link #image()}).
     *
     * @return an unmodifiable map of container name to image
     */
    public Map<String, String> imagesByContainer() {
        return imagesByContainer;
    }

    /**
     * The image for the task definition's only container, when no container was named.
     *
     * @return the image, or empty when containers were named ({@link #imagesByContainer()})
     */
    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ImageUpdate)) {
            return false;
        }
        ImageUpdate other = (ImageUpdate) o;
        return Objects.equals(cluster, other.cluster) && service.equals(other.service)
                && imagesByContainer.equals(other.imagesByContainer) && Objects.equals(image, other.image);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cluster, service, imagesByContainer, image);
    }

    @Override
    public String toString() {
        return "ImageUpdate[cluster=" + (cluster == null ? "default" : cluster) + ", service=" + service
                + (image == null ? ", images=" + imagesByContainer : ", image=" + image) + "]";
    }
}
