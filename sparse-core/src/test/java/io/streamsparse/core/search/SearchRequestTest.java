package io.streamsparse.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.SparseVector;
import org.junit.jupiter.api.Test;

class SearchRequestTest {

    @Test
    void defaultsAndChecks() {
        SparseVector q = SparseVector.of(new int[] {1}, new float[] {1f});
        SearchRequest r = new SearchRequest(q, 10, null, null, null);
        assertEquals(SearchMode.APPROXIMATE, r.mode());
        assertEquals(SearchKnobs.defaults(), r.knobs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchRequest.exact(q, 0));
        assertTrue(e.getMessage().contains("0"));
        assertThrows(IllegalArgumentException.class, () -> SearchRequest.exact(q, SearchRequest.MAX_K + 1));
        assertThrows(IllegalArgumentException.class, () -> SearchRequest.exact(null, 1));
        assertThrows(IllegalArgumentException.class, () -> SearchKnobs.defaults().withQueryCut(0));
        assertThrows(IllegalArgumentException.class, () -> SearchKnobs.defaults().withHeapFactor(0f));
        assertThrows(IllegalArgumentException.class, () -> SearchKnobs.defaults().withHeapFactor(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> SearchKnobs.defaults().withFilterExactMax(-1));
    }
}
