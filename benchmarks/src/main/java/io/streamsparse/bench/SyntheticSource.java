package io.streamsparse.bench;

/** Adapter to the engine's seeded generator (io.streamsparse.core.synthetic.SyntheticCorpus). */
final class SyntheticSource {

    private SyntheticSource() {
    }

    static BenchData generate(int docs, int queries, int updates, long seed) {
        throw new UnsupportedOperationException("waiting for io.streamsparse.core.synthetic.SyntheticCorpus");
    }
}
