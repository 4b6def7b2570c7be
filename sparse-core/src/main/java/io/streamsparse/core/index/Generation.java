package io.streamsparse.core.index;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The structures built over one slot numbering: the inverted lists (one slot per term id, null when the term has
 * never had a posting) and the field postings. Replaced as a whole by {@link ShardIndex#compact()}, which renumbers
 * slots; readers holding an older view keep using the older generation, which the writer no longer touches. Within a
 * generation the writer replaces a re-blocked list by one release store into {@link #lists}.
 */
final class Generation {
    final AtomicReferenceArray<PostingList> lists;
    final FieldIndex fields;

    Generation(int vocabularySize) {
        this.lists = new AtomicReferenceArray<>(vocabularySize);
        this.fields = new FieldIndex();
    }
}
