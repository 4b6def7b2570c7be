package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Writes {@code sparse-vectors.DLT}: exactly one dead letter per vector record the index rejects, however many
 * replicas index the partition and however often they replay it.
 *
 * <p>Indexing cannot be the writer: every replica of a shard consumes every record of its partitions (positions come
 * from the shard, not from a consumer group) and replays them after a restart, so a rejection seen while indexing is
 * seen once per replica and per replay. Instead, every index-service instance also joins one consumer group per
 * vectors topic, {@code <topic>.dead-letter-writer}; the group gives each partition to exactly one member, and that
 * member checks each record with the same rules the engine applies ({@link #rejection}) and dead-letters the
 * rejected ones through the container's {@code DefaultErrorHandler} + {@code DeadLetterPublishingRecoverer}
 * ({@code IndexServiceApplication}), committing the group's offset right after. A restart, a new replica or a replay
 * of the indexing consumers therefore writes nothing again; only an instance that dies between writing a letter and
 * committing its offset (milliseconds) can leave a second copy of that letter, with the same source coordinates.
 * The indexing listener skips rejected records and counts them ({@code streamsparse_index_records_rejected_total}).
 */
@Component
public class VectorDeadLetters {

    private final int vocabularySize;

    public VectorDeadLetters(IndexProperties properties) {
        this.vocabularySize = properties.indexConfig().vocabularySize();
    }

    @KafkaListener(id = "index-service-dead-letters", groupId = "${streamsparse.index.topic:sparse-vectors}.dead-letter-writer",
            topics = "${streamsparse.index.topic:sparse-vectors}", containerFactory = "deadLetterListenerFactory")
    public void check(ConsumerRecord<String, byte[]> record) {
        String reason = rejection(record.key(), record.value(), vocabularySize);
        if (reason != null) {
            throw new RejectedVectorException(reason);
        }
    }

    /**
     * Why the engine would reject this record, or null when it accepts it: no key, a value {@code SparseVectorCodec}
     * cannot decode, a term id outside the vocabulary ({@code ShardIndex.upsert}). A null value (a delete) is valid.
     */
    static String rejection(String key, byte[] value, int vocabularySize) {
        if (key == null) {
            return "record has no key; the key must be the document id";
        }
        if (value == null) {
            return null;
        }
        EncodedDocument doc;
        try {
            doc = SparseVectorCodec.decodeDocument(value);
        } catch (IllegalArgumentException e) {
            return "value is not a SparseVectorCodec document: " + e.getMessage();
        }
        SparseVector v = doc.vector();
        if (v.nnz() > 0 && v.termId(v.nnz() - 1) >= vocabularySize) {
            return "term id " + v.termId(v.nnz() - 1) + " is outside the vocabulary of " + vocabularySize;
        }
        return null;
    }

    /** A vector record the engine would reject; the message is the reason written with its dead letter. */
    public static final class RejectedVectorException extends IllegalArgumentException {
        public RejectedVectorException(String reason) {
            super(reason);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected rejection: no stack trace
        }
    }

    /**
     * Spring's recoverer with three changes: the reason header is the rejection's own message (no framework prefix)
     * and no stack trace is attached; a value larger than {@link #MAX_VALUE_BYTES} is cut to that size, with its
     * length and SHA-256 in headers ({@code streamsparse-dlt-value=truncated}), so a letter always fits the
     * producer's {@code max.request.size} (a compressed record can pass the broker and still be too large to copy);
     * and a letter that cannot be written is logged and counted, never retried: the record is skipped. Each letter
     * written is one INFO line.
     */
    static final class Recoverer extends DeadLetterPublishingRecoverer {

        static final int MAX_VALUE_BYTES = 256 * 1024;
        static final int MAX_KEY_CHARS = 1_024;
        private static final Logger log = LoggerFactory.getLogger(VectorDeadLetters.class);

        private final DeadLetterCounter written;
        /** What {@link DeadLetterCounter} classifies this recoverer's letters as: invalid records or errors. */
        private final Throwable reasonClass;
        private final Counter dropped;

        /**
         * @param invalid true for the letters of records the engine rejects ({@link VectorDeadLetters}), false for
         *                those of unexpected failures (the indexing listener's error handler)
         */
        Recoverer(KafkaOperations<?, ?> template, DeadLetterCounter written, boolean invalid, MeterRegistry registry) {
            super(template, (record, error) -> new TopicPartition(record.topic() + ".DLT", -1));
            setExceptionHeadersCreator((headers, exception, isKey, names) -> {
                Throwable reason = rejectionIn(exception);
                headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, utf8(reason.getClass().getName()));
                headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8(String.valueOf(reason.getMessage())));
            });
            this.written = written;
            this.reasonClass = invalid ? new RejectedVectorException("invalid") : new IllegalStateException("error");
            this.dropped = Counter.builder("streamsparse.index.dead.letters.dropped")
                    .description("Rejected vector records skipped because their dead letter could not be written")
                    .register(registry);
        }

        /** The innermost exception: the rejection itself, below the container's wrappers. */
        static Throwable rejectionIn(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t;
        }

        @Override
        protected ProducerRecord<Object, Object> createProducerRecord(ConsumerRecord<?, ?> record,
                TopicPartition topicPartition, Headers headers, byte[] key, byte[] value) {
            Object outKey = key != null ? key : record.key();
            if (outKey instanceof String s && s.length() > MAX_KEY_CHARS) {
                outKey = s.substring(0, MAX_KEY_CHARS);
                headers.add("streamsparse-dlt-key", utf8("truncated"));
            }
            Object outValue = value != null ? value : record.value();
            if (outValue instanceof byte[] bytes && bytes.length > MAX_VALUE_BYTES) {
                headers.add("streamsparse-dlt-value", utf8("truncated"));
                headers.add("streamsparse-dlt-original-value-bytes", utf8(Integer.toString(bytes.length)));
                headers.add("streamsparse-dlt-original-value-sha256", utf8(sha256(bytes)));
                outValue = Arrays.copyOf(bytes, MAX_VALUE_BYTES);
            }
            return new ProducerRecord<>(topicPartition.topic(),
                    topicPartition.partition() < 0 ? null : topicPartition.partition(), null, outKey, outValue,
                    headers);
        }

        @Override
        protected void publish(ProducerRecord<Object, Object> letter, KafkaOperations<Object, Object> template,
                ConsumerRecord<?, ?> record) {
            String where = record.topic() + "-" + record.partition() + "@" + record.offset();
            String reason = new String(letter.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE).value(),
                    StandardCharsets.UTF_8);
            try {
                template.send(letter).whenComplete((result, error) -> {
                    if (error == null) {
                        written.count(reasonClass);
                        log.info("Dead-lettered {} key={}: {}", where, describe(record.key()), reason);
                    } else {
                        skipped(where, reason, error);
                    }
                });
            } catch (RuntimeException e) {
                skipped(where, reason, e);
            }
        }

        private void skipped(String where, String reason, Throwable error) {
            dropped.increment();
            log.error("Could not dead-letter {} ({}); skipped it. Reason it was rejected: {}", where,
                    rejectionIn(error).toString(), reason);
        }

        private static String describe(Object key) {
            String s = String.valueOf(key);
            return s.length() > 100 ? s.substring(0, 100) + "…" : s;
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
}
