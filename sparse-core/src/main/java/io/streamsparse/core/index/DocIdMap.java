package io.streamsparse.core.index;

/**
 * The writer's map from document id to slot: linear probing over one {@code long[]} whose entries pack a 32-bit
 * fingerprint of the id's seeded hash ({@link ContentHash#docKey}, which the writer computes for every upsert anyway)
 * and the slot. Why not a map of id objects (HPPC's {@code ObjectIntHashMap} before): a probe there compares the
 * stored id {@code String} by {@code equals}, two cache misses (the string and its bytes) per probe at a million ids,
 * and a new id probes until an empty entry, ~8 entries at HPPC's load factor 0.75; that was a fifth of the writer's
 * time at a million documents. Here a probe reads one long, and an id is compared ({@code meta[slot].docId()}) only
 * when its fingerprint matches, i.e. on the hit itself and about 2<sup>-32</sup> of the other probes.
 *
 * <p>Invariants: an entry is {@code fingerprint << 32 | (slot + 1)}, 0 when empty (slots are below
 * {@link Integer#MAX_VALUE}, so a used entry is never 0); an entry's home index is a function of its fingerprint
 * ({@link #home}), so resizing and deletion (backward shift, no tombstones) need no ids; every entry lies in the run
 * of used entries that starts at or before its home; the table is a power of two at most half full. Ids are distinct
 * (the caller looks an id up before inserting it). Writer thread only.
 */
final class DocIdMap {
    /** Entries per used entry at least: probes stay short (~1.5 for a hit, ~2.5 for an absent id). */
    private static final int SPREAD = 2;
    private static final long FINGERPRINT = 0xFFFF_FFFF_0000_0000L;

    private long[] table = new long[16];
    private int shift = 32 - 4;
    private int size;

    /** Ids mapped. */
    int size() {
        return size;
    }

    void clear() {
        table = new long[16];
        shift = 32 - 4;
        size = 0;
    }

    /** Makes room for {@code n} ids without resizing. */
    void ensureCapacity(int n) {
        if ((long) n * SPREAD > table.length) {
            resize(n);
        }
    }

    /**
     * The entry index of {@code docId} (whose {@link ContentHash#docKey} is {@code hash}) when mapped, else
     * {@code ~index} of the empty entry where {@link #insert} puts it. {@code meta} is the forward index's metadata:
     * {@code meta[slot].docId()} is the id of every mapped slot.
     */
    int find(long hash, String docId, DocMeta[] meta) {
        long tag = hash & FINGERPRINT;
        long[] t = table;
        int mask = t.length - 1;
        int i = home((int) (hash >>> 32));
        long e;
        // invariant: entries home..i-1 (cyclic) are used and none of them maps docId
        while ((e = t[i]) != 0) {
            if ((e & FINGERPRINT) == tag && meta[(int) e - 1].docId().equals(docId)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return ~i;
    }

    /** The slot at entry {@code index} (from {@link #find}, mapped). */
    int slotAt(int index) {
        return (int) table[index] - 1;
    }

    /** Points entry {@code index} (mapped) at {@code slot}. */
    void replace(int index, int slot) {
        table[index] = (table[index] & FINGERPRINT) | (slot + 1L);
    }

    /** Maps an absent id at the empty entry {@code ~found} that {@link #find} returned. */
    void insert(int found, long hash, int slot) {
        if ((long) (size + 1) * SPREAD > table.length) {
            resize(size + 1);
            put(hash, slot);
        } else {
            table[~found] = (hash & FINGERPRINT) | (slot + 1L);
        }
        size++;
    }

    /** Maps an id known to be absent (bulk loading, e.g. every slot of a restored forward index). */
    void insertNew(long hash, int slot) {
        if ((long) (size + 1) * SPREAD > table.length) {
            resize(size + 1);
        }
        put(hash, slot);
        size++;
    }

    /** Unmaps entry {@code index} (mapped); returns its slot. Later entries of its run shift back into the gap. */
    int removeAt(int index) {
        long[] t = table;
        int mask = t.length - 1;
        int slot = (int) t[index] - 1;
        int gap = index;
        int j = index;
        long e;
        // invariant: t[gap] is to be emptied; every entry between gap and j stays reachable from its home
        while ((e = t[j = (j + 1) & mask]) != 0) {
            int h = home((int) (e >>> 32));
            if (((j - h) & mask) >= ((j - gap) & mask)) { // its home is not in (gap, j]: it may fill the gap
                t[gap] = e;
                gap = j;
            }
        }
        t[gap] = 0;
        size--;
        return slot;
    }

    /** Home entry index of a fingerprint: Fibonacci hashing, so every bit of it counts. */
    private int home(int fingerprint) {
        return (fingerprint * 0x9E3779B9) >>> shift;
    }

    private void put(long hash, int slot) {
        long[] t = table;
        int mask = t.length - 1;
        int i = home((int) (hash >>> 32));
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = (hash & FINGERPRINT) | (slot + 1L);
    }

    private void resize(int ids) {
        long need = (long) ids * SPREAD;
        int bits = Math.max(4, 64 - Long.numberOfLeadingZeros(need - 1));
        if (bits > 30) {
            throw new IllegalStateException("too many document ids: " + ids);
        }
        long[] old = table;
        table = new long[1 << bits];
        shift = 32 - bits;
        int mask = table.length - 1;
        for (long e : old) {
            if (e != 0) {
                int i = home((int) (e >>> 32));
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = e;
            }
        }
    }
}
