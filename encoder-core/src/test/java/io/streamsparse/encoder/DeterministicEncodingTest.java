package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamsparse.core.index.Quantization;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A text's vector does not depend on what else is encoded with it: the bundled (dynamically quantized int8) model
 * gives each document the same terms and the same u8 codes the index stores (sparse-core {@link Quantization#U8}:
 * {@code code = round(w / (max / 255))}) whether it is encoded alone, in a batch of mixed lengths, in another order,
 * with other batch sizes or with other thread counts.
 */
class DeterministicEncodingTest {

    private static final List<String> TEXTS = List.of(
            "Tiny text.",
            "nginx is a small, powerful, scalable web and proxy server. It supports reverse proxy with caching, load "
                    + "balancing, virtual hosts and encrypted connections.",
            "Tux Racer is a downhill racing game: guide the penguin down a snowy mountain.",
            ("The GNU Compiler Collection includes front ends for C, C++, Objective-C, Fortran, Ada, Go and D, as "
                    + "well as libraries for these languages. ").repeat(6),
            "library for reading and writing PNG images",
            "A command-line tool that transfers data with URLs: HTTP, HTTPS, FTP, SFTP, SCP and many more protocols, "
                    + "with proxies, cookies, user authentication and resumed transfers.");

    @Test
    void aVectorIsTheSameAloneAndInAnyBatch() {
        assumeTrue(ModelResources.defaultModelAvailable(), "default model not bundled");
        EncoderConfig base = EncoderConfig.documentDefaults().withWarmup(false);
        try (OnnxSparseEncoder batched = OnnxSparseEncoder.open(base.withThreads(2, 1));
                OnnxSparseEncoder other = OnnxSparseEncoder.open(base.withThreads(1, 2).withMaxBatchSize(4))) {
            assertTrue(batched.perTextRuns(), "the bundled model must be marked for per-text runs");
            List<SparseVector> alone = new ArrayList<>();
            for (String t : TEXTS) {
                alone.add(batched.encode(t));
            }
            List<String> shuffled = new ArrayList<>(TEXTS);
            Collections.reverse(shuffled);
            shuffled.add(0, TEXTS.get(3)); // a long neighbour first
            List<SparseVector> inBatch = batched.encode(TEXTS);
            List<SparseVector> reversed = other.encode(shuffled);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertSameInIndex(alone.get(i), inBatch.get(i), "text " + i + " in a batch of " + TEXTS.size());
                int j = shuffled.lastIndexOf(TEXTS.get(i));
                assertSameInIndex(alone.get(i), reversed.get(j), "text " + i + " reordered, batch size 4, 1 thread");
            }
            assertSameInIndex(alone.get(3), reversed.get(0), "the same text twice in one batch");
        }
    }

    private static void assertSameInIndex(SparseVector expected, SparseVector actual, String what) {
        assertTrue(expected.nnz() > 0, what + ": empty vector");
        assertArrayEquals(expected.termIds(), actual.termIds(), what + ": terms differ");
        assertArrayEquals(u8Codes(expected), u8Codes(actual), what + ": u8 codes differ");
    }

    /** The codes the index stores for {@code v} (sparse-core's per-document scale). */
    private static int[] u8Codes(SparseVector v) {
        float max = 0f;
        for (float w : v.weights()) {
            max = Math.max(max, w);
        }
        float scale = max / Quantization.U8.maxCode();
        int[] codes = new int[v.nnz()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = Math.round(v.weights()[i] / scale);
        }
        return codes;
    }
}
