package io.streamsparse.tools.doccorpus;

import io.streamsparse.tools.doccorpus.DocFiles.Kind;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the doc corpus: passages of Debian packages' own documentation (manual pages, info manuals, HTML
 * references, README and text files) and known-item queries drawn from the same files.
 *
 * <p>Rules:
 * <ul>
 *   <li><b>Input.</b> The packages named in the package list (default: {@code packages.txt} beside this class),
 *       each as one {@code .deb} in the debs folder ({@code apt-get download} puts it there with
 *       {@code --download}). Files are chosen and read as {@link DocFiles} says.</li>
 *   <li><b>Passages.</b> Each file's sections are cut by {@link PassageCutter} into passages of at most
 *       {@link #MAX_TOKENS} tokens of the default model's tokenizer ({@link WordPieceCount}); passages of fewer than {@value #MIN_PASSAGE_WORDS} words, or
 *       mostly not letters, or mostly non-Latin letters, are dropped. A passage's id is
 *       {@code <package>:<path without usr/share/>#<section>.<passage>} (indices in the file's reading order),
 *       so it depends on the package's content only, never on the order of reading. Its title is the page's
 *       title, then {@code " › "} and the section heading if there is one; the heading is not in the text.</li>
 *   <li><b>Dedupe.</b> Passages with the same text (the same boilerplate on many pages, a page shipped twice)
 *       are kept once, under the smallest id.</li>
 *   <li><b>Queries.</b> A candidate is a manual page's NAME description pointing to the first passage of its
 *       DESCRIPTION section, or a section heading of {@value #MIN_QUERY_WORDS} to {@value #MAX_QUERY_WORDS}
 *       words of prose (no code characters) pointing to the section's first passage. The answer must have at
 *       least {@value #MIN_ANSWER_WORDS} words and a text no other passage has; a query text (case-insensitive)
 *       that two candidates share is dropped as ambiguous; at most {@value #QUERIES_PER_FILE} queries per file
 *       (the smallest by id hash). The query id is {@code q:} + the answer's id. No query is trained or tuned
 *       on: every split is {@code test}.</li>
 *   <li><b>Order.</b> {@code docs.jsonl} is sorted by a hash of the id (SHA-256's first 8 bytes, then the id),
 *       so that every prefix of it is a uniform sample: the benchmark's 60k/120k/250k/500k subsets are
 *       prefixes. {@code queries.jsonl} likewise by qid hash.</li>
 * </ul>
 * Output: {@code docs.jsonl} ({@code id, title, text, fields: package, version, path, section, kind}),
 * {@code queries.jsonl} ({@code qid, text, doc, split}, what {@code tools evaluate} reads), {@code qrels.tsv}
 * (TREC: {@code qid 0 docid 1}), {@code manifest.tsv} (package, version, deb, SHA-256, files, pages, passages
 * before dedupe) and {@code stats.txt}.
 */
public final class DocCorpusBuilder {

    /** Passage budget in the default model's tokens: its 256 less [CLS] and [SEP]. */
    public static final int MAX_TOKENS = 254;
    static final int MIN_PASSAGE_WORDS = 5;
    static final int MIN_ANSWER_WORDS = 20;
    static final int MIN_QUERY_WORDS = 3;
    static final int MAX_QUERY_WORDS = 16;
    static final int QUERIES_PER_FILE = 2;
    /** Larger files (generated single-page manuals, data) are skipped. */
    static final long MAX_FILE_BYTES = 16L << 20;
    private static final String PACKAGE_LIST = "packages.txt";

    /** One passage of the corpus. */
    public record Passage(String id, String title, String text, int tokens, String packageName, String version,
            String path, String heading, Kind kind) {
    }

    /** A known-item query and its one relevant passage. */
    public record Query(String qid, String text, String docId) {
    }

    /** What one package gave: its passages and query candidates, before dedupe. */
    record PackageDocs(String name, String version, String deb, String sha256, int files, int pages,
            int failedFiles, List<Passage> passages, List<Query> candidates) {
    }

    /** The assembled corpus, in output order. */
    public record Corpus(List<Passage> passages, List<Query> queries, int duplicatesDropped) {
    }

    private DocCorpusBuilder() {
    }

    /** The package names of a list: one a line, {@code #} comments and blank lines ignored. */
    static List<String> packageNames(BufferedReader list) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line = list.readLine(); line != null; line = list.readLine()) {
            int hash = line.indexOf('#');
            String name = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!name.isEmpty()) {
                if (!name.matches("[a-z0-9][a-z0-9+.-]+")) {
                    throw new IllegalArgumentException("not a Debian package name: '" + name + "'");
                }
                names.add(name);
            }
        }
        return names;
    }

    /** Reads the files of one package's data tar (paths as {@code ./usr/...}) into passages and candidates. */
    static PackageDocs readTar(String pkg, String version, String deb, String sha256, InputStream tar,
            PassageCutter cutter) throws IOException {
        List<Passage> passages = new ArrayList<>();
        List<Query> candidates = new ArrayList<>();
        int files = 0;
        int pages = 0;
        int failed = 0;
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
            if (!entry.isFile() || entry.isLink() || entry.isSymbolicLink() || entry.getSize() > MAX_FILE_BYTES) {
                // a link (hard or symbolic) repeats a file read under its own name
                continue;
            }
            String path = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
            Kind kind = DocFiles.kind(path);
            if (kind == null) {
                continue;
            }
            files++;
            byte[] bytes = in.readAllBytes();
            try {
                if (path.endsWith(".gz")) {
                    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                        bytes = gz.readAllBytes();
                    }
                }
                if (bytes.length > MAX_FILE_BYTES) {
                    continue;
                }
                DocPage page = read(kind, new String(bytes, StandardCharsets.UTF_8),
                        DocFiles.fallbackTitle(path, kind));
                if (page != null) {
                    pages++;
                    addPage(pkg, version, path, kind, page, cutter, passages, candidates);
                }
            } catch (IOException | RuntimeException e) {
                // a corrupt or unreadable file costs that file only
                if (failed++ < 3) {
                    System.err.println("doc-corpus: skipped " + pkg + " " + path + ": " + e);
                }
            }
        }
        return new PackageDocs(pkg, version, deb, sha256, files, pages, failed, passages, candidates);
    }

    static DocPage read(Kind kind, String content, String fallbackTitle) {
        return switch (kind) {
            case MAN -> RoffText.read(content, fallbackTitle);
            case INFO -> PlainText.readInfo(content, fallbackTitle);
            case HTML -> HtmlText.read(content, fallbackTitle);
            case TEXT -> PlainText.readText(content, fallbackTitle);
        };
    }

    /** Cuts one page into passages (appended to {@code passages}) and query candidates. */
    static void addPage(String pkg, String version, String path, Kind kind, DocPage page, PassageCutter cutter,
            List<Passage> passages, List<Query> candidates) {
        String idPrefix = pkg + ":" + (path.startsWith("usr/share/") ? path.substring("usr/share/".length()) : path)
                + "#";
        for (int s = 0; s < page.sections().size(); s++) {
            DocPage.Section section = page.sections().get(s);
            String title = section.heading().isEmpty() || section.heading().equals(page.title()) ? page.title()
                    : page.title() + " \u203a " + section.heading();
            List<PassageCutter.Cut> texts = cutter.cut(section.paragraphs());
            String firstId = null;
            String firstText = null;
            for (int p = 0; p < texts.size(); p++) {
                String text = texts.get(p).text();
                if (!isProse(text)) {
                    continue;
                }
                String id = idPrefix + s + "." + p;
                passages.add(new Passage(id, title, text, texts.get(p).tokens(), pkg, version, path,
                        section.heading(), kind));
                if (p == 0) {
                    firstId = id;
                    firstText = text;
                }
            }
            if (firstId == null || TextUtil.words(firstText) < MIN_ANSWER_WORDS) {
                continue;
            }
            if (page.summary() != null && s == page.summarySection()) {
                if (TextUtil.words(page.summary()) >= MIN_QUERY_WORDS) {
                    candidates.add(new Query("q:" + firstId, page.summary(), firstId));
                }
            } else if (isQueryHeading(section.heading())) {
                candidates.add(new Query("q:" + firstId, section.heading(), firstId));
            }
        }
    }

    /** At least {@value #MIN_PASSAGE_WORDS} words, mostly letters, mostly Latin letters. */
    static boolean isProse(String text) {
        if (TextUtil.words(text) < MIN_PASSAGE_WORDS) {
            return false;
        }
        int visible = 0;
        int letters = 0;
        int latin = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            visible++;
            if (Character.isLetter(c)) {
                letters++;
                if (c < 0x250) {
                    latin++;
                }
            }
        }
        return letters >= 0.4 * visible && latin >= 0.7 * letters;
    }

    /** A heading that reads as a question-like phrase: enough words, no code characters, mostly letters. */
    static boolean isQueryHeading(String heading) {
        int words = TextUtil.words(heading);
        if (words < MIN_QUERY_WORDS || words > MAX_QUERY_WORDS) {
            return false;
        }
        int letters = 0;
        for (int i = 0; i < heading.length(); i++) {
            char c = heading.charAt(i);
            if ("(){}<>[]=_;:$@*/\\|`\"".indexOf(c) >= 0) {
                return false;
            }
            if (Character.isLetter(c) || c == ' ') {
                letters++;
            }
        }
        return letters >= 0.85 * heading.length();
    }

    /** Dedupes passages, selects queries and puts both in hash order. */
    static Corpus assemble(List<PackageDocs> packages) {
        // text -> smallest id carrying it, and how many passages carry it
        Map<String, String> idByText = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        int total = 0;
        for (PackageDocs pkg : packages) {
            for (Passage p : pkg.passages()) {
                total++;
                idByText.merge(p.text(), p.id(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                copies.merge(p.text(), 1, Integer::sum);
            }
        }
        List<Passage> kept = new ArrayList<>(idByText.size());
        Map<String, String> textById = new HashMap<>();
        for (PackageDocs pkg : packages) {
            for (Passage p : pkg.passages()) {
                if (idByText.get(p.text()).equals(p.id())) {
                    kept.add(p);
                    textById.put(p.id(), p.text());
                }
            }
        }
        kept.sort(Comparator.comparing((Passage p) -> hashKey(p.id())));

        Map<String, Integer> textUses = new HashMap<>();
        for (PackageDocs pkg : packages) {
            for (Query q : pkg.candidates()) {
                textUses.merge(q.text().toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        // file (answer id without "#s.p") -> its unambiguous candidates, smallest hash first
        TreeMap<String, List<Query>> byFile = new TreeMap<>();
        for (PackageDocs pkg : packages) {
            for (Query q : pkg.candidates()) {
                String answer = textById.get(q.docId());
                if (answer == null || copies.get(answer) != 1
                        || textUses.get(q.text().toLowerCase(Locale.ROOT)) != 1) {
                    continue;
                }
                byFile.computeIfAbsent(q.docId().substring(0, q.docId().lastIndexOf('#')), f -> new ArrayList<>())
                        .add(q);
            }
        }
        List<Query> queries = new ArrayList<>();
        for (List<Query> fileQueries : byFile.values()) {
            fileQueries.sort(Comparator.comparing((Query q) -> hashKey(q.qid())));
            queries.addAll(fileQueries.subList(0, Math.min(QUERIES_PER_FILE, fileQueries.size())));
        }
        queries.sort(Comparator.comparing((Query q) -> hashKey(q.qid())));
        return new Corpus(kept, queries, total - kept.size());
    }

    /** SHA-256's first 8 bytes as 16 hex digits, then the id: a stable, uniform order. */
    static String hashKey(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8) + id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the corpus files into {@code outDir}. */
    static void write(Corpus corpus, List<PackageDocs> packages, Path outDir, String stats) throws IOException {
        Files.createDirectories(outDir);
        JsonMapper json = JsonMapper.builder().build();
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("docs.jsonl"), StandardCharsets.UTF_8)) {
            for (Passage p : corpus.passages()) {
                ObjectNode node = json.createObjectNode();
                node.put("id", p.id());
                node.put("title", p.title());
                node.put("text", p.text());
                ObjectNode fields = node.putObject("fields");
                fields.put("package", p.packageName());
                fields.put("version", p.version());
                fields.put("path", p.path());
                fields.put("section", p.heading());
                fields.put("kind", p.kind().jsonName());
                out.write(json.writeValueAsString(node));
                out.write('\n');
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("queries.jsonl"), StandardCharsets.UTF_8);
                BufferedWriter qrels = Files.newBufferedWriter(outDir.resolve("qrels.tsv"), StandardCharsets.UTF_8)) {
            for (Query q : corpus.queries()) {
                ObjectNode node = json.createObjectNode();
                node.put("qid", q.qid());
                node.put("text", q.text());
                node.put("doc", q.docId());
                node.put("split", "test");
                out.write(json.writeValueAsString(node));
                out.write('\n');
                qrels.write(q.qid() + "\t0\t" + q.docId() + "\t1\n");
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("manifest.tsv"), StandardCharsets.UTF_8)) {
            out.write("package\tversion\tdeb\tsha256\tfiles\tpages\tfailed_files\tpassages_before_dedupe\n");
            for (PackageDocs p : packages) {
                out.write(String.join("\t", p.name(), p.version(), p.deb(), p.sha256(), String.valueOf(p.files()),
                        String.valueOf(p.pages()), String.valueOf(p.failedFiles()),
                        String.valueOf(p.passages().size())) + "\n");
            }
        }
        Files.writeString(outDir.resolve("stats.txt"), stats, StandardCharsets.UTF_8);
    }

    /** Reads one {@code .deb} through {@code dpkg-deb --fsys-tarfile}. */
    static PackageDocs readDeb(String pkg, Path deb, PassageCutter cutter) throws IOException, InterruptedException {
        String file = deb.getFileName().toString();
        String[] parts = file.split("_");
        // apt-get download writes an epoch's ':' as "%3a"
        String version = parts.length >= 3 ? parts[1].replace("%3a", ":") : "";
        String sha256;
        try (InputStream in = Files.newInputStream(deb)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Process dpkg = new ProcessBuilder("dpkg-deb", "--fsys-tarfile", deb.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        dpkg.getOutputStream().close();
        PackageDocs docs;
        try (InputStream tar = dpkg.getInputStream()) {
            docs = readTar(pkg, version, file, sha256, tar, cutter);
            tar.transferTo(java.io.OutputStream.nullOutputStream());
        }
        int rc = dpkg.waitFor();
        if (rc != 0) {
            throw new IOException("dpkg-deb --fsys-tarfile " + deb + " exited " + rc);
        }
        return docs;
    }

    /** The one {@code <pkg>_*.deb} in {@code debs}. */
    static Path debOf(Path debs, String pkg) throws IOException {
        try (Stream<Path> files = Files.list(debs)) {
            List<Path> matches = files.filter(f -> f.getFileName().toString().startsWith(pkg + "_")
                    && f.getFileName().toString().endsWith(".deb")).sorted().toList();
            if (matches.size() != 1) {
                throw new IllegalArgumentException("expected one " + pkg + "_*.deb in " + debs.toAbsolutePath()
                        + ", found " + matches.size() + " (run with --download into an empty folder)");
            }
            return matches.get(0);
        }
    }

    /** {@code apt-get download} of every package into {@code debs} (needs apt's lists: {@code apt-get update}). */
    static void download(List<String> names, Path debs) throws IOException, InterruptedException {
        Files.createDirectories(debs);
        List<String> command = new ArrayList<>(List.of("apt-get", "download"));
        for (String name : names) {
            try (Stream<Path> files = Files.list(debs)) {
                if (files.noneMatch(f -> f.getFileName().toString().startsWith(name + "_"))) {
                    command.add(name);
                }
            }
        }
        if (command.size() == 2) {
            return;
        }
        int rc = new ProcessBuilder(command).directory(debs.toFile()).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("apt-get download exited " + rc);
        }
    }

    static final String USAGE = "usage: --debs DIR --out DIR [--packages FILE] [--download] [--threads N]";

    /** Builds the corpus and prints its counts. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path debs = null;
        Path out = null;
        Path list = null;
        boolean download = false;
        int threads = 2;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--download")) {
                download = true;
                continue;
            }
            if (option.equals("--help")) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option without a value: " + option + " (" + USAGE + ")");
            }
            String value = args[++i];
            switch (option) {
                case "--debs" -> debs = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--packages" -> list = Path.of(value);
                case "--threads" -> threads = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option: " + option + " (" + USAGE + ")");
            }
        }
        if (debs == null || out == null || threads < 1) {
            throw new IllegalArgumentException(USAGE);
        }
        List<String> names;
        try (BufferedReader in = list != null ? Files.newBufferedReader(list, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(
                        DocCorpusBuilder.class.getResourceAsStream(PACKAGE_LIST), StandardCharsets.UTF_8))) {
            names = packageNames(in);
        }
        long start = System.nanoTime();
        if (download) {
            download(names, debs);
        }
        try (WordPieceCount tokens = WordPieceCount.defaultModel()) {
            List<PackageDocs> packages = readAll(names, debs, threads, new PassageCutter(MAX_TOKENS, tokens));
            Corpus corpus = assemble(packages);
            String stats = CorpusStats.of(corpus, packages);
            write(corpus, packages, out, stats);
            System.out.print(stats);
        }
        System.out.printf(Locale.ROOT, "seconds=%.1f out=%s%n", (System.nanoTime() - start) / 1e9,
                out.toAbsolutePath());
    }

    private static List<PackageDocs> readAll(List<String> names, Path debs, int threads, PassageCutter cutter)
            throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        for (String name : names) {
            files.add(debOf(debs, name));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<PackageDocs>> futures = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Path deb = files.get(i);
                futures.add(pool.submit(() -> {
                    PackageDocs docs = readDeb(name, deb, cutter);
                    System.err.printf(Locale.ROOT, "%s %s files=%d passages=%d failed=%d%n", name, docs.version(),
                            docs.files(), docs.passages().size(), docs.failedFiles());
                    return docs;
                }));
            }
            List<PackageDocs> result = new ArrayList<>();
            for (Future<PackageDocs> f : futures) {
                try {
                    result.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    throw new UncheckedIOException(new IOException(cause));
                }
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }
}
