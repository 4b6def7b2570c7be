package io.streamsparse.encoder;

import static io.streamsparse.encoder.OnnxModelWriter.FLOAT;
import static io.streamsparse.encoder.OnnxModelWriter.INT32;
import static io.streamsparse.encoder.OnnxModelWriter.INT64;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.streamsparse.core.vector.SparseVector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Tiny ONNX encoder models for tests, and the brute-force reference they are checked against.
 *
 * <p>The model is {@code logits[b][s][j] = sum_d E[ids[b][s]][d] * W[d][j]}: a {@code [V, 4]} embedding table and a
 * {@code [4, V]} projection, about 1 MB at V = 30522. Every table entry is a multiple of 1/4 in [-2, 2], so every
 * logit is a multiple of 1/16 below 16 in magnitude: exact in float whatever the summation order or FMA, and the
 * reference can demand equality. The projection columns of the special ids are +2, so specials would be among the
 * heaviest terms if the encoder did not remove them; the pad row differs from the [CLS]/[SEP] rows, so a
 * padded position that leaked into the pooling would show.
 */
final class TinyModels {

    static final int BERT_VOCAB = 30522;
    static final int DIM = 4;
    /** The bert-base-uncased tokenizer.json carried (test scope) by the langchain4j MiniLM jar. */
    static final String TOKENIZER = "classpath:/all-minilm-l6-v2-q-tokenizer.json";
    static final Set<Integer> BERT_SPECIALS = Set.of(0, 100, 101, 102, 103);

    enum Kind { LOGITS, POOLED }

    /** What to build. */
    record Spec(Kind kind, int vocab, boolean mask, boolean types, boolean int32, boolean symbolicVocab,
            boolean extraOutput, String outputName) {

        static Spec logits() {
            return new Spec(Kind.LOGITS, BERT_VOCAB, true, false, false, false, false, "logits");
        }

        static Spec pooled() {
            return new Spec(Kind.POOLED, BERT_VOCAB, true, false, false, false, false, "sparse_weights");
        }

        Spec withMask(boolean m) {
            return new Spec(kind, vocab, m, types, int32, symbolicVocab, extraOutput, outputName);
        }

        Spec withTypes(boolean t) {
            return new Spec(kind, vocab, mask, t, int32, symbolicVocab, extraOutput, outputName);
        }

        Spec withInt32(boolean i) {
            return new Spec(kind, vocab, mask, types, i, symbolicVocab, extraOutput, outputName);
        }

        Spec withSymbolicVocab(boolean s) {
            return new Spec(kind, vocab, mask, types, int32, s, extraOutput, outputName);
        }

        Spec withExtraOutput(boolean e) {
            return new Spec(kind, vocab, mask, types, int32, symbolicVocab, e, outputName);
        }

        Spec withOutputName(String n) {
            return new Spec(kind, vocab, mask, types, int32, symbolicVocab, extraOutput, n);
        }

        Spec withVocab(int v) {
            return new Spec(kind, v, mask, types, int32, symbolicVocab, extraOutput, outputName);
        }
    }

    /** The weights of a tiny model. */
    record Tables(int vocab, float[] e, float[] w) {

        float logit(long id, int j) {
            float sum = 0f;
            for (int d = 0; d < DIM; d++) {
                sum += e[(int) id * DIM + d] * w[d * vocab + j];
            }
            return sum;
        }
    }

    static Tables tables(long seed, int vocab) {
        Random rnd = new Random(seed);
        float[] e = new float[vocab * DIM];
        float[] w = new float[DIM * vocab];
        for (int i = 0; i < e.length; i++) {
            e[i] = (rnd.nextInt(17) - 8) / 4f;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (rnd.nextInt(17) - 8) / 4f;
        }
        for (int s : BERT_SPECIALS) {
            if (s < vocab) {
                for (int d = 0; d < DIM; d++) {
                    w[d * vocab + s] = 2f;
                }
            }
        }
        return new Tables(vocab, e, w);
    }

