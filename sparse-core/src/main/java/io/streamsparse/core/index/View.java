package io.streamsparse.core.index;

/**
 * What a reader sees: an immutable record of the writer's state after one operation, published through one volatile
 * field ({@link ShardReader}). A search reads it once and uses only it; a background re-blocking job
 * ({@link Reblocker}) builds from one too. See docs/ARCHITECTURE.md, "Threading and publication".
 *
 * <p>Visibility rule: slot {@code s} is visible iff {@code s < slotLimit} and {@code died[s] == 0 || died[s] > stamp}
 * (stamps are offset + 1). Every slot below {@code slotLimit} was fully written before this view was published, so
 * its pool entries, scale, features and metadata are visible (happens-before through the volatile) and never change
 * afterwards. {@code died} may be read while the writer marks later deaths: a racy long read sees 0 or the final
 * stamp (the JLS allows tearing of plain longs; HotSpot on 64-bit does not tear, and a torn value is still
 * {@code != 0} and compared against a stamp below every later death), and both are later than {@code stamp}, so the
 * slot correctly stays visible; the reader never mixes states of two operations.
 */
final class View {
    final long appliedOffset;
    final long stamp;
    final int slotLimit;
    /**
     * Slots {@code [stagedFrom, slotLimit)} are staged: their postings are not in the inverted lists yet (or only
     * partly, in lists newer than this view), so a search finds them here: slots {@code [stagedFrom, sealedTo)}
     * through {@link #runs} (by query term), slots {@code [sealedTo, slotLimit)} by scoring each from the forward
     * index.
     */
    final int stagedFrom;
    final int sealedTo;
    /** Sealed runs covering {@code [stagedFrom, sealedTo)} in slot order, see {@link StagedRun}. */
    final StagedRun[] runs;
    final int liveDocs;
    final int codeBytes;
    final int[] start;
    final float[] scale;
    /** Per slot, see {@link ForwardIndex#sketchScale}. */
    final float[] sketchScale;
    final long[] died;
    final long[] keyHash;
    final DocMeta[] meta;
    final int[] terms;
    final byte[] codes;
    /** Clustering features per slot, see {@link ForwardIndex}. */
    final int[] topFeat;
    final int topStride;
    /** The ranked copy of the pool (its heads are the sketches), see {@link ForwardIndex}; null if not kept. */
    final char[] rankTerms;
    final byte[] rankCodes;
    final float featureUnit;
    final Generation generation;

    /** A view with nothing staged: every slot's postings are in the lists. */
    View(long appliedOffset, int liveDocs, ForwardIndex f, Generation generation) {
        this(appliedOffset, liveDocs, f, generation, f.slots, f.slots, StagedRun.NONE);
    }

    View(long appliedOffset, int liveDocs, ForwardIndex f, Generation generation, int stagedFrom, int sealedTo,
         StagedRun[] runs) {
        this.appliedOffset = appliedOffset;
        this.stamp = appliedOffset + 1;
        this.slotLimit = f.slots;
        this.stagedFrom = stagedFrom;
        this.sealedTo = sealedTo;
        this.runs = runs;
        this.liveDocs = liveDocs;
        this.codeBytes = f.codeBytes;
        this.start = f.start;
        this.scale = f.scale;
        this.sketchScale = f.sketchScale;
        this.died = f.died;
        this.keyHash = f.keyHash;
        this.meta = f.meta;
        this.terms = f.terms;
        this.codes = f.codes;
        this.topFeat = f.topFeat;
        this.topStride = f.topStride;
        this.rankTerms = f.rankTerms;
        this.rankCodes = f.rankCodes;
        this.featureUnit = f.featureUnit;
        this.generation = generation;
    }

    boolean visible(int slot) {
        if (slot >= slotLimit) {
            return false;
        }
        long d = died[slot];
        return d == 0 || d > stamp;
    }

    /** The quantization code of pool entry {@code entry}. */
    int code(int entry) {
        return ForwardIndex.code(codes, codeBytes, entry);
    }

    /** The stored weight of {@code term} in {@code slot} (binary search over the slot's ascending term ids). */
    float weightOf(int slot, int term) {
        int i = java.util.Arrays.binarySearch(terms, start[slot], start[slot + 1], term);
        return i >= 0 ? code(i) * scale[slot] : 0f;
    }

    /** Approximate heap bytes of the forward index arrays this view refers to. */
    long forwardBytes() {
        long ranked = rankTerms == null ? 0 : (long) rankTerms.length * 3;
        long perSlot = 4 + 4 + 4 + 8 + 8 + 8 + 4L * topStride;
        return (long) terms.length * 4 + codes.length + ranked + meta.length * perSlot;
    }
}
