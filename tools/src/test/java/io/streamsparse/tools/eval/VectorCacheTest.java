package io.streamsparse.tools.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.core.vector.VectorsFile;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorCacheTest {

    @TempDir
    Path dir;

    private static SparseVector randomVector(Random random) {
        int n = random.nextInt(40);
        int[] ids = random.ints(n * 3L, 0, 30522).distinct().limit(n).toArray();
        float[] ws = new float[ids.length];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = random.nextFloat() * 3;
        }
        return SparseVector.of(ids, ws);
    }

    private static List<SparseVector> fill(VectorCache cache, List<String> keys, Random random, boolean documents)
            throws IOException {
        List<SparseVector> vectors = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (String k : keys) {
            SparseVector v = randomVector(random);
            vectors.add(v);
            values.add(documents
                    ? SparseVectorCodec.encode(new EncodedDocument("t " + k, "", Map.of("package", k), v))
                    : SparseVectorCodec.encode(v));
        }
        cache.append(keys, values, vectors);
        return vectors;
    }

    @Test
    void roundTripAcrossReopenAndSortedOnClose() throws IOException {
        Path file = dir.resolve("c.vectors");
        Random random = new Random(1);
        List<SparseVector> a;
        List<SparseVector> b;
        try (VectorCache cache = VectorCache.open(file)) {
            assertEquals(0, cache.size());
            a = fill(cache, List.of("d:zeta", "d:beta"), random, true);
            b = fill(cache, List.of("d:alpha", "d:beta"), random, true); // d:beta again: skipped
            assertEquals(3, cache.size());
            assertEquals(a.get(1), cache.get("d:beta"), "the first vector of a key stays");
            assertEquals(b.get(0), cache.get("d:alpha"));
            assertNull(cache.get("d:none"));
            assertTrue(!cache.sorted());
        }
        List<String> keys = readKeys(Files.readAllBytes(file));
        assertEquals(List.of("d:alpha", "d:beta", "d:zeta"), keys, "rewritten in key order on close");
        try (VectorCache cache = VectorCache.open(file)) {
            assertEquals(3, cache.size());
            assertEquals(0, cache.droppedTailBytes());
            assertEquals(a.get(0), cache.get("d:zeta"));
            assertEquals(a.get(1), cache.get("d:beta"));
            assertEquals(b.get(0), cache.get("d:alpha"));
        }
    }

    /** sparse-core's VectorsFile framing: big-endian int32 lengths around UTF-8 keys and codec values. */
    @Test
    void framingIsVectorsFile() throws IOException {
        Path file = dir.resolve("q.vectors");
        SparseVector v = SparseVector.of(new int[] {5, 2}, new float[] {1.5f, 0.25f});
        try (VectorCache cache = VectorCache.open(file)) {
            cache.append(List.of("q:é"), List.of(SparseVectorCodec.encode(v)), List.of(v));
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)));
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        assertEquals("q:é", new String(key, StandardCharsets.UTF_8));
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        assertArrayEquals(SparseVectorCodec.encode(v), value);
        assertEquals(-1, in.read(), "nothing after the record");
        List<VectorsFile.Entry> read = VectorsFile.read(file, -1);
        assertEquals(1, read.size());
        assertEquals("q:é", read.get(0).key());
        assertEquals(v, read.get(0).vector());
    }

    /** A run killed mid-append leaves a partial record; reopening cuts it off at every possible cut point. */
    @Test
    void incompleteTailIsCutOff() throws IOException {
        Path file = dir.resolve("t.vectors");
        Random random = new Random(2);
        try (VectorCache cache = VectorCache.open(file)) {
            fill(cache, List.of("a", "b"), random, false);
        }
        byte[] two = Files.readAllBytes(file);
        try (VectorCache cache = VectorCache.open(file)) {
            fill(cache, List.of("c"), random, false);
        }
        byte[] three = Files.readAllBytes(file);
        for (int cut = two.length + 1; cut < three.length; cut++) {
            Files.write(file, Arrays.copyOf(three, cut));
            try (VectorCache cache = VectorCache.open(file)) {
                assertEquals(2, cache.size(), "cut at " + cut);
                assertEquals(cut - two.length, cache.droppedTailBytes());
                assertNull(cache.get("c"));
            }
            assertArrayEquals(two, Files.readAllBytes(file), "file truncated to the complete records");
        }
    }

    @Test
    void corruptRecordIsAnErrorNamingIt() throws IOException {
        Path file = dir.resolve("bad.vectors");
        Random random = new Random(3);
        try (VectorCache cache = VectorCache.open(file)) {
            fill(cache, List.of("a", "b"), random, false);
        }
        byte[] bytes = Files.readAllBytes(file);
        int firstValueLength = ByteBuffer.wrap(bytes, 4 + 1, 4).getInt();
        int secondValue = 4 + 1 + 4 + firstValueLength + 4 + 1 + 4;
        bytes[secondValue] = 'X'; // bad magic
        Files.write(file, bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorCache.open(file));
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
    }

    @Test
    void oneUserAtATime() throws IOException {
        Path file = dir.resolve("l.vectors");
        try (VectorCache cache = VectorCache.open(file)) {
            assertThrows(IllegalStateException.class, () -> VectorCache.open(file));
        }
        try (VectorCache again = VectorCache.open(file)) {
            assertEquals(0, again.size());
        }
    }

    private static List<String> readKeys(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        List<String> keys = new ArrayList<>();
        while (in.available() > 0) {
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            keys.add(new String(key, StandardCharsets.UTF_8));
            in.skipBytes(in.readInt());
        }
        return keys;
    }
}
