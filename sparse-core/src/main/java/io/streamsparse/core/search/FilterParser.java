package io.streamsparse.core.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser over the grammar in {@link Filter}'s javadoc; {@code pos} always points at the next unread
 * char.
 */
final class FilterParser {
    private final String s;
    private int pos;

    FilterParser(String s) {
        this.s = s;
    }

    static boolean isWordChar(char c) {
        return !Character.isWhitespace(c) && c != '(' && c != ')' && c != ':' && c != '"';
    }

    Filter parseAll() {
        Filter f = parseOr();
        skipSpace();
        if (pos < s.length()) {
            throw error("unexpected '" + s.charAt(pos) + "'");
        }
        return f;
    }

    private Filter parseOr() {
        List<Filter> clauses = new ArrayList<>();
        clauses.add(parseAnd());
        while (keyword("OR")) {
            clauses.add(parseAnd());
        }
        return clauses.size() == 1 ? clauses.get(0) : new Filter.Or(clauses);
    }

    private Filter parseAnd() {
        List<Filter> clauses = new ArrayList<>();
        clauses.add(parsePrimary());
        while (keyword("AND")) {
            clauses.add(parsePrimary());
        }
        return clauses.size() == 1 ? clauses.get(0) : new Filter.And(clauses);
    }

    private Filter parsePrimary() {
        skipSpace();
        if (pos >= s.length()) {
            throw error("expected a field:value or '(' but the filter ended");
        }
        if (s.charAt(pos) == '(') {
            pos++;
            Filter inner = parseOr();
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != ')') {
                throw error("expected ')'");
            }
            pos++;
            return inner;
        }
        int fieldStart = pos;
        String field = token();
        if (field == null) {
            throw error("expected a field name");
        }
        if (pos >= s.length() || s.charAt(pos) != ':') {
            throw error("expected ':' after field '" + field + "' (started at position " + fieldStart + ")");
        }
        pos++;
        String value = token();
        if (value == null) {
            throw error("expected a value after '" + field + ":'");
        }
        return new Filter.Term(field, value);
    }

    /** A bare word or a quoted string at pos (no leading space allowed: {@code f: v} is an error). */
    private String token() {
        if (pos < s.length() && s.charAt(pos) == '"') {
            int start = pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    pos = start;
                    throw error("unterminated quoted string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length() || (s.charAt(pos) != '"' && s.charAt(pos) != '\\')) {
                        pos--;
                        throw error("bad escape, only \\\" and \\\\ are allowed");
                    }
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
        }
        int start = pos;
        while (pos < s.length() && isWordChar(s.charAt(pos))) {
            pos++;
        }
        return pos == start ? null : s.substring(start, pos);
    }

    /** Consumes the keyword when it stands alone at the next token position. */
    private boolean keyword(String kw) {
        skipSpace();
        int end = pos + kw.length();
        if (s.startsWith(kw, pos) && (end == s.length() || !isWordChar(s.charAt(end)) && s.charAt(end) != ':')) {
            pos = end;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("bad filter at position " + pos + ": " + what + " in \"" + s + "\"");
    }
}
