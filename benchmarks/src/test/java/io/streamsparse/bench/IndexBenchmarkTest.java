package io.streamsparse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.VectorsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke tests that keep the harness from rotting: a tiny run of every phase (no numbers are judged except recall,
 * which must be sane; nothing asserts on time).
 */
class IndexBenchmarkTest {

    private static final Pattern RESULT = Pattern.compile("RESULT docs=(\\d+) recall10=([0-9.]+) p50_us=([0-9.]+) "
            + "p99_us=([0-9.]+) qps2=(\\d+) lucene_p50_us=([0-9.]+|NaN) speedup_vs_lucene=([0-9.]+|NaN|Infinity) "
            + "upserts_per_s=(\\d+) bytes_per_posting=([0-9.]+) data=([A-Za-z0-9._-]+)");

    private static final String[] TINY = {"--queries", "40", "--warmup-seconds", "0", "--passes", "1",
        "--measure-seconds", "0.2", "--update-seconds", "0.3", "--update-ops", "300", "--update-pool", "100",
        "--recheck-queries", "10", "--float-check", "2", "--curve", "5:1.0,10:0.9", "--exact-threads", "1"};

    private static String run(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(TINY));
        args.addAll(List.of(extra));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new IndexBenchmark(BenchOptions.parse(args.toArray(String[]::new)), out).run();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Matcher lastLineIsResult(String output) {
        String[] lines = output.strip().split("\n");
        String last = lines[lines.length - 1];
        Matcher m = RESULT.matcher(last);
        assertTrue(m.matches(), "last line is not a RESULT line: " + last);
        assertEquals(1, output.lines().filter(l -> l.startsWith("RESULT ")).count(), output);
        return m;
    }

    @Test
    void syntheticRunWithLuceneEndsWithOneSaneResultLine() throws Exception {
        String output = run("--docs", "2000");
        Matcher m = lastLineIsResult(output);
        assertEquals("2000", m.group(1));
        double recall = Double.parseDouble(m.group(2));
        assertTrue(recall >= 0.5 && recall <= 1.0, "recall " + recall + "\n" + output);
        assertTrue(Double.parseDouble(m.group(6)) > 0, "Lucene p50 missing\n" + output);
        assertTrue(output.contains("Lucene top-10 vs engine exact"), output);
        assertTrue(output.contains("| 10 | 0.90 |"), "curve row missing\n" + output);
        assertEquals("synthetic", m.group(10));
    }

    @Test
    void vectorsFileRunReadsRealVectorsAndDerivesQueries(@TempDir Path dir) throws Exception {
        SyntheticCorpus corpus = new SyntheticCorpus(7);
        List<VectorsFile.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            EncodedDocument d = corpus.document(i);
            entries.add(new VectorsFile.Entry("file-" + i, d));
        }
        Path file = dir.resolve("vectors.bin");
        VectorsFile.writeDocuments(file, entries);
        String output = run("--vectors", file.toString(), "--docs", "1000", "--no-lucene");
        Matcher m = lastLineIsResult(output);
        assertEquals("600", m.group(1), "the file holds 600 documents\n" + output);
        assertTrue(Double.parseDouble(m.group(2)) >= 0.5, output);
        assertEquals("NaN", m.group(6));
        assertEquals("vectors", m.group(10), "named after the file by default");
        Matcher named = lastLineIsResult(run("--vectors", file.toString(), "--docs", "300", "--no-lucene",
                "--data", "doccorpus"));
        assertEquals("300", named.group(1), "--docs takes a prefix of the file");
        assertEquals("doccorpus", named.group(10));
    }

    @Test
    void dataNamesAreCheckedOnce() {
        assertEquals("synthetic", BenchOptions.parse().data());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--data", "doccorpus"),
                "a name without --vectors would mislabel synthetic data");
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--vectors", "v.bin", "--data", "a b"));
        assertEquals("doccorpus", BenchOptions.parse("--vectors", "/x/doccorpus.vectors.bin").data());
    }
}
