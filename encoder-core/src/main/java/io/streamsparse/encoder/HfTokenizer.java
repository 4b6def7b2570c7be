package io.streamsparse.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's native tokenizers, offline) plus what the encoders need to
 * know about its vocabulary.
 *
 * <p>Invariants: every encoding has between 1 and {@code maxLength} ids, special tokens included, no padding;
 * {@link Tokens#truncated()} is true iff the text had more tokens than that. {@code special[id]} is true for the
 * ids of {@code added_tokens} marked {@code "special": true} in the tokenizer.json (e.g. {@code [PAD] [UNK] [CLS]
 * [SEP] [MASK]}) and for every id the post-processor inserts; those ids never become terms. Thread-safe.
 */
final class HfTokenizer implements AutoCloseable {

    /** One text's tokens. {@code typeIds} has the same length as {@code ids}. */
    record Tokens(long[] ids, long[] typeIds, boolean truncated) {
        int length() {
            return ids.length;
        }
    }

    /** Characters per token of {@code maxLength} beyond which a text is first tokenized on a prefix. */
    static final int PREFIX_CHARS_PER_TOKEN = 16;

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final int prefixChars;
    /** Token text by id ("" for an id the tokenizer.json leaves unnamed). */
    private final String[] tokens;
    private final boolean[] special;
    private final int[] specialIds;
    private final long padId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, String[] tokens, boolean[] special,
            long padId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.prefixChars = (int) Math.min(Integer.MAX_VALUE - 1, (long) maxLength * PREFIX_CHARS_PER_TOKEN);
        this.tokens = tokens;
        this.special = special;
        this.padId = padId;
        int n = 0;
        for (boolean s : special) {
            n += s ? 1 : 0;
        }
        this.specialIds = new int[n];
        for (int i = 0, k = 0; i < special.length; i++) {
            if (special[i]) {
                specialIds[k++] = i;
            }
        }
    }

    /** Loads {@code tokenizer.json} bytes; truncates to {@code maxLength} tokens, never pads. */
    static HfTokenizer load(byte[] json, int maxLength) {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException("tokenizer.json is not a JSON object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
        }
        String[] tokens = tokenTexts(root);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokenizer.json has no vocabulary (model.vocab / added_tokens)");
        }
        JsonArray added = addedTokens(root);
        boolean[] special = new boolean[tokens.length];
        long padId = -1;
        for (JsonElement e : added) {
            JsonObject t = e.getAsJsonObject();
            int id = t.get("id").getAsInt();
            if (t.has("special") && t.get("special").getAsBoolean()) {
                special[id] = true;
            }
            String content = t.has("content") ? t.get("content").getAsString() : "";
            if (padId < 0 && ("[PAD]".equals(content) || "<pad>".equals(content))) {
                padId = id;
            }
        }
        if (root.has("padding") && root.get("padding").isJsonObject()
                && root.getAsJsonObject("padding").has("pad_id")) {
            padId = root.getAsJsonObject("padding").get("pad_id").getAsLong();
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), Map.of(
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(maxLength),
                    "modelMaxLength", Integer.toString(maxLength),
                    "addSpecialTokens", "true"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer.json", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer.json: " + e.getMessage(), e);
        }
        if (tokenizer.getMaxLength() != maxLength) {
            tokenizer.close();
            throw new IllegalArgumentException("tokenizer refused maxLength " + maxLength + " (got "
                    + tokenizer.getMaxLength() + ")");
        }
        // the post-processor's own tokens ([CLS], [SEP], <s>, </s>, ...) count as special even if not marked so
        Encoding probe = tokenizer.encode("");
        long[] ids = probe.getIds();
        long[] mask = probe.getSpecialTokenMask();
        for (int i = 0; i < ids.length; i++) {
            if (mask[i] == 1 && ids[i] >= 0 && ids[i] < special.length) {
                special[(int) ids[i]] = true;
            }
        }
        return new HfTokenizer(tokenizer, maxLength, tokens, special, Math.max(padId, 0));
    }

    /**
     * Token texts by id: {@code model.vocab} (token → id for WordPiece and BPE; [token, score] pairs by position for
     * Unigram) and {@code added_tokens} (which win for an id named twice). Length: one more than the largest id.
     */
    private static String[] tokenTexts(JsonObject root) {
        Map<Integer, String> byId = new HashMap<>();
        JsonObject model = root.has("model") && root.get("model").isJsonObject() ? root.getAsJsonObject("model") : null;
        if (model != null && model.has("vocab")) {
            JsonElement vocab = model.get("vocab");
            if (vocab.isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                    byId.put(e.getValue().getAsInt(), e.getKey());
                }
            } else if (vocab.isJsonArray()) {
                JsonArray pairs = vocab.getAsJsonArray();
                for (int id = 0; id < pairs.size(); id++) {
                    JsonElement pair = pairs.get(id);
                    byId.put(id, pair.isJsonArray() && !pair.getAsJsonArray().isEmpty()
                            ? pair.getAsJsonArray().get(0).getAsString() : "");
                }
            }
        }
        for (JsonElement e : addedTokens(root)) {
            JsonObject t = e.getAsJsonObject();
            byId.put(t.get("id").getAsInt(), t.has("content") ? t.get("content").getAsString() : "");
        }
        int maxId = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        String[] tokens = new String[maxId + 1];
        Arrays.fill(tokens, "");
        byId.forEach((id, text) -> {
            if (id >= 0) {
                tokens[id] = text;
            }
        });
        return tokens;
    }

    private static JsonArray addedTokens(JsonObject root) {
        return root.has("added_tokens") && root.get("added_tokens").isJsonArray()
                ? root.getAsJsonArray("added_tokens") : new JsonArray();
    }

    /**
     * Tokenizes {@code text}, truncating to {@code maxLength} tokens. The native tokenizer normalizes and
     * pre-tokenizes the whole text before it truncates (about a microsecond per character here), so a text longer
     * than {@code maxLength * }{@value #PREFIX_CHARS_PER_TOKEN} characters is first tokenized on a prefix cut at a
     * whitespace character: normalization and pre-tokenization are local to whitespace-separated words, so the
     * prefix's tokens are the text's first tokens, and if the prefix alone overflows, its truncated encoding is the
     * text's. Otherwise (a prefix of very long tokens) the whole text is tokenized.
     */
    Tokens encode(String text) {
        if (text.length() > prefixChars) {
            int cut = whitespaceCut(text, prefixChars);
            if (cut > 0) {
                Encoding e = tokenizer.encode(text.substring(0, cut));
                if (e.exceedMaxLength()) {
                    return new Tokens(e.getIds(), e.getTypeIds(), true);
                }
            }
        }
        Encoding e = tokenizer.encode(text);
        long[] ids = e.getIds();
        if (ids.length == 0) {
            // a tokenizer without a post-processor gives nothing for ""; the model still needs one position
            return new Tokens(new long[] {padId}, new long[1], false);
        }
        return new Tokens(ids, e.getTypeIds(), e.exceedMaxLength());
    }

    /** The last index in {@code [limit / 2, limit]} holding whitespace, or -1. */
    static int whitespaceCut(String text, int limit) {
        for (int i = Math.min(limit, text.length() - 1); i >= limit / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** True for ids that never become terms. Ids outside the vocabulary are not special. */
    /** A text's distinct non-special token ids, ascending, with their counts: the bag of words of lexical weights. */
    record TermCounts(int[] terms, int[] counts, int size, int length, boolean truncated) {
    }

    TermCounts countTerms(String text) {
        Tokens t = encode(text);
        long[] ids = t.ids().clone();
        Arrays.sort(ids);
        int[] terms = new int[ids.length];
        int[] counts = new int[ids.length];
        int distinct = 0;
        int length = 0;
        // invariant: ids[0..i) are folded into terms/counts[0..distinct), one entry per distinct non-special id
        for (int i = 0; i < ids.length; ) {
            long id = ids[i];
            int j = i;
            while (j < ids.length && ids[j] == id) {
                j++;
            }
            if (!isSpecial(id)) {
                terms[distinct] = Math.toIntExact(id);
                counts[distinct] = j - i;
                length += j - i;
                distinct++;
            }
            i = j;
        }
        return new TermCounts(terms, counts, distinct, length, t.truncated());
    }

    boolean isSpecial(long id) {
        return id >= 0 && id < special.length && special[(int) id];
    }

    /** Special ids, ascending; a fresh copy. */
    int[] specialIds() {
        return specialIds.clone();
    }

    long padId() {
        return padId;
    }

    int maxLength() {
        return maxLength;
    }

    /** One more than the largest id of the vocabulary (model vocab and added tokens). */
    int vocabularySize() {
        return tokens.length;
    }

    /** The vocabulary's text of {@code id} ({@code ##ing}, {@code [CLS]}); null outside the vocabulary. */
    String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer{vocabulary=" + tokens.length + ", maxLength=" + maxLength + ", specials="
                + Arrays.toString(specialIds) + ", pad=" + padId + "}";
    }
}
