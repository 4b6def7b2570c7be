package io.streamsparse.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalSetTest {

    @TempDir
    Path dir;

    static EvalSet randomSet(long seed, int docs, int queries) {
        Random random = new Random(seed);
        List<EvalSet.Doc> ds = new ArrayList<>();
        for (int i = 0; i < docs; i++) {
            ds.add(new EvalSet.Doc(String.format("d:%05d", i), "t" + i, "text " + i, Map.of()));
        }
        List<EvalSet.Query> qs = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            qs.add(new EvalSet.Query(String.format("q:%05d", i), "query " + i, random.nextInt(docs)));
        }
        return new EvalSet(ds, qs, "test");
    }

    @Test
    void subsetKeepsEveryKeptQuerysDocument() {
        EvalSet set = randomSet(7, 300, 200);
        Map<String, String> docOf = new HashMap<>();
        for (EvalSet.Query q : set.queries()) {
            docOf.put(q.qid(), set.docs().get(q.doc()).id());
        }
        int[][] limits = {{0, 50}, {100, 0}, {10, 10}, {1, 5}, {300, 200}, {5, 1000}, {1000, 3}};
        for (int[] l : limits) {
            EvalSet sub = set.subset(l[0], l[1], 42);
            int maxDocs = l[0] == 0 ? 300 : Math.min(300, l[0]);
            int maxQueries = l[1] == 0 ? 200 : Math.min(200, l[1]);
            assertEquals(maxDocs, sub.docs().size(), "the document budget is filled, limits " + l[0] + "," + l[1]);
            assertTrue(sub.queries().size() <= maxQueries);
            assertTrue(sub.queries().size() >= Math.min(maxQueries, 1), "some query is always kept");
            for (EvalSet.Query q : sub.queries()) {
                assertEquals(docOf.get(q.qid()), sub.docs().get(q.doc()).id(), "query " + q.qid());
            }
            Set<String> ids = new HashSet<>();
            String previous = "";
            for (EvalSet.Doc d : sub.docs()) {
                assertTrue(ids.add(d.id()));
                assertTrue(d.id().compareTo(previous) > 0, "original order kept");
                previous = d.id();
            }
            EvalSet again = set.subset(l[0], l[1], 42);
            assertEquals(sub, again, "deterministic for a seed");
        }
        assertSame(set, set.subset(0, 0, 1));
        EvalSet docsOnly = set.subset(20, 0, 1);
        assertEquals(20, docsOnly.docs().size());
        assertTrue(docsOnly.queries().size() >= 20, "each kept document came with a query; later queries share them");
    }

    @Test
    void loadsTheCorpusFilesAndOneSplit() throws IOException {
        Files.writeString(dir.resolve("docs.jsonl"), """
                {"id":"d:a","title":"a","text":"alpha text","fields":{"package":"a","section":"web"}}
                {"id":"d:b","title":"b","text":"beta text","fields":{}}
                """);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"qid":"q:a","text":"alpha","doc":"d:a","split":"test"}
                {"qid":"q:b","text":"beta","doc":"d:b","split":"val"}
                {"qid":"q:c","text":"gamma","doc":"d:b","split":"train"}
                """);
        EvalSet test = EvalSet.load(dir, "test");
        assertEquals(2, test.docs().size());
        assertEquals(List.of(new EvalSet.Query("q:a", "alpha", 0)), test.queries());
        assertEquals(Map.of("package", "a", "section", "web"), test.docs().get(0).fields());
        assertEquals(List.of("alpha text", "beta text"), test.docTexts(EvalSet.DocText.TEXT));
        assertEquals(List.of("a. alpha text", "b. beta text"), test.docTexts(EvalSet.DocText.TITLE_TEXT));
        EvalSet val = EvalSet.load(dir, "val");
        assertEquals(List.of(new EvalSet.Query("q:b", "beta", 1)), val.queries());
        assertThrows(IllegalArgumentException.class, () -> EvalSet.load(dir, "dev"));

        Files.writeString(dir.resolve("queries.jsonl"), """
                {"qid":"q:x","text":"x","doc":"d:missing","split":"test"}
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalSet.load(dir, "test"));
        assertTrue(e.getMessage().contains("d:missing"), e.getMessage());
    }
}
