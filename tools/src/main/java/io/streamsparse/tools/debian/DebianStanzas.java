package io.streamsparse.tools.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reader of Debian control-file stanzas (deb822): {@code Field: value} lines, continuation lines that start with a
 * space or a tab, stanzas separated by blank lines.
 *
 * <p>Invariants of what is handed out: field names as written (case kept); a value is the text after the first
 * colon with surrounding blanks removed, and each continuation line is appended after a {@code '\n'} exactly as
 * written (its leading space kept), so a multi-line {@code Description} can be split back into its lines. A stanza
 * with no field is never handed out.
 */
final class DebianStanzas {

    private DebianStanzas() {
    }

    /** Parses every stanza of {@code in} and hands each one, as an insertion-ordered map, to {@code sink}. */
    static void parse(BufferedReader in, Consumer<Map<String, String>> sink) throws IOException {
        Map<String, String> stanza = new LinkedHashMap<>();
        String lastField = null;
        StringBuilder lastValue = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                lastField = flush(stanza, lastField, lastValue);
                if (!stanza.isEmpty()) {
                    sink.accept(stanza);
                    stanza = new LinkedHashMap<>();
                }
            } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (lastField == null) {
                    throw new IllegalArgumentException("continuation line before any field: '" + line + "'");
                }
                lastValue.append('\n').append(line);
            } else {
                flush(stanza, lastField, lastValue);
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("not a 'Field: value' line: '" + line + "'");
                }
                lastField = line.substring(0, colon);
                lastValue.setLength(0);
                lastValue.append(line.substring(colon + 1).strip());
            }
        }
        flush(stanza, lastField, lastValue);
        if (!stanza.isEmpty()) {
            sink.accept(stanza);
        }
    }

    private static String flush(Map<String, String> stanza, String field, StringBuilder value) {
        if (field != null) {
            stanza.put(field, value.toString());
        }
        value.setLength(0);
        return null;
    }
}
