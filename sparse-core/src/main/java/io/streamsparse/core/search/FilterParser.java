package io.streamsparse.core.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser over the grammar in {@link Filter}'s javadoc; {@code pos} always points at the next unread
 * char.
 *
 * <p>Bounded: a filter longer than {@link #MAX_CHARS} or nesting parentheses deeper than {@link #MAX_DEPTH} is
 * rejected with an {@link IllegalArgumentException} naming the limit before it can exhaust the stack (recursion
 * here, and in {@link Filter#matches}/{@code toString} of the tree it builds, is one frame group per level).
 */
final class FilterParser {

    /** Longest filter text accepted; longer ones are rejected before parsing. */
    static final int MAX_CHARS = 8_192;
    /** Deepest parenthesis nesting accepted. */
    static final int MAX_DEPTH = 32;
    /** Chars of the filter quoted in an error message. */
    private static final int QUOTED_CHARS = 120;

    private final String s;
    private int pos;
    private int depth;

    FilterParser(String s) {
        if (s.length() > MAX_CHARS) {
            throw new IllegalArgumentException("filter has " + s.length() + " chars; the limit is " + MAX_CHARS);
        }
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
            if (++depth > MAX_DEPTH) {
                throw error("parentheses nest deeper than the limit of " + MAX_DEPTH + " levels");
            }
            pos++;
            Filter inner = parseOr();
            depth--;
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
        String quoted = s.length() <= QUOTED_CHARS ? s : s.substring(0, QUOTED_CHARS) + "…";
        return new IllegalArgumentException("bad filter at position " + pos + ": " + what + " in \"" + quoted + "\"");
    }
}
