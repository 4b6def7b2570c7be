package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVocabularyTest {

    @Test
    void namesTheIdsOfBertsWordPieceVocabulary() {
        EncoderConfig config = EncoderConfig.queryDefaults().withModel(EncoderConfig.DEFAULT_LOCATION,
                TinyModels.TOKENIZER);
        try (TokenVocabulary vocabulary = TokenVocabulary.load(config)) {
            assertEquals(30522, vocabulary.size());
            assertEquals("hello", vocabulary.token(7592));
            assertEquals("world", vocabulary.token(2088));
            assertEquals("[CLS]", vocabulary.token(101));
            assertEquals("#40000", vocabulary.token(40000));
            assertEquals("#-1", vocabulary.token(-1));
            // specials dropped, duplicates once, ascending
            assertArrayEquals(new int[] {2088, 7592}, vocabulary.tokenIds("world hello world"));
            // a word split into pieces: the pieces' texts (ascending id, so in any order) hold its letters
            StringBuilder pieces = new StringBuilder();
            for (int id : vocabulary.tokenIds("sourdough")) {
                pieces.append(vocabulary.token(id).replace("##", ""));
            }
            assertEquals(sortedChars("sourdough"), sortedChars(pieces.toString()));
        }
    }

    private static String sortedChars(String s) {
        return s.chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    @Test
    void readsUnigramVocabulariesAndAddedTokens(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tokenizer.json");
        Files.writeString(json, """
                {"version":"1.0","added_tokens":[{"id":0,"content":"<pad>","special":true,"single_word":false,
                 "lstrip":false,"rstrip":false,"normalized":false}],
                 "normalizer":null,"pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,
                 "model":{"type":"Unigram","unk_id":1,"vocab":[["<pad>",0.0],["<unk>",0.0],["sky",-1.0],["blue",-2.0]]}}
                """, StandardCharsets.UTF_8);
        EncoderConfig config = EncoderConfig.queryDefaults().withModel(EncoderConfig.DEFAULT_LOCATION, json.toString());
        try (TokenVocabulary vocabulary = TokenVocabulary.load(config)) {
            assertEquals(4, vocabulary.size());
            assertEquals("sky", vocabulary.token(2));
            assertEquals("<pad>", vocabulary.token(0));
            assertArrayEquals(new int[] {2, 3}, vocabulary.tokenIds("blue sky"));
        }
    }
}
