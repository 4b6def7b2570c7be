package io.streamsparse.core.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticCorpusTest {

    @Test
    void deterministicRandomAccess() {
        SyntheticCorpus a = new SyntheticCorpus(7);
        SyntheticCorpus b = new SyntheticCorpus(7);
        assertEquals(a.document(12345), b.document(12345));
        assertEquals(a.document(3).vector(), a.documentVector(3));
        assertEquals(a.query(9), b.query(9));
        assertNotEquals(a.documentVector(1), a.documentVector(2));
        assertNotEquals(a.documentVector(1), new SyntheticCorpus(8).documentVector(1));
        assertEquals("d42", a.docId(42));
    }

    @Test
    void spladeLikeShape() {
        SyntheticCorpus c = new SyntheticCorpus(1);
        long docNnz = 0;
        long queryNnz = 0;
        int n = 2000;
        Set<Integer> terms = new HashSet<>();
        float maxW = 0;
        for (int i = 0; i < n; i++) {
            EncodedDocument d = c.document(i);
            SparseVector v = d.vector();
            docNnz += v.nnz();
            for (int j = 0; j < v.nnz(); j++) {
                assertTrue(v.termId(j) < 30522);
                assertTrue(v.weight(j) > 0f && v.weight(j) <= 4f);
                maxW = Math.max(maxW, v.weight(j));
                terms.add(v.termId(j));
            }
            assertTrue(d.fields().containsKey("lang") && d.fields().containsKey("topic"));
            queryNnz += c.query(i).nnz();
        }
        assertEquals(120, docNnz / (double) n, 6, "average document nnz");
        assertEquals(45, queryNnz / (double) n, 4, "average query nnz");
        assertTrue(terms.size() > 5000, "vocabulary coverage " + terms.size());
        assertTrue(maxW > 2f, "some heavy key terms");
    }

    /** Documents of one topic share far more terms than documents of different topics: clustering has signal. */
    @Test
    void topicsCorrelateTerms() {
        SyntheticCorpus c = new SyntheticCorpus(3, new SyntheticCorpus.Params(30522, 40, 300, 120, 45, 1.0, 0.6));
        int n = 400;
        SparseVector[] v = new SparseVector[n];
        for (int i = 0; i < n; i++) {
            v[i] = c.documentVector(i);
        }
        double same = 0;
        double other = 0;
        int sameN = 0;
        int otherN = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double overlap = overlap(v[i], v[j]);
                if (c.topicOf(i) == c.topicOf(j)) {
                    same += overlap;
                    sameN++;
                } else {
                    other += overlap;
                    otherN++;
                }
            }
        }
        assertTrue(sameN > 0);
        assertTrue(same / sameN > 3 * (other / otherN), "same-topic overlap " + same / sameN + " vs " + other / otherN);
    }

    private static double overlap(SparseVector a, SparseVector b) {
        int common = 0;
        for (int t : a.termIds()) {
            if (b.weightOf(t) > 0) {
                common++;
            }
        }
        return common;
    }

    @Test
    void anotherVocabularyUsesItsWholeRange() {
        SyntheticCorpus c = new SyntheticCorpus(5, SyntheticCorpus.Params.defaults().withVocabularySize(40000));
        int max = 0;
        for (long i = 0; i < 2000; i++) {
            SparseVector v = c.documentVector(i);
            max = Math.max(max, v.termId(v.nnz() - 1));
        }
        assertTrue(max >= 30522 && max < 40000, "largest term id " + max);
        assertEquals(30522, SyntheticCorpus.Params.defaults().vocabularySize());
    }
}
