package io.streamsparse.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.search.SearchKnobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

class IndexPropertiesTest {

    private static IndexProperties withEngine(IndexProperties.Engine engine) {
        return new IndexProperties("sparse-vectors", List.of(0), Path.of("snapshots"), 1000, Duration.ofMinutes(5), 2,
                true, IndexConfig.ReblockMode.BACKGROUND, 0.25, Duration.ofMillis(50), 1000, 1024, 262144, 32, Duration.ofMillis(200), engine);
    }

    @Test
    void unsetEngineKnobsKeepTheEngineDefaultsWithBackgroundReblocking() {
        IndexProperties p = withEngine(null);
        assertEquals(IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.BACKGROUND), p.indexConfig());
        assertEquals(SearchKnobs.defaults(), p.engine().searchKnobs());
    }

    /** The shipped configuration searches with the engine's defaults: one set of default knobs, not two. */
    @Test
    void shippedConfigurationSearchesWithTheEngineDefaultKnobs() throws Exception {
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("index-service.yml", new ClassPathResource("index-service.yml"))
                .forEach(env.getPropertySources()::addLast);
        IndexProperties p = Binder.get(env).bind("streamsparse.index", IndexProperties.class).get();
        assertEquals(SearchKnobs.defaults(), p.engine().searchKnobs());
        assertEquals(IndexConfig.ReblockMode.BACKGROUND, p.indexConfig().reblockMode());
        assertEquals(0.25, p.reblockCpuShare());
    }

    @Test
    void reblockingIsBackgroundOrDeferredWithAShareOfOneCore() {
        IndexProperties.Engine engine = new IndexProperties.Engine(null, null, null, null, null, null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IndexProperties("sparse-vectors", List.of(0), Path.of("snapshots"), 1000,
                        Duration.ofMinutes(5), 2, true, IndexConfig.ReblockMode.INLINE, 0.25, Duration.ofMillis(50),
                        1000, 1024, 262144, 32, Duration.ofMillis(200), engine));
        assertTrue(e.getMessage().contains("reblock"), e.getMessage());
        for (double share : new double[] {0, -0.5, 1.5, Double.NaN}) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> new IndexProperties("sparse-vectors", List.of(0), Path.of("snapshots"), 1000,
                            Duration.ofMinutes(5), 2, true, IndexConfig.ReblockMode.BACKGROUND, share,
                            Duration.ofMillis(50), 1000, 1024, 262144, 32, Duration.ofMillis(200), engine));
            assertTrue(e.getMessage().contains("reblock-cpu-share"), e.getMessage());
        }
        IndexProperties deferred = new IndexProperties("sparse-vectors", List.of(0), Path.of("snapshots"), 1000,
                Duration.ofMinutes(5), 2, true, IndexConfig.ReblockMode.DEFERRED, 1, Duration.ofMillis(50), 1000,
                1024, 262144, 32, Duration.ofMillis(200), engine);
        assertEquals(IndexConfig.ReblockMode.DEFERRED, deferred.indexConfig().reblockMode());
    }

    @Test
    void setKnobsReachTheEngine() {
        IndexProperties p = withEngine(new IndexProperties.Engine(40000, 32, 0, 1f, 64, 20, 0.7f));
        IndexConfig c = p.indexConfig();
        assertEquals(40000, c.vocabularySize(), "a model with a larger vocabulary than BERT's");
        assertEquals(32, c.blockSize());
        assertEquals(0, c.pruneLambda());
        assertEquals(1f, c.summaryAlpha());
        assertEquals(64, c.summaryMaxTerms());
        assertEquals(IndexConfig.ReblockMode.BACKGROUND, c.reblockMode());
        assertEquals(SearchKnobs.defaults().withQueryCut(20).withHeapFactor(0.7f), p.engine().searchKnobs());
    }

    @Test
    void invalidKnobsFailAtStartNamingTheKnob() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withEngine(new IndexProperties.Engine(null, 0, null, null, null, null, null)));
        assertTrue(e.getMessage().contains("blockSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> withEngine(new IndexProperties.Engine(0, null, null, null, null, null, null)));
        assertTrue(e.getMessage().contains("vocabularySize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> withEngine(new IndexProperties.Engine(null, null, null, null, null, null, -1f)));
        assertTrue(e.getMessage().contains("heapFactor"), e.getMessage());
    }
}
