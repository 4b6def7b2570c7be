package io.streamsparse.encoder;

import java.util.Map;

/**
 * A document as producers write it to the {@code documents} topic, after {@link DocumentValidator} checked and
 * cleaned it.
 *
 * @param id     the record key; the JSON's {@code id}, when present, must equal it
 * @param title  may be empty; one line, no control characters ({@link TextHygiene#cleanLine})
 * @param text   the body to encode, never blank, no control characters other than line breaks and tabs
 * @param fields keyword fields for filtering (string values)
 */
public record SourceDocument(String id, String title, String text, Map<String, String> fields) {

    /** What the model reads: the title, when there is one, then the text. */
    public String encoderInput() {
        return title.isEmpty() ? text : title + ". " + text;
    }

    /** The text's start, on one line (line breaks as spaces), cut at a word boundary, for result snippets. */
    public String snippet(int maxChars) {
        // the text is clean already (DocumentValidator): cleaning a line only turns tabs and line breaks into spaces
        String line = TextHygiene.cleanLine(text.length() > maxChars ? text.substring(0, maxChars + 1) : text);
        if (text.length() <= maxChars) {
            return line;
        }
        int end = Math.min(maxChars, line.length()); // stripping may have shortened it
        int cut = line.lastIndexOf(' ', end);
        return line.substring(0, cut > end / 2 ? cut : end) + "…";
    }
}
