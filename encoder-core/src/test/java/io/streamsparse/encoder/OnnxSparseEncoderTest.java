package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.streamsparse.core.vector.SparseVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxSparseEncoderTest {

    @TempDir
    static Path dir;

    static TinyModels.Tables tables;
    static Path logitsModel;
    static Path pooledModel;

    @BeforeAll
    static void models() {
        tables = TinyModels.tables(42, TinyModels.BERT_VOCAB);
        logitsModel = TinyModels.write(dir, "logits.onnx", TinyModels.Spec.logits(), tables);
        pooledModel = TinyModels.write(dir, "pooled.onnx", TinyModels.Spec.pooled(), tables);
    }

    private static List<SparseVector> reference(List<String> texts, int maxLength, int maxTerms, float minWeight) {
        List<SparseVector> out = new ArrayList<>();
        try (HuggingFaceTokenizer tok = TinyModels.referenceTokenizer(maxLength)) {
            for (String t : texts) {
                out.add(TinyModels.expected(tables, tok.encode(t).getIds(), maxTerms, minWeight));
            }
        }
        return out;
    }

    @Test
    void logitsModelMatchesBruteForceAcrossSubBatches() {
        List<String> texts = TinyModels.randomTexts(1, 23, 40);
        texts.add("");
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 50, 0.01f, 4))) {
            assertEquals(OnnxSparseEncoder.Output.LOGITS, enc.output());
            assertEquals("logits", enc.outputName());
            assertEquals(TinyModels.BERT_VOCAB, enc.vocabularySize());
            assertTrue(enc.feedsAttentionMask());
            assertFalse(enc.feedsTokenTypeIds());
            List<SparseVector> got = enc.encode(texts);
            assertEquals(reference(texts, 64, 50, 0.01f), got);
            assertEquals(24, enc.encodedTexts());
            assertEquals(0, enc.truncatedTexts());
        }
    }

    @Test
    void sessionsShareOneCallsSubBatchesAndGiveTheSameVectors() {
        List<String> texts = TinyModels.randomTexts(8, 41, 40);
        EncoderConfig config = TinyModels.config(logitsModel, 64, 50, 0.01f, 3).withThreads(1, 3);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(config)) {
            assertEquals(reference(texts, 64, 50, 0.01f), enc.encode(texts));      // 14 sub-batches over 3 sessions
            assertEquals(reference(texts.subList(0, 2), 64, 50, 0.01f), enc.encode(texts.subList(0, 2)));
            assertEquals(43, enc.encodedTexts());
        }
        assertEquals(2, OnnxSparseEncoder.intraOpThreads(config.withThreads(2, 3)));
        assertEquals(0, OnnxSparseEncoder.intraOpThreads(config.withThreads(0, 1)));  // ONNX Runtime's default
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                OnnxSparseEncoder.intraOpThreads(config.withThreads(0, 2)));
    }

    @Test
    void batchingAndOrderAreInvisible() {
        List<String> texts = TinyModels.randomTexts(2, 30, 30);
        Collections.shuffle(texts, new Random(7));
        List<SparseVector> one;
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 40, 0.01f, 1))) {
            one = enc.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(one.get(i), enc.encode(texts.get(i)), "text " + i);
            }
        }
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 40, 0.01f, 32))) {
            assertEquals(one, enc.encode(texts));
            List<String> reversed = new ArrayList<>(texts);
            Collections.reverse(reversed);
            List<SparseVector> expected = new ArrayList<>(one);
            Collections.reverse(expected);
            assertEquals(expected, enc.encode(reversed));
        }
    }

    @Test
    void paddedPositionsDoNotLeakIntoPooling() {
        String shortText = "sparse";
        String longText = "debian package manager archive install library kernel network server client daemon";
        try (HuggingFaceTokenizer tok = TinyModels.referenceTokenizer(64)) {
            long[] ids = tok.encode(shortText).getIds();
            long[] padded = TinyModels.concat(ids, new long[tok.encode(longText).getIds().length - ids.length]);
            // sanity: the test is sensitive, pooling over the pad positions would give another vector
            assertNotEquals(TinyModels.expected(tables, ids, 1000, 0f), TinyModels.expected(tables, padded, 1000, 0f));
        }
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 1000, 0f, 8))) {
            List<SparseVector> got = enc.encode(List.of(shortText, longText));
            assertEquals(reference(List.of(shortText, longText), 64, 1000, 0f), got);
            assertEquals(enc.encode(shortText), got.get(0));
        }
    }

    @Test
    void specialTokensNeverBecomeTerms() {
        List<String> texts = List.of("[CLS] a [SEP] b [MASK] [UNK] [PAD] c", "plain words only", "");
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 30522, 0f, 8))) {
            List<SparseVector> got = enc.encode(texts);
            for (SparseVector v : got) {
                for (int s : TinyModels.BERT_SPECIALS) {
                    assertEquals(0f, v.weightOf(s), "special id " + s + " in " + v);
                }
                assertTrue(v.nnz() > 1000, "the tiny model is dense: " + v.nnz());
            }
            assertEquals(reference(texts, 64, 30522, 0f), got);
        }
    }

    @Test
    void truncationIsCountedNotAnError() {
        List<String> texts = List.of("short text", TinyModels.randomTexts(3, 1, 60).get(0) + " one two three four",
                "alpha beta gamma delta epsilon zeta eta theta iota kappa");
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 8, 20, 0.01f, 8))) {
            List<SparseVector> got = enc.encode(texts);
            assertEquals(2, enc.truncatedTexts());
            assertEquals(3, enc.encodedTexts());
            assertEquals(reference(texts, 8, 20, 0.01f), got);
            enc.encode(texts.get(1));
            assertEquals(3, enc.truncatedTexts());
            assertEquals(4, enc.encodedTexts());
        }
    }

    @Test
    void capAndThresholdApply() {
        List<String> texts = TinyModels.randomTexts(4, 12, 30);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 5, 2.0f, 8))) {
            List<SparseVector> got = enc.encode(texts);
            for (SparseVector v : got) {
                assertTrue(v.nnz() <= 5, v.toString());
                for (float w : v.weights()) {
                    assertTrue(w >= 2.0f, v.toString());
                }
            }
            assertEquals(reference(texts, 64, 5, 2.0f), got);
        }
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 64, 256, 100f, 8))) {
            assertSame(SparseVector.EMPTY, enc.encode("nothing reaches this threshold"));
        }
    }

    @Test
    void longTextsRespectTheLogitsBudget() {
        List<String> texts = TinyModels.randomTexts(5, 9, 400);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 256, 64, 0.01f, 32))) {
            assertEquals((int) (OnnxSparseEncoder.LOGITS_FLOATS_PER_RUN / TinyModels.BERT_VOCAB / 256),
                    enc.textsPerRun(256));
            assertEquals(reference(texts, 256, 64, 0.01f), enc.encode(texts));
        }
    }

    @Test
    void pooledModelIsDetectedAndRead() {
        List<String> texts = TinyModels.randomTexts(6, 17, 40);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(pooledModel, 64, 64, 0.01f, 5))) {
            assertEquals(OnnxSparseEncoder.Output.POOLED, enc.output());
            assertEquals("sparse_weights", enc.outputName());
            assertEquals(5, enc.textsPerRun(64));  // only the batch cap: a pooled output has no logits budget
            List<SparseVector> got = enc.encode(texts);
            List<SparseVector> want = reference(texts, 64, 64, 0.01f);
            for (int i = 0; i < texts.size(); i++) {
                // the graph's float log differs from Math.log1p in the last bit; the terms are the same
                assertArrayEquals(want.get(i).termIds(), got.get(i).termIds(), "text " + i);
                for (int k = 0; k < got.get(i).nnz(); k++) {
                    assertEquals(want.get(i).weight(k), got.get(i).weight(k), 1e-6f);
                }
            }
        }
    }

    private static void assertArrayEquals(int[] a, int[] b, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, message);
    }

    @Test
    void optionalInputsAreFedOnlyWhenDeclared() {
        List<String> texts = TinyModels.randomTexts(7, 6, 20);
        List<SparseVector> want = reference(texts, 32, 32, 0.01f);
        TinyModels.Spec[] specs = {
            TinyModels.Spec.logits().withTypes(true),
            TinyModels.Spec.logits().withMask(false),
            TinyModels.Spec.logits().withInt32(true).withTypes(true),
            TinyModels.Spec.logits().withSymbolicVocab(true),
            TinyModels.Spec.logits().withExtraOutput(true),
            TinyModels.Spec.logits().withOutputName("token_logits"),
        };
        for (int i = 0; i < specs.length; i++) {
            Path model = TinyModels.write(dir, "variant" + i + ".onnx", specs[i], tables);
            try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(model, 32, 32, 0.01f, 4))) {
                assertEquals(specs[i].types(), enc.feedsTokenTypeIds(), specs[i].toString());
                assertEquals(specs[i].mask(), enc.feedsAttentionMask(), specs[i].toString());
                assertEquals(specs[i].outputName(), enc.outputName());
                assertEquals(TinyModels.BERT_VOCAB, enc.vocabularySize());
                assertEquals(want, enc.encode(texts), specs[i].toString());
            }
        }
        TinyModels.Spec pooledTyped = TinyModels.Spec.pooled().withTypes(true).withInt32(true).withSymbolicVocab(true);
        Path model = TinyModels.write(dir, "pooled-typed.onnx", pooledTyped, tables);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(model, 32, 32, 0.01f, 4))) {
            assertTrue(enc.feedsTokenTypeIds());
            List<SparseVector> got = enc.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(want.get(i).termIds(), got.get(i).termIds(), "text " + i);
            }
        }
    }

    @Test
    void modelsOutsideTheContractAreRejectedClearly() {
        Path small = TinyModels.write(dir, "small.onnx", TinyModels.Spec.logits().withVocab(1000),
                TinyModels.tables(1, 1000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxSparseEncoder.open(TinyModels.config(small, 32, 32, 0.01f, 4)));
        assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("30522"), e.getMessage());

        Path ambiguous = TinyModels.write(dir, "ambiguous.onnx",
                TinyModels.Spec.logits().withOutputName("scores").withExtraOutput(true), tables);
        e = assertThrows(IllegalArgumentException.class,
                () -> OnnxSparseEncoder.open(TinyModels.config(ambiguous, 32, 32, 0.01f, 4)));
        assertTrue(e.getMessage().contains("scores") && e.getMessage().contains("hidden"), e.getMessage());

        Path missing = dir.resolve("no-such-model.onnx");
        e = assertThrows(IllegalArgumentException.class,
                () -> OnnxSparseEncoder.open(TinyModels.config(missing, 32, 32, 0.01f, 4)));
        assertTrue(e.getMessage().contains("no-such-model.onnx"), e.getMessage());

        Path garbage = dir.resolve("garbage.onnx");
        e = assertThrows(IllegalArgumentException.class, () -> {
            Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
            OnnxSparseEncoder.open(TinyModels.config(garbage, 32, 32, 0.01f, 4));
        });
        assertTrue(e.getMessage().contains("garbage.onnx"), e.getMessage());

        EncoderConfig badTokenizer = TinyModels.config(logitsModel, 32, 32, 0.01f, 4)
                .withModel(logitsModel.toString(), "classpath:/no/such/tokenizer.json");
        e = assertThrows(IllegalArgumentException.class, () -> OnnxSparseEncoder.open(badTokenizer));
        assertTrue(e.getMessage().contains("/no/such/tokenizer.json"), e.getMessage());
    }

    @Test
    void aRealDenseEmbeddingModelIsRefusedWithTheReason() {
        // MiniLM-L6 (int8) from the test-scope jar: real BERT inputs, but its only output is last_hidden_state
        // [B,S,384], which is no term-weight output
        EncoderConfig config = new EncoderConfig("classpath:/all-minilm-l6-v2-q.onnx", TinyModels.TOKENIZER, 32, 32,
                0.01f, 1, 1, 4, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxSparseEncoder.open(config));
        assertTrue(e.getMessage().contains("384") && e.getMessage().contains("30522")
                && e.getMessage().contains("last_hidden_state"), e.getMessage());
    }

    @Test
    void warmupIsNotCountedAndConcurrentCallersAgree() throws Exception {
        List<String> texts = TinyModels.randomTexts(8, 20, 30);
        List<SparseVector> want = reference(texts, 48, 32, 0.01f);
        EncoderConfig config = TinyModels.config(logitsModel, 48, 32, 0.01f, 6).withThreads(1, 2).withWarmup(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(config)) {
            assertEquals(0, enc.encodedTexts());
            assertEquals(0, enc.truncatedTexts());
            List<Future<List<SparseVector>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> enc.encode(texts)));
            }
            for (Future<List<SparseVector>> f : futures) {
                assertEquals(want, f.get());
            }
            assertEquals(160, enc.encodedTexts());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badCallsAndClosedEncoder() {
        OnnxSparseEncoder enc = OnnxSparseEncoder.open(TinyModels.config(logitsModel, 16, 8, 0.01f, 4));
        assertEquals(List.of(), enc.encode(List.of()));
        List<String> withNull = new ArrayList<>(List.of("a", "b"));
        withNull.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.encode(withNull));
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> enc.encode((List<String>) null));
        assertThrows(IllegalArgumentException.class, () -> enc.encode((String) null));
        assertThrows(IllegalArgumentException.class, () -> enc.textsPerRun(0));
        enc.close();
        enc.close();
        assertThrows(IllegalStateException.class, () -> enc.encode("after close"));
    }
}
