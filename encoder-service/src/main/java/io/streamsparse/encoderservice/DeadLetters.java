package io.streamsparse.encoderservice;

import io.streamsparse.encoder.DocumentValidator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Builds the dead letter of a rejected {@code documents} record so that it can always be written.
 *
 * <p>A dead letter carries the original key, value and headers, the reason in {@code kafka_dlt-exception-message}
 * and the source coordinates in {@code kafka_dlt-original-topic/-partition/-offset/-timestamp} (the headers Spring's
 * {@code DeadLetterPublishingRecoverer} writes, so tools that read Spring dead letters read these too).
 *
 * <p><b>Bounded.</b> A record can pass the broker compressed and still be larger than the producer may send
 * ({@code max.request.size} is checked on the uncompressed record): a 2 MB document sent with lz4 is a few KB on the
 * wire. Its verbatim copy could never be written; the send would fail the transaction, which would be retried
 * forever with the partition stalled behind it. So a letter is never larger than {@code maxBytes} (key, value and
 * headers together, below the producer's {@code max.request.size}): a longer value is cut to what fits and the
 * letter says so ({@value #VALUE} = {@code truncated}, the original length in {@value #VALUE_BYTES} and its SHA-256
 * in {@value #VALUE_SHA256}, so the original can still be identified in {@code documents}); original headers that do
 * not fit are dropped ({@value #HEADERS_DROPPED} = their count); a key that does not fit is cut
 * ({@value #KEY} = {@code truncated}).
 *
 * <p><b>Forms.</b> {@link Form#BOUNDED} is the letter above. {@link Form#HEADERS_ONLY} has no value and no original
 * headers ({@value #VALUE} = {@code omitted}, length and digest kept): the listener writes it when a transaction with
 * the bounded letter has failed, in case the letter is what the broker refused (a dead-letter topic with a smaller
 * {@code max.message.bytes}).
 */
final class DeadLetters {

    static final String VALUE = "streamsparse-dlt-value";
    static final String VALUE_BYTES = "streamsparse-dlt-original-value-bytes";
    static final String VALUE_SHA256 = "streamsparse-dlt-original-value-sha256";
    static final String KEY = "streamsparse-dlt-key";
    static final String HEADERS_DROPPED = "streamsparse-dlt-headers-dropped";
    /** Bytes a record and its batch need beyond key, value and header bytes (batch header, varints), generously. */
    static final int RECORD_OVERHEAD = 512;
    static final int MAX_REASON_CHARS = 2_000;
    static final int MAX_KEY_BYTES = 4_096;

    enum Form { BOUNDED, HEADERS_ONLY }

    private final String topic;
    private final int maxBytes;

    DeadLetters(String topic, int maxBytes) {
        if (maxBytes < 16 * 1024) {
            throw new IllegalArgumentException("dead letters need at least 16 KiB, maxBytes was " + maxBytes);
        }
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    String topic() {
        return topic;
    }

    int maxBytes() {
        return maxBytes;
    }

    ProducerRecord<byte[], byte[]> letter(ConsumerRecord<byte[], byte[]> record, String reason, Form form) {
        byte[] key = record.key();
        boolean keyCut = key != null && key.length > MAX_KEY_BYTES;
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topic, null, null,
                keyCut ? Arrays.copyOf(key, MAX_KEY_BYTES) : key, (byte[]) null);
        Headers headers = letter.headers();
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8(reason.length() > MAX_REASON_CHARS
                ? reason.substring(0, MAX_REASON_CHARS) + "…" : reason));
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN,
                utf8(DocumentValidator.InvalidDocumentException.class.getName()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, utf8(record.topic()));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(record.partition()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(record.offset()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(8).putLong(record.timestamp()).array());
        if (keyCut) {
            headers.add(KEY, utf8("truncated"));
        }
        byte[] value = record.value();
        if (value == null) {
            return letter;
        }
        int budget = maxBytes - RECORD_OVERHEAD - (keyCut ? MAX_KEY_BYTES : key == null ? 0 : key.length)
                - size(headers) - 1024; // room for the value-describing headers below
        if (form == Form.BOUNDED) {
            int originalHeaders = size(record.headers());
            if (originalHeaders <= budget / 4) {
                record.headers().forEach(headers::add);
                budget -= originalHeaders;
            } else {
                headers.add(HEADERS_DROPPED, utf8(Integer.toString(record.headers().toArray().length)));
            }
            if (value.length <= budget) {
                return copy(letter, value);
            }
        }
        headers.add(VALUE, utf8(form == Form.BOUNDED ? "truncated" : "omitted"));
        headers.add(VALUE_BYTES, utf8(Integer.toString(value.length)));
        headers.add(VALUE_SHA256, utf8(sha256(value)));
        return copy(letter, form == Form.BOUNDED ? Arrays.copyOf(value, Math.max(0, budget)) : new byte[0]);
    }

    /** An estimate of a letter's bytes as the producer counts them (an upper bound). */
    static int estimatedSize(ProducerRecord<byte[], byte[]> letter) {
        return RECORD_OVERHEAD + (letter.key() == null ? 0 : letter.key().length)
                + (letter.value() == null ? 0 : letter.value().length) + size(letter.headers());
    }

    private static ProducerRecord<byte[], byte[]> copy(ProducerRecord<byte[], byte[]> letter, byte[] value) {
        return new ProducerRecord<>(letter.topic(), null, null, letter.key(), value, letter.headers());
    }

    private static int size(Headers headers) {
        int bytes = 0;
        for (Header h : headers) {
            bytes += 10 + h.key().length() * 3 + (h.value() == null ? 0 : h.value().length);
        }
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
