package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EncoderConfigTest {

    private static final EncoderConfig D = EncoderConfig.documentDefaults();

    private static void rejects(String expectedFragment, Supplier<EncoderConfig> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().contains(expectedFragment), "'" + e.getMessage() + "' lacks '" + expectedFragment + "'");
    }

    @Test
    void defaults() {
        assertEquals(EncoderConfig.DEFAULT_LOCATION, D.modelPath());
        assertEquals(EncoderConfig.DEFAULT_LOCATION, D.tokenizerPath());
        assertEquals(256, D.maxLength());
        assertEquals(128, D.maxTerms());
        assertEquals(0.01f, D.minWeight());
        assertEquals(0, D.intraOpThreads());
        assertEquals(1, D.sessions());
        assertEquals(32, D.maxBatchSize());
        assertTrue(D.warmup());
        EncoderConfig q = EncoderConfig.queryDefaults();
        assertEquals(64, q.maxLength());
        assertEquals(64, q.maxTerms());
    }

    @Test
    void nullLocationMeansTheBundledModel() {
        EncoderConfig c = D.withModel(null, null);
        assertEquals(EncoderConfig.DEFAULT_LOCATION, c.modelPath());
        assertEquals(EncoderConfig.DEFAULT_LOCATION, c.tokenizerPath());
        assertTrue(EncoderConfig.isDefault(null));
        assertTrue(EncoderConfig.isDefault(" classpath:default "));
        assertFalse(EncoderConfig.isDefault("/models/model.onnx"));
        assertEquals("/models/model.onnx", D.withModel(" /models/model.onnx ", "t.json").modelPath());
    }

    @Test
    void badValuesAreRejectedWithTheValue() {
        rejects("'  '", () -> D.withModel("  ", null));
        rejects("tokenizerPath", () -> D.withModel(null, ""));
        rejects("'classpath:'", () -> D.withModel("classpath:", null));
        rejects("maxLength must be >= 2", () -> D.withMaxLength(1));
        rejects("was -5", () -> D.withMaxLength(-5));
        rejects("maxTerms must be >= 1, was 0", () -> D.withPruning(0, 0.01f));
        rejects("minWeight must be finite and >= 0, was -0.5", () -> D.withPruning(10, -0.5f));
        rejects("was NaN", () -> D.withPruning(10, Float.NaN));
        rejects("was Infinity", () -> D.withPruning(10, Float.POSITIVE_INFINITY));
        rejects("intraOpThreads must be >= 0", () -> D.withThreads(-1, 1));
        rejects("sessions must be >= 1, was 0", () -> D.withThreads(1, 0));
        rejects("maxBatchSize must be >= 1, was 0", () -> D.withMaxBatchSize(0));
    }

    @Test
    void withersChangeOneThing() {
        EncoderConfig c = D.withMaxLength(128).withPruning(100, 0.1f).withThreads(4, 2).withMaxBatchSize(8)
                .withWarmup(false).withModel("m.onnx", "t.json");
        assertEquals(new EncoderConfig("m.onnx", "t.json", 128, 100, 0.1f, 4, 2, 8, false), c);
    }

    @Test
    void missingDefaultModelIsExplained() {
        org.junit.jupiter.api.Assumptions.assumeFalse(ModelResources.defaultModelAvailable(),
                "the default model is bundled");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelResources.readModel(D));
        assertTrue(e.getMessage().contains("not bundled"), e.getMessage());
    }
}
