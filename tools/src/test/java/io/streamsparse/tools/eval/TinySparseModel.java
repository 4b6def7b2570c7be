package io.streamsparse.tools.eval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A tiny real ONNX sparse model for the evaluate pipeline test, written as protobuf by hand (ONNX field numbers):
 * {@code logits[b][s][j] = E[input_ids[b][s]] · E[j]}, a {@code Gather} from a seeded random {@code [V, D]} table
 * then a {@code MatMul} by its transpose. Rows are random sign vectors of norm 1, so a token's own id has logit 1
 * and other ids about {@code N(0, 1/D)}: the pooled document vector holds the document's tokens among its heaviest
 * terms, which makes retrieval with it meaningful (if weak) without any training.
 */
final class TinySparseModel {

    static final int BERT_VOCAB = 30522;
    static final int DIM = 32;
    /** The bert-base-uncased tokenizer.json carried (test scope) by the langchain4j MiniLM jar. */
    static final String TOKENIZER = "classpath:/all-minilm-l6-v2-q-tokenizer.json";

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private TinySparseModel() {
    }

    /** Writes the model to {@code file}. */
    static Path write(Path file, long seed) throws IOException {
        Random random = new Random(seed);
        float v = (float) (1 / Math.sqrt(DIM));
        float[] e = new float[BERT_VOCAB * DIM];
        float[] w = new float[DIM * BERT_VOCAB];
        for (int t = 0; t < BERT_VOCAB; t++) {
            for (int d = 0; d < DIM; d++) {
                float x = random.nextBoolean() ? v : -v;
                e[t * DIM + d] = x;
                w[d * BERT_VOCAB + t] = x;
            }
        }
        Proto graph = new Proto()
                .message(1, node("Gather", new String[] {"E", "input_ids"}, "hidden"))
                .message(1, node("MatMul", new String[] {"hidden", "W"}, "logits"))
                .string(2, "tiny-sparse")
                .message(5, tensor("E", new long[] {BERT_VOCAB, DIM}, e))
                .message(5, tensor("W", new long[] {DIM, BERT_VOCAB}, w))
                .message(11, valueInfo("input_ids", INT64, "batch", "sequence"))
                .message(12, valueInfo("logits", FLOAT, "batch", "sequence", BERT_VOCAB));
        Proto model = new Proto()
                .varint(1, 8) // ir_version
                .string(2, "streamsparse-test") // producer_name
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13)); // opset_import: default domain, opset 13
        Files.write(file, model.toByteArray());
        return file;
    }

    private static Proto node(String op, String[] inputs, String output) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        return n.string(2, output).string(3, op + "_" + output).string(4, op);
    }

    private static Proto tensor(String name, long[] dims, float[] values) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    }

    /** A tensor value info; a dimension is a {@code String} (symbolic) or an {@code Integer} (fixed). */
    private static Proto valueInfo(String name, int elemType, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Integer) d));
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A protobuf message under construction (varint and length-delimited fields only). */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private void rawVarint(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        Proto varint(int field, long v) {
            rawVarint((long) field << 3);
            rawVarint(v);
            return this;
        }

        Proto bytes(int field, byte[] b) {
            rawVarint(((long) field << 3) | 2);
            rawVarint(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
