package io.streamsparse.core.vector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one binary codec for sparse vectors and for the values of the {@code sparse-vectors} topic. Every service,
 * tool and snapshot goes through it; nothing else writes these bytes.
 *
 * <h2>Format, versions 1 and 2</h2>
 * All multi-byte fixed-width numbers are little-endian; {@code varint} is unsigned LEB128 (7 bits a byte).
 * <pre>
 * vectorBytes   := 'V' version=0x01 vectorBody
 * vectorBody    := nnz:varint termDelta:varint{nnz} weight:float32{nnz}
 *                  (termDelta[0] = termId[0]; termDelta[i] = termId[i] - termId[i-1] &gt; 0)
 * documentBytes := 'D' version=0x01 docHead vectorBody
 *                | 'D' version=0x02 docHead vectorBody lexicalBody
 * docHead       := title:string snippet:string fieldCount:varint (key:string value:string){fieldCount}
 * lexicalBody   := vectorBody   (the lexical BM25 vector of hybrid retrieval, nnz &gt; 0)
 * string        := byteLength:varint utf8Bytes
 * </pre>
 * Version 2 adds the document's lexical vector ({@link EncodedDocument#lexical()}); a document without one is
 * written as version 1, byte for byte what earlier producers wrote, and a version-1 record decodes with
 * {@link SparseVector#EMPTY} as its lexical vector, so old records, snapshots and topics stay readable. Bare vectors
 * are version 1 only.
 * Weights are stored as exact float32: the codec loses nothing. Fields are written in key order, so equal documents
 * encode to equal bytes. Decoding validates everything (ids ascending, weights finite and non-negative, lengths
 * within the buffer) and throws {@link IllegalArgumentException} naming the problem; a decoder never trusts a
 * length it has not checked against the bytes left.
 */
public final class SparseVectorCodec {

    public static final byte VECTOR_MAGIC = 'V';
    public static final byte DOCUMENT_MAGIC = 'D';
    public static final byte VERSION_1 = 1;
    /** Documents with a lexical vector. */
    public static final byte VERSION_2 = 2;
    /** Upper bound on non-zeros a decoder accepts (the BERT vocabulary is 30522); stops absurd allocations. */
    public static final int MAX_NNZ = 1 << 20;

    private SparseVectorCodec() {
    }

    public static byte[] encode(SparseVector vector) {
        Writer w = new Writer(2 + 5 + vector.nnz() * 7);
        w.put(VECTOR_MAGIC).put(VERSION_1);
        writeVectorBody(w, vector);
        return w.toArray();
    }

    public static SparseVector decode(byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        checkHeader(in, VECTOR_MAGIC, VERSION_1);
        SparseVector v = readVectorBody(in);
        checkConsumed(in);
        return v;
    }

    public static byte[] encode(EncodedDocument doc) {
        byte[] title = doc.title().getBytes(StandardCharsets.UTF_8);
        byte[] snippet = doc.snippet().getBytes(StandardCharsets.UTF_8);
        Writer w = new Writer(16 + title.length + snippet.length + (doc.vector().nnz() + doc.lexical().nnz()) * 7
                + doc.fields().size() * 32);
        w.put(DOCUMENT_MAGIC).put(doc.hasLexical() ? VERSION_2 : VERSION_1);
        w.putBytes(title).putBytes(snippet);
        w.putVarint(doc.fields().size());
        for (Map.Entry<String, String> e : doc.fields().entrySet()) {
            w.putBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
            w.putBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        writeVectorBody(w, doc.vector());
        if (doc.hasLexical()) {
            writeVectorBody(w, doc.lexical());
        }
        return w.toArray();
    }

    public static EncodedDocument decodeDocument(byte[] bytes) {
        ByteBuffer in = wrap(bytes);
        byte version = checkHeader(in, DOCUMENT_MAGIC, VERSION_2);
        String title = readString(in);
        String snippet = readString(in);
        int fieldCount = readLength(in, "field count");
        Map<String, String> fields = fieldCount == 0 ? Collections.emptyMap() : new TreeMap<>();
        for (int i = 0; i < fieldCount; i++) {
            String key = readString(in);
            if (fields.put(key, readString(in)) != null) {
                throw new IllegalArgumentException("duplicate field " + key);
            }
        }
        SparseVector vector = readVectorBody(in);
        SparseVector lexical = SparseVector.EMPTY;
        if (version == VERSION_2) {
            lexical = readVectorBody(in);
            if (lexical.nnz() == 0) {
                throw new IllegalArgumentException("version 2 document with an empty lexical vector (write version 1)");
            }
        }
        checkConsumed(in);
        return new EncodedDocument(title, snippet, fields, vector, lexical);
    }

    private static void writeVectorBody(Writer w, SparseVector v) {
        int n = v.nnz();
        int[] ids = v.termIds();
        float[] ws = v.weights();
        w.putVarint(n);
        int prev = 0;
        for (int i = 0; i < n; i++) {
            w.putVarint(ids[i] - prev);
            prev = ids[i];
        }
        w.ensure(n * 4);
        for (int i = 0; i < n; i++) {
            w.buf.putFloat(ws[i]);
        }
    }

    private static SparseVector readVectorBody(ByteBuffer in) {
        int n = readVarint(in);
        if (n < 0 || n > MAX_NNZ) {
            throw new IllegalArgumentException("nnz " + n + " outside [0, " + MAX_NNZ + "]");
        }
        // each entry needs at least one delta byte and four weight bytes
        if ((long) n * 5 > in.remaining()) {
            throw new IllegalArgumentException("nnz " + n + " exceeds the " + in.remaining() + " bytes left");
        }
        int[] ids = new int[n];
        long id = 0;
        for (int i = 0; i < n; i++) {
            int delta = readVarint(in);
            if (i > 0 && delta == 0) {
                throw new IllegalArgumentException("duplicate term id " + id);
            }
            id += Integer.toUnsignedLong(delta);
            if (id > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("term id overflows int at entry " + i);
            }
            ids[i] = (int) id;
        }
        if (in.remaining() < n * 4) {
            throw new IllegalArgumentException("truncated weights: need " + n * 4 + " bytes, have " + in.remaining());
        }
        float[] ws = new float[n];
        for (int i = 0; i < n; i++) {
            ws[i] = in.getFloat();
        }
        return SparseVector.ofSorted(ids, ws);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("null bytes");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Checks the magic and a version in {@code [1, maxVersion]}; returns the version. */
    private static byte checkHeader(ByteBuffer in, byte magic, byte maxVersion) {
        if (in.remaining() < 2) {
            throw new IllegalArgumentException("too short for a header: " + in.remaining() + " bytes");
        }
        byte m = in.get();
        if (m != magic) {
            throw new IllegalArgumentException("bad magic 0x" + Integer.toHexString(m & 0xff) + ", expected '"
                    + (char) magic + "'");
        }
        byte version = in.get();
        if (version < VERSION_1 || version > maxVersion) {
            throw new IllegalArgumentException("unsupported format version " + version);
        }
        return version;
    }

    private static void checkConsumed(ByteBuffer in) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes after the value");
        }
    }

    private static String readString(ByteBuffer in) {
        int len = readLength(in, "string length");
        if (len > in.remaining()) {
            throw new IllegalArgumentException("string of " + len + " bytes exceeds the " + in.remaining() + " left");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
        in.position(in.position() + len);
        return s;
    }

    private static int readLength(ByteBuffer in, String what) {
        int v = readVarint(in);
        if (v < 0) {
            throw new IllegalArgumentException(what + " overflows: " + Integer.toUnsignedString(v));
        }
        return v;
    }

    static int readVarint(ByteBuffer in) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte b = in.get();
            result |= (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes");
    }

    /** Growable little-endian byte writer. */
    private static final class Writer {
        ByteBuffer buf;

        Writer(int initial) {
            buf = ByteBuffer.allocate(Math.max(16, initial)).order(ByteOrder.LITTLE_ENDIAN);
        }

        void ensure(int more) {
            if (buf.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        Writer put(byte b) {
            ensure(1);
            buf.put(b);
            return this;
        }

        Writer putVarint(int v) {
            ensure(5);
            while ((v & ~0x7f) != 0) {
                buf.put((byte) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            buf.put((byte) v);
            return this;
        }

        Writer putBytes(byte[] bytes) {
            putVarint(bytes.length);
            ensure(bytes.length);
            buf.put(bytes);
            return this;
        }

        byte[] toArray() {
            byte[] out = new byte[buf.position()];
            System.arraycopy(buf.array(), 0, out, 0, out.length);
            return out;
        }
    }
}
