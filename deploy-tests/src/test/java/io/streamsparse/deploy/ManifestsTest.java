package io.streamsparse.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The Kubernetes manifests, offline: every kustomization (base and overlays) renders; every object is a valid
 * Kubernetes object (typed by the fabric8 Kubernetes model: known kind, no unknown field, right value types); the
 * numbers that follow the shard count agree with it; every workload has memory limits; selectors select something;
 * the PrometheusRule is the repository's alerts.yml; the YAML is yamllint-clean.
 */
class ManifestsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("k8s");
    /** Reads an object by its apiVersion and kind into the fabric8 model class (GenericKubernetesResource if none). */
    static final JsonMapper JSON = JsonMapper.builder().addModule(new SimpleModule()
            .addDeserializer(KubernetesResource.class, new KubernetesDeserializer())).build();

    static Stream<Path> kustomizations() {
        return Stream.of(K8S.resolve("base"), K8S.resolve("overlays/keda"), K8S.resolve("overlays/prometheus-operator"));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void rendersAsKustomizeDoes(Path dir) throws Exception {
        List<Map<String, Object>> objects = Kustomize.build(dir);
        assertFalse(objects.isEmpty());
        List<Map<String, Object>> byKubectl = Kustomize.kubectl(dir);
        if (byKubectl != null) {
            assertEquals(new HashSet<>(byKubectl), new HashSet<>(objects), "kubectl kustomize " + dir);
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyObjectMatchesTheKubernetesSchema(Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : Kustomize.build(dir)) {
            String where = object.get("kind") + "/" + Kustomize.metadata(object).get("name");
            KubernetesResource typed;
            try {
                typed = JSON.convertValue(object, KubernetesResource.class);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
                continue;
            }
            if (typed instanceof GenericKubernetesResource) {
                checkCustomResource(where, object, problems);
            } else {
                unknownFields(where, typed, problems);
            }
            if (!"Namespace".equals(object.get("kind"))) {
                assertEquals("streamsparse", Kustomize.metadata(object).get("namespace"), where + ": namespace");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theSchemaCheckCatchesAMisspelledField() throws Exception {
        Map<String, Object> deployment = new org.yaml.snakeyaml.Yaml().load("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x, namespace: streamsparse}
                spec:
                  replcas: 2
                  template:
                    spec:
                      containers: [{name: c, image: i, resources: {limit: {memory: 1Gi}}}]
                """);
        List<String> problems = new ArrayList<>();
        unknownFields("Deployment/x", JSON.convertValue(deployment, KubernetesResource.class), problems);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("replcas") || problems.get(1).contains("replcas"), problems.toString());
    }

    /** Kinds without a fabric8 model: the fields the manifests rely on. */
    @SuppressWarnings("unchecked")
    private static void checkCustomResource(String where, Map<String, Object> object, List<String> problems) {
        if (!"ScaledObject".equals(object.get("kind")) || !"keda.sh/v1alpha1".equals(object.get("apiVersion"))) {
            problems.add(where + ": unknown kind " + object.get("apiVersion") + " " + object.get("kind"));
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) object.get("spec");
        Set<String> known = Set.of("scaleTargetRef", "minReplicaCount", "maxReplicaCount", "cooldownPeriod",
                "pollingInterval", "idleReplicaCount", "fallback", "advanced", "triggers");
        for (String key : spec.keySet()) {
            if (!known.contains(key)) {
                problems.add(where + ": unknown field spec." + key);
            }
        }
        for (Map<String, Object> trigger : (List<Map<String, Object>>) spec.get("triggers")) {
            Map<String, Object> md = (Map<String, Object>) trigger.get("metadata");
            for (Object value : md.values()) {
                if (!(value instanceof String)) {
                    problems.add(where + ": trigger metadata values must be strings, got " + value);
                }
            }
        }
    }

    /** Fields the typed model did not know (kept in additionalProperties), anywhere in the object. */
    private static void unknownFields(String path, Object node, List<String> problems) throws Exception {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                unknownFields(path + "[" + i++ + "]", item, problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(path + "." + e.getKey(), e.getValue(), problems);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                unknownFields(path + "." + getter.getName().substring(3), value, problems);
            }
        }
    }

    @Test
    void theShardCountIsSetInOnePlace() throws Exception {
        int shards = checkShardNumbers(K8S);
        // a copy of k8s/ in which only SHARDS changed: everything that follows the shard count follows it
        Path copy = Files.createTempDirectory("k8s-shards");
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path from : files.toList()) {
                Path to = copy.resolve(K8S.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        Path configMap = copy.resolve("base/configmap.yaml");
        String line = "SHARDS: \"" + shards + "\"";
        String text = Files.readString(configMap);
        assertEquals(text.indexOf(line), text.lastIndexOf(line), "SHARDS is set once");
        Files.writeString(configMap, text.replace(line, "SHARDS: \"" + (shards + 3) + "\""));
        assertEquals(shards + 3, checkShardNumbers(copy));
        for (String dir : List.of("base", "overlays/keda")) {
            List<Map<String, Object>> byKubectl = Kustomize.kubectl(copy.resolve(dir));
            if (byKubectl != null) {
                assertEquals(new HashSet<>(byKubectl), new HashSet<>(Kustomize.build(copy.resolve(dir))), dir);
            }
        }
    }

    /**
     * Checks the rendered objects of a k8s/ folder against its ConfigMap's SHARDS and INDEX_REPLICA_GROUPS: one
     * index StatefulSet per group with SHARDS pods, the encoder's autoscaling maxima, and query-service's index URLs
     * (its start command run by sh) naming exactly those pods. Returns SHARDS.
     */
    @SuppressWarnings("unchecked")
    static int checkShardNumbers(Path k8s) throws Exception {
        List<Map<String, Object>> base = Kustomize.build(k8s.resolve("base"));
        Map<String, Object> config = (Map<String, Object>) find(base, "ConfigMap", "streamsparse-config").get("data");
        int shards = Integer.parseInt((String) config.get("SHARDS"));
        List<String> groups = List.of(((String) config.get("INDEX_REPLICA_GROUPS")).trim().split("\\s+"));
        assertTrue(groups.size() >= 2, "every shard needs at least 2 replicas (replica groups): " + groups);
        List<String> pods = new ArrayList<>();
        for (String group : groups) {
            Map<String, Object> statefulSet = find(base, "StatefulSet", "index-service-" + group);
            assertEquals(shards, spec(statefulSet).get("replicas"), "index-service-" + group + ": one pod per shard");
            assertEquals(group, ((Map<String, Object>) ((Map<String, Object>) spec(statefulSet).get("selector"))
                    .get("matchLabels")).get("streamsparse.io/replica-group"), "groups select their own pods");
            assertEquals("index-service", spec(statefulSet).get("serviceName"));
            for (int i = 0; i < shards; i++) {
                pods.add("http://index-service-" + group + "-" + i + ".index-service:8082");
            }
        }
        assertEquals(groups.size(), base.stream().filter(o -> "StatefulSet".equals(o.get("kind"))
                && ((String) Kustomize.metadata(o).get("name")).startsWith("index-service")).count(),
                "an index StatefulSet for each of INDEX_REPLICA_GROUPS and no other");
        assertEquals(shards, spec(find(base, "HorizontalPodAutoscaler", "encoder-service")).get("maxReplicas"),
                "encoder replicas beyond the partition count idle");
        assertEquals(pods, List.of(queryServiceIndexUrls(find(base, "Deployment", "query-service"), config)
                .split(",")));
        List<Map<String, Object>> keda = Kustomize.build(k8s.resolve("overlays/keda"));
        assertEquals(shards, spec(find(keda, "ScaledObject", "encoder-service")).get("maxReplicaCount"));
        assertTrue(keda.stream().noneMatch(o -> "HorizontalPodAutoscaler".equals(o.get("kind"))
                && "encoder-service".equals(Kustomize.metadata(o).get("name"))), "KEDA owns the encoder's HPA");
        return shards;
    }

    /** query-service's start command run by sh with the ConfigMap's environment and a java that prints its URLs. */
    @SuppressWarnings("unchecked")
    private static String queryServiceIndexUrls(Map<String, Object> deployment, Map<String, Object> config)
            throws Exception {
        Map<String, Object> container = ((List<Map<String, Object>>) spec((Map<String, Object>) spec(deployment)
                .get("template")).get("containers")).get(0);
        List<String> command = (List<String>) container.get("command");
        Path bin = Files.createTempDirectory("fake-java");
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a; do case $a in --streamsparse.query.index-urls=*) "
                + "echo \"${a#*=}\";; esac; done\n");
        assertTrue(fakeJava.toFile().setExecutable(true));
        ProcessBuilder sh = new ProcessBuilder(command).redirectErrorStream(true);
        config.forEach((k, v) -> sh.environment().put(k, (String) v));
        sh.environment().put("JAVA_OPTS", "");
        sh.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        Process p = sh.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyWorkloadHasRequestsAndAMemoryLimitAndEverySelectorSelectsPods() throws Exception {
        List<Map<String, Object>> base = Kustomize.build(K8S.resolve("base"));
        List<Map<String, Object>> podLabels = new ArrayList<>();
        for (Map<String, Object> o : base) {
            Map<String, Object> template = (Map<String, Object>) spec(o).get("template");
            if (template == null) {
                continue;
            }
            Map<String, Object> podMeta = Kustomize.metadata(template);
            assertFalse(podMeta.containsKey("annotations") && ((Map<String, Object>) podMeta.get("annotations"))
                    .keySet().stream().anyMatch(k -> k.startsWith("prometheus.io/")),
                    "scraping is configured by prometheus.yml / the PodMonitor, not annotations");
            podLabels.add((Map<String, Object>) podMeta.get("labels"));
            for (Map<String, Object> c : (List<Map<String, Object>>) spec(template).get("containers")) {
                Map<String, Object> resources = (Map<String, Object>) c.get("resources");
                String where = o.get("kind") + "/" + Kustomize.metadata(o).get("name");
                assertNotNull(resources, where + " has no resources");
                assertNotNull(((Map<String, Object>) resources.get("limits")).get("memory"), where + " memory limit");
                assertNotNull(((Map<String, Object>) resources.get("requests")).get("memory"), where + " memory");
                assertNotNull(((Map<String, Object>) resources.get("requests")).get("cpu"), where + " cpu request");
            }
        }
        for (Map<String, Object> o : base) {
            Map<String, Object> selector = switch ((String) o.get("kind")) {
                case "Service" -> (Map<String, Object>) spec(o).get("selector");
                case "PodDisruptionBudget" -> (Map<String, Object>) ((Map<String, Object>) spec(o).get("selector"))
                        .get("matchLabels");
                case "NetworkPolicy" -> (Map<String, Object>) ((Map<String, Object>) spec(o).get("podSelector"))
                        .get("matchLabels");
                default -> null;
            };
            if (selector != null && !selector.isEmpty()) {
                assertTrue(podLabels.stream().anyMatch(l -> l.entrySet().containsAll(selector.entrySet())),
                        o.get("kind") + "/" + Kustomize.metadata(o).get("name") + " selects no pod: " + selector);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrometheusRuleIsTheRepositorysAlertRules() throws Exception {
        Map<String, Object> rule = Kustomize.loadAll(K8S.resolve("overlays/prometheus-operator/prometheus-rule.yaml"))
                .get(0);
        Map<String, Object> alerts = Kustomize.loadAll(ROOT.resolve("monitoring/prometheus/alerts.yml")).get(0);
        assertEquals(alerts.get("groups"), spec(rule).get("groups"),
                "prometheus-rule.yaml differs from monitoring/prometheus/alerts.yml: run scripts/k8s-prometheus-rule.sh");
    }

    /** The PodMonitor scrapes what prometheus.yml scrapes elsewhere: same jobs, path, interval. */
    @Test
    @SuppressWarnings("unchecked")
    void thePodMonitorScrapesAsPrometheusYmlDoes() throws Exception {
        Map<String, Object> prometheus = Kustomize.loadAll(ROOT.resolve("monitoring/prometheus/prometheus.yml")).get(0);
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
        Map<String, Object> podMonitor = find(Kustomize.build(K8S.resolve("overlays/prometheus-operator")),
                "PodMonitor", "streamsparse");
        assertEquals("app.kubernetes.io/name", spec(podMonitor).get("jobLabel"), "job label = app name");
        List<Map<String, Object>> expressions = (List<Map<String, Object>>) ((Map<String, Object>) spec(podMonitor)
                .get("selector")).get("matchExpressions");
        assertEquals(jobs.stream().map(j -> j.get("job_name")).toList(), expressions.get(0).get("values"));
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec(podMonitor).get("podMetricsEndpoints");
        for (Map<String, Object> job : jobs) {
            assertEquals(job.get("metrics_path"), endpoints.get(0).get("path"), "metrics path of " + job);
        }
        assertEquals(((Map<String, Object>) prometheus.get("global")).get("scrape_interval"),
                endpoints.get(0).get("interval"), "scrape interval");
    }

    @Test
    void theRepositoryIsYamllintClean() throws Exception {
        boolean installed = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "yamllint")));
        if (!installed && "true".equals(System.getenv("CI"))) {
            fail("CI=true but yamllint is not on the PATH: .ci/run installs Debian's yamllint");
        }
        Assumptions.assumeTrue(installed, "yamllint is not installed (apt-get install yamllint)");
        // the repository's .yamllint.yml: default rules, lines up to 120 characters
        Process p = new ProcessBuilder("yamllint", "-f", "parsable", ".").directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertEquals("", output.strip());
    }

    /**
     * docs/BENCHMARKS.md, "Resident memory budget": a service's resident memory stays within its heap plus
     * {@link #NATIVE_BUDGET_BYTES} (what the JVM keeps off the heap, and ONNX Runtime with the model where one runs;
     * measured at most 462 MiB). Every service container's memory limit must hold that budget for the heap its
     * {@code JAVA_OPTS} give it ({@code -Xmx}, or {@code -XX:MaxRAMPercentage} of the limit), so that a pod within
     * its budget is never OOM-killed.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyServiceMemoryLimitHoldsItsResidentBudget() throws Exception {
        List<Map<String, Object>> base = Kustomize.build(K8S.resolve("base"));
        Map<String, Object> config = (Map<String, Object>) find(base, "ConfigMap", "streamsparse-config").get("data");
        int checked = 0;
        for (Map<String, Object> o : base) {
            Map<String, Object> template = (Map<String, Object>) spec(o).get("template");
            if (template == null) {
                continue;
            }
            for (Map<String, Object> c : (List<Map<String, Object>>) spec(template).get("containers")) {
                if (!String.valueOf(c.get("image")).matches("streamsparse/(query|encoder|index)-service:.*")) {
                    continue;
                }
                String where = o.get("kind") + "/" + Kustomize.metadata(o).get("name");
                String javaOpts = ((List<Map<String, Object>>) c.getOrDefault("env", List.of())).stream()
                        .filter(e -> "JAVA_OPTS".equals(e.get("name"))).map(e -> (String) e.get("value")).findFirst()
                        .orElse((String) config.get("JAVA_OPTS"));
                long limit = quantityBytes((String) ((Map<String, Object>) ((Map<String, Object>) c.get("resources"))
                        .get("limits")).get("memory"));
                long heap = heapBytes(javaOpts, limit);
                assertTrue(heap + NATIVE_BUDGET_BYTES <= limit, where + ": heap " + heap / MIB + " MiB (" + javaOpts
                        + ") + " + NATIVE_BUDGET_BYTES / MIB + " MiB off the heap exceeds the memory limit "
                        + limit / MIB + " MiB");
                checked++;
            }
        }
        assertTrue(checked >= 3, "query, encoder and index containers checked: " + checked);
    }

    private static final long MIB = 1L << 20;
    /** A service's resident memory beyond its heap: docs/BENCHMARKS.md, "Resident memory budget". */
    static final long NATIVE_BUDGET_BYTES = 512 * MIB;

    /** The heap {@code javaOpts} give a JVM in a container with memory limit {@code limit}. */
    static long heapBytes(String javaOpts, long limit) {
        Matcher xmx = Pattern.compile("-Xmx(\\d+[kKmMgG]?)").matcher(javaOpts);
        if (xmx.find()) {
            return quantityBytes(xmx.group(1));
        }
        Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)")
                .matcher(javaOpts);
        if (percent.find()) {
            return (long) (limit * Double.parseDouble(percent.group(1)) / 100);
        }
        throw new AssertionError("JAVA_OPTS sets no heap size (-Xmx or -XX:MaxRAMPercentage): " + javaOpts);
    }

    /** A Kubernetes memory quantity ({@code 1536Mi}, {@code 4Gi}) or a JVM size ({@code 512m}, {@code 1g}) in bytes. */
    static long quantityBytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)([KMG]i|[kKmMgG])?").matcher(quantity);
        assertTrue(m.matches(), "not a memory quantity: " + quantity);
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null ? n : switch (m.group(2).substring(0, 1).toUpperCase(Locale.ROOT)) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(Kustomize.metadata(o)
                .get("name"))).findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(Map<String, Object> object) {
        return (Map<String, Object>) object.getOrDefault("spec", Map.of());
    }
}
