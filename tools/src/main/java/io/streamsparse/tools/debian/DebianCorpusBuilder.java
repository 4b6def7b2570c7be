package io.streamsparse.tools.debian;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the Debian known-item retrieval set from apt's package lists: the query is a package's one-line synopsis,
 * the one relevant document is its long description (see docs/ARCHITECTURE.md, "Evaluation data and split").
 *
 * <p>Rules, applied to every {@code (Package, Description-md5)} of the {@code *_Packages} files that has a
 * {@code Description-en} in the {@code *_Translation-en} files (joined on both keys):
 * <ul>
 *   <li><b>Documents.</b> One per distinct non-empty long description (the description's lines after the synopsis,
 *       one leading space removed, {@code " ."} paragraph lines turned into blank lines). Its id is
 *       {@code d:<p>} and its title {@code p}, where {@code p} is the smallest package name (in {@link String}
 *       order) that carries this description; its fields are {@code p}'s package, section and source package.</li>
 *   <li><b>Queries.</b> One per distinct synopsis whose packages all carry the same long description, which must
 *       be a document of at least {@value #MIN_DOCUMENT_WORDS} whitespace-separated words (a synopsis also used with
 *       another or an empty long description is ambiguous and dropped). Its id is {@code q:<p>} with {@code p} the
 *       smallest package name having that synopsis.</li>
 *   <li><b>Split.</b> A query is {@code test} if its id is listed in {@code test_qids.txt} of the split folder,
 *       {@code val} if listed in {@code val_qids.txt}, otherwise {@code train}. The shared split groups queries by
 *       source package, so train never shares a source package with val or test.</li>
 * </ul>
 * Output is deterministic: documents sorted by id, queries by qid, lists read in file-name order.
 *
 * <p>Output files: {@code docs.jsonl}, one {@code {"id","title","text","fields":{"package","section","source"}}}
 * per line, and {@code queries.jsonl}, one {@code {"qid","text","doc","split"}} per line (UTF-8, {@code '\n'}).
 */
public final class DebianCorpusBuilder {

    /** Minimum number of words of a query's document. */
    public static final int MIN_DOCUMENT_WORDS = 20;
    /**
     * The split folder used when none is given: the project's fixed split, {@code data/debian-split} of the
     * repository (relative to the working directory, so commands run from the repository root find it).
     */
    public static final Path DEFAULT_SPLIT_DIR = Path.of("data", "debian-split");

    private static final Pattern PACKAGES_FILE = Pattern.compile(".*_Packages(\\.(lz4|gz|xz|zst|bz2))?");
    private static final Pattern TRANSLATION_FILE = Pattern.compile(".*_Translation-en(\\.(lz4|gz|xz|zst|bz2))?");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String APT_HELPER = "/usr/lib/apt/apt-helper";

    /** Which part of the split a query belongs to. */
    public enum Split {
        TRAIN, VAL, TEST;

        /** The name written in {@code queries.jsonl}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A document: a distinct long description. */
    public record Document(String id, String title, String text, String packageName, String section,
            String source) {
    }

    /** A known-item query: a synopsis and the id of its one relevant document. */
    public record Query(String qid, String text, String docId, Split split) {
    }

    /** The built set; both lists sorted by id. */
    public record Corpus(List<Document> documents, List<Query> queries) {
        public Corpus {
            documents = List.copyOf(documents);
            queries = List.copyOf(queries);
        }

