package io.streamsparse.core.vector;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of sparse vectors keyed by id: a dump of {@code sparse-vectors} records, each value in the one codec
 * ({@link SparseVectorCodec}); this class only frames records, it encodes nothing itself. The benchmarks read their
 * real vectors from these files and {@code tools evaluate} ranks with precomputed ones ({@code --doc-vectors},
 * {@code --query-vectors}); {@code tools evaluate}'s vector cache writes the same framing.
 *
 * <h2>Format</h2>
 * Integers are big-endian int32 ({@link DataOutputStream#writeInt}).
 * <pre>
 * file   := record*                                  (ends at end of file, on a record boundary)
 * record := keyLength:int32 keyUtf8{keyLength}        the document id (the record key), 1..MAX_KEY_BYTES bytes
 *           valueLength:int32 value{valueLength}      SparseVectorCodec bytes, 1..MAX_VALUE_BYTES bytes:
 *                                                     a document ('D' 0x01 ...) or a bare vector ('V' 0x01 ...)
 * </pre>
 * The same framing holds queries (key = query id; bare vectors are the natural value). Reading checks every length
 * and decodes every value, so a truncated or corrupt file fails with {@link IllegalArgumentException} naming the
 * record.
 */
public final class VectorsFile {

    public static final int MAX_KEY_BYTES = 1 << 16;
    public static final int MAX_VALUE_BYTES = 64 << 20;

    /** One record: a key and its decoded document (bare vectors get an empty title and snippet). */
    public record Entry(String key, EncodedDocument document) {
        public Entry {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("key must be non-empty, was " + key);
            }
            if (document == null) {
                throw new IllegalArgumentException("document must not be null for " + key);
            }
        }

        public SparseVector vector() {
            return document.vector();
        }
    }

    private VectorsFile() {
    }

    /** Reads at most {@code limit} records (all when {@code limit < 0}). */
    public static List<Entry> read(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, limit, file.toString());
        }
    }

    static List<Entry> read(InputStream raw, int limit, String name) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        List<Entry> out = new ArrayList<>();
        while (limit < 0 || out.size() < limit) {
            int keyLength;
            try {
                keyLength = in.readInt();
            } catch (EOFException end) {
                break;
            }
            int record = out.size();
            byte[] key = readBytes(in, keyLength, MAX_KEY_BYTES, "key", record, name);
            int valueLength = readInt(in, record, name);
            byte[] value = readBytes(in, valueLength, MAX_VALUE_BYTES, "value", record, name);
            EncodedDocument doc;
            try {
                doc = value[0] == SparseVectorCodec.VECTOR_MAGIC
                        ? new EncodedDocument("", "", null, SparseVectorCodec.decode(value))
                        : SparseVectorCodec.decodeDocument(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": record " + record + ": " + e.getMessage(), e);
            }
            out.add(new Entry(new String(key, StandardCharsets.UTF_8), doc));
        }
        return out;
    }

    private static int readInt(DataInputStream in, int record, String name) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + ": record " + record + " is truncated", e);
        }
    }

    private static byte[] readBytes(DataInputStream in, int length, int max, String what, int record, String name)
            throws IOException {
        if (length < 1 || length > max) {
            throw new IllegalArgumentException(name + ": record " + record + ": " + what + " length " + length
                    + " outside [1, " + max + "]");
        }
        byte[] b = new byte[length];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + ": record " + record + ": " + what + " is truncated", e);
        }
        return b;
    }

    /** Writes documents as document records ('D'). */
    public static void writeDocuments(Path file, List<Entry> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, entries, false);
        }
    }

    /** Writes only the vectors, as bare vector records ('V'): the natural form of a query file. */
    public static void writeVectors(Path file, List<Entry> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, entries, true);
        }
    }

    static void write(OutputStream raw, List<Entry> entries, boolean bareVectors) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
        for (Entry e : entries) {
            byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
            byte[] value = bareVectors ? SparseVectorCodec.encode(e.vector()) : SparseVectorCodec.encode(e.document());
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(value.length);
            out.write(value);
        }
        out.flush();
    }
}
