package io.streamsparse.tools.eval;

import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.VectorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Vectors that {@code evaluate} ranks with instead of encoding them in this run ({@code --doc-vectors},
 * {@code --query-vectors}): the records of a {@link VectorsFile} matched by key to the evaluated documents (key =
 * document id) or queries (key = query id). Only the vectors are used; a document record's title, snippet and
 * fields are ignored.
 *
 * <p>Invariants, checked once when reading, each failure an {@link IllegalArgumentException} naming the file, the
 * count and the first ids:
 * <ul>
 *   <li>keys are distinct;</li>
 *   <li>every evaluated document (query) has a record: nothing is silently left out of the ranking;</li>
 *   <li>every key names a document of the corpus ({@code docs.jsonl}, not just of an evaluated subset), resp. a
 *       query of {@code queries.jsonl} (any split): a file of another corpus or id scheme fails instead of
 *       matching partly. Records of other splits or outside a {@code --limit} subset are counted in {@link #note}.
 *   </li>
 * </ul>
 * {@link #vectors()}{@code [i]} is the vector of the {@code i}-th evaluated document (query), in the eval set's
 * order.
 */
final class PrecomputedVectors {

    /** Ids quoted in an error message; the count is always given in full. */
    static final int IDS_SHOWN = 10;

    private final Path file;
    private final String sha256;
    private final int records;
    private final SparseVector[] vectors;
    private final String unused;

    private PrecomputedVectors(Path file, String sha256, int records, SparseVector[] vectors, String unused) {
        this.file = file;
        this.sha256 = sha256;
        this.records = records;
        this.vectors = vectors;
        this.unused = unused;
    }

    /** The vectors of {@code set}'s documents from {@code file}; {@code full} is the whole corpus. */
    static PrecomputedVectors documents(Path file, EvalSet full, EvalSet set) throws IOException {
        Map<String, SparseVector> byKey = read(file, "--doc-vectors");
        Set<String> corpus = new HashSet<>(full.docIds());
        List<String> unknown = new ArrayList<>();
        for (String key : byKey.keySet()) {
            if (!corpus.contains(key)) {
                unknown.add(key);
            }
        }
        List<String> ids = set.docIds();
        SparseVector[] vectors = new SparseVector[ids.size()];
        List<String> missing = match(byKey, ids, vectors);
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add(String.format(Locale.ROOT, "no record for %d of the %d documents evaluated: %s",
                    missing.size(), ids.size(), firstIds(missing)));
        }
        if (!unknown.isEmpty()) {
            problems.add(String.format(Locale.ROOT, "%d of its %d records name no document of the corpus (%d "
                    + "documents): %s", unknown.size(), byKey.size(), full.docs().size(), firstIds(unknown)));
        }
        fail(file, "--doc-vectors", problems);
        int notEvaluated = byKey.size() - ids.size();
        return new PrecomputedVectors(file, EvaluateCommand.sha256(file), byKey.size(), vectors,
                notEvaluated == 0 ? "" : String.format(Locale.ROOT, "; %d records are corpus documents outside "
                        + "the evaluated subset, not used", notEvaluated));
    }

    /**
     * The vectors of {@code set}'s queries from {@code file}; {@code querySplits} maps every query id of
     * {@code queries.jsonl} to its split.
     */
    static PrecomputedVectors queries(Path file, Map<String, String> querySplits, EvalSet set) throws IOException {
        Map<String, SparseVector> byKey = read(file, "--query-vectors");
        List<String> unknown = new ArrayList<>();
        int otherSplits = 0;
        for (String key : byKey.keySet()) {
            String split = querySplits.get(key);
            if (split == null) {
                unknown.add(key);
            } else if (!split.equals(set.split())) {
                otherSplits++;
            }
        }
        List<String> ids = set.queryIds();
        SparseVector[] vectors = new SparseVector[ids.size()];
        List<String> missing = match(byKey, ids, vectors);
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add(String.format(Locale.ROOT, "no record for %d of the %d %s queries evaluated: %s",
                    missing.size(), ids.size(), set.split(), firstIds(missing)));
        }
        if (!unknown.isEmpty()) {
            problems.add(String.format(Locale.ROOT, "%d of its %d records name no query of queries.jsonl (%d "
                    + "queries): %s", unknown.size(), byKey.size(), querySplits.size(), firstIds(unknown)));
        }
        fail(file, "--query-vectors", problems);
        int notEvaluated = byKey.size() - ids.size() - otherSplits;
        StringBuilder unused = new StringBuilder();
        if (otherSplits > 0) {
            unused.append(String.format(Locale.ROOT, "; %d records are queries of other splits, not used",
                    otherSplits));
        }
        if (notEvaluated > 0) {
            unused.append(String.format(Locale.ROOT, "; %d records are %s queries outside the evaluated subset, "
                    + "not used", notEvaluated, set.split()));
        }
        return new PrecomputedVectors(file, EvaluateCommand.sha256(file), byKey.size(), vectors,
                unused.toString());
    }

    private static Map<String, SparseVector> read(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + ": no such file: " + file + " (absolute: "
                    + file.toAbsolutePath() + ")");
        }
        List<VectorsFile.Entry> entries = VectorsFile.read(file, -1);
        Map<String, SparseVector> byKey = new HashMap<>(entries.size() * 2);
        List<String> duplicates = new ArrayList<>();
        for (VectorsFile.Entry e : entries) {
            if (byKey.put(e.key(), e.vector()) != null) {
                duplicates.add(e.key());
            }
        }
        if (!duplicates.isEmpty()) {
            fail(file, option, List.of(String.format(Locale.ROOT, "%d duplicate keys: %s", duplicates.size(),
                    firstIds(duplicates))));
        }
        return byKey;
    }

    /** Fills {@code out[i]} with the vector of {@code ids.get(i)}; returns the ids without a record. */
    private static List<String> match(Map<String, SparseVector> byKey, List<String> ids, SparseVector[] out) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = byKey.get(ids.get(i));
            if (out[i] == null) {
                missing.add(ids.get(i));
            }
        }
        return missing;
    }

    private static void fail(Path file, String option, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(option + " " + file + ": " + String.join("; ", problems));
        }
    }

    private static String firstIds(List<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        return String.join(", ", sorted.subList(0, Math.min(IDS_SHOWN, sorted.size())))
                + (sorted.size() > IDS_SHOWN ? ", ..." : "");
    }

    Path file() {
        return file;
    }

    String sha256() {
        return sha256;
    }

    int records() {
        return records;
    }

    /** The vectors in the eval set's order. */
    SparseVector[] vectors() {
        return vectors;
    }

    /**
     * The note line for the report: the file, its sha256 prefix, the record counts, and that the vectors were not
     * produced by the Java encoder in this run.
     */
    String note(String what) {
        return String.format(Locale.ROOT, "%s: read from %s (sha256 %s, %d records, %d used%s); precomputed, not "
                        + "produced by the Java encoder in this run", what, file, sha256.substring(0, 12), records,
                vectors.length, unused);
    }
}
