package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HfTokenizerTest {

    private static byte[] bert() {
        return ModelResources.read("tokenizer", TinyModels.TOKENIZER, ModelResources.DEFAULT_TOKENIZER_RESOURCE);
    }

    @Test
    void readsVocabularySpecialsAndPadFromTokenizerJson() {
        try (HfTokenizer t = HfTokenizer.load(bert(), 16)) {
            assertEquals(30522, t.vocabularySize());
            assertArrayEquals(new int[] {0, 100, 101, 102, 103}, t.specialIds());
            assertEquals(0, t.padId());
            assertTrue(t.isSpecial(101));
            assertFalse(t.isSpecial(7592));
            assertFalse(t.isSpecial(-1));
            assertFalse(t.isSpecial(1_000_000));
        }
    }

    @Test
    void truncatesToMaxLengthAndFlagsIt() {
        try (HfTokenizer t = HfTokenizer.load(bert(), 6)) {
            HfTokenizer.Tokens hello = t.encode("hello world");
            assertArrayEquals(new long[] {101, 7592, 2088, 102}, hello.ids());
            assertArrayEquals(new long[4], hello.typeIds());
            assertFalse(hello.truncated());
            HfTokenizer.Tokens four = t.encode("one two three four");  // 4 words + 2 specials: fits exactly
            assertEquals(6, four.length());
            assertFalse(four.truncated());
            HfTokenizer.Tokens five = t.encode("one two three four five");
            assertEquals(6, five.length());
            assertEquals(102, five.ids()[5]);
            assertTrue(five.truncated());
            assertEquals(2, t.encode("").length());
        }
    }

    @Test
    void prefixTokenizationOfLongTextsEqualsFullTokenization() {
        String[] pieces = {"debian", "Package", "manager", "naïve", "café", "日本語", "x", "supercalifragilistic",
            "a.b,c;d", "(ok)", "don't", "\u00e9t\u00e9", "42", "3.14", "[SEP]", "--", "https://example.org/x?y=z",
            "\u0000", "emoji\ud83d\ude00", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
        String[] spaces = {" ", "  ", "\n", "\t", " \n ", ""};
        java.util.Random rnd = new java.util.Random(21);
        for (int maxLength : new int[] {2, 5, 8, 16}) {
            try (HfTokenizer t = HfTokenizer.load(bert(), maxLength);
                    ai.djl.huggingface.tokenizers.HuggingFaceTokenizer ref = TinyModels.referenceTokenizer(maxLength)) {
                for (int round = 0; round < 150; round++) {
                    StringBuilder sb = new StringBuilder();
                    int target = rnd.nextInt(maxLength * HfTokenizer.PREFIX_CHARS_PER_TOKEN * 3);
                    boolean noSpaces = rnd.nextInt(10) == 0;
                    while (sb.length() < target) {
                        sb.append(pieces[rnd.nextInt(pieces.length)]);
                        sb.append(noSpaces ? "" : spaces[rnd.nextInt(spaces.length)]);
                    }
                    String text = sb.toString();
                    ai.djl.huggingface.tokenizers.Encoding want = ref.encode(text);
                    HfTokenizer.Tokens got = t.encode(text);
                    assertArrayEquals(want.getIds(), got.ids(), "maxLength " + maxLength + " text '" + text + "'");
                    assertEquals(want.exceedMaxLength(), got.truncated(), text);
                }
            }
        }
    }

    @Test
    void whitespaceCutLooksBackNoFurtherThanHalfTheLimit() {
        assertEquals(5, HfTokenizer.whitespaceCut("01234 6789abcdef", 8));
        assertEquals(-1, HfTokenizer.whitespaceCut("0 23456789abcdef", 8));
        assertEquals(8, HfTokenizer.whitespaceCut("01234567\tabcdef", 8));
        assertEquals(-1, HfTokenizer.whitespaceCut("abcdefghijklmnop", 8));
    }

    @Test
    void maxLengthAboveTheTokenizersDefaultIsHonoured() {
        try (HfTokenizer t = HfTokenizer.load(bert(), 1024)) {
            HfTokenizer.Tokens tokens = t.encode("word ".repeat(2000));
            assertEquals(1024, tokens.length());
            assertTrue(tokens.truncated());
        }
    }

    @Test
    void badTokenizerJsonIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HfTokenizer.load("{not json".getBytes(StandardCharsets.UTF_8), 8));
        assertTrue(e.getMessage().contains("JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HfTokenizer.load("{\"model\": {}}".getBytes(StandardCharsets.UTF_8), 8));
        assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HfTokenizer.load("[1, 2]".getBytes(StandardCharsets.UTF_8), 8));
        assertTrue(e.getMessage().contains("object"), e.getMessage());
    }
}
