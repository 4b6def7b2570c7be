package io.streamsparse.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;

/** Waits and assertions over index-service instances, shared by the fault tests. */
final class IndexChecks {

    private IndexChecks() {
    }

    /**
     * Waits until {@code service} has applied every record of {@code topic} (plain, non-transactional records: the
     * last offset is the end offset minus one) on each of {@code partitions} partitions.
     */
    static void awaitApplied(ServiceProcess service, BrokerProcess broker, String topic, int partitions,
            Duration timeout) {
        Map<Integer, Long> end = broker.endOffsets(topic, partitions, IsolationLevel.READ_UNCOMMITTED);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!service.isAlive()) {
                throw new IllegalStateException(service + " died:\n" + service.process().logTail(80));
            }
            boolean all = true;
            for (int p = 0; p < partitions; p++) {
                if (service.digest(p).offset() != end.get(p) - 1) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                List<String> offsets = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    offsets.add(p + ": " + service.digest(p).offset() + " of " + (end.get(p) - 1));
                }
                throw new IllegalStateException(service + " did not apply everything within " + timeout + " ("
                        + offsets + "):\n" + service.process().logTail(60));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /**
     * Every document the feed wrote is in {@code service} exactly once: each shard holds as many documents as the
     * feed left live in its partition; a search of every shard for a live document's unique term returns that id
     * exactly once, from the shard of its partition, and nothing else; a deleted id is found nowhere.
     */
    static void assertEveryDocumentExactlyOnce(ServiceProcess service, VectorFeed feed, int partitions) {
        for (int p = 0; p < partitions; p++) {
            assertThat(service.digest(p).documents()).as("%s shard %d documents", service, p)
                    .isEqualTo(feed.liveDocuments(p).size());
        }
        Map<String, VectorFeed.Latest> latest = feed.latest();
        latest.forEach((id, l) -> {
            int[] term = {VectorFeed.uniqueTerm(VectorFeed.indexOf(id))};
            for (int p = 0; p < partitions; p++) {
                List<String> hits = service.search(p, term, 5);
                if (l.doc() != null && p == l.partition()) {
                    assertThat(hits).as("%s shard %d, search for live %s", service, p, id).containsExactly(id);
                } else {
                    assertThat(hits).as("%s shard %d, search for %s (%s, partition %d)", service, p, id,
                            l.doc() == null ? "deleted" : "live", l.partition()).isEmpty();
                }
            }
        });
    }
}
