package io.streamsparse.query;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many shards exist: a configured number, or the partition count of the vectors topic as the broker knows it.
 * The broker is asked again while the count is unknown and otherwise every {@link #RECHECK} (partitions are only
 * ever added); the last known count holds while the broker does not answer. Called from the shard directory's
 * refresh thread only; negative while unknown.
 */
final class ShardCount implements IntSupplier, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardCount.class);
    static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(1);

    private final Admin admin;
    private final String topic;
    private int count;
    private long checkedAtNanos;

    private ShardCount(Admin admin, String topic, int count) {
        this.admin = admin;
        this.topic = topic;
        this.count = count;
    }

    static ShardCount fixed(int count) {
        return new ShardCount(null, null, count);
    }

    /** Partitions of {@code topic}, asked through {@code admin} (closed with this). */
    static ShardCount ofTopic(Admin admin, String topic) {
        return new ShardCount(admin, topic, -1);
    }

    @Override
    public int getAsInt() {
        if (admin == null || count >= 0 && System.nanoTime() - checkedAtNanos < RECHECK.toNanos()) {
            return count;
        }
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            count = d.partitions().size();
            checkedAtNanos = System.nanoTime();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("cannot read the partition count of {} (shards known so far: {}): {}", topic, count,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return count;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
