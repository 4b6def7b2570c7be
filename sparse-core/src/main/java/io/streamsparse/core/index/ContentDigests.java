package io.streamsparse.core.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * SHA-256 digests of a published {@link View}: of its logical content (what replicas compare, and what P1 says equals
 * the batch build) and of its physical list layout (what P1 says is equal after {@code compact()}). Numbers are
 * hashed as 4 little-endian bytes, strings as their UTF-8 length then bytes.
 */
final class ContentDigests {

    private ContentDigests() {
    }

    /**
     * Every live document's id, title, snippet, fields and stored vector, in doc-id order, so the digest is
     * independent of arrival order and of the physical layout.
     */
    static byte[] content(View v) {
        int[] slots = new int[v.liveDocs];
        int n = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                slots[n++] = s;
            }
        }
        int[] ordered = java.util.stream.IntStream.of(slots).limit(n).boxed()
                .sorted((a, b) -> v.meta[a].docId().compareTo(v.meta[b].docId()))
                .mapToInt(Integer::intValue).toArray();
        MessageDigest md = sha256();
        byte[] buf = new byte[4];
        for (int s : ordered) {
            DocMeta m = v.meta[s];
            string(md, m.docId(), buf);
            string(md, m.title(), buf);
            string(md, m.snippet(), buf);
            integer(md, m.fields().size(), buf);
            for (Map.Entry<String, String> e : m.fields().entrySet()) {
                string(md, e.getKey(), buf);
                string(md, e.getValue(), buf);
            }
            int from = v.start[s];
            int to = v.start[s + 1];
            integer(md, to - from, buf);
            integer(md, Float.floatToIntBits(v.scale[s]), buf);
            for (int i = from; i < to; i++) {
                integer(md, v.terms[i], buf);
                integer(md, v.code(i), buf);
            }
        }
        return md.digest();
    }

    /** The inverted lists' blocks, summaries, thresholds and tail lengths, in term order. */
    static byte[] layout(View v) {
        MessageDigest md = sha256();
        byte[] buf = new byte[4];
        AtomicReferenceArray<PostingList> lists = v.generation.lists;
        for (int t = 0; t < lists.length(); t++) {
            PostingList l = lists.get(t);
            if (l == null) {
                continue;
            }
            integer(md, t, buf);
            ints(md, l.docs, buf);
            ints(md, l.blockStart, buf);
            ints(md, l.centroid, buf);
            BlockSummaries sums = l.summaries;
            ints(md, sums.start, buf);
            ints(md, sums.terms, buf);
            integer(md, sums.codes.length, buf);
            md.update(sums.codes);
            for (float f : sums.scale) {
                integer(md, Float.floatToIntBits(f), buf);
            }
            integer(md, Float.floatToIntBits(l.minWeight), buf);
            integer(md, l.count(), buf);
        }
        return md.digest();
    }

    private static void ints(MessageDigest md, int[] a, byte[] buf) {
        integer(md, a.length, buf);
        for (int x : a) {
            integer(md, x, buf);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static void string(MessageDigest md, String s, byte[] buf) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        integer(md, b.length, buf);
        md.update(b);
    }

    private static void integer(MessageDigest md, int x, byte[] buf) {
        buf[0] = (byte) x;
        buf[1] = (byte) (x >>> 8);
        buf[2] = (byte) (x >>> 16);
        buf[3] = (byte) (x >>> 24);
        md.update(buf, 0, 4);
    }
}
