package io.streamsparse.api.shard;

/** Content hash of a shard at an offset, to compare replicas. */
public record ShardDigest(int shard, long offset, int documents, String digest) {
}
