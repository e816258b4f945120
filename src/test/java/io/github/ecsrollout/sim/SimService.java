package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A simulated ECS service. Its state only moves forward when somebody looks: every read first runs
 * the script steps whose time has come ({@link #catchUp(Instant)}), so a manual clock gives
 * deterministic progressions and a real clock gives a live service, with no background thread.
 *
 * <p>The public methods are for tests and demos that want to poke the service directly (drain it,
 * change its script, peek at its counts); ECS clients see it through the HTTP endpoint.
 */
public final class SimService {

    /** ECS keeps the latest 100 events of a service. */
    private static final int MAX_EVENTS = 100;

    record Event(String id, Instant createdAt, String message) {
    }

    private record Step(Instant at, long seq, int generation, Consumer<Instant> action) {
    }

    final EcsModel model;
    final String clusterName;
    final String name;
    final String arn;
    final Instant createdAt;
    final boolean codeDeploy;
    String status;
    int desiredCount;
    String taskDefinition;
    boolean breakerEnabled;
    boolean breakerRollback;
    int maximumPercent = 200;
    int minimumHealthyPercent = 100;
    /**
     * The rest of deploymentConfiguration as last set (strategy, bakeTimeInMinutes, linearConfiguration,
     * canaryConfiguration, alarms, lifecycleHooks, earlySuccessCriteria): ECS echoes what it was given.
     */
    final ObjectNode configuration = JsonNodeFactory.instance.objectNode();
    ServiceScript script;
    /** Every service deployment, oldest first. */
    final List<SimServiceDeployment> serviceDeployments = new ArrayList<>();
    final boolean staleCurrentServiceDeployment;
    final boolean noServiceDeploymentHistory;
    /** PRIMARY first, then ACTIVE ones newest first, as ECS lists them. */
    final List<Deployment> deployments = new ArrayList<>();
    /** Newest first. */
    final Deque<Event> events = new ArrayDeque<>();
    /** CODE_DEPLOY services have one task set instead of deployments. */
    String taskSetId;

    private final PriorityQueue<Step> steps =
            new PriorityQueue<>(Comparator.comparing(Step::at).thenComparingLong(Step::seq));
    private long stepSeq;
    /** Bumped by every new deployment (and by draining): steps of older generations are dropped. */
    private int generation;

    SimService(EcsModel model, ServiceSpec spec, String taskDefinitionArn, Instant now) {
        this.model = model;
        this.clusterName = spec.cluster;
        this.name = spec.name;
        this.arn = model.arn("service/" + spec.cluster + "/" + spec.name);
        this.createdAt = now;
        this.codeDeploy = spec.codeDeploy;
        this.status = spec.status;
        this.desiredCount = spec.desiredCount;
        this.taskDefinition = taskDefinitionArn;
        this.script = spec.script;
        this.breakerEnabled = spec.circuitBreakerEnabled != null ? spec.circuitBreakerEnabled : spec.script.circuitBreaker;
        this.breakerRollback = spec.circuitBreakerRollback != null ? spec.circuitBreakerRollback : spec.script.rollback;
        this.configuration.setAll(spec.script.configuration);
        this.configuration.setAll(spec.configuration);
        this.staleCurrentServiceDeployment = spec.staleCurrentServiceDeployment;
        this.noServiceDeploymentHistory = spec.noServiceDeploymentHistory;
    }

    // ---- public handle for tests and demos -------------------------------------------------------

    public String name() {
        return name;
    }

    public String arn() {
        return arn;
    }

    public String clusterName() {
        return clusterName;
    }

    /** The script for the next deployments (one already running keeps its own). */
    public void script(ServiceScript next) {
        synchronized (model) {
            this.script = next;
        }
    }

    /** What DeleteService does: status DRAINING, desired 0; the waiter's failure acceptor matches it. */
    public void drain() {
        synchronized (model) {
            catchUp(model.now());
            status = "DRAINING";
            desiredCount = 0;
            generation++;
        }
    }

    /** A deleted service after draining: status INACTIVE, nothing running. */
    public void deactivate() {
        synchronized (model) {
            catchUp(model.now());
            status = "INACTIVE";
            desiredCount = 0;
            generation++;
            for (Deployment d : deployments) {
                d.liveTasks.forEach(t -> t.stop(model.now(), "Service deleted", "ServiceSchedulerInitiated", 0, null));
                d.liveTasks.clear();
                d.desiredCount = 0;
            }
        }
    }

    public int deploymentCount() {
        synchronized (model) {
            catchUp(model.now());
            return deployments.size();
        }
    }

    /** Service-level running count: the sum over all deployments, as ECS reports it. */
    public int runningCount() {
        synchronized (model) {
            catchUp(model.now());
            return deployments.stream().mapToInt(Deployment::runningCount).sum();
        }
    }

    public String taskDefinition() {
        synchronized (model) {
            catchUp(model.now());
            return taskDefinition;
        }
    }

    public String primaryDeploymentId() {
        synchronized (model) {
            catchUp(model.now());
            return deployments.isEmpty() ? null : deployments.get(0).id;
        }
    }

    /**
     * Deploys {@code taskDefinition} as if somebody else had called UpdateService just now: a
     * deployment in progress is replaced (its service deployment goes STOP_REQUESTED, then STOPPED
     * "Replaced by a new service deployment" once its tasks are gone). Returns the new deployment id.
     */
    public String deployAsSomeoneElse(String taskDefinition) {
        synchronized (model) {
            Instant now = model.now();
            catchUp(now);
            Rollout r = startDeployment(model.resolveTaskDefinition(taskDefinition), now);
            script.start(r);
            return r.primary.id;
        }
    }

    /** The ARN of the newest service deployment (what {@code currentServiceDeployment} says, unless stale), or null. */
    public String latestServiceDeploymentArn() {
        synchronized (model) {
            catchUp(model.now());
            return serviceDeployments.isEmpty() ? null : serviceDeployments.get(serviceDeployments.size() - 1).arn;
        }
    }

    /** Event messages, newest first. */
    public List<String> eventMessages() {
        synchronized (model) {
            catchUp(model.now());
            return events.stream().map(Event::message).toList();
        }
    }

    @Override
    public String toString() {
        return "SimService[" + clusterName + "/" + name + ", " + script + "]";
    }

    // ---- model internals (caller holds the model lock) -------------------------------------------

    void catchUp(Instant now) {
        while (!steps.isEmpty() && !steps.peek().at().isAfter(now)) {
            Step step = steps.poll();
            if (step.generation() == generation) {
                step.action().accept(step.at());
            }
        }
    }

    void schedule(Instant at, int gen, Consumer<Instant> action) {
        steps.add(new Step(at, stepSeq++, gen, action));
    }

    /** A service that has been steady for a while: one COMPLETED PRIMARY with all tasks running. */
    void startSteady(Instant now) {
        Deployment d = new Deployment(model.newDeploymentId(), taskDefinition, now);
        d.desiredCount = desiredCount;
        d.rolloutState = "COMPLETED";
        d.rolloutStateReason = "ECS deployment " + d.id + " completed.";
        deployments.add(d);
        SimServiceDeployment sd = recordServiceDeployment(d, List.of(), now);
        sd.succeeded(now);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < desiredCount; i++) {
            ids.add("(task " + startTask(d, now, true).id + ")");
        }
        if (!ids.isEmpty()) {
            event(now, "has started " + ids.size() + " tasks: " + String.join(" ", ids) + ".");
        }
        event(now, "(deployment " + d.id + ") deployment completed.");
        event(now.plusMillis(1), "has reached a steady state.");
    }

    /** A new PRIMARY deployment; the old PRIMARY turns ACTIVE and keeps its tasks until drained. */
    Rollout startDeployment(String newTaskDefinition, Instant now) {
        Deployment previous = deployments.isEmpty() ? null : deployments.get(0);
        if (previous != null) {
            previous.status = "ACTIVE";
            previous.updatedAt = now;
        }
        taskDefinition = newTaskDefinition;
        Deployment d = new Deployment(model.newDeploymentId(), newTaskDefinition, now);
        List<Deployment> sources = List.copyOf(deployments);
        deployments.add(0, d);
        generation++;
        for (SimServiceDeployment older : serviceDeployments) {
            older.stopRequested(REPLACED, now);
        }
        Rollout rollout = new Rollout(this, d, previous, now, generation);
        rollout.serviceDeployment = recordServiceDeployment(d, sources, now);
        rollout.serviceDeployment.rollout = rollout;
        return rollout;
    }

    static final String REPLACED = "Replaced by a new service deployment";

    private SimServiceDeployment recordServiceDeployment(Deployment d, List<Deployment> sources, Instant now) {
        SimServiceDeployment sd = new SimServiceDeployment(this,
                model.arn("service-deployment/" + clusterName + "/" + name + "/" + model.newServiceDeploymentToken()),
                d, sources, deploymentConfiguration(), now);
        sd.missing = noServiceDeploymentHistory;
        serviceDeployments.add(sd);
        return sd;
    }

    /** What {@code Service.currentServiceDeployment} names: the newest, or with a stale spec the one before it. */
    String currentServiceDeployment() {
        int n = serviceDeployments.size() - (staleCurrentServiceDeployment ? 2 : 1);
        return n < 0 ? null : serviceDeployments.get(n).arn;
    }

    /** The whole deploymentConfiguration as DescribeServices shows it. */
    ObjectNode deploymentConfiguration() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.putObject("deploymentCircuitBreaker").put("enable", breakerEnabled).put("rollback", breakerRollback);
        config.put("maximumPercent", maximumPercent);
        config.put("minimumHealthyPercent", minimumHealthyPercent);
        config.put("strategy", "ROLLING");
        config.putObject("alarms").put("rollback", false).put("enable", false).putArray("alarmNames");
        config.setAll(configuration.deepCopy());
        return config;
    }

    /** Stops whatever the running rollout had scheduled; returns the generation new steps must carry. */
    int halt() {
        return ++generation;
    }

    /** An UpdateService that only changes desiredCount: the PRIMARY follows, no new deployment. */
    void scale(Instant now) {
        Deployment primary = deployments.isEmpty() ? null : deployments.get(0);
        if (primary == null) {
            return;
        }
        if (!"COMPLETED".equals(primary.rolloutState)) {
            primary.desiredCount = desiredCount; // a running script reads the new count as it goes
            return;
        }
        generation++;
        Rollout r = new Rollout(this, primary, null, now, generation);
        r.at(java.time.Duration.ZERO, Rollout::rescale);
    }

    SimTask startTask(Deployment d, Instant now, boolean running) {
        String id = model.newTaskId();
        SimTask t = new SimTask(id, model.arn("task/" + clusterName + "/" + id), model.clusterArn(clusterName),
                d.taskDefinition, d.id, "service:" + name, now, running ? "RUNNING" : "PENDING");
        d.liveTasks.add(t);
        d.updatedAt = now;
        model.recordTask(clusterName, t);
        return t;
    }

    void event(Instant at, String message) {
        events.addFirst(new Event(model.newUuid(), at, "(service " + name + ") " + message));
        while (events.size() > MAX_EVENTS) {
            events.removeLast();
        }
    }

    int runningTotal() {
        return deployments.stream().mapToInt(Deployment::runningCount).sum();
    }
}
