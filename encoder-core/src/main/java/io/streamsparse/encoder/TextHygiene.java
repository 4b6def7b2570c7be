package io.streamsparse.encoder;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text rules every way into the pipeline shares (the encoder's {@code documents} parser, HTTP ingest): what counts
 * as blank, which characters a stored title or snippet may hold, and strict UTF-8 for keys and values.
 *
 * <ul>
 *   <li><b>Blank</b>: no code point other than whitespace ({@link Character#isWhitespace}, and the no-break spaces
 *       {@link Character#isSpaceChar} adds: U+00A0, U+2007, U+202F), format characters (category Cf: zero-width
 *       space U+200B, joiners, word joiner U+2060, BOM U+FEFF, bidi marks) and control characters (Cc). Such text
 *       has nothing a reader or a model can use; a model still turns it into a vector of special-token noise.</li>
 *   <li><b>Clean</b> (what is stored and returned): ANSI escape sequences ({@code ESC [ ... final}) and control
 *       characters are removed, except that tab, line feed and carriage return become one space in single-line
 *       text ({@link #cleanLine}) and are kept in bodies ({@link #cleanBody}); unpaired UTF-16 surrogates (which
 *       JSON's {@code \\uD800} escapes can produce and UTF-8 cannot carry) are removed. Format characters are kept:
 *       joiners and bidi marks belong to real scripts and emoji.</li>
 *   <li><b>UTF-8</b>: decoding is strict ({@link #decodeUtf8}); malformed bytes are an error, never U+FFFD.</li>
 * </ul>
 * Plain Java, no allocation when the text is already clean.
 */
public final class TextHygiene {

    private static final char ESC = '\u001B';
    private static final char C1_CSI = '\u009B';

    private TextHygiene() {
    }

    /** True when {@code text} is null or holds only whitespace, format and control characters. */
    public static boolean isBlank(CharSequence text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            if (!invisible(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean invisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.CONTROL;
    }

    /** A title or snippet: controls and escape sequences removed, tab/CR/LF as one space each, then stripped. */
    public static String cleanLine(String text) {
        return clean(text, false).strip();
    }

    /** A body text: controls and escape sequences removed, tab/CR/LF kept. */
    public static String cleanBody(String text) {
        return clean(text, true);
    }

    private static String clean(String text, boolean keepLineBreaks) {
        if (text == null) {
            return null;
        }
        int first = firstUnclean(text, keepLineBreaks);
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, first);
        for (int i = first; i < text.length(); ) {
            char c = text.charAt(i);
            if (c == ESC || c == C1_CSI) {
                i = skipEscape(text, i);
            } else if (c == '\t' || c == '\n' || c == '\r') {
                out.append(keepLineBreaks ? c : ' ');
                i++;
            } else if (Character.isISOControl(c)) {
                i++;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    out.append(c).append(text.charAt(i + 1));
                    i += 2;
                } else {
                    i++; // unpaired
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Index of the first char {@link #clean} would change, or {@code text.length()}. */
    private static int firstUnclean(String text, boolean keepLineBreaks) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (!(keepLineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                    return i;
                }
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= text.length()
                        || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return i;
                }
                i++;
            }
        }
        return text.length();
    }

    /**
     * Past the escape sequence at {@code start}: ESC (or C1 CSI) alone, ESC + one char, or a CSI sequence
     * ({@code ESC [} or C1 CSI, parameter and intermediate bytes 0x20..0x3F, one final byte 0x40..0x7E).
     */
    private static int skipEscape(String text, int start) {
        int i = start + 1;
        boolean csi = text.charAt(start) == C1_CSI;
        if (!csi) {
            if (i >= text.length()) {
                return i;
            }
            if (text.charAt(i) != '[') {
                return Character.isISOControl(text.charAt(i)) ? i : i + 1;
            }
            i++;
        }
        while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x3F) {
            i++;
        }
        if (i < text.length() && text.charAt(i) >= 0x40 && text.charAt(i) <= 0x7E) {
            i++;
        }
        return i;
    }

    /** Strict UTF-8 decoding: malformed or truncated sequences throw, never become U+FFFD. */
    public static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }
}
