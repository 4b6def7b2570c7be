package io.streamsparse.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsparse.api.shard.Hit;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardFanoutTest {

    private static Hit hit(String id, float score, int shard) {
        return new Hit(id, score, "", "", shard);
    }

    @Test
    void mergeKeepsTheGlobalTopKByScoreThenId() {
        List<Hit> merged = ShardFanout.merge(List.of(
                List.of(hit("b", 3f, 0), hit("d", 1f, 0)),
                List.of(hit("a", 3f, 1), hit("c", 2f, 1), hit("e", 0.5f, 1)),
                List.of()), 4);
        assertThat(merged).extracting(Hit::id).containsExactly("a", "b", "c", "d");
    }

    @Test
    void mergeOfFewerThanKReturnsAll() {
        assertThat(ShardFanout.merge(List.of(List.of(hit("x", 1f, 0))), 10)).hasSize(1);
        assertThat(ShardFanout.merge(List.of(), 10)).isEmpty();
    }
}
