package io.streamsparse.api.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsparse.api.http.StrictJson;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The contract's request bound strictly: what is refused, and that the reason names the field. */
class ShardSearchRequestTest {

    static final JsonMapper STRICT = StrictJson.configure(JsonMapper.builder()).build();

    static ShardSearchRequest read(String json) {
        return STRICT.readValue(json, ShardSearchRequest.class);
    }

    static String reason(String json) {
        try {
            read(json);
        } catch (JacksonException e) {
            return StrictJson.describe(e);
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void aValidRequestRoundTrips() {
        ShardSearchRequest r = read("{\"terms\":[3,1],\"weights\":[0.5,1000],\"k\":5,\"mode\":\"exact\"}");
        assertThat(r.terms()).containsExactly(3, 1);
        assertThat(r.weights()).containsExactly(0.5f, 1000f);
        assertThat(r.k()).isEqualTo(5);
        assertThat(read(STRICT.writeValueAsString(r)).terms()).containsExactly(3, 1);
    }

    @Test
    void explanationsAreAskedForExplicitlyAndOnlyThenAnswered() {
        assertThat(read("{\"terms\":[1],\"weights\":[1]}").explained()).isFalse();
        assertThat(read("{\"terms\":[1],\"weights\":[1],\"explain\":true}").explained()).isTrue();
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"explain\":\"yes\"}")).startsWith("at explain:");
        assertThat(read("{\"terms\":[1],\"weights\":[1],\"explain\":true}").withK(3).explained()).isTrue();

        Hit plain = new Hit("a", 2f, "A", "", 0);
        assertThat(STRICT.writeValueAsString(plain)).doesNotContain("explanation");
        Hit explained = plain.withExplanation(java.util.List.of(new TermContribution(7, null, 2f, 1f, 2f)));
        String json = STRICT.writeValueAsString(explained);
        assertThat(json).contains("\"explanation\":[{\"term\":7,\"queryWeight\":2.0,\"documentWeight\":1.0,"
                + "\"contribution\":2.0}]");
        assertThat(STRICT.readValue(json, Hit.class)).isEqualTo(explained);
        assertThat(STRICT.readValue(STRICT.writeValueAsString(explained.withExplanation(java.util.List.of(
                explained.explanation().get(0).withToken("sky")))), Hit.class).explanation().get(0).token())
                .isEqualTo("sky");
    }

    @Test
    void nothingIsCoerced() {
        assertThat(reason("{\"terms\":[100.7],\"weights\":[1]}")).startsWith("at terms[0]:");
        assertThat(reason("{\"terms\":[\"100\"],\"weights\":[1]}")).startsWith("at terms[0]:");
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"k\":\"abc\"}")).startsWith("at k:");
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"k\":1e20}")).startsWith("at k:");
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"k\":2.5}")).startsWith("at k:");
        assertThat(reason("{\"terms\":[null],\"weights\":[1]}")).startsWith("at terms[0]:");
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"topk\":3}")).contains("topk");
    }

    @Test
    void weightsAreFiniteAndBounded() {
        assertThat(reason("{\"terms\":[1],\"weights\":[3e38]}")).contains("weights[0] must be finite and in [0, 1000.0]");
        assertThat(reason("{\"terms\":[1],\"weights\":[-1]}")).contains("weights[0]");
        assertThat(reason("{\"terms\":[1,2],\"weights\":[1]}")).contains("'terms' has 2 entries but 'weights' has 1");
        assertThat(reason("{\"k\":3}")).contains("'terms' and 'weights' are required");
    }

    @Test
    void aLexicalQueryComesWithItsWeightsAndTheirBounds() {
        ShardSearchRequest r = read("{\"terms\":[1],\"weights\":[1],\"lexicalTerms\":[4,9],\"lexicalWeights\":[2.5,0.5]}");
        assertThat(r.hasLexical()).isTrue();
        assertThat(r.withK(7).lexicalTerms()).containsExactly(4, 9);
        assertThat(read(STRICT.writeValueAsString(r)).lexicalWeights()).containsExactly(2.5f, 0.5f);
        assertThat(read("{\"terms\":[1],\"weights\":[1]}").hasLexical()).isFalse();
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"lexicalTerms\":[4]}"))
                .contains("'lexicalTerms' and 'lexicalWeights' go together");
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"lexicalTerms\":[4,5],\"lexicalWeights\":[1]}"))
                .contains("'lexicalTerms' has 2 entries but 'lexicalWeights' has 1");
        assertThat(reason("{\"terms\":[1],\"weights\":[1],\"lexicalTerms\":[4],\"lexicalWeights\":[1e9]}"))
                .contains("lexicalWeights[0] must be finite");

        ShardSearchResponse plain = new ShardSearchResponse(0, 5, 1, 10, java.util.List.of(new Hit("a", 1f, "", "", 0)));
        assertThat(STRICT.writeValueAsString(plain)).doesNotContain("lexicalHits");
        ShardSearchResponse hybrid = new ShardSearchResponse(0, 5, 1, 10, plain.hits(), plain.hits());
        assertThat(STRICT.readValue(STRICT.writeValueAsString(hybrid), ShardSearchResponse.class).lexicalHits())
                .containsExactlyElementsOf(plain.hits());
    }

    @Test
    void malformedJsonSaysWhere() {
        assertThat(reason("{\"terms\":[1,")).startsWith("request body is not valid JSON");
        assertThat(reason("{\"terms\":[1],\"weights\":[1]} x")).isNotBlank();
    }

    @Test
    void theConstructorChecksDirectCallsToo() {
        assertThatThrownBy(() -> new ShardSearchRequest(new int[] {1}, new float[] {Float.NaN}, null, null, null,
                null, null)).hasMessageContaining("weights[0]");
    }
}
