package io.github.ecsrollout.support;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

/**
 * A Mockito-mocked {@link EcsClient} that answers DescribeServices from a per-service script: the n-th poll of a service
 * gets the n-th scripted answer (the last one repeats). Stubs with {@code any(DescribeServicesRequest.class)}, as a user
 * of the library must, because the SDK waiter rebuilds every request.
 */
public final class ScriptedEcs {

    public final EcsClient ecs = mock(EcsClient.class);
    private final Map<String, List<Service>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    /** Every DescribeServices request, in the order received. */
    public final List<DescribeServicesRequest> describeCalls = Collections.synchronizedList(new ArrayList<>());

    public ScriptedEcs() {
        when(ecs.describeServices(any(DescribeServicesRequest.class))).thenAnswer(inv -> {
            DescribeServicesRequest r = inv.getArgument(0);
            describeCalls.add(r);
            return answer(r);
        });
    }

    /** Scripts a service's answers, poll after poll; a service with no script is MISSING. */
    public ScriptedEcs script(String name, Service... answers) {
        scripts.put(name, List.of(answers));
        return this;
    }

    /** UpdateService answers with the first scripted state of the service, whose PRIMARY becomes the tracked one. */
    public ScriptedEcs acceptUpdates() {
        return acceptUpdates(r -> UpdateServiceResponse.builder()
                .service(scripts.get(Model.shortName(r.service())).get(0)).build());
    }

    public ScriptedEcs acceptUpdates(Function<UpdateServiceRequest, UpdateServiceResponse> answer) {
        when(ecs.updateService(any(UpdateServiceRequest.class))).thenAnswer(inv -> answer.apply(inv.getArgument(0)));
        return this;
    }

    public int polls(String name) {
        AtomicInteger n = polls.get(name);
        return n == null ? 0 : n.get();
    }

    public int describeCallCount() {
        return describeCalls.size();
    }

    private DescribeServicesResponse answer(DescribeServicesRequest r) {
        DescribeServicesResponse.Builder b = DescribeServicesResponse.builder();
        List<Service> services = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (String requested : r.services()) {
            String name = Model.shortName(requested);
            List<Service> script = scripts.get(name);
            if (script == null) {
                failures.add(Failure.builder().arn("arn:aws:ecs:us-east-1:123456789012:service/" + name)
                        .reason("MISSING").build());
                continue;
            }
            int n = polls.computeIfAbsent(name, k -> new AtomicInteger()).getAndIncrement();
            services.add(script.get(Math.min(n, script.size() - 1)));
        }
        return b.services(services).failures(failures).build();
    }
}
