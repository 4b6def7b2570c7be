package io.streamsparse.tools.eval;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only file of encoded vectors keyed by id, so that an interrupted or partial encoding run resumes where
 * it stopped and later runs (and other tools) reuse the vectors.
 *
 * <h2>Format</h2>
 * Exactly the {@link io.streamsparse.core.vector.VectorsFile} framing (so {@code IndexBenchmark --vectors FILE} and
 * {@code --query-vectors FILE} read these files as they are); every value is {@link SparseVectorCodec} bytes, this
 * class frames records and encodes nothing itself. Integers are big-endian int32.
 * <pre>
 * file   := record*
 * record := keyLength:int32 keyUtf8{keyLength}       1..MAX_KEY_BYTES bytes: a document or query id
 *           valueLength:int32 value{valueLength}     1..MAX_VALUE_BYTES bytes: a document ('D' 0x01 ...) or a bare
 *                                                    vector ('V' 0x01 ...)
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Keys are distinct: {@link #append} skips a key already present.</li>
 *   <li>Records are appended in completion order while encoding; {@link #close()} rewrites the file sorted by key
 *       (String order, the corpus order) when it is not, through a temporary file and an atomic rename.</li>
 *   <li>A process killed mid-append leaves at most one incomplete record at the end; {@link #open} cuts it off
 *       (reported by {@link #droppedTailBytes()}). A complete record that does not decode is corruption and an
 *       {@link IllegalArgumentException} naming the record.</li>
 *   <li>One process at a time: {@link #open} takes an exclusive file lock and refuses a file in use.</li>
 * </ul>
 * Memory: one decoded {@link SparseVector} plus a file position per record.
 */
final class VectorCache implements AutoCloseable {

    static final int MAX_KEY_BYTES = 1 << 16;
    static final int MAX_VALUE_BYTES = 64 << 20;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Map<String, Integer> slotOf = new HashMap<>();
    private final List<String> keys = new ArrayList<>();
    private final List<SparseVector> vectors = new ArrayList<>();
    private long[] offsets = new long[1024];
    private long end;
    private long droppedTailBytes;
    private boolean closed;

    private VectorCache(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Opens (creating if absent) the cache file, reads every complete record and cuts off an incomplete tail. */
    static VectorCache open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this process
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IllegalStateException("vector cache " + file + " is in use by another process");
        }
        try {
            VectorCache cache = new VectorCache(file, ch, lock);
            cache.load();
            return cache;
        } catch (IOException | RuntimeException e) {
            lock.release();
            ch.close();
            throw e;
        }
    }

    private void load() throws IOException {
        FileChannel ch = channel;
        long size = ch.size();
        long pos = 0;
        ByteBuffer head = ByteBuffer.allocate(4);
        // invariant: [0, pos) holds complete records, all decoded and added
        while (size - pos >= 4) {
            int keyLength = readInt(ch, pos, head);
            checkLength(keyLength, MAX_KEY_BYTES, "key", keys.size(), file);
            if (size - pos - 4 < (long) keyLength + 4) {
                break;
            }
            byte[] key = readBytes(ch, pos + 4, keyLength);
            int valueLength = readInt(ch, pos + 4 + keyLength, head);
            checkLength(valueLength, MAX_VALUE_BYTES, "value", keys.size(), file);
            long valueAt = pos + 8 + keyLength;
            if (size - valueAt < valueLength) {
                break;
            }
            byte[] value = readBytes(ch, valueAt, valueLength);
            SparseVector vector;
            try {
                vector = decodeVector(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": record " + keys.size() + " at byte " + pos + ": "
                        + e.getMessage(), e);
            }
            add(new String(key, StandardCharsets.UTF_8), vector, pos);
            pos = valueAt + valueLength;
        }
        droppedTailBytes = size - pos;
        if (droppedTailBytes > 0) {
            ch.truncate(pos);
        }
        end = pos;
    }

    /** The vector of a value: a document's vector, or the bare vector. */
    static SparseVector decodeVector(byte[] value) {
        if (value.length > 0 && value[0] == SparseVectorCodec.VECTOR_MAGIC) {
            return SparseVectorCodec.decode(value);
        }
        return SparseVectorCodec.decodeDocument(value).vector();
    }

    private static void checkLength(int length, int max, String what, int record, Path file) {
        if (length < 1 || length > max) {
            throw new IllegalArgumentException(file + ": record " + record + ": " + what + " length " + length
                    + " outside [1, " + max + "]");
        }
    }

    private static int readInt(FileChannel ch, long pos, ByteBuffer buf) throws IOException {
        buf.clear();
        readFully(ch, pos, buf);
        return buf.getInt(0);
    }

    private static byte[] readBytes(FileChannel ch, long pos, int length) throws IOException {
        byte[] b = new byte[length];
        readFully(ch, pos, ByteBuffer.wrap(b));
        return b;
    }

    private static void readFully(FileChannel ch, long pos, ByteBuffer buf) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + p);
            }
            p += n;
        }
    }

    private void add(String key, SparseVector vector, long offset) {
        if (slotOf.containsKey(key)) {
            throw new IllegalArgumentException(file + ": duplicate key " + key);
        }
        int slot = keys.size();
        slotOf.put(key, slot);
        keys.add(key);
        vectors.add(vector);
        if (slot == offsets.length) {
            offsets = Arrays.copyOf(offsets, slot * 2);
        }
        offsets[slot] = offset;
    }

    Path file() {
        return file;
    }

    /** Bytes of an incomplete last record cut off when opening (0 normally). */
    long droppedTailBytes() {
        return droppedTailBytes;
    }

    int size() {
        return keys.size();
    }

    /** The cached vector of {@code key}, or null. */
    synchronized SparseVector get(String key) {
        Integer slot = slotOf.get(key);
        return slot == null ? null : vectors.get(slot);
    }

    /** Appends a document record ('D'); skipped when the key is present. */
    void appendDocument(String key, EncodedDocument doc) throws IOException {
        append(List.of(key), List.of(SparseVectorCodec.encode(doc)), List.of(doc.vector()));
    }

    /**
     * Appends records (codec bytes in {@code values}, their vectors in {@code decoded}); keys already present are
     * skipped. Written with one positional write per call, without fsync: a crash loses at most the last records,
     * which the next {@link #open} cuts off.
     */
    synchronized void append(List<String> newKeys, List<byte[]> values, List<SparseVector> decoded)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("vector cache " + file + " is closed");
        }
        if (newKeys.size() != values.size() || newKeys.size() != decoded.size()) {
            throw new IllegalArgumentException("keys, values and vectors differ in count: " + newKeys.size() + ", "
                    + values.size() + ", " + decoded.size());
        }
        int bytes = 0;
        List<byte[]> keyBytes = new ArrayList<>(newKeys.size());
        for (int i = 0; i < newKeys.size(); i++) {
            byte[] k = newKeys.get(i).getBytes(StandardCharsets.UTF_8);
            checkLength(k.length, MAX_KEY_BYTES, "key", keys.size() + i, file);
            checkLength(values.get(i).length, MAX_VALUE_BYTES, "value", keys.size() + i, file);
            keyBytes.add(k);
            bytes += 8 + k.length + values.get(i).length;
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        long pos = end;
        for (int i = 0; i < newKeys.size(); i++) {
            if (slotOf.containsKey(newKeys.get(i))) {
                continue;
            }
            byte[] k = keyBytes.get(i);
            byte[] v = values.get(i);
            add(newKeys.get(i), decoded.get(i), pos + buf.position());
            buf.putInt(k.length).put(k).putInt(v.length).put(v);
        }
        buf.flip();
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
        end = pos;
    }

    /** True when the records are in key order. */
    synchronized boolean sorted() {
        for (int i = 1; i < keys.size(); i++) {
            if (keys.get(i - 1).compareTo(keys.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** Rewrites the file sorted by key when it is not, then releases the lock. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!sorted()) {
                rewriteSorted();
            }
        } finally {
            lock.release();
            channel.close();
        }
    }

    private void rewriteSorted() throws IOException {
        Integer[] order = new Integer[keys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> keys.get(a).compareTo(keys.get(b)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            for (int slot : order) {
                long at = offsets[slot];
                int keyLength = readInt(channel, at, head);
                int valueLength = readInt(channel, at + 4 + keyLength, head);
                long length = 8L + keyLength + valueLength;
                long done = 0;
                while (done < length) {
                    done += channel.transferTo(at + done, length - done, out);
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
