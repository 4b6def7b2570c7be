package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextHygieneTest {

    @Test
    void blankIncludesNoBreakAndZeroWidthSpacesAndControls() {
        assertTrue(TextHygiene.isBlank(null));
        assertTrue(TextHygiene.isBlank(""));
        assertTrue(TextHygiene.isBlank(" \t\n"));
        assertTrue(TextHygiene.isBlank("\u00A0\u00A0"));
        assertTrue(TextHygiene.isBlank("\u200B\u200C\u200D\u2060\uFEFF"));
        assertTrue(TextHygiene.isBlank("\u2007\u202F\u3000\u0000\u0007"));
        assertFalse(TextHygiene.isBlank("\u00A0a"));
        assertFalse(TextHygiene.isBlank("\uD83D\uDE00")); // an emoji is content
        assertFalse(TextHygiene.isBlank("\u200Bx\u200B"));
    }

    @Test
    void cleanLineRemovesControlsAndEscapeSequences() {
        assertEquals("red alert", TextHygiene.cleanLine("\u001B[31mred\u001B[0m\u0007 alert\u0000"));
        assertEquals("a b c", TextHygiene.cleanLine(" a\tb\nc\r"));
        assertEquals("ab", TextHygiene.cleanLine("a\u009B1;2mb"));
        assertEquals("a\u200Db", TextHygiene.cleanLine("a\u200Db")); // joiners stay
        assertEquals("ok", TextHygiene.cleanLine("o\uD800k")); // unpaired surrogate
        assertEquals("\uD83D\uDE00", TextHygiene.cleanLine("\uD83D\uDE00"));
        String clean = "already clean";
        assertSame(clean, TextHygiene.cleanBody(clean));
        assertEquals("line one\nline two\tend", TextHygiene.cleanBody("line one\nline two\tend\u0000"));
    }

    @Test
    void cleanedTextHasNoControlsLeftWhateverTheInput() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = rnd.nextInt(40); i < n; i++) {
                sb.append((char) (rnd.nextBoolean() ? rnd.nextInt(0x20) : rnd.nextInt(0x10000)));
            }
            String line = TextHygiene.cleanLine(sb.toString());
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                assertFalse(Character.isISOControl(c), () -> "control left in " + line);
                if (Character.isHighSurrogate(c)) {
                    assertTrue(Character.isLowSurrogate(line.charAt(++i)));
                } else {
                    assertFalse(Character.isLowSurrogate(c));
                }
            }
            assertEquals(line, TextHygiene.cleanLine(line), "idempotent");
        }
    }

    @Test
    void utf8IsStrict() throws CharacterCodingException {
        assertEquals("é", TextHygiene.decodeUtf8("é".getBytes(StandardCharsets.UTF_8)));
        assertThrows(CharacterCodingException.class, () -> TextHygiene.decodeUtf8(new byte[] {(byte) 0xC3, 0x28}));
        assertThrows(CharacterCodingException.class, () -> TextHygiene.decodeUtf8(new byte[] {(byte) 0xFF}));
    }
}
