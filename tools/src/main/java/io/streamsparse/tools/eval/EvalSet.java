package io.streamsparse.tools.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The documents and the queries of one split of a known-item set, as written by
 * {@link io.streamsparse.tools.debian.DebianCorpusBuilder} ({@code docs.jsonl}, {@code queries.jsonl}).
 *
 * <p>Invariants: {@code docs} keep the file's order (sorted by id) and have distinct ids; every query's
 * {@code doc} is an index into {@code docs} (its one relevant document is present); queries keep the file's order.
 * A {@link #subset} keeps these invariants: a kept query always keeps its relevant document.
 */
record EvalSet(List<Doc> docs, List<Query> queries, String split) {

    /** A document: what is indexed is {@link #text()} (or the title and the text, see {@link DocText}). */
    record Doc(String id, String title, String text, Map<String, String> fields) {
    }

    /** A query and the index of its one relevant document in {@link EvalSet#docs()}. */
    record Query(String qid, String text, int doc) {
    }

    /** What a system reads of a document. */
    enum DocText {
        /** The long description only: the task as docs/ARCHITECTURE.md defines it and as the model was trained. */
        TEXT,
        /** {@code title + ". " + text}, what encoder-service feeds the model when a document has a title. */
        TITLE_TEXT;

        String of(Doc d) {
            return this == TEXT || d.title().isEmpty() ? d.text() : d.title() + ". " + d.text();
        }

        static DocText parse(String value) {
            return switch (value) {
                case "text" -> TEXT;
                case "title-text" -> TITLE_TEXT;
                default -> throw new IllegalArgumentException("--doc-text must be text or title-text, was '"
                        + value + "'");
            };
        }

        String optionName() {
            return this == TEXT ? "text" : "title-text";
        }
    }

    /** The documents' ids, in order. */
    List<String> docIds() {
        return docs.stream().map(Doc::id).toList();
    }

    /** The queries' ids, in order. */
    List<String> queryIds() {
        return queries.stream().map(Query::qid).toList();
    }

    EvalSet {
        docs = List.copyOf(docs);
        queries = List.copyOf(queries);
        for (Query q : queries) {
            if (q.doc() < 0 || q.doc() >= docs.size()) {
                throw new IllegalArgumentException("query " + q.qid() + " points at document " + q.doc()
                        + " outside [0, " + docs.size() + ")");
            }
        }
    }

    /**
     * Reads {@code dir/docs.jsonl} and the queries of {@code split} ({@code train}, {@code val} or {@code test})
     * from {@code dir/queries.jsonl}. A query whose document is missing from {@code docs.jsonl} is an error.
     */
    static EvalSet load(Path dir, String split) throws IOException {
        if (!split.equals("test") && !split.equals("val") && !split.equals("train")) {
            throw new IllegalArgumentException("split must be test, val or train, was '" + split + "'");
        }
        JsonMapper json = JsonMapper.builder().build();
        List<Doc> docs = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Path docsFile = dir.resolve("docs.jsonl");
        forEachLine(json, docsFile, (n, lineNo) -> {
            String id = required(n, "id", docsFile, lineNo);
            Map<String, String> fields = new TreeMap<>();
            JsonNode f = n.get("fields");
            if (f != null && f.isObject()) {
                for (Map.Entry<String, JsonNode> e : f.properties()) {
                    if (e.getValue().isString()) {
                        fields.put(e.getKey(), e.getValue().asString());
                    }
                }
            }
            JsonNode title = n.get("title");
            Doc d = new Doc(id, title == null || title.isNull() ? "" : title.asString(),
                    required(n, "text", docsFile, lineNo), Collections.unmodifiableMap(fields));
            if (index.put(id, docs.size()) != null) {
                throw new IllegalArgumentException(docsFile + ":" + lineNo + ": duplicate document id " + id);
            }
            docs.add(d);
        });
        List<Query> queries = new ArrayList<>();
        Path queriesFile = dir.resolve("queries.jsonl");
        forEachLine(json, queriesFile, (n, lineNo) -> {
            if (!split.equals(required(n, "split", queriesFile, lineNo))) {
                return;
            }
            String qid = required(n, "qid", queriesFile, lineNo);
            String docId = required(n, "doc", queriesFile, lineNo);
            Integer doc = index.get(docId);
            if (doc == null) {
                throw new IllegalArgumentException(queriesFile + ":" + lineNo + ": query " + qid
                        + " points at document " + docId + ", which docs.jsonl lacks");
            }
            queries.add(new Query(qid, required(n, "text", queriesFile, lineNo), doc));
        });
        return new EvalSet(docs, queries, split);
    }

    /** Every query id of {@code dir/queries.jsonl} with its split, in file order. */
    static Map<String, String> querySplits(Path dir) throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, String> out = new LinkedHashMap<>();
        Path queriesFile = dir.resolve("queries.jsonl");
        forEachLine(json, queriesFile, (n, lineNo) -> {
            String qid = required(n, "qid", queriesFile, lineNo);
            if (out.put(qid, required(n, "split", queriesFile, lineNo)) != null) {
                throw new IllegalArgumentException(queriesFile + ":" + lineNo + ": duplicate query id " + qid);
            }
        });
        return out;
    }

    /** One JSON object per non-blank line, with its 1-based line number. */
    private interface JsonLine {
        void accept(JsonNode node, int lineNo);
    }

    private static void forEachLine(JsonMapper json, Path file, JsonLine each) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (!line.isBlank()) {
                    each.accept(json.readTree(line), lineNo);
                }
            }
        }
    }

    private static String required(JsonNode n, String name, Path file, int line) {
        JsonNode v = n.get(name);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(file + ":" + line + ": missing string field \"" + name + "\"");
        }
        return v.asString();
    }

    /**
     * A subset for quick runs: at most {@code maxQueries} queries and {@code maxDocs} documents ({@code <= 0}: no
     * limit). Queries are taken in a seeded random order while their relevant documents still fit in
     * {@code maxDocs}; the rest of the document budget is filled with other documents in a seeded random order.
     * Documents and queries then keep their original order. Deterministic for a given seed.
     */
    EvalSet subset(int maxDocs, int maxQueries, long seed) {
        int docLimit = maxDocs <= 0 ? docs.size() : Math.min(maxDocs, docs.size());
        int queryLimit = maxQueries <= 0 ? queries.size() : Math.min(maxQueries, queries.size());
        if (docLimit == docs.size() && queryLimit == queries.size()) {
            return this;
        }
        Random random = new Random(seed);
        int[] queryOrder = shuffled(queries.size(), random);
        boolean[] keepDoc = new boolean[docs.size()];
        boolean[] keepQuery = new boolean[queries.size()];
        int keptDocs = 0;
        int keptQueries = 0;
        for (int i = 0; i < queryOrder.length && keptQueries < queryLimit; i++) {
            int q = queryOrder[i];
            int d = queries.get(q).doc();
            if (!keepDoc[d]) {
                if (keptDocs == docLimit) {
                    continue; // its document does not fit; a later query may share a kept one
                }
                keepDoc[d] = true;
                keptDocs++;
            }
            keepQuery[q] = true;
            keptQueries++;
        }
        int[] docOrder = shuffled(docs.size(), random);
        for (int i = 0; i < docOrder.length && keptDocs < docLimit; i++) {
            if (!keepDoc[docOrder[i]]) {
                keepDoc[docOrder[i]] = true;
                keptDocs++;
            }
        }
        int[] newIndex = new int[docs.size()];
        Arrays.fill(newIndex, -1);
        List<Doc> subDocs = new ArrayList<>(keptDocs);
        for (int d = 0; d < docs.size(); d++) {
            if (keepDoc[d]) {
                newIndex[d] = subDocs.size();
                subDocs.add(docs.get(d));
            }
        }
        List<Query> subQueries = new ArrayList<>(keptQueries);
        for (int q = 0; q < queries.size(); q++) {
            if (keepQuery[q]) {
                Query query = queries.get(q);
                subQueries.add(new Query(query.qid(), query.text(), newIndex[query.doc()]));
            }
        }
        return new EvalSet(subDocs, subQueries, split);
    }

    private static int[] shuffled(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Document texts as the systems read them. */
    List<String> docTexts(DocText mode) {
        List<String> out = new ArrayList<>(docs.size());
        for (Doc d : docs) {
            out.add(mode.of(d));
        }
        return out;
    }

    List<String> queryTexts() {
        List<String> out = new ArrayList<>(queries.size());
        for (Query q : queries) {
            out.add(q.text());
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d queries, %d docs", split, queries.size(), docs.size());
    }
}
