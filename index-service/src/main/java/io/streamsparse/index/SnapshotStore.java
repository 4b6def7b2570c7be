package io.streamsparse.index;

import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.snapshot.SnapshotReader;
import io.streamsparse.core.snapshot.SnapshotWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files of one shard: {@code <dir>/shard-<p>/snapshot-<offset>.snap}, where {@code offset} is the last
 * partition offset the snapshot includes (zero-padded so names sort by offset).
 *
 * <p>A snapshot becomes visible only complete: it is written to a {@code .tmp} file, forced to disk, renamed
 * atomically and the directory forced. Loading tries the newest first and falls back to older ones: a file that is
 * truncated, corrupt (the format's CRC-32) or otherwise unreadable is skipped and reported, never loaded; one the
 * format rejects is also renamed to {@code <name>.corrupt} so that it is neither tried again nor retained in place of
 * an intact snapshot. After a successful save the store keeps the newest {@code retain} snapshots and deletes the
 * rest.
 */
public final class SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");
    /** Suffix of a snapshot file that failed to load as corrupt (moved aside, no longer listed). */
    public static final String CORRUPT_SUFFIX = ".corrupt";

    /**
     * What loading found: the newest intact snapshot ({@code index} and {@code file} null when there is none) and
     * how many newer files had to be skipped as unreadable.
     */
    public record Loaded(ShardIndex index, Path file, int skippedCorrupt) {
    }

    private final Path dir;
    private final int retain;

    public SnapshotStore(Path root, int shard, int retain) {
        if (retain < 1) {
            throw new IllegalArgumentException("retain must be >= 1, was " + retain);
        }
        this.dir = root.resolve("shard-" + shard);
        this.retain = retain;
    }

    public Path directory() {
        return dir;
    }

    /** Writes {@code image} durably; returns the file. */
    public Path save(ShardImage image) {
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(String.format("snapshot-%020d.snap", image.appliedOffset()));
            Path tmp = dir.resolve(target.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel),
                            1 << 16)) {
                SnapshotWriter.write(image, out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("snapshot directory " + dir + " does not support atomic renames", e);
            }
            forceDirectory();
            prune();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("writing a snapshot to " + dir + " failed", e);
        }
    }

    /** The newest snapshot that reads back intact, if any. */
    public Loaded loadNewest() {
        int skipped = 0;
        for (Path file : snapshotsNewestFirst()) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                ShardIndex index = SnapshotReader.read(in);
                return new Loaded(index, file, skipped);
            } catch (IllegalArgumentException e) {
                skipped++;
                log.error("Skipping unreadable snapshot {}: {}", file, e.toString());
                quarantine(file);
            } catch (IOException | RuntimeException e) {
                skipped++;
                log.error("Skipping unreadable snapshot {}: {}", file, e.toString());
            }
        }
        return new Loaded(null, null, skipped);
    }

    /**
     * Renames a snapshot the format rejected to {@code <name>.corrupt}: it is kept for inspection but no longer listed,
     * so it is never tried again and never counts towards {@code retain} (otherwise pruning after the next save
     * could keep it and delete the intact older snapshot the shard fell back to).
     */
    private void quarantine(Path file) {
        Path target = file.resolveSibling(file.getFileName() + CORRUPT_SUFFIX);
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            log.warn("Moved corrupt snapshot aside to {}", target);
        } catch (IOException e) {
            log.warn("Could not move corrupt snapshot {} aside: {}", file, e.toString());
        }
    }

    /** Snapshot files, newest (highest offset) first; leftover temp files are ignored. */
    public List<Path> snapshotsNewestFirst() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> out = new ArrayList<>(files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .toList());
            out.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("listing snapshots in " + dir + " failed", e);
        }
    }

    /** The offset a snapshot file name states. */
    public static long offsetOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a snapshot file name: " + file.getFileName());
        }
        return Long.parseLong(m.group(1));
    }

    private void prune() throws IOException {
        List<Path> all = snapshotsNewestFirst();
        for (int i = retain; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to open directories; the rename itself is still atomic
            log.debug("Could not fsync directory {}: {}", dir, e.toString());
        }
    }
}
