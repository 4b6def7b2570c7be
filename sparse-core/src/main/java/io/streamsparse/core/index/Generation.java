package io.streamsparse.core.index;

/**
 * The structures built over one slot numbering: replaced as a whole by {@link ShardIndex#compact()}, which
 * renumbers slots. Readers holding an older view keep using the older generation, which the writer no longer
 * touches.
 */
final class Generation {
}
