package io.streamsparse.tools.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.tools.debian.DebianCorpusBuilder.Corpus;
import io.streamsparse.tools.debian.DebianCorpusBuilder.Document;
import io.streamsparse.tools.debian.DebianCorpusBuilder.Query;
import io.streamsparse.tools.debian.DebianCorpusBuilder.Split;
import io.streamsparse.tools.debian.DebianCorpusBuilder.SplitIds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianCorpusBuilderTest {

    private static final String LONG = " The alpha tool reads streams of records and writes them out again in a\n"
            + " sorted order, keeping every field of every record intact for later use.\n"
            + " .\n"
            + " This package contains the command-line program.\n";

    private static final String PACKAGES = """
            Package: alpha
            Version: 1.0-1
            Section: utils
            Description: Stream sorter
            Description-md5: aaa

            Package: alpha-bin
            Source: alpha (1.0-1)
            Section: utils
            Description: Stream sorter (binaries)
            Description-md5: bbb

            Package: beta
            Section: devel
            Description-md5: ccc

            Package: gamma
            Section: misc
            Description-md5: ddd

            Package: delta
            Section: misc
            Description-md5: eee

            Package: short
            Section: misc
            Description-md5: fff

            Package: nodesc
            Section: misc
            Description-md5: zzz
            """;

    // alpha and alpha-bin share a long text (one document, two queries); beta and gamma share a synopsis but not
    // the long text (ambiguous: no query); delta has the same long text as alpha but its own synopsis; short's
    // long text is under 20 words (a document, but no query).
    private static final String TRANSLATIONS = "Package: alpha\nDescription-md5: aaa\n"
            + "Description-en: Stream sorter\n" + LONG
            + "\nPackage: alpha-bin\nDescription-md5: bbb\nDescription-en: Stream sorter (binaries)\n" + LONG
            + "\nPackage: beta\nDescription-md5: ccc\nDescription-en: Common helper\n" + LONG.replace("alpha", "beta")
            + "\nPackage: gamma\nDescription-md5: ddd\nDescription-en: Common helper\n"
            + LONG.replace("alpha", "gamma")
            + "\nPackage: delta\nDescription-md5: eee\nDescription-en: Another front end\n" + LONG
            + "\nPackage: short\nDescription-md5: fff\nDescription-en: Short one\n Too short to be a target.\n"
            + "\nPackage: unrelated\nDescription-md5: yyy\nDescription-en: Not in Packages\n" + LONG + "\n";

    @Test
    void dedupesDocumentsAndKeepsUnambiguousQueries() {
        Corpus corpus = DebianCorpusBuilder.fromTexts(List.of(PACKAGES), List.of(TRANSLATIONS),
                new SplitIds(Set.of("q:alpha-bin"), Set.of("q:delta")));

        assertEquals(List.of("d:alpha", "d:beta", "d:gamma", "d:short"),
                corpus.documents().stream().map(Document::id).toList());
        Document alpha = corpus.documents().get(0);
        assertEquals("alpha", alpha.title());
        assertEquals("The alpha tool reads streams of records and writes them out again in a\n"
                + "sorted order, keeping every field of every record intact for later use.\n"
                + "\n"
                + "This package contains the command-line program.", alpha.text());
        assertEquals("utils", alpha.section());
        assertEquals("alpha", alpha.source());

        assertEquals(List.of(
                new Query("q:alpha", "Stream sorter", "d:alpha", Split.TRAIN),
                new Query("q:alpha-bin", "Stream sorter (binaries)", "d:alpha", Split.TEST),
                new Query("q:delta", "Another front end", "d:alpha", Split.VAL)), corpus.queries());
        assertEquals(1, corpus.count(Split.TEST));
    }

    @Test
    void writesSortedJsonLines(@TempDir Path dir) throws Exception {
        Corpus corpus = DebianCorpusBuilder.fromTexts(List.of(PACKAGES), List.of(TRANSLATIONS), SplitIds.NONE);
        DebianCorpusBuilder.write(corpus, dir);

        List<String> docs = Files.readAllLines(dir.resolve("docs.jsonl"), StandardCharsets.UTF_8);
        assertEquals(4, docs.size());
        assertEquals("{\"id\":\"d:short\",\"title\":\"short\",\"text\":\"Too short to be a target.\","
                + "\"fields\":{\"package\":\"short\",\"section\":\"misc\",\"source\":\"short\"}}", docs.get(3));
        List<String> queries = Files.readAllLines(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8);
        assertEquals("{\"qid\":\"q:alpha\",\"text\":\"Stream sorter\",\"doc\":\"d:alpha\",\"split\":\"train\"}",
                queries.get(0));
    }

    @Test
    void repositorySplitIsTheFixedOne() throws Exception {
        // Surefire runs in the module folder; the split lives at the repository root (data/debian-split).
        SplitIds split = SplitIds.read(Path.of("..").resolve(DebianCorpusBuilder.DEFAULT_SPLIT_DIR));
        assertEquals(5009, split.test().size());
        assertEquals(2000, split.val().size());
        for (String qid : split.test()) {
            assertTrue(qid.startsWith("q:"), qid);
        }
    }

    @Test
    void parsesStanzasAndHelpers() {
        assertEquals("alpha", DebianCorpusBuilder.sourceName("alpha (1.0-1)"));
        assertEquals("a\n\nb", DebianCorpusBuilder.longText(" a\n .\n b\n"));
        assertEquals(3, DebianCorpusBuilder.wordCount(" one two\nthree "));
        assertThrows(IllegalArgumentException.class,
                () -> DebianCorpusBuilder.fromTexts(List.of(" orphan continuation\n"), List.of(), SplitIds.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new SplitIds(Set.of("q:x"), Set.of("q:x")));
    }
}
