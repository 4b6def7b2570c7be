package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QueryEncodingTest {

    @Test
    void parsesConfigSpellings() {
        assertEquals(QueryEncoding.MODEL, QueryEncoding.parse("model"));
        assertEquals(QueryEncoding.MODEL, QueryEncoding.parse(" MODEL "));
        assertEquals(QueryEncoding.INFERENCE_FREE, QueryEncoding.parse("inference-free"));
        assertEquals(QueryEncoding.INFERENCE_FREE, QueryEncoding.parse("INFERENCE_FREE"));
        for (QueryEncoding e : QueryEncoding.values()) {
            assertEquals(e, QueryEncoding.parse(e.configValue()));
        }
    }

    @Test
    void rejectsOtherValuesWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QueryEncoding.parse("bm25"));
        assertTrue(e.getMessage().contains("'bm25'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QueryEncoding.parse(null));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }
}
