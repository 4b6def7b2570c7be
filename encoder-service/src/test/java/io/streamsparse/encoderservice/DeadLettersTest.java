package io.streamsparse.encoderservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

class DeadLettersTest {

    static final int MAX = 64 * 1024;
    private final DeadLetters letters = new DeadLetters("documents.DLT", MAX);

    static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value, int headerBytes) {
        RecordHeaders headers = new RecordHeaders();
        if (headerBytes > 0) {
            headers.add("trace", new byte[headerBytes]);
        }
        return new ConsumerRecord<>("documents", 3, 1234L, 99L, TimestampType.CREATE_TIME, -1, -1, key, value,
                headers, Optional.empty());
    }

    static String header(ProducerRecord<byte[], byte[]> letter, String name) {
        var h = letter.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aSmallRecordIsCopiedWholeWithReasonAndCoordinates() {
        byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> letter = letters.letter(record("k".getBytes(), value, 10), "bad JSON",
                DeadLetters.Form.BOUNDED);
        assertThat(letter.topic()).isEqualTo("documents.DLT");
        assertThat(letter.key()).isEqualTo("k".getBytes());
        assertThat(letter.value()).isEqualTo(value);
        assertThat(header(letter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("bad JSON");
        assertThat(header(letter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("documents");
        assertThat(ByteBuffer.wrap(letter.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_PARTITION).value()).getInt())
                .isEqualTo(3);
        assertThat(ByteBuffer.wrap(letter.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value()).getLong())
                .isEqualTo(1234L);
        assertThat(letter.headers().lastHeader("trace")).isNotNull();
        assertThat(header(letter, DeadLetters.VALUE)).isNull();
    }

    @Test
    void everyLetterFitsTheBoundWhateverTheRecord() {
        for (int valueBytes : new int[] {0, 100, MAX / 2, MAX, 2 * 1024 * 1024}) {
            for (int keyBytes : new int[] {1, 500, 100_000}) {
                for (int headerBytes : new int[] {0, 1_000, 1_000_000}) {
                    byte[] value = new byte[valueBytes];
                    Arrays.fill(value, (byte) 'x');
                    ConsumerRecord<byte[], byte[]> r = record(new byte[keyBytes], value, headerBytes);
                    for (DeadLetters.Form form : DeadLetters.Form.values()) {
                        ProducerRecord<byte[], byte[]> letter = letters.letter(r, "r".repeat(5_000), form);
                        assertThat(DeadLetters.estimatedSize(letter)).as("value %d key %d headers %d %s", valueBytes,
                                keyBytes, headerBytes, form).isLessThanOrEqualTo(MAX);
                    }
                }
            }
        }
    }

    @Test
    void aLongValueIsCutAndIdentifiedByLengthAndDigest() {
        byte[] value = new byte[2 * 1024 * 1024];
        Arrays.fill(value, (byte) 'a');
        ProducerRecord<byte[], byte[]> letter = letters.letter(record("big".getBytes(), value, 0), "too long",
                DeadLetters.Form.BOUNDED);
        assertThat(header(letter, DeadLetters.VALUE)).isEqualTo("truncated");
        assertThat(header(letter, DeadLetters.VALUE_BYTES)).isEqualTo(Integer.toString(value.length));
        assertThat(header(letter, DeadLetters.VALUE_SHA256)).hasSize(64);
        assertThat(letter.value().length).isBetween(MAX / 2, MAX);
        assertThat(letter.value()[0]).isEqualTo((byte) 'a');

        ProducerRecord<byte[], byte[]> bare = letters.letter(record("big".getBytes(), value, 10), "too long",
                DeadLetters.Form.HEADERS_ONLY);
        assertThat(bare.value()).isEmpty();
        assertThat(header(bare, DeadLetters.VALUE)).isEqualTo("omitted");
        assertThat(header(bare, DeadLetters.VALUE_SHA256)).isEqualTo(header(letter, DeadLetters.VALUE_SHA256));
        assertThat(bare.headers().lastHeader("trace")).isNull();
        assertThat(header(bare, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("too long");
    }
}
