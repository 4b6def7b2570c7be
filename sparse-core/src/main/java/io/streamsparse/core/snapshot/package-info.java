/**
 * Shard snapshots: {@link io.streamsparse.core.snapshot.SnapshotFormat} is the byte grammar (versioned; old versions
 * stay readable), {@link io.streamsparse.core.snapshot.SnapshotWriter} and
 * {@link io.streamsparse.core.snapshot.SnapshotReader} the pair that writes and reads it. A snapshot holds the applied
 * offset, so "snapshot at o + replay from o" restores a shard (P4).
 */
package io.streamsparse.core.snapshot;
