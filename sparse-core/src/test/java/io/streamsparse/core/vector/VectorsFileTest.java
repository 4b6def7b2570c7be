package io.streamsparse.core.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorsFileTest {

    private static List<VectorsFile.Entry> randomEntries(long seed, int n) {
        Random rnd = new Random(seed);
        List<VectorsFile.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int nnz = rnd.nextInt(50);
            int[] ids = rnd.ints(nnz * 2L, 0, 30522).distinct().limit(nnz).sorted().toArray();
            float[] ws = new float[ids.length];
            for (int j = 0; j < ws.length; j++) {
                ws[j] = rnd.nextFloat() * 3;
            }
            Map<String, String> fields = i % 3 == 0 ? Map.of("lang", "en") : Map.of();
            out.add(new VectorsFile.Entry("doc-" + i + (i % 7 == 0 ? "-é" : ""),
                    new EncodedDocument("t" + i, "s" + i, fields, SparseVector.ofSorted(ids, ws))));
        }
        return out;
    }

    private static byte[] bytes(List<VectorsFile.Entry> entries, boolean bare) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VectorsFile.write(out, entries, bare);
        return out.toByteArray();
    }

    @Test
    void documentsRoundTrip() throws IOException {
        for (int n : new int[] {0, 1, 17, 300}) {
            List<VectorsFile.Entry> in = randomEntries(n, n);
            List<VectorsFile.Entry> back = VectorsFile.read(new ByteArrayInputStream(bytes(in, false)), -1, "mem");
            assertEquals(in, back);
        }
    }

    @Test
    void bareVectorsRoundTripWithEmptyMetadata() throws IOException {
        List<VectorsFile.Entry> in = randomEntries(5, 40);
        List<VectorsFile.Entry> back = VectorsFile.read(new ByteArrayInputStream(bytes(in, true)), -1, "mem");
        assertEquals(in.size(), back.size());
        for (int i = 0; i < in.size(); i++) {
            assertEquals(in.get(i).key(), back.get(i).key());
            assertEquals(in.get(i).vector(), back.get(i).vector());
            assertEquals("", back.get(i).document().title());
            assertTrue(back.get(i).document().fields().isEmpty());
        }
    }

    @Test
    void limitReadsAPrefix() throws IOException {
        List<VectorsFile.Entry> in = randomEntries(9, 50);
        assertEquals(in.subList(0, 10), VectorsFile.read(new ByteArrayInputStream(bytes(in, false)), 10, "mem"));
    }

    @Test
    void everyTruncationFailsWithTheRecordNumberOrEndsOnABoundary() throws IOException {
        List<VectorsFile.Entry> in = randomEntries(11, 4);
        byte[] all = bytes(in, false);
        for (int cut = 0; cut < all.length; cut++) {
            byte[] part = Arrays.copyOf(all, cut);
            try {
                List<VectorsFile.Entry> back = VectorsFile.read(new ByteArrayInputStream(part), -1, "cut");
                // only a cut exactly on a record boundary reads cleanly, and then it is a prefix
                assertEquals(in.subList(0, back.size()), back);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("cut: record "), e.getMessage());
            }
        }
    }

    @Test
    void badLengthsAndValuesNameTheProblem() {
        byte[] negativeKey = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorsFile.read(new ByteArrayInputStream(negativeKey), -1, "f"));
        assertTrue(e.getMessage().contains("key length -1"), e.getMessage());

        byte[] garbageValue = {0, 0, 0, 1, 'k', 0, 0, 0, 2, 'X', 1};
        e = assertThrows(IllegalArgumentException.class,
                () -> VectorsFile.read(new ByteArrayInputStream(garbageValue), -1, "f"));
        assertTrue(e.getMessage().startsWith("f: record 0: bad magic"), e.getMessage());
    }
}
