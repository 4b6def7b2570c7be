package io.streamsparse.encoder;

import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Turns texts into sparse vectors over a tokenizer's vocabulary (term id = token id).
 *
 * <p>Contract shared by every implementation:
 * <ul>
 *   <li>{@code encode(texts).get(i)} is the vector of {@code texts.get(i)}: the output keeps the input order, and a
 *       text's vector does not depend on the other texts of the batch (batching and padding are invisible), up to
 *       the model's own numerics. A dynamically quantized (int8) model takes its activation scales over the whole
 *       input tensor, so batched with others its weights would move with the batch (measured on the previous
 *       default model: mean Jaccard 0.80 of the kept terms alone vs in a batch of 32); such a model is marked
 *       {@code streamsparse.per_text_runs} and each text then runs alone, so its vector is exactly the same in any
 *       batch (the bundled model is marked).</li>
 *   <li>Every vector holds at most the configured {@code maxTerms} entries, each with weight {@code >= minWeight}
 *       and {@code > 0}; special tokens of the tokenizer ({@code [CLS]}, {@code [SEP]}, {@code [PAD]}, ...) never
 *       appear.</li>
 *   <li>Texts longer than the configured token limit are truncated, not rejected; {@link #truncatedTexts()}
 *       counts them.</li>
 *   <li>Implementations are thread-safe; {@code encode} runs on the calling thread (apart from the inference
 *       runtime's own intra-op threads).</li>
 * </ul>
 */
public interface SparseEncoder extends AutoCloseable {

    /** Encodes {@code texts} in order; an empty list gives an empty list. Null texts are rejected. */
    List<SparseVector> encode(List<String> texts);

    /** Encodes one text. */
    default SparseVector encode(String text) {
        return encode(List.of(requireText(text, 0))).get(0);
    }

    /**
     * Number of texts truncated to the token limit since this encoder was opened (warm-up excluded). Monotonic, so
     * services can expose it as a counter (e.g. Micrometer's {@code FunctionCounter}).
     */
    long truncatedTexts();

    /** Number of texts encoded since this encoder was opened (warm-up excluded). Monotonic. */
    long encodedTexts();

    /** Releases native resources; later calls to {@code encode} throw {@link IllegalStateException}. */
    @Override
    void close();

    /** Checks one element of an input list. */
    /** The shared body of {@link #encode(List)} for encoders that take one text at a time. */
    static List<SparseVector> encodeEach(List<String> texts, boolean closed,
            Function<String, SparseVector> encodeOne) {
        if (texts == null) {
            throw new IllegalArgumentException("texts must not be null");
        }
        for (int i = 0; i < texts.size(); i++) {
            requireText(texts.get(i), i);
        }
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        SparseVector[] out = new SparseVector[texts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = encodeOne.apply(texts.get(i));
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    static String requireText(String text, int index) {
        if (text == null) {
            throw new IllegalArgumentException("text " + index + " is null");
        }
        return text;
    }
}
