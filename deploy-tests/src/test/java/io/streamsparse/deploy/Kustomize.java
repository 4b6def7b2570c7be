package io.streamsparse.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the subset of kustomize the repository's
 * {@code k8s/} uses: {@code resources} (files and kustomization folders), {@code nameSuffix} and {@code labels}
 * (with {@code includeSelectors}) over workloads only, {@code patches} that delete an object ({@code $patch:
 * delete}), and {@code replacements} of existing scalar fields (the target keeps its type, as in kustomize). Any
 * other key or form fails the render, so this never quietly renders something kustomize would render differently;
 * where {@code kubectl} is installed, ManifestsTest also compares the two.
 */
final class Kustomize {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "nameSuffix", "labels",
            "patches", "replacements");
    /** Kinds that nameSuffix and labels may touch: no other object refers to them by name, so no reference moves. */
    private static final Set<String> WORKLOADS = Set.of("StatefulSet", "Deployment");

    private Kustomize() {
    }

    /** The objects of the kustomization in {@code dir}, in kustomize's resource order. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> build(Path dir) throws IOException {
        Map<String, Object> kustomization = loadAll(dir.resolve("kustomization.yaml")).get(0);
        for (String key : kustomization.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml uses '" + key
                        + "', which this renderer does not support (supported: " + SUPPORTED + ")");
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String resource : (List<String>) kustomization.getOrDefault("resources", List.of())) {
            Path path = dir.resolve(resource).normalize();
            objects.addAll(Files.isDirectory(path) ? build(path) : loadAll(path));
        }
        if (kustomization.containsKey("nameSuffix") || kustomization.containsKey("labels")) {
            for (Map<String, Object> o : objects) {
                if (!WORKLOADS.contains(o.get("kind"))) {
                    throw new IllegalArgumentException(dir + ": nameSuffix/labels are supported on " + WORKLOADS
                            + " only, not on " + o.get("kind"));
                }
                if (kustomization.containsKey("nameSuffix")) {
                    metadata(o).put("name", metadata(o).get("name") + (String) kustomization.get("nameSuffix"));
                }
            }
        }
        for (Map<String, Object> label : (List<Map<String, Object>>) kustomization.getOrDefault("labels", List.of())) {
            if (!Boolean.TRUE.equals(label.get("includeSelectors")) || label.size() != 2) {
                throw new IllegalArgumentException(dir + ": only labels with pairs and includeSelectors: true");
            }
            Map<String, Object> pairs = (Map<String, Object>) label.get("pairs");
            for (Map<String, Object> o : objects) {
                // where kustomize's label transformer puts them on a workload
                map(o, "metadata", "labels").putAll(pairs);
                Map<String, Object> spec = (Map<String, Object>) o.get("spec");
                map(spec, "selector", "matchLabels").putAll(pairs);
                map(spec, "template", "metadata", "labels").putAll(pairs);
                for (Map<String, Object> claim : (List<Map<String, Object>>) spec.getOrDefault("volumeClaimTemplates",
                        List.of())) {
                    map(claim, "metadata", "labels").putAll(pairs);
                }
            }
        }
        for (Map<String, Object> patch : (List<Map<String, Object>>) kustomization.getOrDefault("patches", List.of())) {
            Map<String, Object> body = new Yaml().load((String) patch.get("patch"));
            if (!"delete".equals(body.get("$patch")) || patch.size() != 1) {
                throw new IllegalArgumentException(dir + ": only inline '$patch: delete' patches are supported");
            }
            boolean removed = objects.removeIf(o -> Objects.equals(o.get("kind"), body.get("kind"))
                    && Objects.equals(metadata(o).get("name"), ((Map<String, Object>) body.get("metadata")).get("name")));
            if (!removed) {
                throw new IllegalArgumentException(dir + ": the delete patch matches no object: " + body);
            }
        }
        for (Map<String, Object> replacement : (List<Map<String, Object>>) kustomization.getOrDefault("replacements",
                List.of())) {
            replace(dir, objects, replacement);
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static void replace(Path dir, List<Map<String, Object>> objects, Map<String, Object> replacement) {
        Map<String, Object> source = (Map<String, Object>) replacement.get("source");
        List<Map<String, Object>> sources = objects.stream().filter(o -> Objects.equals(o.get("kind"),
                source.get("kind")) && Objects.equals(metadata(o).get("name"), source.get("name"))).toList();
        if (sources.size() != 1 || source.size() != 3) {
            throw new IllegalArgumentException(dir + ": a replacement source must be kind, name and fieldPath of one"
                    + " object: " + source);
        }
        Object value = field(sources.get(0), (String) source.get("fieldPath"));
        for (Map<String, Object> target : (List<Map<String, Object>>) replacement.get("targets")) {
            Map<String, Object> select = (Map<String, Object>) target.get("select");
            List<Map<String, Object>> selected = objects.stream().filter(o -> selects(select, o)).toList();
            if (selected.isEmpty() || target.size() != 2) {
                throw new IllegalArgumentException(dir + ": replacement target selects nothing or has options: "
                        + target);
            }
            for (Map<String, Object> o : selected) {
                for (String fieldPath : (List<String>) target.get("fieldPaths")) {
                    int dot = fieldPath.lastIndexOf('.');
                    Map<String, Object> parent = dot < 0 ? o : (Map<String, Object>) field(o, fieldPath.substring(0, dot));
                    String key = fieldPath.substring(dot + 1);
                    Object old = field(o, fieldPath);
                    if (!(old instanceof Integer) && !(old instanceof String)) {
                        throw new IllegalArgumentException(dir + ": replacement target " + fieldPath + " of "
                                + metadata(o).get("name") + " must be an existing int or string");
                    }
                    // as kustomize: a scalar target keeps its type ("2" into an int field is the int 2)
                    parent.put(key, old instanceof Integer ? Integer.valueOf(value.toString()) : value.toString());
                }
            }
        }
    }

    /** kind, name and one {@code key=value} labelSelector, as far as given. */
    private static boolean selects(Map<String, Object> select, Map<String, Object> o) {
        for (Map.Entry<String, Object> e : select.entrySet()) {
            boolean matches = switch (e.getKey()) {
                case "kind" -> e.getValue().equals(o.get("kind"));
                case "name" -> e.getValue().equals(metadata(o).get("name"));
                case "labelSelector" -> {
                    String[] kv = ((String) e.getValue()).split("=", 2);
                    Object labels = metadata(o).get("labels");
                    yield labels instanceof Map<?, ?> m && kv[1].equals(m.get(kv[0]));
                }
                default -> throw new IllegalArgumentException("unsupported replacement select: " + e.getKey());
            };
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    /** The value at a dotted path of map keys; fails where the path does not exist. */
    @SuppressWarnings("unchecked")
    static Object field(Map<String, Object> object, String dottedPath) {
        Object node = object;
        for (String key : dottedPath.split("\\.")) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                throw new IllegalArgumentException("no field " + dottedPath + " in " + metadata(object).get("name"));
            }
            node = ((Map<String, Object>) m).get(key);
        }
        return node;
    }

    /** The map at {@code keys} below {@code parent}, created where missing. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String... keys) {
        Map<String, Object> node = parent;
        for (String key : keys) {
            node = (Map<String, Object>) node.computeIfAbsent(key, k -> new java.util.LinkedHashMap<>());
        }
        return node;
    }

    /** Every non-empty YAML document of a file. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> loadAll(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(in)) {
                if (doc != null) {
                    docs.add((Map<String, Object>) doc);
                }
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> object) {
        return (Map<String, Object>) object.getOrDefault("metadata", Map.of());
    }

    /** {@code kubectl kustomize DIR} when kubectl is on the PATH; null otherwise. */
    static List<Map<String, Object>> kubectl(Path dir) throws IOException, InterruptedException {
        Path kubectl = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "kubectl"))) {
                kubectl = Path.of(d, "kubectl");
                break;
            }
        }
        if (kubectl == null) {
            return null;
        }
        Path out = Files.createTempFile("kustomize", ".yaml");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + dir + " failed");
        }
        return loadAll(out);
    }
}
