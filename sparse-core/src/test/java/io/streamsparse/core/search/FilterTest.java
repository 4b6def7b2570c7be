package io.streamsparse.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FilterTest {

    @Test
    void parsesPrecedenceParenthesesAndQuotes() {
        assertEquals(Filter.term("lang", "en"), Filter.parse("lang:en"));
        assertEquals(Filter.or(Filter.term("a", "1"), Filter.and(Filter.term("b", "2"), Filter.term("c", "3"))),
                Filter.parse("a:1 OR b:2 AND c:3"), "AND binds tighter than OR");
        assertEquals(Filter.and(Filter.or(Filter.term("a", "1"), Filter.term("b", "2")), Filter.term("c", "3")),
                Filter.parse(" ( a:1 OR b:2 ) AND c:3 "));
        assertEquals(Filter.term("title", "New York \"City\" \\ x"),
                Filter.parse("title:\"New York \\\"City\\\" \\\\ x\""));
        assertEquals(Filter.term("kw", "AND"), Filter.parse("kw:\"AND\""));
        assertEquals(Filter.term("ANDROID", "x"), Filter.parse("ANDROID:x"));
        assertEquals(Filter.term("k", "a-b.c/d"), Filter.parse("k:a-b.c/d"));
    }

    @Test
    void syntaxErrorsNameThePosition() {
        assertError("", 0);
        assertError("lang", 4);
        assertError("lang:", 5);
        assertError("lang en", 4);
        assertError("a:1 b:2", 4);
        assertError("(a:1", 4);
        assertError("a:1)", 3);
        assertError("a:1 AND", 7);
        assertError("a:\"open", 2);
        assertError("a:\"bad\\q\"", 6);
        assertError("a: 1", 2);
        assertThrows(IllegalArgumentException.class, () -> Filter.parse(null));
    }

    @Test
    void nestingAndLengthAreBoundedWithTheLimitInTheMessage() {
        SplittableRandom rnd = new SplittableRandom(2_000);
        for (int round = 0; round < 200; round++) {
            int depth = round < 100 ? rnd.nextInt(FilterParser.MAX_DEPTH + 1) : FilterParser.MAX_DEPTH + 1
                    + rnd.nextInt(3_000);
            String open = rnd.nextBoolean() ? "(" : "( ";
            String text = open.repeat(depth) + "a:1" + (rnd.nextBoolean() ? " OR b:2" : "") + ")".repeat(depth);
            if (depth <= FilterParser.MAX_DEPTH) {
                Filter f = Filter.parse(text);
                assertEquals(f, Filter.parse(f.toString()), text);
                assertTrue(f.matches(Map.of("a", "1")));
            } else if (text.length() > FilterParser.MAX_CHARS) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filter.parse(text));
                assertTrue(e.getMessage().contains("the limit is " + FilterParser.MAX_CHARS), e.getMessage());
            } else {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filter.parse(text));
                assertTrue(e.getMessage().contains("limit of " + FilterParser.MAX_DEPTH + " levels"), e.getMessage());
                assertTrue(e.getMessage().length() < 300, "the message quotes a bounded prefix: " + e.getMessage());
            }
        }
        // unbalanced deep input, the shape of the reported crash: 3,000 open parentheses
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Filter.parse("(".repeat(3_000) + "a:1"));
        assertTrue(e.getMessage().contains("limit of " + FilterParser.MAX_DEPTH), e.getMessage());
        // many flat clauses within the length limit are fine (no recursion per clause)
        String wide = "a:1" + " OR a:1".repeat((FilterParser.MAX_CHARS - 3) / 8);
        assertTrue(Filter.parse(wide).matches(Map.of("a", "1")));
    }

    private static void assertError(String text, int position) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filter.parse(text), text);
        assertTrue(e.getMessage().contains("position " + position), e.getMessage());
    }

    @Test
    void matchesAndBadValues() {
        Filter f = Filter.parse("(lang:en OR lang:de) AND color:red");
        assertTrue(f.matches(Map.of("lang", "de", "color", "red")));
        assertFalse(f.matches(Map.of("lang", "fr", "color", "red")));
        assertFalse(f.matches(Map.of("lang", "en")));
        assertThrows(IllegalArgumentException.class, () -> Filter.term("", "x"));
        assertThrows(IllegalArgumentException.class, () -> Filter.term("f", null));
        assertThrows(IllegalArgumentException.class, Filter::and);
        assertThrows(IllegalArgumentException.class, () -> Filter.or((Filter) null));
        assertThrows(IllegalArgumentException.class, () -> Filter.and((Filter[]) null));
        assertEquals("lang:en", Filter.and(Filter.term("lang", "en")).toString());
    }

    /** toString prints a form that parses back to an equal filter, over random trees and awkward values. */
    @Test
    void toStringRoundTrips() {
        String[] values = {"en", "New York", "AND", "OR", "a:b", "(x)", "q\"uote", "back\\slash", "", "é"};
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 500; i++) {
            Filter f = random(r, values, 3);
            assertEquals(f, Filter.parse(f.toString()), f.toString());
        }
    }

    private static Filter random(SplittableRandom r, String[] values, int depth) {
        if (depth == 0 || r.nextInt(3) == 0) {
            return Filter.term(values[r.nextInt(values.length - 1)] + "f", values[r.nextInt(values.length)]);
        }
        Filter[] kids = new Filter[2 + r.nextInt(2)];
        for (int i = 0; i < kids.length; i++) {
            kids[i] = random(r, values, depth - 1);
        }
        return r.nextBoolean() ? Filter.and(kids) : Filter.or(kids);
    }
}
