package io.streamsparse.bench;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.VectorsFile;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Turns the term-weights files that {@code training/export_vectors.py} writes on the GPU machine (where many cores
 * encode the Debian set in minutes) into {@link VectorsFile}s for {@link IndexBenchmark}.
 *
 * <p>Input: gzip, possibly cut into {@code NAME.part0, NAME.part1, ...}; little-endian:
 * <pre>
 * 'TW1' count:int32  row{count}
 * row := idLength:uint16 id:utf8  nnz:uint16  termId:uint16{nnz} (ascending)  scale:float32  code:uint8{nnz}
 * </pre>
 * weight = code × scale (the engine stores u8 codes with a per-document scale anyway).
 *
 * <p>Run: {@code java -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*'
 * io.streamsparse.bench.ImportTermWeights IN OUT [documents|vectors]}; IN names the file or its first part.
 */
public final class ImportTermWeights {

    private static final byte[] MAGIC = {'T', 'W', '1'};

    private ImportTermWeights() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].matches("documents|vectors"))) {
            System.err.println("usage: ImportTermWeights IN[.part0] OUT [documents|vectors]");
            System.exit(2);
        }
        List<VectorsFile.Entry> entries = read(Path.of(args[0]));
        if (args.length == 3 && args[2].equals("vectors")) {
            VectorsFile.writeVectors(Path.of(args[1]), entries);
        } else {
            VectorsFile.writeDocuments(Path.of(args[1]), entries);
        }
        long nnz = entries.stream().mapToLong(e -> e.vector().nnz()).sum();
        System.out.printf("%d rows, mean nnz %.1f -> %s%n", entries.size(),
                entries.isEmpty() ? 0.0 : (double) nnz / entries.size(), args[1]);
    }

    /** Reads a term-weights file, or all parts when {@code file} is named {@code ...part0}. */
    public static List<VectorsFile.Entry> read(Path file) throws IOException {
        List<Path> parts = new ArrayList<>();
        String name = file.getFileName().toString();
        if (name.endsWith(".part0")) {
            String stem = name.substring(0, name.length() - 1);
            for (int i = 0; Files.exists(file.resolveSibling(stem + i)); i++) {
                parts.add(file.resolveSibling(stem + i));
            }
        } else {
            parts.add(file);
        }
        List<InputStream> streams = new ArrayList<>();
        try {
            for (Path p : parts) {
                streams.add(Files.newInputStream(p));
            }
            InputStream joined = new SequenceInputStream(Collections.enumeration(streams));
            return read(new DataInputStream(new BufferedInputStream(new GZIPInputStream(joined, 1 << 16), 1 << 16)),
                    file.toString());
        } finally {
            for (InputStream s : streams) {
                s.close();
            }
        }
    }

    static List<VectorsFile.Entry> read(DataInputStream in, String name) throws IOException {
        try {
            byte[] magic = new byte[3];
            in.readFully(magic);
            if (magic[0] != MAGIC[0] || magic[1] != MAGIC[1] || magic[2] != MAGIC[2]) {
                throw new IllegalArgumentException(name + ": not a term-weights file (no 'TW1' header)");
            }
            int count = Integer.reverseBytes(in.readInt());
            if (count < 0) {
                throw new IllegalArgumentException(name + ": negative row count " + count);
            }
            List<VectorsFile.Entry> out = new ArrayList<>(count);
            for (int r = 0; r < count; r++) {
                byte[] id = new byte[u16(in)];
                in.readFully(id);
                int nnz = u16(in);
                int[] terms = new int[nnz];
                for (int i = 0; i < nnz; i++) {
                    terms[i] = u16(in);
                }
                float scale = Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
                float[] weights = new float[nnz];
                for (int i = 0; i < nnz; i++) {
                    weights[i] = in.readUnsignedByte() * scale;
                }
                // SparseVector validates ascending ids and finite, non-negative weights
                SparseVector v = SparseVector.ofSorted(terms, weights);
                out.add(new VectorsFile.Entry(new String(id, StandardCharsets.UTF_8),
                        new EncodedDocument("", "", Map.of(), v)));
            }
            return out;
        } catch (EOFException e) {
            throw new IllegalArgumentException(name + ": truncated", e);
        }
    }

    private static int u16(DataInputStream in) throws IOException {
        return Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    }
}
