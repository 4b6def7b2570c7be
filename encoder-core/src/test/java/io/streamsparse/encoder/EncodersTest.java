package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodersTest {

    @TempDir
    Path dir;

    @Test
    void buildsTheConfiguredEncoders() {
        Path model = TinyModels.write(dir, "m.onnx", TinyModels.Spec.pooled(), TinyModels.tables(3, TinyModels.BERT_VOCAB));
        EncoderConfig config = TinyModels.config(model, 32, 16, 0.01f, 8);
        InferenceFreeQueryEncoderTest.Corpus corpus = new InferenceFreeQueryEncoderTest.Corpus();
        try (OnnxSparseEncoder docs = Encoders.documentEncoder(config);
                SparseEncoder modelQueries = Encoders.queryEncoder("model", config, null);
                SparseEncoder freeQueries = Encoders.queryEncoder("inference-free", config, corpus)) {
            assertInstanceOf(OnnxSparseEncoder.class, modelQueries);
            assertInstanceOf(InferenceFreeQueryEncoder.class, freeQueries);
            assertEquals(docs.encode("hello sparse world"), modelQueries.encode("hello sparse world"));
            assertEquals(3, freeQueries.encode("hello sparse world").nnz());
        }
    }

    @Test
    void rejectsBadModesAndMissingStatistics() {
        EncoderConfig config = EncoderConfig.queryDefaults().withModel(null, TinyModels.TOKENIZER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Encoders.queryEncoder("splade", config, null));
        assertTrue(e.getMessage().contains("'splade'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Encoders.queryEncoder("inference-free", config, null));
        assertTrue(e.getMessage().contains("DocumentFrequencies"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Encoders.queryEncoder((QueryEncoding) null, config, null, false));
    }
}
