package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DocIdMap} against a {@link HashMap} over seeded random upserts and deletes, as the writer drives it (slots
 * appended, a re-upsert moves an id to a new slot). Degenerate hashes (a few fingerprints for many ids, and a single
 * one) force equal fingerprints, long probe runs, wrap-around and backward shifts on delete.
 */
class DocIdMapTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void agreesWithAHashMap(int hashing) {
        ToLongFunction<String> hash = switch (hashing) {
            case 0 -> id -> ContentHash.docKey(11, id);
            case 1 -> id -> (long) (id.hashCode() & 7) << 32 | 5; // 8 fingerprints: long runs, equal fingerprints
            case 2 -> id -> 0xDEAD_BEEF_0000_0000L; // one fingerprint: every id in one run
            default -> id -> (long) (id.hashCode() & 0xFF) << 40; // fingerprints that differ only above the home bits
        };
        Random rnd = new Random(42 + hashing);
        DocIdMap map = new DocIdMap();
        Map<String, Integer> expected = new HashMap<>();
        DocMeta[] meta = new DocMeta[16];
        int slots = 0;
        int universe = hashing == 2 ? 300 : 3000;
        for (int op = 0; op < 20_000; op++) {
            String id = "doc-" + rnd.nextInt(universe);
            long h = hash.applyAsLong(id);
            int at = map.find(h, id, meta);
            assertEquals(expected.containsKey(id), at >= 0, id);
            if (at >= 0) {
                assertEquals(expected.get(id), map.slotAt(at), id);
            }
            if (rnd.nextInt(4) == 0) {
                if (at >= 0) {
                    assertEquals(expected.remove(id), map.removeAt(at));
                }
            } else {
                if (slots == meta.length) {
                    meta = Arrays.copyOf(meta, 2 * slots);
                }
                int slot = slots++;
                meta[slot] = new DocMeta(id, "", "", Map.of());
                if (at >= 0) {
                    map.replace(at, slot);
                } else {
                    map.insert(at, h, slot);
                }
                expected.put(id, slot);
            }
            assertEquals(expected.size(), map.size());
            if (op % 997 == 0 || op > 19_900) {
                for (Map.Entry<String, Integer> e : expected.entrySet()) {
                    int found = map.find(hash.applyAsLong(e.getKey()), e.getKey(), meta);
                    assertTrue(found >= 0, e.getKey());
                    assertEquals(e.getValue(), map.slotAt(found), e.getKey());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 17, 5000})
    void bulkLoadFindsEverySlot(int n) {
        DocIdMap map = new DocIdMap();
        DocMeta[] meta = new DocMeta[Math.max(1, n)];
        map.ensureCapacity(n);
        for (int s = 0; s < n; s++) {
            meta[s] = new DocMeta("id" + s, "", "", Map.of());
            map.insertNew(ContentHash.docKey(3, "id" + s), s);
        }
        assertEquals(n, map.size());
        for (int s = 0; s < n; s++) {
            assertEquals(s, map.slotAt(map.find(ContentHash.docKey(3, "id" + s), "id" + s, meta)));
        }
        assertTrue(map.find(ContentHash.docKey(3, "absent"), "absent", meta) < 0);
    }
}
