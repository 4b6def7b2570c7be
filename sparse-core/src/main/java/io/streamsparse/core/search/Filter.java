package io.streamsparse.core.search;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A boolean filter over a document's keyword fields: {@code field = value} leaves combined by AND and OR.
 *
 * <h2>Text grammar ({@link #parse})</h2>
 * <pre>
 * filter  := or
 * or      := and ( "OR" and )*
 * and     := primary ( "AND" primary )*
 * primary := "(" or ")" | field ":" value
 * field   := word
 * value   := word | '"' ( any char except '"' and '\' | '\"' | '\\' )* '"'
 * word    := one or more characters other than whitespace, '(', ')', ':', '"'
 * </pre>
 * AND binds tighter than OR; {@code AND}/{@code OR} are upper-case keywords (a field or bare value spelled
 * {@code AND}/{@code OR} must be quoted). Whitespace separates tokens. A syntax error throws
 * {@link IllegalArgumentException} naming the 0-based character position. {@link #toString()} prints a form that
 * parses back to an equal filter (a one-clause AND/OR prints as its clause, so it parses back to that clause).
 */
public sealed interface Filter {

    /** True when a document with these fields matches. */
    boolean matches(Map<String, String> fields);

    static Filter term(String field, String value) {
        return new Term(field, value);
    }

    static Filter and(Filter... filters) {
        return new And(filters == null ? null : Arrays.asList(filters));
    }

    static Filter or(Filter... filters) {
        return new Or(filters == null ? null : Arrays.asList(filters));
    }

    /** Parses the text grammar in the interface javadoc. */
    static Filter parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("filter text must not be null");
        }
        return new FilterParser(text).parseAll();
    }

    /** {@code field = value}, matched exactly (case-sensitive). */
    record Term(String field, String value) implements Filter {
        public Term {
            if (field == null || field.isEmpty()) {
                throw new IllegalArgumentException("filter field must be non-empty, was " + field);
            }
            if (value == null) {
                throw new IllegalArgumentException("filter value of field " + field + " must not be null");
            }
        }

        @Override
        public boolean matches(Map<String, String> fields) {
            return value.equals(fields.get(field));
        }

        @Override
        public String toString() {
            return quoteIfNeeded(field) + ":" + quoteIfNeeded(value);
        }
    }

    /** All of the clauses match. */
    record And(List<Filter> clauses) implements Filter {
        public And {
            clauses = checkClauses(clauses, "AND");
        }

        @Override
        public boolean matches(Map<String, String> fields) {
            for (Filter f : clauses) {
                if (!f.matches(fields)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return join(clauses, " AND ");
        }
    }

    /** At least one of the clauses matches. */
    record Or(List<Filter> clauses) implements Filter {
        public Or {
            clauses = checkClauses(clauses, "OR");
        }

        @Override
        public boolean matches(Map<String, String> fields) {
            for (Filter f : clauses) {
                if (f.matches(fields)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return join(clauses, " OR ");
        }
    }

    private static List<Filter> checkClauses(List<Filter> clauses, String op) {
        if (clauses == null || clauses.isEmpty()) {
            throw new IllegalArgumentException(op + " needs at least one clause, got " + clauses);
        }
        for (Filter f : clauses) {
            if (f == null) {
                throw new IllegalArgumentException(op + " clause must not be null: " + clauses);
            }
        }
        return List.copyOf(clauses);
    }

    private static String join(List<Filter> clauses, String sep) {
        if (clauses.size() == 1) {
            return clauses.get(0).toString();
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < clauses.size(); i++) {
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(clauses.get(i));
        }
        return sb.append(')').toString();
    }

    private static String quoteIfNeeded(String s) {
        boolean plain = !s.isEmpty() && !s.equals("AND") && !s.equals("OR");
        for (int i = 0; plain && i < s.length(); i++) {
            plain = FilterParser.isWordChar(s.charAt(i));
        }
        if (plain) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
