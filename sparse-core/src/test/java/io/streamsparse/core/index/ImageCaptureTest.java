package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.streamsparse.core.snapshot.SnapshotWriter;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An image built from a capture after the writer went on (upserts, re-upserts, deletes, re-blocking, a compaction)
 * is byte for byte the image the writer would have made at the capture: the index service captures on its consumer
 * thread and copies on its snapshot thread while the consumer keeps applying records.
 */
class ImageCaptureTest {

    @ParameterizedTest
    @EnumSource(value = IndexConfig.ReblockMode.class, names = {"INLINE", "DEFERRED", "BACKGROUND"})
    void aCaptureBuiltLaterIsTheImageAtTheCapture(IndexConfig.ReblockMode mode) throws IOException {
        SyntheticCorpus c = new SyntheticCorpus(5, new SyntheticCorpus.Params(30522, 40, 300, 120, 45, 1.0, 0.6));
        IndexConfig config = IndexConfig.defaults().withPruneLambda(150).withReblock(0.1f, 8, 0.1f)
                .withReblockMode(mode);
        long offset = 0;
        try (ShardWriter writer = new ShardWriter(config)) {
            for (int i = 0; i < ShardWriter.STAGE_SLOTS + 3000; i++) {
                writer.upsert(offset++, c.docId(i % 2500), c.document(i));
                if (i % 9 == 0) {
                    writer.delete(offset++, c.docId((i * 7) % 2500));
                }
            }
            writer.maintain(Integer.MAX_VALUE);
            ImageCapture capture = writer.captureImage();
            byte[] atCapture = bytes(writer.image());
            // the writer goes on: tails grow (and their arrays with them), lists are re-blocked and replaced,
            // documents die, then everything is compacted into new arrays
            for (int i = 0; i < ShardWriter.STAGE_SLOTS + 3000; i++) {
                writer.upsert(offset++, c.docId((i * 13) % 4000), c.document(20_000 + i));
                if (i % 5 == 0) {
                    writer.delete(offset++, c.docId((i * 3) % 2500));
                }
                if (i % 1000 == 0) {
                    writer.maintain(Integer.MAX_VALUE);
                }
            }
            byte[] builtLater = bytes(capture.build());
            writer.compact();
            byte[] builtAfterCompact = bytes(capture.build());
            assertArrayEquals(atCapture, builtLater);
            assertArrayEquals(atCapture, builtAfterCompact);
            assertNotEquals(Arrays.hashCode(atCapture), Arrays.hashCode(bytes(writer.image())), "the writer moved on");
        }
    }

    private static byte[] bytes(ShardImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotWriter.write(image, out);
        return out.toByteArray();
    }
}
