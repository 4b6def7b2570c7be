package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.encoder.Bm25DocumentEncoder;
import io.streamsparse.encoder.DocumentValidator;
import io.streamsparse.encoder.SourceDocument;
import io.streamsparse.encoder.SparseEncoder;
import io.streamsparse.encoder.TextHygiene;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads a batch of documents, encodes the valid ones in one inference call, and writes, in the batch's record
 * order, a vector, a tombstone or a dead letter for every record. Runs inside the container's Kafka transaction
 * (read → encode → write once): the outputs and the consumed offsets commit together or not at all.
 *
 * <p>Every send comes after the whole batch is encoded. The broker starts a transaction's clock
 * ({@code transaction.timeout.ms}) at its first send, so that timeout bounds only send + commit, never the
 * encoding, however large the poll ({@code max-poll-records}: larger polls pad less, see encoder-service.yml).
 *
 * <p>Invalid documents are expected input, not failures: they are routed to the dead-letter topic here, in the
 * batch's transaction (so each gets exactly one dead letter, as a {@code read_committed} reader sees the topic, also
 * across restarts and rollbacks), with the reason in the {@code kafka_dlt-exception-message} header. A batch
 * listener cannot hand single records to Spring's {@code DeadLetterPublishingRecoverer} inside a transaction: the
 * after-rollback processor of a batch can only retry the whole batch or skip all of it.
 *
 * <p><b>No record can stall a partition.</b> A transaction that fails is rolled back and its batch delivered again
 * (paced by the after-rollback back-off, counted in {@code streamsparse_encoder_transaction_rollbacks_total}). A
 * deterministic failure must not repeat forever, so a rejected record's dead letter degrades with each delivery of
 * that record: first a bounded letter ({@link DeadLetters}), then a letter without value, and from the third
 * delivery none at all: the record is skipped with an ERROR line and
 * {@code streamsparse_encoder_dead_letters_dropped_total}. Vectors are small and bounded by the validator's limits, so
 * after at most two rollbacks caused by one record the batch commits. The vectors of the previous delivery are kept
 * (by source coordinates), so a batch delivered again after a rollback is not encoded again.
 */
@Component
public class DocumentListener {

    private static final Logger log = LoggerFactory.getLogger(DocumentListener.class);
    /** Rejected records whose deliveries are remembered; a rollback delivers at most a poll's worth again. */
    static final int REMEMBERED_REJECTIONS = 10_000;

