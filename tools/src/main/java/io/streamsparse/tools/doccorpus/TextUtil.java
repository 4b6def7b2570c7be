package io.streamsparse.tools.doccorpus;

import java.util.regex.Pattern;

/** Whitespace and heading clean-up shared by the format readers. */
final class TextUtil {

    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\u00a0\\u200b]+");
    /** Leading section numbers ("3.2.1. ", "A.4 ", "12) ") and trailing anchor marks ("¶", "#", "§"). */
    private static final Pattern HEADING_NUMBER = Pattern.compile("^(([0-9]+|[A-Z])([.)][0-9]+)*[.)]?)\\s+");
    private static final Pattern HEADING_ANCHOR = Pattern.compile("[\\s¶#§]+$");

    private TextUtil() {
    }

    /** Runs of whitespace (also no-break and zero-width spaces) to one space, stripped. */
    static String normalize(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    /** A heading without its section number and anchor marks, whitespace-normalized. */
    static String heading(String text) {
        String h = HEADING_ANCHOR.matcher(normalize(text)).replaceAll("");
        return HEADING_NUMBER.matcher(h).replaceFirst("").strip();
    }

    /** Number of whitespace-separated words. */
    static int words(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                n++;
            }
            inWord = !space;
        }
        return n;
    }
}
