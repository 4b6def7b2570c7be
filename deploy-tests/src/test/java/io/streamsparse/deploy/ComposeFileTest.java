package io.streamsparse.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, structurally (no Docker engine runs here, so it is never started by the tests): one image
 * recipe, every long-running service with a health check, dependencies that exist, and Prometheus targets that are
 * the compose services on their ports, Grafana given every variable its provisioning files read.
 */
class ComposeFileTest {

    static final Path ROOT = ManifestsTest.ROOT;
    /** One-shot or on-demand services: no health check. */
    static final Set<String> ONE_SHOT = Set.of("create-topics", "ingest");

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() throws Exception {
        Map<String, Object> compose = Kustomize.loadAll(ROOT.resolve("docker-compose.yml")).get(0);
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyImageIsBuiltFromTheOneDockerfileWithAnExistingModulesJar() throws Exception {
        assertTrue(Files.isRegularFile(ROOT.resolve("docker/Dockerfile")));
        int builds = 0;
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            Map<String, Object> build = (Map<String, Object>) service.getValue().get("build");
            if (build == null) {
                continue;
            }
            builds++;
            assertEquals(".", build.get("context"), service.getKey());
            assertEquals("docker/Dockerfile", build.get("dockerfile"), service.getKey());
            String jar = (String) ((Map<String, Object>) build.get("args")).get("JAR");
            String module = jar.substring(0, jar.indexOf('/'));
            assertTrue(Files.isRegularFile(ROOT.resolve(module).resolve("pom.xml")), service.getKey() + ": " + jar);
            assertTrue(jar.matches(module + "/target/" + module + "-[^/]+-exec\\.jar"), jar);
        }
        assertTrue(builds >= 5);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyServiceHasAHealthCheckAndItsDependenciesExist() throws Exception {
        Map<String, Map<String, Object>> services = services();
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            if (!ONE_SHOT.contains(service.getKey())) {
                assertNotNull(service.getValue().get("healthcheck"), service.getKey() + " has no healthcheck");
            }
            Object dependsOn = service.getValue().get("depends_on");
            Iterable<String> names = dependsOn instanceof Map<?, ?> m ? (Iterable<String>) m.keySet()
                    : dependsOn == null ? List.of() : (List<String>) dependsOn;
            for (String name : names) {
                assertTrue(services.containsKey(name), service.getKey() + " depends on unknown " + name);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusTargetsAreTheComposeServicesOnTheirPorts() throws Exception {
        Map<String, Map<String, Object>> services = services();
        Map<String, String> ports = new HashMap<>();
        services.forEach((name, s) -> {
            Map<String, Object> env = (Map<String, Object>) s.getOrDefault("environment", Map.of());
            if (env.get("SERVER_PORT") != null) {
                ports.put(name, String.valueOf(env.get("SERVER_PORT")));
            }
        });
        ports.put("alertmanager", "9093");
        List<String> targets = new ArrayList<>();
        try (var files = Files.list(ROOT.resolve("monitoring/prometheus/targets"))) {
            for (Path file : files.toList()) {
                for (Map<String, Object> group : (List<Map<String, Object>>) new Yaml().load(Files.readString(file))) {
                    targets.addAll((List<String>) group.get("targets"));
                }
            }
        }
        assertEquals(ports.size(), targets.size(), "one target per service with a port: " + ports + " " + targets);
        for (String target : targets) {
            String host = target.substring(0, target.indexOf(':'));
            assertEquals(ports.get(host), target.substring(target.indexOf(':') + 1), target);
        }
    }

    /** The provisioning files are shared with a local Grafana and read their addresses from the environment. */
    @Test
    @SuppressWarnings("unchecked")
    void grafanaGetsEveryVariableItsProvisioningReads() throws Exception {
        Map<String, Object> env = (Map<String, Object>) services().get("grafana").get("environment");
        List<String> read = new ArrayList<>();
        try (var files = Files.walk(ROOT.resolve("monitoring/grafana/provisioning"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{?([A-Z_]+)")
                        .matcher(Files.readString(file));
                while (m.find()) {
                    read.add(m.group(1));
                }
            }
        }
        assertTrue(read.contains("PROMETHEUS_URL"), read.toString());
        for (String variable : read) {
            assertNotNull(env.get(variable), "grafana's environment lacks " + variable);
        }
    }
}
