package io.streamsparse.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the model and tokenizer locations of an {@link EncoderConfig}: a file path, {@code classpath:<resource>}
 * or {@value EncoderConfig#DEFAULT_LOCATION} (the bundled model under {@value #DEFAULT_DIRECTORY}). Public so that
 * tools and benchmarks can load exactly the bytes the encoder loads.
 */
public final class ModelResources {

    public static final String DEFAULT_DIRECTORY = "/io/streamsparse/encoder/model/";
    public static final String DEFAULT_MODEL_RESOURCE = "/io/streamsparse/encoder/model/model.onnx";
    public static final String DEFAULT_TOKENIZER_RESOURCE = "/io/streamsparse/encoder/model/tokenizer.json";

    private ModelResources() {
    }

    /** True when the bundled default model and tokenizer are both on the class path. */
    public static boolean defaultModelAvailable() {
        return ModelResources.class.getResource(DEFAULT_MODEL_RESOURCE) != null
                && ModelResources.class.getResource(DEFAULT_TOKENIZER_RESOURCE) != null;
    }

    /** The model's bytes. */
    public static byte[] readModel(EncoderConfig config) {
        return read("model", config.modelPath(), DEFAULT_MODEL_RESOURCE);
    }

    /** The tokenizer.json's bytes. */
    public static byte[] readTokenizer(EncoderConfig config) {
        return read("tokenizer", config.tokenizerPath(), DEFAULT_TOKENIZER_RESOURCE);
    }

    /**
     * The file a location names, or null for class path locations (which are read as bytes). ONNX Runtime opens a
     * file path itself, which lets it find external weight files beside the model.
     */
    static Path fileOf(String location) {
        if (EncoderConfig.isDefault(location) || location.startsWith(EncoderConfig.CLASSPATH_PREFIX)) {
            return null;
        }
        Path p = Path.of(location);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no such file: " + location + " (absolute: " + p.toAbsolutePath() + ")");
        }
        return p;
    }

    static byte[] read(String what, String location, String defaultResource) {
        Path file = fileOf(location);
        try {
            if (file != null) {
                return Files.readAllBytes(file);
            }
            String resource = EncoderConfig.isDefault(location)
                    ? defaultResource
                    : location.substring(EncoderConfig.CLASSPATH_PREFIX.length());
            if (!resource.startsWith("/")) {
                resource = "/" + resource;
            }
            try (InputStream in = ModelResources.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException(what + " resource not found: " + location + " ("
                            + resource + ")" + (EncoderConfig.isDefault(location)
                            ? "; the default model is not bundled in this build, configure a path" : ""));
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " from " + location, e);
        }
    }
}
