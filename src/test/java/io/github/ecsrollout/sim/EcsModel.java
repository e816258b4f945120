package io.github.ecsrollout.sim;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clusters, services, tasks and task definitions of the simulated account. One lock (this object)
 * guards all of it: the simulator serves a handful of threads, and a single lock keeps every step
 * and every answer consistent without further thought.
 */
final class EcsModel {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    /** Stopped tasks are kept per cluster up to this many (ECS keeps them about an hour). */
    private static final int MAX_TASKS_PER_CLUSTER = 10_000;
    private static final Pattern TASK_DEFINITION =
            Pattern.compile("(?:arn:aws[^:]*:ecs:[^:]*:\\d*:task-definition/)?([A-Za-z0-9_-]+)(?::(\\d+))?");

    static final class Cluster {
        final String name;
        final Map<String, SimService> services = new LinkedHashMap<>();
        /** Every task by ARN, oldest first. */
        final LinkedHashMap<String, SimTask> tasks = new LinkedHashMap<>();

        Cluster(String name) {
            this.name = name;
        }
    }

    private final Clock clock;
    private final SplittableRandom random;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final Map<String, Integer> latestRevision = new HashMap<>();
    /** {@code family:revision} → a status other than ACTIVE (INACTIVE, DELETE_IN_PROGRESS). */
    private final Map<String, String> taskDefinitionStatus = new HashMap<>();
    /** {@code family:revision}, or a {@code family} with every revision, that does not exist. */
    private final Set<String> missingTaskDefinitions = new HashSet<>();
    /** {@code family:revision} → its containers' images by name, in order; none unless a test gives them. */
    private final Map<String, Map<String, String>> taskDefinitionImages = new HashMap<>();

