package io.streamsparse.tools.doccorpus;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.streamsparse.encoder.ModelResources;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Token counts of the default model's tokenizer (encoder-core's bundled {@code tokenizer.json}), without special
 * tokens and without truncation: what a passage costs the encoder. Thread-safe.
 *
 * <p>A BERT tokenizer splits on whitespace before anything else, so a text's count is the sum of its words'
 * counts; words repeat (a corpus of half a million passages has a few million distinct words), so each word is
 * tokenized once and its count cached, which makes counting about as fast as splitting.
 */
final class WordPieceCount implements ToIntFunction<String>, AutoCloseable {

    /** Beyond this many cached words the cache starts over (bounds memory on any input). */
    static final int MAX_CACHED_WORDS = 4_000_000;

    private final HuggingFaceTokenizer tokenizer;
    private final ConcurrentHashMap<String, Integer> wordCounts = new ConcurrentHashMap<>();

    private WordPieceCount(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The default model's tokenizer; fails if this build does not bundle it. */
    static WordPieceCount defaultModel() throws IOException {
        try (InputStream json = ModelResources.class.getResourceAsStream(ModelResources.DEFAULT_TOKENIZER_RESOURCE)) {
            if (json == null) {
                throw new IllegalStateException("the default model's tokenizer is not on the class path: "
                        + ModelResources.DEFAULT_TOKENIZER_RESOURCE);
            }
            return new WordPieceCount(HuggingFaceTokenizer.newInstance(json, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false")));
        }
    }

    @Override
    public int applyAsInt(String text) {
        int tokens = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens += wordCount(text.substring(start, i));
            }
        }
        return tokens;
    }

    private int wordCount(String word) {
        Integer cached = wordCounts.get(word);
        if (cached != null) {
            return cached;
        }
        int count = tokenizer.encode(word).getIds().length;
        if (wordCounts.size() >= MAX_CACHED_WORDS) {
            wordCounts.clear();
        }
        wordCounts.put(word, count);
        return count;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
