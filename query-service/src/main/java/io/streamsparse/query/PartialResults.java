package io.streamsparse.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why answers are partial: {@code streamsparse_query_shard_failures_total{reason}} counts shards left out of an
 * answer after every replica was tried, and {@code streamsparse_query_partial_results_total{reason}} counts partial
 * answers by the reason of their first missing shard. The reasons are few and fixed (registered at start, so alerts
 * see them before the first failure).
 */
public final class PartialResults {

    /** Why a shard gave no answer; {@link #tag()} is the metric tag and the {@code reason} in the response. */
    public enum Reason {
        /** the shard exists (shard count, or seen before) but no instance lists it as ready */
        NO_REPLICA,
        /** no replica answered within {@code shard-timeout} */
        TIMEOUT,
        /** no replica could be reached (connection refused or reset, or a call timed out) */
        UNREACHABLE,
        /** the replicas were saturated (503 from their admission control) */
        OVERLOADED,
        /** a replica answered with another error status (e.g. 404 after a reassignment, 500) */
        ERROR_STATUS,
        /** anything else (e.g. an unreadable answer) */
        OTHER;

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Map<Reason, Counter> shardFailures = new EnumMap<>(Reason.class);
    private final Map<Reason, Counter> partialResults = new EnumMap<>(Reason.class);

    public PartialResults(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            shardFailures.put(reason, Counter.builder("streamsparse.query.shard.failures").tag("reason", reason.tag())
                    .description("Shards missing from an answer after all their replicas were tried, by reason")
                    .register(registry));
            partialResults.put(reason, Counter.builder("streamsparse.query.partial.results")
                    .tag("reason", reason.tag()).description("Partial answers, by the reason of the first missing"
                            + " shard").register(registry));
        }
    }

    /** Counts the shards missing from one answer, and the answer once, by its first missing shard's reason. */
    void count(List<ReplicaRace.ShardFailure> missing) {
        if (missing.isEmpty()) {
            return;
        }
        missing.forEach(f -> shardFailures.get(f.cause()).increment());
        partialResults.get(missing.get(0).cause()).increment();
    }
}
