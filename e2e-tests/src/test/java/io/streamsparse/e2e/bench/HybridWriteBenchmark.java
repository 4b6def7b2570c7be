package io.streamsparse.e2e.bench;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardWriter;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.core.vector.VectorsFile;
import io.streamsparse.encoder.Bm25DocumentEncoder;
import io.streamsparse.encoder.Bm25Parameters;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.index.HybridShard;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What hybrid retrieval costs the index's write path: the same real documents applied as index-service applies a
 * record (decode the {@code sparse-vectors} value, upsert), once as version-1 records into one {@link ShardWriter}
 * (learned only) and once as version-2 records, with their lexical BM25 vectors, into a {@link HybridShard}
 * (learned + lexical index). Both in index-service's engine config (deferred re-blocking, everything pending
 * re-blocked every {@code --maintain-every} records, as when the consumer is idle), rounds alternating which side
 * goes first.
 *
 * <p>Documents: the first {@code --docs} records of a {@link VectorsFile} of learned vectors ({@code --vectors}, e.g.
 * the real corpus' {@code docs250k.bin}) and their texts from the corpus' {@code docs.jsonl} ({@code --corpus}, same
 * order), whose lexical vectors are made here by {@link Bm25DocumentEncoder} exactly as encoder-service makes them.
 * Output ends with one line {@code RESULT docs=<n> learned_upserts_per_s=<a> hybrid_upserts_per_s=<b> ratio=<b/a>}
 * (medians). Not a test; command and figures in docs/BENCHMARKS.md.
 */
public final class HybridWriteBenchmark {

    private HybridWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path vectors = null;
        Path corpus = null;
        int docs = 50_000;
        int rounds = 3;
        int maintainEvery = 1_000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--vectors" -> vectors = Path.of(args[i + 1]);
                case "--corpus" -> corpus = Path.of(args[i + 1]);
                case "--docs" -> docs = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--maintain-every" -> maintainEvery = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --vectors FILE --corpus docs.jsonl [--docs N] [--rounds N] [--maintain-every N]");
            }
        }
        if (vectors == null || corpus == null) {
            throw new IllegalArgumentException("--vectors and --corpus are required");
        }
        List<VectorsFile.Entry> entries = VectorsFile.read(vectors, docs);
        List<String> texts = texts(corpus, entries);
        String[] ids = new String[entries.size()];
        byte[][] learnedRecords = new byte[ids.length][];
        byte[][] hybridRecords = new byte[ids.length][];
        long learnedBytes = 0;
        long hybridBytes = 0;
        long lexicalTerms = 0;
        long started = System.nanoTime();
        try (Bm25DocumentEncoder lexical = Bm25DocumentEncoder.open(EncoderConfig.documentDefaults(),
                Bm25Parameters.DEFAULTS)) {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = entries.get(i).key();
                EncodedDocument doc = entries.get(i).document();
                SparseVector words = lexical.encode(texts.get(i));
                learnedRecords[i] = SparseVectorCodec.encode(doc.withLexical(SparseVector.EMPTY));
                hybridRecords[i] = SparseVectorCodec.encode(doc.withLexical(words));
                learnedBytes += learnedRecords[i].length;
                hybridBytes += hybridRecords[i].length;
                lexicalTerms += words.nnz();
            }
        }
        System.out.printf(Locale.ROOT, "%d documents; lexical vectors made in %.1f s (mean %.1f terms); record bytes"
                        + " mean v1 %.0f, v2 %.0f%n", ids.length, (System.nanoTime() - started) / 1e9,
                lexicalTerms / (double) ids.length, learnedBytes / (double) ids.length,
                hybridBytes / (double) ids.length);

        IndexConfig config = IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.DEFERRED);
        double[] learnedRates = new double[rounds];
        double[] hybridRates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            for (int side = 0; side < 2; side++) {
                boolean hybrid = (side == 0) == (r % 2 == 1);
                System.gc();
                long start = System.nanoTime();
                long memory;
                if (hybrid) {
                    try (HybridShard shard = HybridShard.empty(config)) {
                        for (int i = 0; i < ids.length; i++) {
                            shard.upsert(i, ids[i], SparseVectorCodec.decodeDocument(hybridRecords[i]));
                            if ((i + 1) % maintainEvery == 0) {
                                shard.maintain(Integer.MAX_VALUE);
                            }
                        }
                        shard.maintain(Integer.MAX_VALUE);
                        memory = shard.learned().stats().approxMemoryBytes()
                                + shard.lexical().stats().approxMemoryBytes();
                    }
                    hybridRates[r] = ids.length / ((System.nanoTime() - start) / 1e9);
                } else {
                    try (ShardWriter shard = new ShardWriter(config)) {
                        for (int i = 0; i < ids.length; i++) {
                            shard.upsert(i, ids[i], SparseVectorCodec.decodeDocument(learnedRecords[i]));
                            if ((i + 1) % maintainEvery == 0) {
                                shard.maintain(Integer.MAX_VALUE);
                            }
                        }
                        shard.maintain(Integer.MAX_VALUE);
                        memory = shard.reader().stats().approxMemoryBytes();
                    }
                    learnedRates[r] = ids.length / ((System.nanoTime() - start) / 1e9);
                }
                System.out.printf(Locale.ROOT, "round %d %s: %.0f upserts/s, index memory %.1f MiB%n", r + 1,
                        hybrid ? "hybrid " : "learned", hybrid ? hybridRates[r] : learnedRates[r],
                        memory / 1048576.0);
            }
        }
        double learned = median(learnedRates);
        double hybrid = median(hybridRates);
        System.out.printf(Locale.ROOT, "RESULT docs=%d learned_upserts_per_s=%.0f hybrid_upserts_per_s=%.0f"
                + " ratio=%.3f%n", ids.length, learned, hybrid, hybrid / learned);
    }

    /** The encoder input ({@code title. text}, as encoder-service builds it) of each entry, checked by id. */
    private static List<String> texts(Path corpus, List<VectorsFile.Entry> entries) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        List<String> out = new ArrayList<>(entries.size());
        try (BufferedReader in = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            for (VectorsFile.Entry e : entries) {
                JsonNode doc = json.readTree(in.readLine());
                if (!doc.path("id").asString().equals(e.key())) {
                    throw new IllegalArgumentException("corpus line " + out.size() + " is " + doc.path("id")
                            + ", the vectors file has " + e.key() + ": not the same order");
                }
                String title = doc.has("title") ? doc.path("title").asString() : "";
                String text = doc.path("text").asString();
                out.add(title.isEmpty() ? text : title + ". " + text);
            }
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
