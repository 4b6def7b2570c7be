package io.streamsparse.core.index;

/**
 * Seeded 64-bit content hashes (a SplitMix64-style finalizer over UTF-16 units). Used where a choice must be a pure
 * function of content, e.g. which documents seed the blocks of a list: never arrival order or wall clock.
 */
final class ContentHash {

    private ContentHash() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Hash of a document id under a seed. */
    static long docKey(long seed, String docId) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        int n = docId.length();
        for (int i = 0; i < n; i++) {
            h = mix(h + docId.charAt(i) + 0x9E3779B97F4A7C15L);
        }
        return mix(h + n);
    }

    /** Hash of (term, document key): the rank of the document as a centroid candidate of the term's list. */
    static long termDoc(int term, long docKey) {
        return mix(docKey ^ mix(0xD1B54A32D192ED03L * (term + 1L)));
    }
}
