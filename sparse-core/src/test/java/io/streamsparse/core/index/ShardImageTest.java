package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.synthetic.SyntheticCorpus;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The image constructor's checks (run in parallel over document ranges and lists) catch every kind of bad state. */
class ShardImageTest {

    /** 20,000 documents: enough for several document ranges in the parallel checks. */
    private static final ShardImage IMAGE = sample();

    private static ShardImage sample() {
        SyntheticCorpus c = new SyntheticCorpus(11);
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.DEFERRED));
        for (int i = 0; i < 20_000; i++) {
            index.upsert(i, c.docId(i), c.document(i));
        }
        index.compact();
        return index.image();
    }

    private static ShardImage copy(ShardImage i, String[] ids, int[] terms, float[] scale) {
        return new ShardImage(i.config(), i.appliedOffset(), ids, i.titles(), i.snippets(), i.fields(), i.start(),
                terms, i.codes(), scale, i.lists());
    }

    private static void assertRejected(String expected, UnaryOperator<ShardImage> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(IMAGE));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void acceptsAValidImageAndRestoresItsContent() {
        ShardImage same = copy(IMAGE, IMAGE.docIds(), IMAGE.terms(), IMAGE.scale());
        assertArrayEquals(ShardIndex.fromImage(IMAGE).contentDigest(), ShardIndex.fromImage(same).contentDigest());
    }

    @Test
    void rejectsARepeatedDocumentId() {
        assertRejected("duplicate document id", i -> {
            String[] ids = i.docIds().clone();
            ids[17_000] = ids[3];
            return copy(i, ids, i.terms(), i.scale());
        });
    }

    @Test
    void rejectsBadTermsAndScales() {
        int last = IMAGE.start()[IMAGE.docCount() - 1];
        assertRejected("outside the vocabulary", i -> {
            int[] terms = i.terms().clone();
            terms[last] = i.config().vocabularySize();
            return copy(i, i.docIds(), terms, i.scale());
        });
        assertRejected("not ascending", i -> {
            int[] terms = i.terms().clone();
            terms[last + 1] = terms[last];
            return copy(i, i.docIds(), terms, i.scale());
        });
        assertRejected("scale of document", i -> {
            float[] scale = i.scale().clone();
            scale[12_345] = Float.NaN;
            return copy(i, i.docIds(), i.terms(), scale);
        });
    }

    @Test
    void rejectsAListOutsideTheDocuments() {
        assertRejected("outside [0, " + IMAGE.docCount() + ")", i -> {
            java.util.List<ListImage> lists = new java.util.ArrayList<>(i.lists());
            ListImage l = lists.get(lists.size() / 2);
            int[] docs = l.docs().clone();
            docs[0] = i.docCount();
            lists.set(lists.size() / 2, new ListImage(l.term(), l.minWeight(), l.clusteredSize(), l.churn(), docs,
                    l.blockStart(), l.centroid(), l.sumStart(), l.sumTerms(), l.sumCodes(), l.sumScale(), l.tail()));
            return new ShardImage(i.config(), i.appliedOffset(), i.docIds(), i.titles(), i.snippets(), i.fields(),
                    i.start(), i.terms(), i.codes(), i.scale(), lists);
        });
    }
}
