package io.streamsparse.index;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the index service estimates the recall of the approximate search it serves ({@link RecallEstimator}).
 *
 * @param sampleRate    share of approximate searches also run in exact mode, in [0, 1]; 0 turns estimation off.
 *                      Each sample costs one exact search (tens of ms on a large shard) on a background thread
 * @param queueCapacity samples that may wait for that thread; a sample arriving when the queue is full is dropped
 * @param window        the estimate is the mean recall of this many most recent samples
 */
@ConfigurationProperties("streamsparse.index.recall-estimate")
public record RecallEstimateProperties(
        @DefaultValue("0.01") double sampleRate,
        @DefaultValue("4") int queueCapacity,
        @DefaultValue("200") int window) {

    public RecallEstimateProperties {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("streamsparse.index.recall-estimate.sample-rate must be in [0, 1], was "
                    + sampleRate);
        }
        if (queueCapacity < 1 || window < 1) {
            throw new IllegalArgumentException("streamsparse.index.recall-estimate queue-capacity and window must be "
                    + ">= 1, were " + queueCapacity + ", " + window);
        }
    }
}
