package io.streamsparse.core.index;

/**
 * One inverted list of a {@link ShardImage}, in the image's dense document numbering: the blocked part (blocks of
 * {@code docs[blockStart[b] .. blockStart[b+1])}, the block's centroid document, its summary run
 * {@code sumTerms/sumCodes[sumStart[b] .. sumStart[b+1])} with scale {@code sumScale[b]}), the pruning threshold, the
 * not-yet-blocked tail, and the maintenance counters. Arrays are owned by the record and must not be modified; see
 * {@link PostingList} for the invariants. {@link ShardImage}'s constructor validates them against the documents.
 */
public record ListImage(int term, float minWeight, int clusteredSize, int churn, int[] docs, int[] blockStart,
                        int[] centroid, int[] sumStart, int[] sumTerms, byte[] sumCodes, float[] sumScale,
                        int[] tail) {

    /** Checks the structure against a document count and a vocabulary; names the first violation. */
    void validate(int docCount, int vocabularySize) {
        int blocks = centroid.length;
        if (term < 0 || term >= vocabularySize) {
            throw new IllegalArgumentException("list term " + term + " outside the vocabulary");
        }
        if (!(minWeight >= 0f) || Float.isInfinite(minWeight) || clusteredSize < 0 || churn < 0) {
            throw new IllegalArgumentException("bad threshold or counters in the list of term " + term);
        }
        if (blockStart.length != blocks + 1 || sumStart.length != blocks + 1 || sumScale.length != blocks
                || blockStart[0] != 0 || blockStart[blocks] != docs.length || sumStart[0] != 0
                || sumStart[blocks] != sumTerms.length || sumCodes.length != sumTerms.length) {
            throw new IllegalArgumentException("block arrays of the list of term " + term + " disagree");
        }
        for (int b = 0; b < blocks; b++) {
            if (blockStart[b + 1] <= blockStart[b] || sumStart[b + 1] < sumStart[b]) {
                throw new IllegalArgumentException("empty or decreasing block " + b + " in the list of term " + term);
            }
            if (centroid[b] < 0 || centroid[b] >= docCount || !(sumScale[b] >= 0f)
                    || Float.isInfinite(sumScale[b])) {
                throw new IllegalArgumentException("bad centroid or scale of block " + b + " of term " + term);
            }
            for (int i = sumStart[b]; i < sumStart[b + 1]; i++) {
                if (sumTerms[i] < 0 || sumTerms[i] >= vocabularySize
                        || (i > sumStart[b] && sumTerms[i] <= sumTerms[i - 1])) {
                    throw new IllegalArgumentException("summary terms of block " + b + " of term " + term
                            + " not ascending in the vocabulary");
                }
            }
        }
        for (int d : docs) {
            if (d < 0 || d >= docCount) {
                throw new IllegalArgumentException("document " + d + " in the list of term " + term
                        + " outside [0, " + docCount + ")");
            }
        }
        for (int d : tail) {
            if (d < 0 || d >= docCount) {
                throw new IllegalArgumentException("tail document " + d + " of term " + term + " out of range");
            }
        }
    }
}
