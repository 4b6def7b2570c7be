package io.streamsparse.encoderservice;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the encoder service.
 *
 * @param documentsTopic   input: JSON documents keyed by id, null value = delete
 * @param vectorsTopic     output: encoded documents keyed by id, null value = delete
 * @param deadLetterTopic  records that cannot be encoded, with the reason in a header
 * @param modelPath        ONNX model file; {@code classpath:default} = the bundled model
 * @param tokenizerPath    HF tokenizer.json; {@code classpath:default} = the bundled tokenizer
 * @param maxLength        tokens per document fed to the model (longer input is truncated and counted)
 * @param maxTerms         non-zeros kept per document vector (the bundled model was trained to score with its 128
 *                         heaviest: docs/MODEL_CARD.md)
 * @param minWeight        weights below this are dropped
 * @param intraOpThreads   ONNX Runtime intra-op threads per session; 0 = the processors shared out among the sessions
 * @param sessions         ONNX Runtime sessions; a poll's documents are encoded on all of them at once, one text per
 *                         model run each (2 sessions of 1 thread encode 1.3x faster than 1 of 2 threads on 2 cores:
 *                         docs/BENCHMARKS.md)
 * @param maxBatchSize     documents per inference call
 * @param maxDocumentChars longer texts are rejected to the dead-letter topic
 * @param maxRecordBytes   larger record values are rejected to the dead-letter topic
 * @param snippetChars     length of the text prefix kept for result snippets
 * @param deadLetterMaxBytes largest dead letter (key, value, headers); a longer value is cut and its length and
 *                         SHA-256 recorded in headers. Never above the producer's max.request.size less 4 KiB
 * @param lexicalVectors   also write each document's lexical (BM25) vector for hybrid retrieval (record format
 *                         version 2): its tokens' saturated term frequencies (k1 0.9, b 0.4, avgdl 83) over the
 *                         tokenizer's ids, the first {@code maxLength} tokens; false writes version-1 records
 */
@ConfigurationProperties("streamsparse.encoder")
public record EncoderProperties(
        @DefaultValue("documents") String documentsTopic,
        @DefaultValue("sparse-vectors") String vectorsTopic,
        @DefaultValue("documents.DLT") String deadLetterTopic,
        @DefaultValue("classpath:default") String modelPath,
        @DefaultValue("classpath:default") String tokenizerPath,
        @DefaultValue("256") int maxLength,
        @DefaultValue("128") int maxTerms,
        @DefaultValue("0.01") float minWeight,
        @DefaultValue("0") int intraOpThreads,
        @DefaultValue("2") int sessions,
        @DefaultValue("32") int maxBatchSize,
        @DefaultValue("100000") int maxDocumentChars,
        @DefaultValue("1048576") int maxRecordBytes,
        @DefaultValue("300") int snippetChars,
        @DefaultValue("524288") int deadLetterMaxBytes,
        @DefaultValue("true") boolean lexicalVectors) {

    public EncoderProperties {
        if (sessions < 1) {
            throw new IllegalArgumentException("sessions must be >= 1, was " + sessions);
        }
        if (maxDocumentChars < 1 || maxRecordBytes < 1 || snippetChars < 0 || deadLetterMaxBytes < 16 * 1024) {
            throw new IllegalArgumentException("limits must be positive (dead letters at least 16 KiB):"
                    + " maxDocumentChars=" + maxDocumentChars + " maxRecordBytes=" + maxRecordBytes
                    + " snippetChars=" + snippetChars + " deadLetterMaxBytes=" + deadLetterMaxBytes);
        }
    }
}
