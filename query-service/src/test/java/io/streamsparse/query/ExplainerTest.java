package io.streamsparse.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsparse.api.shard.Hit;
import io.streamsparse.api.shard.TermContribution;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.TokenVocabulary;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token texts from a real bert-base-uncased vocabulary (hello = 7592, world = 2088, telescope = 12772). */
class ExplainerTest {

    static TokenVocabulary vocabulary;
    static Explainer explainer;

    @BeforeAll
    static void load() {
        vocabulary = TokenVocabulary.load(EncoderConfig.queryDefaults().withModel(EncoderConfig.DEFAULT_LOCATION,
                "classpath:all-minilm-l6-v2-q-tokenizer.json"));
        explainer = new Explainer(vocabulary);
    }

    @AfterAll
    static void close() {
        vocabulary.close();
    }

    @Test
    void queryTermsAreNamedHeaviestFirstAndExpansionsMarked() {
        SparseVector query = SparseVector.of(new int[] {7592, 2088, 12772}, new float[] {0.5f, 1.5f, 0.75f});
        assertThat(explainer.queryTerms("Hello world", query)).containsExactly(
                new QueryTerm(2088, "world", 1.5f, true),
                new QueryTerm(12772, "telescope", 0.75f, false),
                new QueryTerm(7592, "hello", 0.5f, true));
    }

    @Test
    void explanationsGetTokenTextsAndHitsWithoutOneStayAsTheyAre() {
        Hit plain = new Hit("a", 1f, "A", "", 0);
        Hit explained = new Hit("b", 2f, "B", "", 1, List.of(new TermContribution(12772, null, 2f, 1f, 2f)));
        List<Hit> named = explainer.nameTerms(List.of(explained, plain));
        assertThat(named.get(0).explanation()).containsExactly(new TermContribution(12772, "telescope", 2f, 1f, 2f));
        assertThat(named.get(0).score()).isEqualTo(2f);
        assertThat(named.get(1)).isSameAs(plain);
    }
}
