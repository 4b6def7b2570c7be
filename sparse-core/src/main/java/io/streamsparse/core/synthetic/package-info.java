/**
 * Seeded synthetic SPLADE-like data for tests and benchmarks: {@link io.streamsparse.core.synthetic.SyntheticCorpus}.
 */
package io.streamsparse.core.synthetic;
