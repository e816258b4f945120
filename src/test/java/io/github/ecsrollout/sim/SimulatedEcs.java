package io.github.ecsrollout.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * A simulated Amazon ECS endpoint on 127.0.0.1 (ephemeral port), stateful and scriptable, for
 * integration tests, the demo and the benchmarks. It speaks awsJson1_1 like ECS, so the real AWS
 * SDK v2 {@link EcsClient} (and its EcsWaiter) talks to it unchanged.
 *
 * <pre>{@code
 * SimClock clock = SimClock.manual();                  // or SimulatedEcs.start() for real time
 * try (SimulatedEcs ecs = SimulatedEcs.start(clock)) {
 *     ecs.createService("prod", "web", ServiceScript.stableAfter(Duration.ofSeconds(30)));
 *     ecs.createService(ServiceSpec.of("prod", "api").desiredCount(3)
 *             .script(ServiceScript.circuitBreakerFails(Duration.ofSeconds(20), true, Duration.ofSeconds(10))));
 *     EcsClient client = ecs.client();                  // closed with the simulator
 *     client.updateService(b -> b.cluster("prod").service("web").taskDefinition("web:2"));
 *     clock.advance(Duration.ofSeconds(31));            // the rollout is done
 *     ecs.faults().next(2, "DescribeServices").throttle();
 *     client.describeServices(b -> b.cluster("prod").services("web", "api"));
 *     assert ecs.stats().maxServicesPerDescribeServices() <= 10;
 * }
 * }</pre>
 *
 * <p>Operations: DescribeServices, UpdateService, DescribeTaskDefinition, RegisterTaskDefinition, ListTasks,
 * DescribeTasks and the four on service deployments. State
 * moves on the given {@link Clock} and only when read, so a manual clock makes every progression deterministic.
 * {@link #rateLimits(boolean)} adds ECS's request throttling, on the same clock.
 */
public final class SimulatedEcs implements AutoCloseable {

    private static final int DEFAULT_THREADS = 4;
    private static final AtomicInteger SERVER_IDS = new AtomicInteger();

    private final EcsModel model;
    private final EcsApi api;
    private final Faults faults = new Faults();
    private final SimStats stats = new SimStats();
    private final RateLimits rateLimits;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;
    private final List<EcsClient> clients = new CopyOnWriteArrayList<>();
    private final List<Meanwhile> meanwhile = new CopyOnWriteArrayList<>();

    /**
     * A call the simulated ECS has answered, as a {@link #meanwhile} action sees it: its operation, its request and
     * answer bodies (an error document for an error), and the HTTP status (-1 for an answer a fault drops halfway, as
     * {@link SimStats} counts it).
     */
    public record Answered(String operation, JsonNode request, JsonNode answer, int httpStatus) {

        /** The request's {@code service}, or {@code null}. */
        public String service() {
            return request.path("service").asText(null);
        }

        /** The request's {@code services} (DescribeServices), or none. */
        public List<String> services() {
            List<String> names = new ArrayList<>();
            request.path("services").forEach(n -> names.add(n.asText()));
            return names;
        }

        /** Whether ECS answered 200. */
        public boolean ok() {
            return httpStatus == 200;
        }
    }

    /**
     * One action of {@link #meanwhile}: runs on each call that {@code when} accepts until it returns true, one call at
     * a time. It may itself call the simulator (someone else's UpdateService), but not with a call its {@code when}
     * accepts: that call would wait for the action that made it.
     */
    private static final class Meanwhile {
        private final Predicate<Answered> when;
        private final Predicate<Answered> action;
        private volatile boolean done;

        Meanwhile(Predicate<Answered> when, Predicate<Answered> action) {
            this.when = Objects.requireNonNull(when, "when");
            this.action = Objects.requireNonNull(action, "action");
        }

        /** Runs the action if the call is one for it; whether it is done now. */
        boolean offer(Answered call) {
            if (done || !when.test(call)) {
                return done;
            }
            synchronized (this) {
                if (done) {
                    return true;
                }
                try {
                    done = action.test(call);
                } catch (RuntimeException | AssertionError e) {
                    // A test's action that fails must not look like a hang of ECS: it is reported, and done.
                    e.printStackTrace();
                    done = true;
                }
                return done;
            }
        }
    }

    private SimulatedEcs(Clock clock, int threads) throws IOException {
        // Without TCP_NODELAY each answer waits ~40 ms for the client's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.model = new EcsModel(clock, 42);
        this.api = new EcsApi(model);
        this.rateLimits = new RateLimits(clock);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        int id = SERVER_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "simulated-ecs-" + id + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", new EcsHttpHandler(api, model, faults, stats, rateLimits, this::answered));
        server.start();
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A simulator on real time. */
    public static SimulatedEcs start() {
        return start(Clock.systemUTC());
    }

    /** A simulator on the given clock, typically a {@link SimClock} a test advances. */
    public static SimulatedEcs start(Clock clock) {
        return start(clock, DEFAULT_THREADS);
    }

    /** {@code threads} bounds concurrent requests (and sleeping, delayed ones). */
    public static SimulatedEcs start(Clock clock, int threads) {
        try {
            return new SimulatedEcs(clock, threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public Clock clock() {
        return model.clock();
    }

    /** Creates the cluster if needed; createService does it too. Any other cluster is ClusterNotFoundException. */
    public void createCluster(String name) {
        model.createCluster(name);
    }

    /** A service steady on {@code NAME:1} with 2 tasks; {@code script} drives its next deployments. */
    public SimService createService(String cluster, String name, ServiceScript script) {
        return createService(ServiceSpec.of(cluster, name).script(script));
    }

    public SimService createService(ServiceSpec spec) {
        return model.createService(spec);
    }

    /** The service, or null. */
    public SimService service(String cluster, String name) {
        return model.service(cluster, name);
    }

    /** Makes a bare family in UpdateService resolve to this revision (if it is the latest seen). */
    public void registerTaskDefinition(String family, int revision) {
        model.registerTaskDefinition(family, revision);
    }

    /**
     * Gives a task definition revision a status, {@code INACTIVE} (deregistered) or {@code DELETE_IN_PROGRESS},
     * which DescribeTaskDefinition reports and UpdateService refuses (ClientException); {@code ACTIVE} undoes it.
     */
    public void taskDefinitionStatus(String family, int revision, String status) {
        model.taskDefinitionStatus(family, revision, status);
    }

    /**
     * Gives {@code family:revision} container definitions, a name and an image each (in the map's order), which
     * DescribeTaskDefinition then reports; a revision has none otherwise.
     */
    public void taskDefinitionImages(String family, int revision, Map<String, String> imagesByContainer) {
        model.taskDefinitionImages(family, revision, imagesByContainer);
    }

    /**
     * Makes {@code family:revision}, or every revision of a bare {@code family}, not exist: DescribeTaskDefinition
     * answers ClientException "Unable to describe task definition.", UpdateService "TaskDefinition not found.".
     */
    public void missingTaskDefinition(String familyOrRevision) {
        model.missingTaskDefinition(familyOrRevision);
    }

    /** The RegisterTaskDefinition requests received, in order, as sent (awsJson bodies). */
    public List<JsonNode> registrations() {
        synchronized (model) {
            return api.taskDefinitions.registrations();
        }
    }

    /** Writes timestamps as ECS sometimes does, 1.620044996111E9, instead of 1620044996.111. */
    public void scientificTimestamps(boolean on) {
        api.scientificTimestamps = on;
    }

    public Faults faults() {
        return faults;
    }

    public SimStats stats() {
        return stats;
    }

    /**
     * Turns ECS's request throttling on or off: token buckets per operation, as ECS's, refilled on this simulator's
     * clock ({@link RateLimits}). Off unless turned on.
     */
    public SimulatedEcs rateLimits(boolean on) {
        rateLimits.enable(on);
        return this;
    }

    /** The rate limits' buckets and what they throttled. */
    public RateLimits rateLimits() {
        return rateLimits;
    }

    /**
     * Does what a test wants to happen "meanwhile" (someone else deploys, an operator continues a paused deployment, a
     * burst of faults starts) on the server's thread, once ECS has answered a call that {@code when} accepts and before
     * that answer goes out: the caller, who waits for it, cannot make another call first, whatever the clock and
     * however busy the machine. {@code action} runs on each such call until it returns {@code true}, then no more.
     * Calls that never reach the model (throttled by the rate limits, answered by a fault) do not count.
     */
    public SimulatedEcs meanwhile(Predicate<Answered> when, Predicate<Answered> action) {
        meanwhile.add(new Meanwhile(when, action));
        return this;
    }

    /** {@link #meanwhile(Predicate, Predicate)} done once, on the first call that {@code when} accepts. */
    public SimulatedEcs once(Predicate<Answered> when, Consumer<Answered> action) {
        return meanwhile(when, a -> {
            action.accept(a);
            return true;
        });
    }

    /**
     * Once ECS accepts an UpdateService of {@code service} in {@code cluster} (as the request names them), the
     * service's later deployments (a restore, someone else's) follow {@code later}; the deployment that update started
     * keeps the script it started with. Staged before ECS's answer goes out, so no call of the caller's comes first:
     * "only the new revision fails; the old one, put back, starts fine".
     */
    public SimulatedEcs afterUpdateOf(String cluster, String service, ServiceScript later) {
        Objects.requireNonNull(later, "later");
        return once(a -> a.operation().equals("UpdateService") && a.ok() && service.equals(a.service())
                && cluster.equals(a.request().path("cluster").asText(null)),
                a -> service(cluster, service).script(later));
    }

    private void answered(Answered call) {
        for (Meanwhile m : meanwhile) {
            if (m.offer(call)) {
                meanwhile.remove(m);
            }
        }
    }

    /** How long the rollback that StopServiceDeployment(ROLLBACK) asks for takes; 10 s unless set. */
    public SimulatedEcs stopRollbackTakes(Duration takes) {
        api.serviceDeployments.stopRollbackTakes = Objects.requireNonNull(takes, "takes");
        return this;
    }

    /** A real SDK client against this endpoint, with the SDK's default retries and timeouts. */
    public EcsClient client() {
        return client(o -> { });
    }

    /** A real SDK client against this endpoint; it is closed when the simulator is. */
    public EcsClient client(Consumer<ClientOverrideConfiguration.Builder> override) {
        EcsClient client = clientFor(endpoint, override);
        clients.add(client);
        return client;
    }

    /** The SDK client any caller would build, pointed at {@code endpoint}; the caller closes it. */
    public static EcsClient clientFor(URI endpoint, Consumer<ClientOverrideConfiguration.Builder> override) {
        return EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override)
                .build();
    }

    /**
     * The SDK's standard retry strategy (throttling and 5xx retried, same conditions) with
     * millisecond backoffs, so tests of retries do not wait seconds.
     */
    public static RetryStrategy fastRetries(int maxAttempts) {
        BackoffStrategy quick = BackoffStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(10));
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(maxAttempts)
                .backoffStrategy(quick)
                .throttlingBackoffStrategy(quick)
                .circuitBreakerEnabled(false)
                .build();
    }

    @Override
    public void close() {
        clients.forEach(EcsClient::close);
        server.stop(0);
        executor.shutdownNow();
    }
}