        /** Number of queries in {@code split}. */
        public int count(Split split) {
            int n = 0;
            for (Query q : queries) {
                if (q.split() == split) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * What a build produced; {@code splitQidsMissing} counts the ids listed in the split files that name no query
     * (0 when the lists match the ones the split was made from).
     */
    public record Counts(int documents, int queries, int train, int val, int test, int splitQidsMissing) {
        @Override
        public String toString() {
            return "documents=" + documents + " queries=" + queries + " train=" + train + " val=" + val
                    + " test=" + test + " split_qids_missing=" + splitQidsMissing;
        }
    }

    /** The split's query ids: {@code test_qids.txt} and {@code val_qids.txt}. */
    public record SplitIds(Set<String> test, Set<String> val) {
        public SplitIds {
            test = Set.copyOf(test);
            val = Set.copyOf(val);
            for (String qid : test) {
                if (val.contains(qid)) {
                    throw new IllegalArgumentException("query id in both test and val: " + qid);
                }
            }
        }

        /** No held-out query: everything is train. */
        public static final SplitIds NONE = new SplitIds(Set.of(), Set.of());

        /** Reads {@code test_qids.txt} and {@code val_qids.txt} (one id a line) from {@code dir}. */
        public static SplitIds read(Path dir) throws IOException {
            Path test = dir.resolve("test_qids.txt");
            Path val = dir.resolve("val_qids.txt");
            if (!Files.isRegularFile(test) || !Files.isRegularFile(val)) {
                throw new IllegalArgumentException("split folder lacks test_qids.txt or val_qids.txt: "
                        + dir.toAbsolutePath() + " (the repository's split is data/debian-split: run from the"
                        + " repository root or pass --split-dir)");
            }
            return new SplitIds(readIds(test), readIds(val));
        }

        Split of(String qid) {
            return test.contains(qid) ? Split.TEST : val.contains(qid) ? Split.VAL : Split.TRAIN;
        }

        int missing(List<Query> queries) {
            Set<String> present = new HashSet<>();
            for (Query q : queries) {
                present.add(q.qid());
            }
            int n = 0;
            for (String qid : test) {
                n += present.contains(qid) ? 0 : 1;
            }
            for (String qid : val) {
                n += present.contains(qid) ? 0 : 1;
            }
            return n;
        }

        private static Set<String> readIds(Path file) throws IOException {
            Set<String> ids = new HashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ids.add(line.strip());
                }
            }
            return ids;
        }
    }

    private DebianCorpusBuilder() {
    }

    /**
     * Builds the set from the lists in {@code listsDir} (running {@code apt-get update} into it first if it holds
     * no {@code Translation-en} file), assigns splits from {@code splitDir}, and writes {@code docs.jsonl} and
     * {@code queries.jsonl} into {@code outDir} (created if needed).
     */
    public static Counts build(Path listsDir, Path splitDir, Path outDir) throws IOException, InterruptedException {
        ensureLists(listsDir);
        SplitIds split = SplitIds.read(splitDir);
        Corpus corpus = fromLists(listsDir, split);
        write(corpus, outDir);
        return new Counts(corpus.documents().size(), corpus.queries().size(), corpus.count(Split.TRAIN),
                corpus.count(Split.VAL), corpus.count(Split.TEST), split.missing(corpus.queries()));
    }

    /**
     * Makes sure {@code listsDir} holds English translations: if it has no {@code *_Translation-en*} file, runs
     * {@code apt-get update -o Acquire::Languages=en -o Dir::State::Lists=<listsDir>} (needs root and the network
     * to the Debian mirrors configured in {@code /etc/apt}).
     */
    public static void ensureLists(Path listsDir) throws IOException, InterruptedException {
        if (Files.isDirectory(listsDir) && !listFiles(listsDir, TRANSLATION_FILE).isEmpty()) {
            return;
        }
        Files.createDirectories(listsDir.resolve("partial"));
        Process apt = new ProcessBuilder("apt-get", "update", "-o", "Acquire::Languages=en",
                "-o", "Dir::State::Lists=" + listsDir.toAbsolutePath())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int rc = apt.waitFor();
        if (rc != 0 || listFiles(listsDir, TRANSLATION_FILE).isEmpty()) {
            throw new IOException("apt-get update into " + listsDir.toAbsolutePath() + " exited " + rc
                    + " and left no Translation-en file");
        }
    }

    /** Reads the {@code Packages} and {@code Translation-en} files of {@code listsDir} and assembles the set. */
    public static Corpus fromLists(Path listsDir, SplitIds split) throws IOException, InterruptedException {
        Assembler assembler = new Assembler();
        for (Path file : listFiles(listsDir, TRANSLATION_FILE)) {
            catFile(file, assembler::addTranslations);
        }
        for (Path file : listFiles(listsDir, PACKAGES_FILE)) {
            catFile(file, assembler::addPackages);
        }
        return assembler.assemble(split);
    }

