package io.streamsparse.tools.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void parsesBothForms() {
        Args a = Args.parse(new String[] {"--topic", "t", "--limit=5", "-h"}, Set.of("topic", "limit"));
        assertEquals("t", a.string("topic", "x"));
        assertEquals(5, a.number("limit", 0, 0, 10));
        assertEquals(9, a.number("other", 9, 0, 10));
        assertTrue(a.help());
    }

    @Test
    void rejectsWithTheBadArgument() {
        Set<String> names = Set.of("limit");
        assertEquals("unknown option: --nope",
                assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"--nope", "1"}, names))
                        .getMessage());
        assertEquals("unexpected argument: file.jsonl",
                assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"file.jsonl"}, names))
                        .getMessage());
        assertEquals("option --limit needs a value",
                assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"--limit"}, names))
                        .getMessage());
        assertEquals("option --limit given twice", assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--limit", "1", "--limit", "2"}, names)).getMessage());
        Args a = Args.parse(new String[] {"--limit", "x"}, names);
        assertEquals("--limit must be a whole number, got x",
                assertThrows(IllegalArgumentException.class, () -> a.number("limit", 0, 0, 9)).getMessage());
        Args b = Args.parse(new String[] {"--limit", "10"}, names);
        assertEquals("--limit must be in [0, 9], got 10",
                assertThrows(IllegalArgumentException.class, () -> b.number("limit", 0, 0, 9)).getMessage());
    }

    @Test
    void ingestOptionsHaveDefaults() {
        IngestCommand.Options o = IngestCommand.Options.parse(new String[0]);
        assertEquals(new IngestCommand.Options("-", "127.0.0.1:9092", "documents", 1_000_000, null, 0, "lz4",
                new java.util.Properties()), o);
        IngestCommand.Options p = IngestCommand.Options.parse(new String[] {"--file", "d.jsonl", "--rejects", "r",
            "--compression", "zstd", "--max-bytes", "5000", "--limit", "3"});
        assertEquals(Path.of("r"), p.rejects());
        assertEquals(5000, p.maxBytes());
        assertEquals(3, p.limit());
        assertThrows(IllegalArgumentException.class,
                () -> IngestCommand.Options.parse(new String[] {"--compression", "brotli"}));
        assertNull(IngestCommand.Options.parse(new String[] {"--file", "x"}).rejects());
    }

    @Test
    void summaryLineHasTheContractedShape() {
        assertEquals("sent=10 rejected=2 seconds=4.0 rate=2.5/s", new IngestCommand.Summary(10, 2, 0, 4).line());
        assertEquals("sent=0 rejected=0 seconds=0.0 rate=0.0/s", new IngestCommand.Summary(0, 0, 0, 0).line());
    }
}
