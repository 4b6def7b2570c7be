package io.streamsparse.tools.doccorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.tools.doccorpus.DocCorpusBuilder.Corpus;
import io.streamsparse.tools.doccorpus.DocCorpusBuilder.PackageDocs;
import io.streamsparse.tools.doccorpus.DocCorpusBuilder.Passage;
import io.streamsparse.tools.doccorpus.DocCorpusBuilder.Query;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocCorpusBuilderTest {

    private static final PassageCutter CUTTER = new PassageCutter(40, TextUtil::words);
    private static final String DESCRIPTION = "The frob utility frobnicates every file named on its command line,"
            + " writing the frobnicated result to standard output unless told otherwise by an option.";
    private static final String MAN = ".TH FROB 1\n.SH NAME\nfrob \\- frobnicate files on demand\n.SH DESCRIPTION\n"
            + DESCRIPTION + "\n.SH OPTIONS\n.TP\n\\fB\\-v\\fR\nBe verbose about every step taken.\n";
    private static final String HTML = "<html><head><title>Frob guide</title></head><body><div class=\"body\">"
            + "<h1>Frob guide</h1><p>Short intro to the guide for readers.</p>"
            + "<h2>How frobnication works inside</h2><p>" + DESCRIPTION.replace("frob utility", "frob engine")
            + "</p><h2>Notes</h2><p>" + DESCRIPTION + "</p></div></body></html>";

    @Test
    void readsOnlyDocumentationFilesOfATar() throws IOException {
        PackageDocs docs = frobPackage();
        assertEquals(2, docs.files());
        assertEquals(2, docs.pages());
        assertEquals(0, docs.failedFiles());
        List<String> ids = docs.passages().stream().map(Passage::id).toList();
        assertEquals(List.of("frob:man/man1/frob.1.gz#0.0", "frob:man/man1/frob.1.gz#1.0",
                "frob:doc/frob/guide.html#0.0", "frob:doc/frob/guide.html#1.0", "frob:doc/frob/guide.html#2.0"), ids);
        Passage description = docs.passages().get(0);
        assertEquals("frob(1) \u203a DESCRIPTION", description.title());
        assertEquals(DESCRIPTION, description.text());
        assertEquals(DocFiles.Kind.MAN, description.kind());
        assertEquals("1.0-1", description.version());
        assertEquals(List.of(new Query("q:frob:man/man1/frob.1.gz#0.0", "frobnicate files on demand",
                        "frob:man/man1/frob.1.gz#0.0"),
                new Query("q:frob:doc/frob/guide.html#1.0", "How frobnication works inside",
                        "frob:doc/frob/guide.html#1.0")), docs.candidates());
    }

    @Test
    void assembleDedupesAndKeepsOnlyUnambiguousQueries() throws IOException {
        Corpus corpus = DocCorpusBuilder.assemble(List.of(frobPackage()));
        // the guide's Notes passage repeats the man page's DESCRIPTION: kept once, under the smaller id
        assertEquals(1, corpus.duplicatesDropped());
        List<String> ids = corpus.passages().stream().map(Passage::id).sorted().toList();
        assertEquals(List.of("frob:doc/frob/guide.html#0.0", "frob:doc/frob/guide.html#1.0",
                "frob:doc/frob/guide.html#2.0", "frob:man/man1/frob.1.gz#1.0"), ids);
        // the man page's answer text is not unique, so its query is dropped
        assertEquals(List.of("q:frob:doc/frob/guide.html#1.0"), corpus.queries().stream().map(Query::qid).toList());
    }

    @Test
    void outputOrderIsAHashOfTheIdNotTheReadingOrder() throws IOException {
        PackageDocs docs = frobPackage();
        List<Passage> reversed = new ArrayList<>(docs.passages());
        Collections.reverse(reversed);
        PackageDocs shuffled = new PackageDocs(docs.name(), docs.version(), docs.deb(), docs.sha256(), docs.files(),
                docs.pages(), docs.failedFiles(), reversed, docs.candidates());
        assertEquals(DocCorpusBuilder.assemble(List.of(docs)), DocCorpusBuilder.assemble(List.of(shuffled)));
        List<String> keys = DocCorpusBuilder.assemble(List.of(docs)).passages().stream()
                .map(p -> DocCorpusBuilder.hashKey(p.id())).toList();
        assertEquals(keys.stream().sorted().toList(), keys);
    }

    @Test
    void writesDocsQueriesQrelsAndManifest(@TempDir Path out) throws IOException {
        PackageDocs docs = frobPackage();
        Corpus corpus = DocCorpusBuilder.assemble(List.of(docs));
        DocCorpusBuilder.write(corpus, List.of(docs), out, CorpusStats.of(corpus, List.of(docs)));
        List<String> docLines = Files.readAllLines(out.resolve("docs.jsonl"));
        assertEquals(4, docLines.size());
        assertTrue(docLines.stream().anyMatch(l -> l.contains("\"id\":\"frob:doc/frob/guide.html#1.0\"")
                && l.contains("\"kind\":\"html\"") && l.contains("\"version\":\"1.0-1\"")), docLines.toString());
        assertEquals(List.of("{\"qid\":\"q:frob:doc/frob/guide.html#1.0\",\"text\":\"How frobnication works inside\","
                + "\"doc\":\"frob:doc/frob/guide.html#1.0\",\"split\":\"test\"}"),
                Files.readAllLines(out.resolve("queries.jsonl")));
        assertEquals(List.of("q:frob:doc/frob/guide.html#1.0\t0\tfrob:doc/frob/guide.html#1.0\t1"),
                Files.readAllLines(out.resolve("qrels.tsv")));
        List<String> manifest = Files.readAllLines(out.resolve("manifest.tsv"));
        assertEquals("frob\t1.0-1\tfrob_1.0-1_all.deb\tabc\t2\t2\t0\t5", manifest.get(1));
        assertTrue(Files.readString(out.resolve("stats.txt")).contains("passages=4 duplicates_dropped=1 queries=1"));
    }

    @Test
    void packageListsIgnoreCommentsAndRejectBadNames() throws IOException {
        assertEquals(List.of("manpages", "python3.11-doc", "libstdc++-12-doc"), DocCorpusBuilder.packageNames(
                new BufferedReader(new StringReader("# docs\nmanpages\n\npython3.11-doc  # html\nlibstdc++-12-doc\n"))));
        assertThrows(IllegalArgumentException.class, () -> DocCorpusBuilder.packageNames(
                new BufferedReader(new StringReader("Bad Name\n"))));
        try (var list = DocCorpusBuilder.class.getResourceAsStream("packages.txt")) {
            List<String> bundled = DocCorpusBuilder.packageNames(new BufferedReader(
                    new java.io.InputStreamReader(list, StandardCharsets.UTF_8)));
            assertTrue(bundled.contains("openjdk-17-doc") && bundled.size() > 50, bundled.toString());
        }
    }

    @Test
    void queryHeadingsAreProsePhrases() {
        assertTrue(DocCorpusBuilder.isQueryHeading("How frobnication works inside"));
        assertFalse(DocCorpusBuilder.isQueryHeading("Notes"));
        assertFalse(DocCorpusBuilder.isQueryHeading("impl<T> Clone for Vec<T>"));
        assertFalse(DocCorpusBuilder.isQueryHeading("int foo(int a, int b)"));
        assertTrue(DocCorpusBuilder.isProse("Five words of plain prose."));
        assertFalse(DocCorpusBuilder.isProse("0x1f 0x20 0x21 0x22 0x23 0x24"));
        assertFalse(DocCorpusBuilder.isProse("\u0414\u043e\u0431\u0440\u043e \u043f\u043e\u0436\u0430\u043b\u043e"
                + "\u0432\u0430\u0442\u044c \u0432 \u043d\u0430\u0448 \u043c\u0438\u0440 \u0441\u0435\u0433\u043e\u0434\u043d\u044f"));
    }

    @Test
    void docFilesChoosesFormatsAndSkipsIndexesAndTranslations() {
        assertEquals(DocFiles.Kind.MAN, DocFiles.kind("usr/share/man/man3/printf.3.gz"));
        assertNull(DocFiles.kind("usr/share/man/de/man1/ls.1.gz"));
        assertEquals(DocFiles.Kind.INFO, DocFiles.kind("usr/share/info/coreutils.info-2.gz"));
        assertEquals(DocFiles.Kind.HTML, DocFiles.kind("usr/share/doc/python3.11/html/library/os.html"));
        assertNull(DocFiles.kind("usr/share/doc/python3.11/html/genindex.html"));
        assertNull(DocFiles.kind("usr/share/doc/python3.11/html/_sources/library/os.rst.txt"));
        assertNull(DocFiles.kind("usr/share/doc/openjdk-17-jre-headless/api/java.base/java/lang/class-use/String.html"));
        assertNull(DocFiles.kind("usr/share/doc/rust-doc/html/src/core/lib.rs.html"));
        assertEquals(DocFiles.Kind.TEXT, DocFiles.kind("usr/share/doc/git/README.md"));
        assertNull(DocFiles.kind("usr/share/doc/git/changelog.gz"));
        assertNull(DocFiles.kind("usr/bin/ls"));
        assertEquals("ls(1)", DocFiles.fallbackTitle("usr/share/man/man1/ls.1.gz", DocFiles.Kind.MAN));
    }

    /** A package tar as {@code dpkg-deb --fsys-tarfile} streams it: a man page, its alias link, a guide, noise. */
    private static PackageDocs frobPackage() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            addDirectory(tar, "./usr/share/man/man1/");
            addFile(tar, "./usr/share/man/man1/frob.1.gz", gzip(MAN));
            TarArchiveEntry link = new TarArchiveEntry("./usr/share/man/man1/frobnicate.1.gz",
                    TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("frob.1.gz");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            addFile(tar, "./usr/share/doc/frob/guide.html", HTML.getBytes(StandardCharsets.UTF_8));
            addFile(tar, "./usr/share/doc/frob/changelog.Debian.gz", gzip("frob (1.0-1) unstable; urgency=low"));
            addFile(tar, "./usr/bin/frob", new byte[] {0x7f, 'E', 'L', 'F'});
        }
        return DocCorpusBuilder.readTar("frob", "1.0-1", "frob_1.0-1_all.deb", "abc",
                new ByteArrayInputStream(bytes.toByteArray()), CUTTER);
    }

    private static void addDirectory(TarArchiveOutputStream tar, String name) throws IOException {
        tar.putArchiveEntry(new TarArchiveEntry(name));
        tar.closeArchiveEntry();
    }

    private static void addFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
