package io.streamsparse.bench;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.snapshot.SnapshotReader;
import io.streamsparse.core.snapshot.SnapshotWriter;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.VectorsFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The approximate search's recall/latency curve over knob settings on a cached index, for iterating on the read
 * path: {@link IndexBenchmark} rebuilds its index by streamed upserts every run (minutes at 120k real documents),
 * this restores it in seconds.
 *
 * <p>{@code KnobCurve VECTORS QUERY_VECTORS DOCS QUERIES CACHE_DIR cut:heapFactor,...}: the index of the first DOCS
 * records of VECTORS ({@link ShardIndex#build}, engine defaults; equal to streamed + compacted by the FTL contract) is
 * snapshotted into CACHE_DIR once and restored afterwards; the exact top-10 of the first QUERIES query vectors is
 * cached beside it. Per setting: one warm-up pass, two timed passes on this thread; prints recall@10 against exact,
 * wall p50/p90, thread-CPU p50 (the machine is shared: CPU time shows what contention hides), documents scored.
 */
public final class KnobCurve {
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: KnobCurve VECTORS QUERY_VECTORS DOCS QUERIES CACHE_DIR cut:heapFactor,...");
            System.exit(2);
        }
        Path vectors = Path.of(args[0]);
        Path queryFile = Path.of(args[1]);
        int docs = Integer.parseInt(args[2]);
        int nq = Integer.parseInt(args[3]);
        Path cache = Path.of(args[4]);
        Files.createDirectories(cache);
        String tag = vectors.getFileName() + "-" + docs;
        Path snap = cache.resolve(tag + ".snap");
        ShardIndex index;
        long t = System.nanoTime();
        if (Files.exists(snap)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(snap), 1 << 20)) {
                index = SnapshotReader.read(in);
            }
            System.out.printf("restored %s in %.1f s%n", snap, (System.nanoTime() - t) / 1e9);
        } else {
            Map<String, EncodedDocument> m = new LinkedHashMap<>();
            for (VectorsFile.Entry e : VectorsFile.read(vectors, docs)) {
                m.put(e.key(), e.document());
            }
            index = ShardIndex.build(IndexConfig.defaults(), m.size() - 1, m);
            System.out.printf("built %d docs in %.1f s%n", m.size(), (System.nanoTime() - t) / 1e9);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(snap), 1 << 20)) {
                SnapshotWriter.write(index, out);
            }
        }
        List<VectorsFile.Entry> qe = VectorsFile.read(queryFile, nq);
        SparseVector[] qs = qe.stream().map(VectorsFile.Entry::vector).toArray(SparseVector[]::new);
        nq = qs.length;
        Path truthFile = cache.resolve(tag + "-q" + nq + ".truth");
        String[][] truth = new String[nq][];
        if (Files.exists(truthFile)) {
            List<String> lines = Files.readAllLines(truthFile);
            for (int i = 0; i < nq; i++) {
                truth[i] = lines.get(i).isEmpty() ? new String[0] : lines.get(i).split(" ");
            }
        } else {
            t = System.nanoTime();
            IntStream.range(0, nq).parallel().forEach(i -> truth[i] = index.search(SearchRequest.exact(qs[i], 10))
                    .hits().stream().map(Hit::docId).toArray(String[]::new));
            List<String> lines = new ArrayList<>();
            for (String[] tr : truth) {
                lines.add(String.join(" ", tr));
            }
            Files.write(truthFile, lines);
            System.out.printf("truth in %.1f s%n", (System.nanoTime() - t) / 1e9);
        }
        for (String setting : args[5].split(",")) {
            String[] p = setting.split(":");
            SearchKnobs knobs = SearchKnobs.defaults().withQueryCut(Integer.parseInt(p[0]))
                    .withHeapFactor(Float.parseFloat(p[1]));
            long[] nanos = new long[nq * 2];
            long[] cpu = new long[nq * 2];
            double recall = 0;
            long scored = 0;
            for (int pass = -1; pass < 2; pass++) {
                for (int i = 0; i < nq; i++) {
                    SearchRequest rq = new SearchRequest(qs[i], 10, null, SearchMode.APPROXIMATE, knobs);
                    long c0 = Measure.threadCpuNanos();
                    long t0 = System.nanoTime();
                    SearchResult r = index.search(rq);
                    long dt = System.nanoTime() - t0;
                    long dc = Measure.threadCpuNanos() - c0;
                    if (pass >= 0) {
                        nanos[pass * nq + i] = dt;
                        cpu[pass * nq + i] = dc;
                    }
                    if (pass == 0) {
                        scored += r.scoredDocs();
                        Set<String> got = new HashSet<>();
                        for (Hit h : r.hits()) {
                            got.add(h.docId());
                        }
                        int hit = 0;
                        for (String d : truth[i]) {
                            hit += got.contains(d) ? 1 : 0;
                        }
                        recall += truth[i].length == 0 ? 1 : (double) hit / truth[i].length;
                    }
                }
            }
            Arrays.sort(nanos);
            Arrays.sort(cpu);
            System.out.printf("%s recall10=%.4f p50_us=%.0f p90_us=%.0f cpu_p50_us=%.0f scored=%.0f load=%.2f%n",
                    setting, recall / nq, nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 9 / 10] / 1e3,
                    cpu[cpu.length / 2] / 1e3,
                    (double) scored / nq, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        }
    }
}
