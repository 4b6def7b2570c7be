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