    /** Writes {@code docs.jsonl} and {@code queries.jsonl} into {@code outDir}. */
    public static void write(Corpus corpus, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        JsonMapper json = JsonMapper.builder().build();
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("docs.jsonl"), StandardCharsets.UTF_8)) {
            for (Document d : corpus.documents()) {
                ObjectNode node = json.createObjectNode();
                node.put("id", d.id());
                node.put("title", d.title());
                node.put("text", d.text());
                ObjectNode fields = node.putObject("fields");
                fields.put("package", d.packageName());
                fields.put("section", d.section());
                fields.put("source", d.source());
                out.write(json.writeValueAsString(node));
                out.write('\n');
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            for (Query q : corpus.queries()) {
                ObjectNode node = json.createObjectNode();
                node.put("qid", q.qid());
                node.put("text", q.text());
                node.put("doc", q.docId());
                node.put("split", q.split().jsonName());
                out.write(json.writeValueAsString(node));
                out.write('\n');
            }
        }
    }

    /**
     * Assembles the set from already decompressed list texts (what {@code fromLists} does after
     * {@code apt-helper cat-file}); for tests and for lists fetched some other way.
     */
    public static Corpus fromTexts(List<String> packagesTexts, List<String> translationTexts, SplitIds split) {
        Assembler assembler = new Assembler();
        try {
            for (String text : translationTexts) {
                assembler.addTranslations(new BufferedReader(new java.io.StringReader(text)));
            }
            for (String text : packagesTexts) {
                assembler.addPackages(new BufferedReader(new java.io.StringReader(text)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return assembler.assemble(split);
    }

    /** {@code --lists-dir DIR --out DIR [--split-dir DIR]}: builds the set and prints its counts. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path lists = null;
        Path out = null;
        Path splitDir = DEFAULT_SPLIT_DIR;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option without a value: " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--lists-dir" -> lists = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--split-dir" -> splitDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option: " + option
                        + " (usage: --lists-dir DIR --out DIR [--split-dir DIR])");
            }
        }
        if (lists == null || out == null) {
            throw new IllegalArgumentException("usage: --lists-dir DIR --out DIR [--split-dir DIR]");
        }
        long start = System.nanoTime();
        Counts counts = build(lists, splitDir, out);
        System.out.println(counts + " seconds=" + String.format(Locale.ROOT, "%.1f",
                (System.nanoTime() - start) / 1e9) + " out=" + out.toAbsolutePath());
    }

    private static List<Path> listFiles(Path dir, Pattern name) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && name.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private interface LinesSink {
        void accept(BufferedReader in) throws IOException;
    }

    /** Streams {@code apt-helper cat-file FILE} (which undoes apt's compression) into {@code sink}. */
    private static void catFile(Path file, LinesSink sink) throws IOException, InterruptedException {
        Process cat = new ProcessBuilder(APT_HELPER, "cat-file", file.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        cat.getOutputStream().close();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(cat.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
            sink.accept(in);
        }
        int rc = cat.waitFor();
        if (rc != 0) {
            throw new IOException(APT_HELPER + " cat-file " + file + " exited " + rc);
        }
    }

    /** Collects the joined descriptions, then applies the dedupe and query rules. */
    private static final class Assembler {
        /** {@code package + '\0' + md5} to the full {@code Description-en} (synopsis line + long lines). */
        private final Map<String, String> translations = new HashMap<>();
        /** Package name to its first seen section and source (lists read in file-name order). */
        private final Map<String, String[]> packageInfo = new HashMap<>();
        /** Distinct {@code package + '\0' + md5} seen in the Packages files. */
        private final Set<String> described = new TreeSet<>();

        void addTranslations(BufferedReader in) throws IOException {
            DebianStanzas.parse(in, stanza -> {
                String pkg = stanza.get("Package");
                String md5 = stanza.get("Description-md5");
                String description = stanza.get("Description-en");
                if (pkg != null && md5 != null && description != null) {
                    translations.putIfAbsent(pkg + '\0' + md5, description);
                }
            });
        }

        void addPackages(BufferedReader in) throws IOException {
            DebianStanzas.parse(in, stanza -> {
                String pkg = stanza.get("Package");
                String md5 = stanza.get("Description-md5");
                if (pkg == null || md5 == null) {
                    return;
                }
                described.add(pkg + '\0' + md5);
                String section = stanza.getOrDefault("Section", "");
                String source = stanza.get("Source");
                source = source == null ? pkg : sourceName(source);
                packageInfo.putIfAbsent(pkg, new String[] {section, source});
            });
        }

        Corpus assemble(SplitIds split) {
            // long text -> packages carrying it; synopsis -> (long texts, packages)
            Map<String, TreeSet<String>> packagesByText = new HashMap<>();
            Map<String, Set<String>> textsBySynopsis = new HashMap<>();
            Map<String, TreeSet<String>> packagesBySynopsis = new HashMap<>();
            for (String key : described) {
                String description = translations.get(key);
                if (description == null) {
                    continue;
                }
                String pkg = key.substring(0, key.indexOf('\0'));
                int newline = description.indexOf('\n');
                String synopsis = (newline < 0 ? description : description.substring(0, newline)).strip();
                String text = newline < 0 ? "" : longText(description.substring(newline + 1));
                if (!text.isEmpty()) {
                    packagesByText.computeIfAbsent(text, t -> new TreeSet<>()).add(pkg);
                }
                if (!synopsis.isEmpty()) {
                    textsBySynopsis.computeIfAbsent(synopsis, s -> new HashSet<>()).add(text);
                    packagesBySynopsis.computeIfAbsent(synopsis, s -> new TreeSet<>()).add(pkg);
                }
            }
            Map<String, String> docIdByText = new HashMap<>();
            TreeMap<String, Document> documents = new TreeMap<>();
            for (Map.Entry<String, TreeSet<String>> e : packagesByText.entrySet()) {
                String pkg = e.getValue().first();
                String[] info = packageInfo.get(pkg);
                Document d = new Document("d:" + pkg, pkg, e.getKey(), pkg, info[0], info[1]);
                documents.put(d.id(), d);
                docIdByText.put(e.getKey(), d.id());
            }
            TreeMap<String, Query> queries = new TreeMap<>();
            for (Map.Entry<String, Set<String>> e : textsBySynopsis.entrySet()) {
                if (e.getValue().size() != 1) {
                    continue;
                }
                String text = e.getValue().iterator().next();
                if (text.isEmpty() || wordCount(text) < MIN_DOCUMENT_WORDS) {
                    continue;
                }
                String qid = "q:" + packagesBySynopsis.get(e.getKey()).first();
                queries.put(qid, new Query(qid, e.getKey(), docIdByText.get(text), split.of(qid)));
            }
            return new Corpus(new ArrayList<>(documents.values()), new ArrayList<>(queries.values()));
        }
    }

    /** {@code "foo (1.2-3)"} to {@code "foo"}. */
    static String sourceName(String sourceField) {
        int space = sourceField.indexOf(' ');
        return space < 0 ? sourceField : sourceField.substring(0, space);
    }

    /**
     * The long description from its raw continuation lines: one leading blank removed from each line, a line
     * that is then {@code "."} becomes empty (a paragraph break), trailing blanks and leading/trailing empty lines
     * removed.
     */
    static String longText(String rawLines) {
        StringBuilder out = new StringBuilder(rawLines.length());
        for (String line : rawLines.split("\n", -1)) {
            String l = line.isEmpty() ? line : line.substring(1);
            if (l.strip().equals(".")) {
                l = "";
            }
            out.append(l.stripTrailing()).append('\n');
        }
        return out.toString().strip();
    }

    static int wordCount(String text) {
        String s = text.strip();
        return s.isEmpty() ? 0 : WHITESPACE.split(s).length;
    }
}
