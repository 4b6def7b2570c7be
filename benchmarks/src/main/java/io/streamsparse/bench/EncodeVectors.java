package io.streamsparse.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.VectorsFile;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.Encoders;
import io.streamsparse.encoder.SparseEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a JSONL corpus (and optionally its queries) with the project's encoder into {@link VectorsFile}s, so that
 * {@link IndexBenchmark} can run on real vectors ({@code --vectors}, {@code --query-vectors}).
 *
 * <p>Input lines: documents as on the {@code documents} topic, {@code {"id", "title", "text", "fields"}} ({@code id}
 * and {@code text} required); queries {@code {"qid" or "id", "text"}}. A document's encoder input is
 * {@code title + ". " + text} (as the encoder service forms it); its snippet is left empty (the benchmark does not
 * show results). Documents are encoded with the bundled model at the document defaults, queries with the same model
 * at the query defaults ({@link EncoderConfig#documentDefaults()}, {@link EncoderConfig#queryDefaults()}).
 *
 * <p>Run: {@code java -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*'
 * io.streamsparse.bench.EncodeVectors --docs docs.jsonl --out vectors.bin [--limit N] [--queries queries.jsonl
 * --queries-out queries.bin [--query-limit M]]}.
 */
public final class EncodeVectors {

    private static final int BATCH = 32;

    private EncodeVectors() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opt = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !opt.containsKey("docs") || !opt.containsKey("out")
                || opt.containsKey("queries") != opt.containsKey("queries-out")) {
            System.err.println("usage: EncodeVectors --docs docs.jsonl --out vectors.bin [--limit N] "
                    + "[--queries queries.jsonl --queries-out queries.bin [--query-limit M]]");
            System.exit(2);
        }
        int limit = Integer.parseInt(opt.getOrDefault("limit", "-1"));
        List<VectorsFile.Entry> docs = encode(Path.of(opt.get("docs")), limit, EncoderConfig.documentDefaults(),
                true);
        VectorsFile.writeDocuments(Path.of(opt.get("out")), docs);
        if (opt.containsKey("queries")) {
            int qLimit = Integer.parseInt(opt.getOrDefault("query-limit", "1000"));
            List<VectorsFile.Entry> queries = encode(Path.of(opt.get("queries")), qLimit,
                    EncoderConfig.queryDefaults(), false);
            VectorsFile.writeVectors(Path.of(opt.get("queries-out")), queries);
        }
    }

    private static List<VectorsFile.Entry> encode(Path file, int limit, EncoderConfig config, boolean documents)
            throws IOException {
        List<VectorsFile.Entry> out = new ArrayList<>();
        long t0 = System.nanoTime();
        long nnz = 0;
        try (SparseEncoder encoder = Encoders.documentEncoder(config);
             BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> ids = new ArrayList<>();
            List<String> titles = new ArrayList<>();
            List<Map<String, String>> fields = new ArrayList<>();
            List<String> inputs = new ArrayList<>();
            String line;
            int lineNo = 0;
            while ((limit < 0 || out.size() + ids.size() < limit) && (line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                String id = string(o, documents ? "id" : (o.has("qid") ? "qid" : "id"), file, lineNo);
                String text = string(o, "text", file, lineNo);
                String title = o.has("title") && !o.get("title").isJsonNull() ? o.get("title").getAsString() : "";
                Map<String, String> f = new TreeMap<>();
                if (documents && o.has("fields") && o.get("fields").isJsonObject()) {
                    for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("fields").entrySet()) {
                        f.put(e.getKey(), e.getValue().getAsString());
                    }
                }
                ids.add(id);
                titles.add(documents ? title : "");
                fields.add(f);
                inputs.add(documents && !title.isEmpty() ? title + ". " + text : text);
                if (inputs.size() == BATCH) {
                    nnz += flush(encoder, ids, titles, fields, inputs, out);
                }
            }
            nnz += flush(encoder, ids, titles, fields, inputs, out);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "%s: %d %s encoded in %.1f s (%.1f/s), mean nnz %.1f%n", file, out.size(),
                documents ? "documents" : "queries", s, out.size() / s, out.isEmpty() ? 0.0 : (double) nnz / out.size());
        return out;
    }

    private static long flush(SparseEncoder encoder, List<String> ids, List<String> titles,
                              List<Map<String, String>> fields, List<String> inputs, List<VectorsFile.Entry> out) {
        if (inputs.isEmpty()) {
            return 0;
        }
        List<SparseVector> vs = encoder.encode(inputs);
        long nnz = 0;
        for (int i = 0; i < vs.size(); i++) {
            out.add(new VectorsFile.Entry(ids.get(i), new EncodedDocument(titles.get(i), "", fields.get(i), vs.get(i))));
            nnz += vs.get(i).nnz();
        }
        ids.clear();
        titles.clear();
        fields.clear();
        inputs.clear();
        return nnz;
    }

    private static String string(JsonObject o, String key, Path file, int line) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull() || e.getAsString().isEmpty()) {
            throw new IllegalArgumentException(file + ":" + line + ": missing \"" + key + "\"");
        }
        return e.getAsString();
    }
}
