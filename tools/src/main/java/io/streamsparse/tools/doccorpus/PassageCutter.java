package io.streamsparse.tools.doccorpus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts a section's paragraphs into passages of at most {@code maxTokens} tokens: whole paragraphs are packed
 * greedily in order; a paragraph over the budget is cut at sentence ends, a sentence over it at word boundaries,
 * and a single word over it (a base64 blob, a long table row) keeps its first {@code maxTokens} characters.
 * Passages keep the reading order; none is empty.
 *
 * <p>The token count must be additive over space-joined pieces ({@code count("a b") == count("a") +
 * count("b")}), as a WordPiece tokenizer's count without special tokens is (it splits on whitespace first), and
 * give at most one token per character. Under these two conditions every passage is within the budget.
 */
final class PassageCutter {

    private final int maxTokens;
    private final ToIntFunction<String> tokens;

    PassageCutter(int maxTokens, ToIntFunction<String> tokens) {
        if (maxTokens < 8) {
            throw new IllegalArgumentException("maxTokens must be at least 8, was " + maxTokens);
        }
        this.maxTokens = maxTokens;
        this.tokens = tokens;
    }

    /** A passage and its token count. */
    record Cut(String text, int tokens) {
    }

    /** The passages of one section, in order. */
    List<Cut> cut(List<String> paragraphs) {
        List<Cut> passages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentTokens = 0;
        for (String paragraph : paragraphs) {
            int paragraphTokens = count(paragraph);
            if (paragraphTokens > maxTokens) {
                currentTokens = flush(passages, current, currentTokens);
                for (String piece : split(paragraph)) {
                    int pieceTokens = count(piece);
                    if (currentTokens + pieceTokens > maxTokens) {
                        currentTokens = flush(passages, current, currentTokens);
                    }
                    append(current, piece);
                    currentTokens += pieceTokens;
                }
                continue;
            }
            if (currentTokens + paragraphTokens > maxTokens) {
                currentTokens = flush(passages, current, currentTokens);
            }
            append(current, paragraph);
            currentTokens += paragraphTokens;
        }
        flush(passages, current, currentTokens);
        return passages;
    }

    /** Sentences of {@code paragraph}, each sentence longer than the budget cut into word runs within it. */
    private List<String> split(String paragraph) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < paragraph.length(); i++) {
            char c = paragraph.charAt(i);
            boolean end = (c == '.' || c == '?' || c == '!' || c == ';') && i + 1 < paragraph.length()
                    && paragraph.charAt(i + 1) == ' ';
            if (end || i == paragraph.length() - 1) {
                addSentence(pieces, paragraph.substring(start, i + 1).strip());
                start = i + 1;
            }
        }
        return pieces;
    }

    private void addSentence(List<String> pieces, String sentence) {
        if (sentence.isEmpty()) {
            return;
        }
        if (count(sentence) <= maxTokens) {
            pieces.add(sentence);
            return;
        }
        StringBuilder run = new StringBuilder();
        int runTokens = 0;
        for (String word : sentence.split(" ")) {
            if (count(word) > maxTokens) {
                word = word.substring(0, maxTokens);
            }
            int wordTokens = count(word);
            if (runTokens + wordTokens > maxTokens && run.length() > 0) {
                pieces.add(run.toString());
                run.setLength(0);
                runTokens = 0;
            }
            append(run, word);
            runTokens += wordTokens;
        }
        if (run.length() > 0) {
            pieces.add(run.toString());
        }
    }

    private static void append(StringBuilder out, String text) {
        if (out.length() > 0) {
            out.append(' ');
        }
        out.append(text);
    }

    private static int flush(List<Cut> passages, StringBuilder current, int tokens) {
        if (current.length() > 0) {
            passages.add(new Cut(current.toString(), tokens));
            current.setLength(0);
        }
        return 0;
    }

    private int count(String text) {
        return tokens.applyAsInt(text);
    }
}
