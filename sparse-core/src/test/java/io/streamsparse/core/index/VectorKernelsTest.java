package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernel against the scalar term-order loop: equal up to float rounding at every length. */
class VectorKernelsTest {

    @Test
    void moduleIsResolvedInTests() {
        // surefire adds the module (sparse-core/pom.xml), so this class tests the kernel itself
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    }

    @Test
    void dotU8EqualsScalarUpToRoundingAtEveryLength() {
        Random rnd = new Random(7);
        int vocabulary = 30522;
        float[] q = new float[vocabulary];
        for (int i = 0; i < 64; i++) {
            q[rnd.nextInt(vocabulary)] = rnd.nextFloat() * 3f;
        }
        for (int len = 0; len <= 300; len++) {
            int from = rnd.nextInt(40);
            int[] terms = new int[from + len + 5];
            byte[] codes = new byte[terms.length];
            for (int i = 0; i < terms.length; i++) {
                // every 4th entry a query term, codes over the whole u8 range (bytes >= 128 are negative in Java)
                terms[i] = i % 4 == 0 ? firstNonZero(q, rnd.nextInt(vocabulary)) : rnd.nextInt(vocabulary);
                codes[i] = (byte) rnd.nextInt(256);
            }
            float scalar = ScoreKernels.dotU8(q, terms, codes, from, from + len);
            float vector = VectorKernels.dotU8(q, terms, codes, from, from + len);
            assertEquals(scalar, vector, Math.max(1e-5f, Math.abs(scalar) * 1e-5f), "length " + len + " from " + from);
        }
    }

    private static int firstNonZero(float[] q, int start) {
        for (int i = 0; i < q.length; i++) {
            int t = (start + i) % q.length;
            if (q[t] != 0f) {
                return t;
            }
        }
        return start;
    }
}
