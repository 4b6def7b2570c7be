package io.streamsparse.tools.doccorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.streamsparse.encoder.ModelResources;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The cached per-word count equals the default tokenizer's count of the whole text: the cutter's budget holds. */
class WordPieceCountTest {

    @Test
    void perWordCountsAddUpToTheWholeTextsCount() throws Exception {
        Assumptions.assumeTrue(ModelResources.class.getResource(ModelResources.DEFAULT_TOKENIZER_RESOURCE) != null,
                "the default model's tokenizer is bundled");
        List<String> texts = List.of(
                "List information about the FILEs (the current directory by default).",
                "public String[] getPropertyNames() Returns an array of names recognized by getProperty(String)",
                "WLAN_STA_AUTHORIZED 0x7fffffff \u00e9t\u00e9 na\u00efve \u4e2d\u6587\u5b57 \u2014 \u201cquoted\u201d",
                "  leading and   repeated   whitespace\tand\ttabs  ",
                "");
        try (WordPieceCount count = WordPieceCount.defaultModel();
                InputStream json = ModelResources.class.getResourceAsStream(ModelResources.DEFAULT_TOKENIZER_RESOURCE);
                HuggingFaceTokenizer whole = HuggingFaceTokenizer.newInstance(json, Map.of(
                        "addSpecialTokens", "false", "truncation", "false", "padding", "false"))) {
            for (String text : texts) {
                int expected = whole.encode(text).getIds().length;
                assertEquals(expected, count.applyAsInt(text), text);
                assertEquals(expected, count.applyAsInt(text), "cached: " + text);
            }
        }
    }
}