    static byte[] build(Spec spec, Tables t) {
        OnnxModelWriter m = new OnnxModelWriter();
        int idType = spec.int32 ? INT32 : INT64;
        Object vocabDim = spec.symbolicVocab ? "vocab" : (Object) (long) spec.vocab;
        m.input("input_ids", idType, "batch", "sequence");
        if (spec.mask) {
            m.input("attention_mask", idType, "batch", "sequence");
        }
        if (spec.types) {
            m.input("token_type_ids", idType, "batch", "sequence");
        }
        m.floatInitializer("E", new long[] {spec.vocab, DIM}, t.e);
        m.floatInitializer("W", new long[] {DIM, spec.vocab}, t.w);
        if (spec.types || (spec.kind == Kind.POOLED && spec.mask)) {
            m.longInitializer("last_axis", new long[] {1}, new long[] {2});
        }
        if (spec.kind == Kind.POOLED) {
            m.floatInitializer("one", new long[0], new float[] {1f});
        }
        m.node("Gather", new String[] {"E", "input_ids"}, new String[] {"hidden"}, OnnxModelWriter.intAttr("axis", 0));
        String logits = spec.kind == Kind.LOGITS && !spec.types ? spec.outputName : "raw";
        m.node("MatMul", new String[] {"hidden", "W"}, new String[] {logits});
        if (spec.types) {
            // adds the (all-zero) token type ids, so the input is really consumed
            String out = spec.kind == Kind.LOGITS ? spec.outputName : "typed";
            m.node("Cast", new String[] {"token_type_ids"}, new String[] {"types_f"}, OnnxModelWriter.intAttr("to", FLOAT));
            m.node("Unsqueeze", new String[] {"types_f", "last_axis"}, new String[] {"types_3"});
            m.node("Add", new String[] {"raw", "types_3"}, new String[] {out});
            logits = out;
        }
        if (spec.kind == Kind.LOGITS) {
            m.output(spec.outputName, FLOAT, "batch", "sequence", vocabDim);
        } else {
            m.node("Relu", new String[] {logits}, new String[] {"relu"});
            String masked = "relu";
            if (spec.mask) {
                m.node("Cast", new String[] {"attention_mask"}, new String[] {"mask_f"}, OnnxModelWriter.intAttr("to", FLOAT));
                m.node("Unsqueeze", new String[] {"mask_f", "last_axis"}, new String[] {"mask_3"});
                m.node("Mul", new String[] {"relu", "mask_3"}, new String[] {"masked"});
                masked = "masked";
            }
            m.node("ReduceMax", new String[] {masked}, new String[] {"pooled"},
                    OnnxModelWriter.intsAttr("axes", 1), OnnxModelWriter.intAttr("keepdims", 0));
            m.node("Add", new String[] {"pooled", "one"}, new String[] {"pooled_1"});
            m.node("Log", new String[] {"pooled_1"}, new String[] {spec.outputName});
            m.output(spec.outputName, FLOAT, "batch", vocabDim);
        }
        if (spec.extraOutput) {
            m.output("hidden", FLOAT, "batch", "sequence", (long) DIM);
        }
        return m.build();
    }

    static Path write(Path dir, String name, Spec spec, Tables t) {
        try {
            return Files.write(dir.resolve(name), build(spec, t));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An encoder config over a model file and the bert tokenizer; no warm-up, 1 thread, 1 session. */
    static EncoderConfig config(Path model, int maxLength, int maxTerms, float minWeight, int maxBatchSize) {
        return new EncoderConfig(model.toString(), TOKENIZER, maxLength, maxTerms, minWeight, 1, 1, maxBatchSize, false);
    }

    /** The bert tokenizer used directly (not through the code under test), truncating at {@code maxLength}. */
    static HuggingFaceTokenizer referenceTokenizer(int maxLength) {
        try (InputStream in = TinyModels.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            return HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false", "truncation", "true",
                    "maxLength", Integer.toString(maxLength), "modelMaxLength", Integer.toString(maxLength)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Brute-force SPLADE: for each term, the max over the given positions of log(1 + relu(logit)), specials
     * removed, then the {@code maxTerms} heaviest with weight {@code >= minWeight} (ties: lower id).
     */
    static SparseVector expected(Tables t, long[] ids, int maxTerms, float minWeight) {
        List<float[]> kept = new ArrayList<>();   // {id, weight}
        for (int j = 0; j < t.vocab; j++) {
            if (BERT_SPECIALS.contains(j)) {
                continue;
            }
            float max = 0f;
            for (long id : ids) {
                max = Math.max(max, t.logit(id, j));
            }
            float w = (float) Math.log1p(max);
            if (w > 0f && w >= minWeight) {
                kept.add(new float[] {j, w});
            }
        }
        kept.sort(Comparator.<float[]>comparingDouble(a -> -a[1]).thenComparingDouble(a -> a[0]));
        List<float[]> top = new ArrayList<>(kept.subList(0, Math.min(maxTerms, kept.size())));
        top.sort(Comparator.comparingDouble(a -> a[0]));
        int[] termIds = new int[top.size()];
        float[] weights = new float[top.size()];
        for (int i = 0; i < top.size(); i++) {
            termIds[i] = (int) top.get(i)[0];
            weights[i] = top.get(i)[1];
        }
        return SparseVector.ofSorted(termIds, weights);
    }

    private static final String[] WORDS = ("debian package manager archive install library kernel network "
            + "server client daemon python perl shell script graphics audio video font editor compiler debug "
            + "documentation utility terminal desktop window theme icon database query index search stream "
            + "sparse vector retrieval token model weight encode decode file system memory cache thread lock "
            + "the a of and to in for with on is").split(" ");

    /** {@code n} texts of 0 to {@code maxWords} words from a fixed word list, seeded. */
    static List<String> randomTexts(long seed, int n, int maxWords) {
        Random rnd = new Random(seed);
        List<String> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int words = rnd.nextInt(maxWords + 1);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < words; k++) {
                sb.append(k == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
            }
            texts.add(sb.toString());
        }
        return texts;
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private TinyModels() {
    }
}
