package io.streamsparse.encoder;

import java.util.Arrays;

/**
 * The text behind term ids: a model's {@code tokenizer.json} vocabulary, so that a sparse vector (term id = token id)
 * can be shown as words, plus the tokens of a text, to tell a query's own words from the terms the model added
 * (its expansion). Loads the same tokenizer bytes the encoders load ({@link ModelResources}). Thread-safe.
 */
public final class TokenVocabulary implements AutoCloseable {

    private final HfTokenizer tokenizer;

    private TokenVocabulary(HfTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The vocabulary of {@code config}'s tokenizer; texts are cut at {@code config.maxLength()} tokens. */
    public static TokenVocabulary load(EncoderConfig config) {
        return new TokenVocabulary(HfTokenizer.load(ModelResources.readTokenizer(config), config.maxLength()));
    }

    /** The token text of {@code termId} ({@code telescope}, {@code ##ing}); {@code #<id>} outside the vocabulary. */
    public String token(int termId) {
        String text = tokenizer.token(termId);
        return text == null ? "#" + termId : text;
    }

    /** The distinct non-special token ids of {@code text}, ascending. */
    public int[] tokenIds(String text) {
        long[] ids = tokenizer.encode(text).ids();
        return Arrays.stream(ids).filter(id -> !tokenizer.isSpecial(id)).mapToInt(Math::toIntExact).sorted()
                .distinct().toArray();
    }

    public int size() {
        return tokenizer.vocabularySize();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