    EcsModel(Clock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    Instant now() {
        return clock.instant();
    }

    Clock clock() {
        return clock;
    }

    synchronized Cluster createCluster(String name) {
        return clusters.computeIfAbsent(name, Cluster::new);
    }

    synchronized SimService createService(ServiceSpec spec) {
        Cluster cluster = createCluster(spec.cluster);
        if (cluster.services.containsKey(spec.name)) {
            throw new IllegalStateException("service exists already: " + spec.cluster + "/" + spec.name);
        }
        Instant now = now();
        SimService service = new SimService(this, spec, resolveTaskDefinition(spec.taskDefinition), now);
        cluster.services.put(spec.name, service);
        if (spec.codeDeploy) {
            service.taskSetId = newDeploymentId();
            service.event(now, "has reached a steady state.");
        } else if (spec.deployingFromCreation) {
            service.script.start(service.startDeployment(service.taskDefinition, now));
        } else {
            service.startSteady(now);
        }
        if (!"ACTIVE".equals(spec.status)) {
            service.status = spec.status;
            service.desiredCount = 0;
            service.deployments.forEach(d -> d.desiredCount = 0);
            if ("INACTIVE".equals(spec.status)) {
                service.deactivate();
            }
        }
        return service;
    }

    /** A service deployment by ARN in any cluster, or null. */
    SimServiceDeployment serviceDeployment(String arn) {
        for (Cluster c : clusters.values()) {
            for (SimService s : c.services.values()) {
                for (SimServiceDeployment sd : s.serviceDeployments) {
                    if (sd.arn.equals(arn)) {
                        s.catchUp(now());
                        return sd;
                    }
                }
            }
        }
        return null;
    }

    /** The service deployment (in any cluster, with history) whose target is this service revision, or null. */
    SimServiceDeployment serviceDeploymentTargeting(String revisionArn) {
        for (Cluster c : clusters.values()) {
            for (SimService s : c.services.values()) {
                for (SimServiceDeployment sd : s.serviceDeployments) {
                    if (!sd.missing && sd.targetRevisionArn().equals(revisionArn)) {
                        return sd;
                    }
                }
            }
        }
        return null;
    }

    synchronized SimService service(String cluster, String name) {
        Cluster c = clusters.get(cluster);
        return c == null ? null : c.services.get(name);
    }

    /** A cluster by name or ARN; ECS answers ClusterNotFoundException (400) for anything else. */
    Cluster cluster(String nameOrArn) {
        String name = nameOrArn == null || nameOrArn.isEmpty() ? "default" : afterLast(nameOrArn, "cluster/");
        Cluster c = clusters.get(name);
        if (c == null) {
            throw EcsError.clusterNotFound();
        }
        return c;
    }

    /** A service by name, or by ARN in the new (cluster/name) or old (name) format. */
    static String serviceName(String nameOrArn) {
        if (!nameOrArn.startsWith("arn:")) {
            return nameOrArn;
        }
        String rest = afterLast(nameOrArn, "service/");
        int slash = rest.lastIndexOf('/');
        return slash < 0 ? rest : rest.substring(slash + 1);
    }

    /** Makes every service of the cluster catch up with the clock. */
    void catchUp(Cluster cluster) {
        Instant now = now();
        cluster.services.values().forEach(s -> s.catchUp(now));
    }

    /**
     * UpdateService accepts {@code family:revision}, a full ARN, or a bare family (its latest ACTIVE
     * revision). Any revision is accepted and remembered (as if registered; RegisterTaskDefinition numbers on from it),
     * unless a test made it missing or not ACTIVE: then ECS's ClientException.
     */
    synchronized String resolveTaskDefinition(String ref) {
        TaskDefinitionView td = existing(ref, "TaskDefinition not found.");
        if (!td.status().equals("ACTIVE")) {
            throw new EcsError("ClientException", "TaskDefinition is inactive.");
        }
        latestRevision.merge(td.family(), td.revision(), Math::max);
        return td.arn();
    }

    /**
     * DescribeTaskDefinition: {@code family:revision} or an ARN (any revision exists, as for UpdateService,
     * unless made missing), or a bare family, its latest ACTIVE revision. Reading remembers nothing.
     *
     * @return the ARN, family, revision and status
     */
    synchronized TaskDefinitionView describeTaskDefinition(String ref) {
        return existing(ref, "Unable to describe task definition.");
    }

    /** The revision a reference names, or its family's latest ACTIVE one; ClientException {@code notFound} if none. */
    private TaskDefinitionView existing(String ref, String notFound) {
        Matcher m = taskDefinition(ref);
        String family = m.group(1);
        Integer revision = revision(m);
        if (revision == null || isMissing(family, revision)) {
            throw new EcsError("ClientException", notFound);
        }
        return new TaskDefinitionView(arn("task-definition/" + family + ":" + revision), family, revision,
                taskDefinitionStatus.getOrDefault(family + ":" + revision, "ACTIVE"),
                taskDefinitionImages.getOrDefault(family + ":" + revision, Map.of()));
    }

    /** A task definition reference matched: family, then revision if given; ECS's error for anything else. */
    private static Matcher taskDefinition(String ref) {
        Matcher m = TASK_DEFINITION.matcher(ref);
        if (!m.matches()) {
            throw EcsError.invalidParameter("Invalid revision number. Number: " + ref);
        }
        return m;
    }

    /** The revision a matched reference names, or its family's latest ACTIVE one; {@code null} if it has none. */
    private Integer revision(Matcher m) {
        return m.group(2) != null ? Integer.valueOf(m.group(2)) : latestActive(m.group(1));
    }

    /** A task definition as DescribeTaskDefinition shows it: {@code images} are its containers' by name. */
    record TaskDefinitionView(String arn, String family, int revision, String status, Map<String, String> images) {
    }

    /** Gives a revision container definitions: a name and an image each, in order. */
    synchronized void taskDefinitionImages(String family, int revision, Map<String, String> imagesByContainer) {
        latestRevision.merge(family, revision, Math::max);
        taskDefinitionImages.put(family + ":" + revision, new LinkedHashMap<>(imagesByContainer));
    }

    /** RegisterTaskDefinition's revision: the one after the highest seen of the family, remembered. */
    synchronized int nextRevision(String family) {
        int revision = latestRevision.getOrDefault(family, 0) + 1;
        taskDefinitionStatus(family, revision, "ACTIVE"); // now the family's latest revision, there and ACTIVE
        return revision;
    }

    synchronized void registerTaskDefinition(String family, int revision) {
        latestRevision.merge(family, revision, Math::max);
    }

    /** Gives a revision a status; ACTIVE, INACTIVE or DELETE_IN_PROGRESS. */
    synchronized void taskDefinitionStatus(String family, int revision, String status) {
        latestRevision.merge(family, revision, Math::max);
        missingTaskDefinitions.remove(family + ":" + revision);
        if ("ACTIVE".equals(status)) {
            taskDefinitionStatus.remove(family + ":" + revision);
        } else {
            taskDefinitionStatus.put(family + ":" + revision, status);
        }
    }

    /** Makes {@code family:revision}, or every revision of a bare {@code family}, not exist. */
    synchronized void missingTaskDefinition(String ref) {
        missingTaskDefinitions.add(ref);
    }

    /** The family's latest revision that exists and is ACTIVE, or null when none does. */
    private Integer latestActive(String family) {
        Integer latest = latestRevision.get(family);
        for (int r = latest == null ? 0 : latest; r >= 1; r--) {
            if (!isMissing(family, r) && !taskDefinitionStatus.containsKey(family + ":" + r)) {
                return r;
            }
        }
        return null;
    }

    private boolean isMissing(String family, int revision) {
        return missingTaskDefinitions.contains(family) || missingTaskDefinitions.contains(family + ":" + revision);
    }

    void recordTask(String clusterName, SimTask task) {
        Cluster c = clusters.get(clusterName);
        c.tasks.put(task.arn, task);
        if (c.tasks.size() > MAX_TASKS_PER_CLUSTER) {
            Iterator<SimTask> it = c.tasks.values().iterator();
            while (c.tasks.size() > MAX_TASKS_PER_CLUSTER && it.hasNext()) {
                if (!it.next().isLive()) {
                    it.remove();
                }
            }
        }
    }

    String arn(String resource) {
        return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":" + resource;
    }

    String clusterArn(String cluster) {
        return arn("cluster/" + cluster);
    }

    /** {@code ecs-svc/} and 19 digits, like real deployment ids. */
    String newDeploymentId() {
        return "ecs-svc/" + (1_000_000_000_000_000_000L + random.nextLong(8_000_000_000_000_000_000L));
    }

    /** 21 characters of the kind ECS ends a service-deployment ARN with, unrelated to any other id. */
    String newServiceDeploymentToken() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < 21; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    /** 32 hex digits, like the ids of tasks in clusters created since 2018. */
    String newTaskId() {
        return hex(random.nextLong()) + hex(random.nextLong());
    }

    String newUuid() {
        String h = newTaskId();
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }

    private static String afterLast(String s, String marker) {
        int i = s.lastIndexOf(marker);
        return i < 0 ? s : s.substring(i + marker.length());
    }
}
