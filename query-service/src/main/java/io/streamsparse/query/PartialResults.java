package io.streamsparse.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Why answers are partial: {@code streamsparse_query_shard_failures_total{reason}} counts shards left out of an
 * answer after every replica was tried, and {@code streamsparse_query_partial_results_total{reason}} counts partial
 * answers by the reason of their first missing shard. The reasons are few and fixed (registered at start, so alerts
 * see them before the first failure).
 */
public final class PartialResults {

    /** Why a shard gave no answer. */
    enum Reason {
        /** no replica answered within {@code shard-timeout} */
        TIMEOUT,
        /** no replica could be reached (connection refused or reset) */
        UNREACHABLE,
        /** a replica answered with an error status (e.g. 503 while it catches up) */
        ERROR_STATUS,
        /** anything else (e.g. an unreadable answer) */
        OTHER;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Reason of(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                if (t instanceof HttpTimeoutException) {
                    return TIMEOUT;
                }
                if (t instanceof ConnectException) {
                    return UNREACHABLE;
                }
                if (t instanceof ShardFanout.ShardStatusException) {
                    return ERROR_STATUS;
                }
            }
            return OTHER;
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

    /** Counts one shard left out; returns its reason so the caller can count the answer once. */
    Reason shardFailed(Throwable failure) {
        Reason reason = Reason.of(failure);
        shardFailures.get(reason).increment();
        return reason;
    }

    void partialAnswer(Reason firstMissing) {
        partialResults.get(firstMissing).increment();
    }
}
