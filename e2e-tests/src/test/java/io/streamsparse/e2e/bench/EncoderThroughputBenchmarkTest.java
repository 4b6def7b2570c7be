package io.streamsparse.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamsparse.encoder.ModelResources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Smoke test of {@link EncoderThroughputBenchmark}: a handful of documents through both sides (real broker, real
 * service, bundled model); checks that the run completes and ends with the RESULT line. No timing assertions.
 */
class EncoderThroughputBenchmarkTest {

    @Test
    void aTinyRunEndsWithTheResultLine(@TempDir Path dir) throws Exception {
        assumeTrue(ModelResources.defaultModelAvailable(), "bundled default model not on the class path");
        JsonMapper json = JsonMapper.builder().build();
        List<String> lines = new ArrayList<>();
        String[] words = {"kernel", "module", "firmware", "editor", "font", "library", "daemon", "compiler"};
        for (int i = 0; i < 8; i++) {
            lines.add(json.writeValueAsString(Map.of("id", "d:pkg" + i, "title", "pkg" + i,
                    "text", "A " + words[i] + " package number " + i + " with a short description of what the "
                            + words[i] + " does for the system.",
                    "fields", Map.of("section", "test"))));
        }
        lines.add(json.writeValueAsString(Map.of("id", "d:blank", "text", "   "))); // rejected by the parser: skipped
        Path corpus = Files.write(dir.resolve("docs.jsonl"), lines, StandardCharsets.UTF_8);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncoderThroughputBenchmark.Result result;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            result = EncoderThroughputBenchmark.run(EncoderThroughputBenchmark.Options.parse(
                    "--corpus", corpus.toString(), "--docs", "6", "--batch", "2", "--threads", "1",
                    "--max-length", "64", "--max-poll-records", "4", "--warmup-docs", "2", "--timeout-s", "120"),
                    out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        String[] outLines = output.strip().split("\n");
        assertThat(outLines[outLines.length - 1]).as(output).matches(
                "RESULT model=minilm-l6-splade-debian-int8 raw_docs_per_s=\\d+\\.\\d+ service_docs_per_s=\\d+\\.\\d+"
                        + " ratio=\\d+\\.\\d+");
        assertThat(output).contains("load average");
        assertThat(result.rounds()).hasSize(1);
        assertThat(result.rounds().get(0).serviceAvgNnz()).isPositive();
        assertThat(result.rounds().get(0).rawAvgNnz()).isPositive();
    }

    @Test
    void optionsAreParsedAndCheckedWithTheBadValue() {
        EncoderThroughputBenchmark.Options o = EncoderThroughputBenchmark.Options.parse("--docs", "10", "--batch",
                "8", "--threads", "2", "--max-length", "128");
        assertThat(o.docs()).isEqualTo(10);
        assertThat(o.encoderConfig().maxBatchSize()).isEqualTo(8);
        assertThat(o.encoderConfig().intraOpThreads()).isEqualTo(2);
        assertThat(o.encoderConfig().maxLength()).isEqualTo(128);
        assertThat(EncoderThroughputBenchmark.Options.parse().docs()).isEqualTo(2000);
        assertThatThrownBy(() -> EncoderThroughputBenchmark.Options.parse("--docs", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("docs=0");
        assertThatThrownBy(() -> EncoderThroughputBenchmark.Options.parse("--bogus", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bogus");
    }
}
