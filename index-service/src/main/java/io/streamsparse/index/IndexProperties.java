package io.streamsparse.index;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of one index-service instance: which partitions of the vectors topic it owns (partition p is
 * shard p) and the limits it enforces on search requests.
 *
 * @param topic          the {@code sparse-vectors} topic
 * @param partitions     the partitions (= shards) this instance owns; a replica owns the same list
 * @param snapshotDir    where shard snapshots live
 * @param maxK           largest k a search may ask for
 * @param maxQueryTerms  largest number of non-zeros in a query vector
 * @param maxBodyBytes   largest accepted request body
 */
@ConfigurationProperties("streamsparse.index")
public record IndexProperties(
        @DefaultValue("sparse-vectors") String topic,
        @DefaultValue("0") List<Integer> partitions,
        @DefaultValue("./snapshots") Path snapshotDir,
        @DefaultValue("1000") int maxK,
        @DefaultValue("1024") int maxQueryTerms,
        @DefaultValue("262144") int maxBodyBytes) {

    public IndexProperties {
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalArgumentException("streamsparse.index.partitions must name at least one partition");
        }
        for (int p : partitions) {
            if (p < 0) {
                throw new IllegalArgumentException("negative partition " + p + " in streamsparse.index.partitions");
            }
        }
        if (partitions.stream().distinct().count() != partitions.size()) {
            throw new IllegalArgumentException("duplicate partition in streamsparse.index.partitions: " + partitions);
        }
        if (maxK < 1 || maxQueryTerms < 1 || maxBodyBytes < 1024) {
            throw new IllegalArgumentException("limits must be positive (maxBodyBytes >= 1024): maxK=" + maxK
                    + " maxQueryTerms=" + maxQueryTerms + " maxBodyBytes=" + maxBodyBytes);
        }
        partitions = List.copyOf(partitions);
    }
}
