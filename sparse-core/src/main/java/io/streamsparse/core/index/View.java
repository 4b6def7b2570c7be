package io.streamsparse.core.index;

/**
 * What a reader sees: an immutable record of the writer's state after one operation, published through the single
 * volatile field {@code ShardIndex.view}. A reader reads it once at the start of a search and uses only it.
 *
 * <p>Visibility rule: slot {@code s} is visible iff {@code s < slotLimit} and {@code died[s] == 0 || died[s] > stamp}
 * (stamps are offset + 1). Every slot below {@code slotLimit} was fully written before this view was published, so
 * its pool entries, scale and metadata are visible (happens-before through the volatile). {@code died} may be read
 * while the writer marks later deaths: a racy int-sized read sees 0 or the final stamp, and both later than
 * {@code stamp}, so the slot correctly stays visible; the reader never mixes states of two operations.
 */
final class View {
    final long appliedOffset;
    final long stamp;
    final int slotLimit;
    final int liveDocs;
    final int codeBytes;
    final int[] start;
    final float[] scale;
    final long[] died;
    final DocMeta[] meta;
    final int[] terms;
    final byte[] codes;
    final Generation generation;

    View(long appliedOffset, int liveDocs, ForwardIndex f, Generation generation) {
        this.appliedOffset = appliedOffset;
        this.stamp = appliedOffset + 1;
        this.slotLimit = f.slots;
        this.liveDocs = liveDocs;
        this.codeBytes = f.codeBytes;
        this.start = f.start;
        this.scale = f.scale;
        this.died = f.died;
        this.meta = f.meta;
        this.terms = f.terms;
        this.codes = f.codes;
        this.generation = generation;
    }

    boolean visible(int slot) {
        if (slot >= slotLimit) {
            return false;
        }
        long d = died[slot];
        return d == 0 || d > stamp;
    }
}
