package io.streamsparse.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsparse.api.shard.Hit;
import io.streamsparse.api.shard.TermContribution;
import io.streamsparse.core.search.RankFusion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query service's fusion of the merged learned and lexical lists, and how a request picks its settings. */
class HybridFusionTest {

    static final HybridFusion HYBRID = new HybridFusion(RankFusion.Settings.DEFAULT, 100);

    static Hit hit(String id, float score, int shard) {
        return new Hit(id, score, "title " + id, "", shard);
    }

    @Test
    void aDocumentOnlyTheLexicalSideFindsCanWinAndKeepsItsShard() {
        // the rare word: the learned side ranks "rare" third and low, the lexical side first by far
        List<Hit> learned = List.of(hit("a", 10f, 0), hit("b", 9f, 1), hit("rare", 5f, 1));
        List<Hit> lexical = List.of(hit("rare", 8f, 1), hit("c", 1f, 0));
        List<Hit> linear = HybridFusion.fuse(learned, lexical, RankFusion.Settings.DEFAULT, 2);
        // a: 0.8 * 1 = 0.8; rare: 0.8 * 0.5 + 0.2 * 1 = 0.6; b: 0.72
        assertThat(linear).extracting(Hit::id).containsExactly("a", "b");
        List<Hit> heavier = HybridFusion.fuse(learned, lexical, RankFusion.Settings.DEFAULT.withLexicalWeight(0.5f),
                3);
        assertThat(heavier).extracting(Hit::id).containsExactly("rare", "a", "b");
        assertThat(heavier.get(0).score()).isCloseTo(0.75f, within(1e-6f));
        assertThat(heavier.get(0).shard()).isEqualTo(1);

        List<Hit> lexicalOnly = HybridFusion.fuse(List.of(hit("a", 1f, 0)), List.of(hit("z", 2f, 3)),
                RankFusion.Settings.DEFAULT.withLexicalWeight(0.9f), 2);
        assertThat(lexicalOnly).extracting(Hit::id).containsExactly("z", "a");
        assertThat(lexicalOnly.get(0).shard()).isEqualTo(3);
        assertThat(lexicalOnly.get(0).title()).isEqualTo("title z");
    }

    @Test
    void theLearnedHitKeepsItsExplanationAndNoneIsTheLearnedRankingAlone() {
        Hit explained = hit("a", 2f, 0).withExplanation(List.of(new TermContribution(7, "sky", 2f, 1f, 2f)));
        List<Hit> fused = HybridFusion.fuse(List.of(explained), List.of(hit("a", 3f, 0)),
                RankFusion.Settings.DEFAULT.withMethod(RankFusion.Method.RRF), 1);
        assertThat(fused.get(0).explanation()).isEqualTo(explained.explanation());
        assertThat(fused.get(0).score()).isCloseTo(1f / 11, within(1e-6f));
        List<Hit> none = HybridFusion.fuse(List.of(explained, hit("b", 1f, 0)), List.of(hit("c", 9f, 0)),
                RankFusion.Settings.DEFAULT.withMethod(RankFusion.Method.NONE), 5);
        assertThat(none).extracting(Hit::id).containsExactly("a", "b");
        assertThat(none.get(0).score()).isEqualTo(2f);
    }

    @Test
    void aRequestNamesItsFusionOrGetsTheConfiguredOne() {
        assertThat(HYBRID.settings(null)).isEqualTo(RankFusion.Settings.DEFAULT);
        assertThat(HYBRID.settings(" ")).isEqualTo(RankFusion.Settings.DEFAULT);
        assertThat(HYBRID.settings("RRF").method()).isEqualTo(RankFusion.Method.RRF);
        assertThat(HYBRID.settings("none").label()).isEqualTo("none");
        assertThat(HYBRID.settings("linear").label()).isEqualTo("linear w=0.2");
        assertThatThrownBy(() -> HYBRID.settings("bm25")).hasMessage("fusion must be 'linear', 'rrf' or 'none', "
                + "was 'bm25'");
        assertThat(HYBRID.depth(10)).isEqualTo(100);
        assertThat(HYBRID.depth(300)).isEqualTo(300);
    }

    @Test
    void badFusionSettingsFailAtStartNamingTheProperty() {
        assertThat(properties("rrf", 0.3f, 60, 50).hybridFusion().settings(null).label()).isEqualTo("rrf k=60 w=0.3");
        assertThatThrownBy(() -> properties("sum", 0.2f, 10, 100)).hasMessageContaining("streamsparse.query.fusion")
                .hasMessageContaining("'sum'");
        assertThatThrownBy(() -> properties("linear", 1.5f, 10, 100)).hasMessageContaining("lexical weight");
        assertThatThrownBy(() -> properties("rrf", 0.2f, 0, 100)).hasMessageContaining("rrf k");
        assertThatThrownBy(() -> properties("linear", 0.2f, 10, 0)).hasMessageContaining("fusion depth");
    }

    static QueryProperties properties(String fusion, float weight, int rrfK, int depth) {
        return new QueryProperties(List.of(java.net.URI.create("http://127.0.0.1:1")), 0, "sparse-vectors", "model",
                "classpath:default", "classpath:default", 64, 64, 1000, 100, java.time.Duration.ofSeconds(2),
                java.time.Duration.ofSeconds(1), java.time.Duration.ZERO, 16, java.time.Duration.ofMillis(100),
                java.time.Duration.ofSeconds(2), fusion, weight, rrfK, depth);
    }
}
