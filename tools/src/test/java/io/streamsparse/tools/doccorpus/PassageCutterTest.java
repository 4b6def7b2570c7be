package io.streamsparse.tools.doccorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PassageCutterTest {

    /** Whitespace words: additive over space joins, at most one per character, like a WordPiece count. */
    private static int words(String text) {
        return TextUtil.words(text);
    }

    private static List<String> texts(PassageCutter cutter, List<String> paragraphs) {
        List<String> texts = new ArrayList<>();
        for (PassageCutter.Cut cut : cutter.cut(paragraphs)) {
            texts.add(cut.text());
        }
        return texts;
    }

    @Test
    void packsWholeParagraphsGreedily() {
        PassageCutter cutter = new PassageCutter(10, PassageCutterTest::words);
        assertEquals(List.of("a b c d e f", "g h i j k l m n", "o p q r s"),
                texts(cutter, List.of("a b c", "d e f", "g h i j k l m", "n", "o p q r s")));
        assertEquals(List.of(), texts(cutter, List.of()));
    }

    @Test
    void cutsLongParagraphsAtSentencesThenWords() {
        PassageCutter cutter = new PassageCutter(8, PassageCutterTest::words);
        assertEquals(List.of("One two three. Four five six.", "Seven eight nine ten eleven twelve thirteen fourteen",
                "fifteen."), texts(cutter, List.of("One two three. Four five six. Seven eight nine ten eleven twelve"
                + " thirteen fourteen fifteen.")));
    }

    @Test
    void everyPassageIsWithinTheBudgetAndNoWordIsLost() {
        Random random = new Random(42);
        // counts characters: additive only without spaces, so use one "token" per character of each word
        PassageCutter cutter = new PassageCutter(30, t -> t.replace(" ", "").length());
        for (int round = 0; round < 200; round++) {
            List<String> paragraphs = new ArrayList<>();
            StringBuilder all = new StringBuilder();
            for (int p = random.nextInt(6); p > 0; p--) {
                StringBuilder para = new StringBuilder();
                for (int w = 1 + random.nextInt(40); w > 0; w--) {
                    String word = "w".repeat(1 + random.nextInt(12)) + (random.nextInt(8) == 0 ? "." : "");
                    para.append(para.length() > 0 ? " " : "").append(word);
                }
                paragraphs.add(para.toString());
                all.append(all.length() > 0 ? " " : "").append(para);
            }
            List<String> passages = texts(cutter, paragraphs);
            for (PassageCutter.Cut cut : cutter.cut(paragraphs)) {
                assertEquals(cut.text().replace(" ", "").length(), cut.tokens(), cut.text());
                assertTrue(cut.tokens() <= 30 && !cut.text().isEmpty(), cut.text());
            }
            assertEquals(all.toString(), String.join(" ", passages));
        }
    }

    @Test
    void aWordOverTheBudgetKeepsItsHead() {
        PassageCutter cutter = new PassageCutter(8, t -> t.replace(" ", "").length());
        assertEquals(List.of("a", "xxxxxxxx", "b"), texts(cutter, List.of("a " + "x".repeat(50) + " b")));
        assertThrows(IllegalArgumentException.class, () -> new PassageCutter(2, t -> 1));
    }
}