    private final SparseEncoder encoder;
    /** The lexical (BM25) vectors of hybrid retrieval, or null when {@code lexical-vectors} is off. */
    private final Bm25DocumentEncoder lexicalEncoder;
    private final DocumentValidator validator;
    private final DeadLetters deadLetters;
    private final KafkaTemplate<byte[], byte[]> kafka;
    private final EncoderProperties properties;
    private final Counter encoded;
    private final Counter deleted;
    private final Counter rejected;
    private final Counter reused;
    private final Counter dropped;
    private final Timer inference;
    private final DeadLetterCounter deadLetterCounter;
    private final DistributionSummary vectorTerms;
    /** Deliveries of recently rejected records (listener thread only). */
    private final Map<Source, Integer> rejections = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Integer> eldest) {
            return size() > REMEMBERED_REJECTIONS;
        }
    };
    /** The vectors of the previous delivery, by source coordinates (listener thread only). */
    private Map<Source, SparseVector> previousVectors = Map.of();

    /** A source record's coordinates: the same after a rollback, different for any other record. */
    record Source(String topic, int partition, long offset) {
        static Source of(ConsumerRecord<?, ?> record) {
            return new Source(record.topic(), record.partition(), record.offset());
        }
    }

    public DocumentListener(@Qualifier("documentEncoder") SparseEncoder encoder, Bm25DocumentEncoder lexicalEncoder,
            DocumentValidator validator, DeadLetters deadLetters, KafkaTemplate<byte[], byte[]> kafka,
            EncoderProperties properties, MeterRegistry registry, DeadLetterCounter deadLetterCounter) {
        this.encoder = encoder;
        this.lexicalEncoder = properties.lexicalVectors() ? lexicalEncoder : null;
        this.validator = validator;
        this.deadLetters = deadLetters;
        this.deadLetterCounter = deadLetterCounter;
        this.kafka = kafka;
        this.properties = properties;
        this.encoded = documents(registry, "encoded");
        this.deleted = documents(registry, "deleted");
        this.rejected = documents(registry, "rejected");
        this.reused = Counter.builder("streamsparse.encoder.vectors.reused")
                .description("Vectors taken from the previous delivery of a batch instead of encoding again")
                .register(registry);
        this.dropped = Counter.builder("streamsparse.encoder.dead.letters.dropped")
                .description("Rejected records skipped without a dead letter, after their letters failed twice")
                .register(registry);
        this.inference = Timer.builder("streamsparse.encoder.inference").publishPercentileHistogram()
                .description("One batched inference call").register(registry);
        this.vectorTerms = DistributionSummary.builder("streamsparse.encoder.vector.terms")
                .description("Non-zeros per encoded document").register(registry);
    }

    private static Counter documents(MeterRegistry registry, String outcome) {
        return Counter.builder("streamsparse.encoder.documents").tag("outcome", outcome)
                .description("Documents consumed, by outcome").register(registry);
    }

    @KafkaListener(id = "encoder-service", topics = "${streamsparse.encoder.documents-topic:documents}",
            batch = "true")
    public void onDocuments(List<ConsumerRecord<byte[], byte[]>> records) {
        int n = records.size();
        SourceDocument[] docs = new SourceDocument[n];
        String[] ids = new String[n];
        String[] reasons = new String[n];
        SparseVector[] vectors = new SparseVector[n];
        for (int i = 0; i < n; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            try {
                if (record.value() == null) {
                    ids[i] = DocumentValidator.decodeKey(record.key());
                    if (ids[i] == null) {
                        reasons[i] = "tombstone without a key";
                    }
                    continue;
                }
                docs[i] = validator.parseRecord(record.key(), record.value());
                ids[i] = docs[i].id();
                vectors[i] = previousVectors.get(Source.of(record));
            } catch (DocumentValidator.InvalidDocumentException e) {
                reasons[i] = e.getMessage();
            }
        }
        encodeMissing(docs, vectors, reasons);
        SparseVector[] lexical = encodeLexical(docs, reasons);
        Map<Source, SparseVector> thisDelivery = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            if (reasons[i] != null) {
                deadLetter(record, reasons[i]);
            } else if (record.value() == null) {
                kafka.send(properties.vectorsTopic(), utf8(ids[i]), null);
                deleted.increment();
            } else {
                SourceDocument doc = docs[i];
                EncodedDocument out = new EncodedDocument(doc.title(), doc.snippet(properties.snippetChars()),
                        doc.fields(), vectors[i], lexical[i]);
                ProducerRecord<byte[], byte[]> vector = new ProducerRecord<>(properties.vectorsTopic(), null,
                        record.timestamp(), utf8(ids[i]), SparseVectorCodec.encode(out));
                kafka.send(vector);
                thisDelivery.put(Source.of(record), vectors[i]);
                vectorTerms.record(vectors[i].nnz());
                encoded.increment();
            }
        }
        previousVectors = thisDelivery;
    }

    private static byte[] utf8(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Encodes the parsed documents that have no vector yet in one call. If the batch call fails, each document is
     * retried alone so that one input the model cannot take is dead-lettered instead of stalling its partition.
     */
    private void encodeMissing(SourceDocument[] docs, SparseVector[] vectors, String[] reasons) {
        List<String> inputs = new ArrayList<>(docs.length);
        for (int i = 0; i < docs.length; i++) {
            if (docs[i] != null) {
                if (vectors[i] == null) {
                    inputs.add(docs[i].encoderInput());
                } else {
                    reused.increment();
                }
            }
        }
        if (inputs.isEmpty()) {
            return;
        }
        List<SparseVector> batch;
        try {
            batch = inference.record(() -> encoder.encode(inputs));
        } catch (RuntimeException e) {
            log.warn("Batch of {} documents failed to encode ({}); retrying one by one", inputs.size(), e.toString());
            for (int i = 0; i < docs.length; i++) {
                if (docs[i] != null && vectors[i] == null) {
                    try {
                        vectors[i] = encoder.encode(docs[i].encoderInput());
                    } catch (RuntimeException single) {
                        reasons[i] = "encoder failed: " + single.getMessage();
                    }
                }
            }
            return;
        }
        for (int i = 0, j = 0; i < docs.length; i++) {
            if (docs[i] != null && vectors[i] == null) {
                vectors[i] = batch.get(j++);
            }
        }
    }

    /**
     * The lexical vectors of the valid documents ({@link SparseVector#EMPTY} each when lexical vectors are off).
     * Tokenizing again is cheap next to inference and deterministic, so they are not kept across deliveries.
     */
    private SparseVector[] encodeLexical(SourceDocument[] docs, String[] reasons) {
        SparseVector[] lexical = new SparseVector[docs.length];
        Arrays.fill(lexical, SparseVector.EMPTY);
        for (int i = 0; i < docs.length && lexicalEncoder != null; i++) {
            if (docs[i] != null && reasons[i] == null) {
                try {
                    lexical[i] = lexicalEncoder.encode(docs[i].encoderInput());
                } catch (RuntimeException e) {
                    reasons[i] = "lexical encoder failed: " + e.getMessage();
                }
            }
        }
        return lexical;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        Source source = Source.of(record);
        int delivery = rejections.merge(source, 1, Integer::sum);
        String key = describeKey(record.key());
        if (delivery > 2) {
            dropped.increment();
            log.error("Dropped {}-{}@{} key={} without a dead letter: its letters failed to commit {} times"
                    + " (value {} bytes); reason: {}", record.topic(), record.partition(), record.offset(), key,
                    delivery - 1, record.value() == null ? 0 : record.value().length, reason);
            return;
        }
        DeadLetters.Form form = delivery == 1 ? DeadLetters.Form.BOUNDED : DeadLetters.Form.HEADERS_ONLY;
        ProducerRecord<byte[], byte[]> letter = deadLetters.letter(record, reason, form);
        kafka.send(letter);
        if (delivery == 1) {
            rejected.increment();
            deadLetterCounter.count(reason);
        }
        log.info("Dead-lettered {}-{}@{} key={}{}: {}", record.topic(), record.partition(), record.offset(), key,
                letter.headers().lastHeader(DeadLetters.VALUE) == null ? ""
                        : " (value " + new String(letter.headers().lastHeader(DeadLetters.VALUE).value(),
                                StandardCharsets.UTF_8) + ")", reason);
    }

    /** The key for a log line: at most 100 chars, control characters removed, invalid UTF-8 as its byte count. */
    private static String describeKey(byte[] key) {
        if (key == null) {
            return "null";
        }
        String s;
        try {
            s = TextHygiene.decodeUtf8(key);
        } catch (java.nio.charset.CharacterCodingException e) {
            return "<" + key.length + " bytes, not UTF-8>";
        }
        s = TextHygiene.cleanLine(s.length() > 100 ? s.substring(0, 100) + "…" : s);
        return '"' + s + '"';
    }
}
