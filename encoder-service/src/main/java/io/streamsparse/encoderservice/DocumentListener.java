package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.encoder.SparseEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
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
 * <p>Invalid documents are expected input, not failures: they are routed to the dead-letter topic here, with the
 * reason in the {@code kafka_dlt-exception-message} header (the same headers Spring's
 * {@code DeadLetterPublishingRecoverer} writes for the failures it handles).
 */
@Component
public class DocumentListener {

    private static final Logger log = LoggerFactory.getLogger(DocumentListener.class);

    private final SparseEncoder encoder;
    private final DocumentParser parser;
    private final KafkaTemplate<String, byte[]> kafka;
    private final EncoderProperties properties;
    private final Counter encoded;
    private final Counter deleted;
    private final Counter rejected;
    private final Timer inference;
    private final DeadLetterCounter deadLetters;
    private final DistributionSummary vectorTerms;

    public DocumentListener(SparseEncoder encoder, DocumentParser parser, KafkaTemplate<String, byte[]> kafka,
            EncoderProperties properties, MeterRegistry registry, DeadLetterCounter deadLetters) {
        this.encoder = encoder;
        this.deadLetters = deadLetters;
        this.parser = parser;
        this.kafka = kafka;
        this.properties = properties;
        this.encoded = documents(registry, "encoded");
        this.deleted = documents(registry, "deleted");
        this.rejected = documents(registry, "rejected");
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
    public void onDocuments(List<ConsumerRecord<String, byte[]>> records) {
        int n = records.size();
        SourceDocument[] docs = new SourceDocument[n];
        String[] reasons = new String[n];
        List<String> inputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            if (record.value() == null) {
                if (record.key() == null) {
                    reasons[i] = "tombstone without a key";
                }
                continue;
            }
            try {
                docs[i] = parser.parse(record.key(), record.value());
                inputs.add(docs[i].encoderInput());
            } catch (DocumentParser.RejectedDocumentException e) {
                reasons[i] = e.getMessage();
            }
        }
        SparseVector[] vectors = encodeAll(docs, inputs, reasons);
        for (int i = 0; i < n; i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            if (reasons[i] != null) {
                deadLetter(record, reasons[i]);
            } else if (record.value() == null) {
                kafka.send(properties.vectorsTopic(), record.key(), null);
                deleted.increment();
            } else {
                SourceDocument doc = docs[i];
                EncodedDocument out = new EncodedDocument(doc.title(), doc.snippet(properties.snippetChars()),
                        doc.fields(), vectors[i]);
                ProducerRecord<String, byte[]> vector = new ProducerRecord<>(properties.vectorsTopic(), null,
                        record.timestamp(), record.key(), SparseVectorCodec.encode(out));
                kafka.send(vector);
                vectorTerms.record(vectors[i].nnz());
                encoded.increment();
            }
        }
    }

    /**
     * Encodes the parsed documents in one call. If the batch call fails, each document is retried alone so that
     * one input the model cannot take is dead-lettered instead of stalling its partition.
     */
    private SparseVector[] encodeAll(SourceDocument[] docs, List<String> inputs, String[] reasons) {
        SparseVector[] vectors = new SparseVector[docs.length];
        if (inputs.isEmpty()) {
            return vectors;
        }
        List<SparseVector> batch;
        try {
            batch = inference.record(() -> encoder.encode(inputs));
        } catch (RuntimeException e) {
            log.warn("Batch of {} documents failed to encode ({}); retrying one by one", inputs.size(), e.toString());
            for (int i = 0; i < docs.length; i++) {
                if (docs[i] != null) {
                    try {
                        vectors[i] = encoder.encode(docs[i].encoderInput());
                    } catch (RuntimeException single) {
                        reasons[i] = "encoder failed: " + single.getMessage();
                    }
                }
            }
            return vectors;
        }
        for (int i = 0, j = 0; i < docs.length; i++) {
            if (docs[i] != null) {
                vectors[i] = batch.get(j++);
            }
        }
        return vectors;
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(properties.deadLetterTopic(), record.key(),
                record.value());
        Headers headers = letter.headers();
        record.headers().forEach(headers::add);
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN,
                DocumentParser.RejectedDocumentException.class.getName().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(record.partition()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(record.offset()).array());
        kafka.send(letter);
        rejected.increment();
        deadLetters.count(reason);
        log.info("Dead-lettered {}-{}@{} key={}: {}", record.topic(), record.partition(), record.offset(),
                record.key(), reason);
    }
}
