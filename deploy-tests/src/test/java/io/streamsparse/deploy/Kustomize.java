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
 * {@code k8s/} uses: {@code resources} (files and kustomization folders) and {@code patches} that delete an object
 * ({@code $patch: delete}). Any other kustomization key fails the render, so this never quietly renders something
 * kustomize would render differently; where {@code kubectl} is installed, ManifestsTest also compares the two.
 */
final class Kustomize {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "patches");

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
        return objects;
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
