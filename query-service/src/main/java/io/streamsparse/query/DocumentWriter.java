package io.streamsparse.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Writes ingested documents to the {@code documents} topic and reports where each landed. The producer must be
 * idempotent with {@code acks=all} ({@link IngestConfiguration}): a record is acknowledged only once all in-sync
 * replicas have it, and the producer's own retries never duplicate or reorder it. Keyed by id with Kafka's default
 * partitioner, so every version and the delete of a document land in one partition, in the order they were sent.
 *
 * <p>Nothing is dropped silently: {@link #write} returns only when every record is acknowledged; otherwise it throws
 * {@link WriteFailedException} listing the records acknowledged so far and the first failure. Records sent but not
 * acknowledged within the timeout may still be written later; sending them again is harmless (same key, same value:
 * the index converges to the same state, see README "HTTP ingest").
 */
final class DocumentWriter implements AutoCloseable {

    /** Where one record was written. */
    public record Written(String id, int partition, long offset) {
    }

    private final Supplier<Producer<String, byte[]>> producerFactory;
    private final String topic;
    private final Duration timeout;
    /** Made at the first write: an instance that only searches never connects a producer. */
    private volatile Producer<String, byte[]> producer;

    DocumentWriter(Supplier<Producer<String, byte[]>> producerFactory, String topic, Duration timeout) {
        this.producerFactory = producerFactory;
        this.topic = topic;
        this.timeout = timeout;
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = producerFactory.get();
                }
                p = producer;
            }
        }
        return p;
    }

    List<Written> write(List<DocumentBatch.Record> records) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        RuntimeException failure = null;
        for (DocumentBatch.Record record : records) {
            try {
                sent.add(producer().send(new ProducerRecord<>(topic, record.id(), record.value())));
            } catch (KafkaException e) { // no metadata within max.block.ms, buffer full, producer closed
                failure = e;
                break; // each further send would block as long again
            }
        }
        List<Written> written = new ArrayList<>(records.size());
        for (int i = 0; i < sent.size(); i++) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                RecordMetadata m = sent.get(i).get(left, TimeUnit.NANOSECONDS);
                written.add(new Written(records.get(i).id(), m.partition(), m.offset()));
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause() instanceof RuntimeException r ? r
                        : new KafkaException(e.getCause());
            } catch (TimeoutException e) {
                failure = failure != null ? failure : new KafkaException("no acknowledgement within " + timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new KafkaException("interrupted while waiting for the broker");
            }
        }
        if (failure != null) {
            throw new WriteFailedException(records.size(), written, failure);
        }
        return written;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Some records were not acknowledged; {@code written} lists those that were. */
    static final class WriteFailedException extends RuntimeException {
        private final transient List<Written> written;
        private final boolean tooLarge;

        WriteFailedException(int total, List<Written> written, RuntimeException cause) {
            super((total - written.size()) + " of " + total + " records were not acknowledged by Kafka ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + "); the others are listed in"
                    + " 'written'. Sending the same documents again is safe.", cause);
            this.written = List.copyOf(written);
            this.tooLarge = cause instanceof RecordTooLargeException;
        }

        List<Written> written() {
            return written;
        }

        /** The topic or broker refuses records this large: the client must send less, retrying cannot help. */
        boolean tooLarge() {
            return tooLarge;
        }
    }
}
