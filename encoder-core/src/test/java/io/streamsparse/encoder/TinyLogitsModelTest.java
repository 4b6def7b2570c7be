package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The encoder on a real (random-weight) 2-layer BERT exported with a {@code logits [B,S,30522]} output
 * ({@code tiny-logits-model.onnx}, written by training/train.py's {@code tiny} stage): unlike the hand-built tiny
 * models, attention mixes positions, so only a correctly fed attention mask makes a padded text's logits equal to
 * its unpadded ones. The reference runs ONNX Runtime on each text alone (batch 1, no padding) and pools naively.
 */
class TinyLogitsModelTest {

    private static final String RESOURCE = "/io/streamsparse/encoder/tiny-logits-model.onnx";
    private static final int MAX_LENGTH = 64; // the model has 128 positions

    @BeforeEach
    void requireModel() {
        assumeTrue(getClass().getResource(RESOURCE) != null, RESOURCE + " absent");
    }

    private static EncoderConfig config(int maxTerms, float minWeight, int maxBatchSize) {
        return new EncoderConfig("classpath:" + RESOURCE, TinyModels.TOKENIZER, MAX_LENGTH, maxTerms, minWeight, 1, 1,
                maxBatchSize, true);
    }

    /** Logits of one unpadded text, [S][V], from a plain ONNX Runtime run. */
    private static float[][] logits(OrtSession session, long[] ids, int padTo) throws OrtException {
        long[][] in = {Arrays.copyOf(ids, padTo)};
        long[][] mask = new long[1][padTo];
        Arrays.fill(mask[0], 1L); // deliberately all ones: used with padTo > ids.length only for the sanity check
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor a = OnnxTensor.createTensor(env, in);
                OnnxTensor m = OnnxTensor.createTensor(env, mask);
                OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m))) {
            return ((float[][][]) r.get(0).getValue())[0];
        }
    }

    /** Naive SPLADE over the first {@code length} rows, every term kept: dense weights. */
    private static float[] pool(float[][] logits, int length) {
        float[] w = new float[logits[0].length];
        for (int j = 0; j < w.length; j++) {
            if (TinyModels.BERT_SPECIALS.contains(j)) {
                continue;
            }
            float max = 0f;
            for (int s = 0; s < length; s++) {
                max = Math.max(max, logits[s][j]);
            }
            w[j] = (float) Math.log1p(max);
        }
        return w;
    }

    @Test
    void batchedPaddedEncodingMatchesEachTextAlone() throws Exception {
        List<String> texts = TinyModels.randomTexts(31, 12, 50);
        byte[] bytes = ModelResources.read("model", "classpath:" + RESOURCE, RESOURCE);
        try (OnnxSparseEncoder enc = OnnxSparseEncoder.open(config(TinyModels.BERT_VOCAB, 0f, 5));
                OrtSession session = OrtEnvironment.getEnvironment().createSession(bytes);
                HuggingFaceTokenizer tok = TinyModels.referenceTokenizer(MAX_LENGTH)) {
            assertEquals(OnnxSparseEncoder.Output.LOGITS, enc.output());
            List<SparseVector> got = enc.encode(texts);
            float worst = 0f;
            for (int i = 0; i < texts.size(); i++) {
                long[] ids = tok.encode(texts.get(i)).getIds();
                float[] want = pool(logits(session, ids, ids.length), ids.length);
                SparseVector v = got.get(i);
                for (int j = 0; j < want.length; j++) {
                    worst = Math.max(worst, Math.abs(want[j] - v.weightOf(j)));
                }
            }
            assertTrue(worst < 1e-4f, "largest weight difference " + worst);

            // sanity: the test is sensitive; padding without the mask moves this model's logits
            long[] ids = tok.encode(texts.get(0)).getIds();
            float[] unmasked = pool(logits(session, ids, ids.length + 7), ids.length);
            float[] alone = pool(logits(session, ids, ids.length), ids.length);
            float moved = 0f;
            for (int j = 0; j < alone.length; j++) {
                moved = Math.max(moved, Math.abs(unmasked[j] - alone[j]));
            }
            assertTrue(moved > 1e-3f, "padding moved the weights by only " + moved);
        }
    }

    @Test
    void capAndThresholdOnARealLogitsModel() {
        List<String> texts = TinyModels.randomTexts(32, 9, 50);
        try (OnnxSparseEncoder dense = OnnxSparseEncoder.open(config(TinyModels.BERT_VOCAB, 0f, 4));
                OnnxSparseEncoder capped = OnnxSparseEncoder.open(config(20, 0.05f, 4))) {
            List<SparseVector> all = dense.encode(texts);
            List<SparseVector> top = capped.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                SparseVector v = top.get(i);
                assertTrue(v.nnz() <= 20, v.toString());
                for (int k = 0; k < v.nnz(); k++) {
                    assertTrue(v.weight(k) >= 0.05f, v.toString());
                }
                // the capped vector is the dense one pruned (same batch composition, so the same floats)
                assertEquals(all.get(i).prune(20, 0.05f), v, "text " + i);
            }
        }
    }
}
