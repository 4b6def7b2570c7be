package io.streamsparse.encoderservice;

import java.util.Map;

/**
 * A document as producers write it to the {@code documents} topic, after validation.
 *
 * @param id     the record key; the JSON's {@code id}, when present, must equal it
 * @param title  may be empty
 * @param text   the body to encode, never blank
 * @param fields keyword fields for filtering (string values)
 */
public record SourceDocument(String id, String title, String text, Map<String, String> fields) {

    /** What the model reads: the title, when there is one, then the text. */
    public String encoderInput() {
        return title.isEmpty() ? text : title + ". " + text;
    }

    /** The text's start, cut at a word boundary, for result snippets. */
    public String snippet(int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int cut = text.lastIndexOf(' ', maxChars);
        return text.substring(0, cut > maxChars / 2 ? cut : maxChars) + "…";
    }
}
