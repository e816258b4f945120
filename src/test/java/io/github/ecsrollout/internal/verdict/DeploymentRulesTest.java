package io.github.ecsrollout.internal.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Service;

class DeploymentRulesTest {

    @Test
    void aServiceRunsItsPrimaryDeploymentsTaskDefinitionElseTheOneItNames() {
        Service rollingBack = Service.builder().taskDefinition("web:9")
                .deployments(d -> d.id("ecs-svc/2").status("ACTIVE").taskDefinition("web:9"),
                        d -> d.id("ecs-svc/1").status("PRIMARY").taskDefinition("web:8"))
                .build();
        Service noDeployments = Service.builder().taskDefinition("web:9").build();

        assertEquals("web:8", DeploymentRules.runningTaskDefinition(rollingBack));
        assertEquals("web:9", DeploymentRules.runningTaskDefinition(noDeployments));
    }
}
