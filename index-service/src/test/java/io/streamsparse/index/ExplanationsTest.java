package io.streamsparse.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsparse.api.shard.TermContribution;
import io.streamsparse.core.vector.SparseVector;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExplanationsTest {

    @Test
    void listsTheSharedTermsLargestFirst() {
        SparseVector query = SparseVector.of(new int[] {2, 5, 9, 11}, new float[] {1f, 2f, 0.5f, 3f});
        SparseVector doc = SparseVector.of(new int[] {1, 5, 9, 11, 40}, new float[] {7f, 0.25f, 4f, 1f, 1f});
        assertThat(Explanations.of(query, doc)).containsExactly(
                new TermContribution(11, null, 3f, 1f, 3f),
                new TermContribution(9, null, 0.5f, 4f, 2f),
                new TermContribution(5, null, 2f, 0.25f, 0.5f));
        assertThat(Explanations.of(query, SparseVector.EMPTY)).isEmpty();
    }

    @Test
    void contributionsAddUpToTheInnerProduct() {
        SplittableRandom random = new SplittableRandom(12);
        for (int round = 0; round < 500; round++) {
            SparseVector query = randomVector(random);
            SparseVector doc = randomVector(random);
            List<TermContribution> terms = Explanations.of(query, doc);
            double sum = terms.stream().mapToDouble(TermContribution::contribution).sum();
            assertThat(sum).isCloseTo(query.dot(doc), org.assertj.core.data.Offset.offset(1e-3));
            for (int i = 1; i < terms.size(); i++) {
                assertThat(terms.get(i).contribution()).isLessThanOrEqualTo(terms.get(i - 1).contribution());
            }
        }
    }

    private static SparseVector randomVector(SplittableRandom random) {
        int n = random.nextInt(30);
        int[] ids = random.ints(n, 0, 60).distinct().toArray();
        float[] weights = new float[ids.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextDouble(0, 3);
        }
        return SparseVector.of(ids, weights);
    }
}
