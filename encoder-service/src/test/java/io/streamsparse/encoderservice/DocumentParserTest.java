package io.streamsparse.encoderservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DocumentParserTest {

    private final DocumentParser parser = new DocumentParser(JsonMapper.builder().build(), 50, 400);

    private SourceDocument parse(String key, String json) {
        return parser.parse(key, json.getBytes(StandardCharsets.UTF_8));
    }

    private void rejected(String key, String json, String reason) {
        assertThatThrownBy(() -> parse(key, json)).isInstanceOf(DocumentParser.RejectedDocumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void acceptsAWellFormedDocument() {
        SourceDocument doc = parse("d1", "{\"id\":\"d1\",\"title\":\" T \",\"text\":\"body\",\"fields\":{\"a\":\"x\"}}");
        assertThat(doc).isEqualTo(new SourceDocument("d1", "T", "body", Map.of("a", "x")));
        assertThat(doc.encoderInput()).isEqualTo("T. body");
        assertThat(parse("d2", "{\"text\":\"only text\"}").encoderInput()).isEqualTo("only text");
    }

    @Test
    void rejectsWhatProducersGetWrong() {
        rejected(null, "{\"text\":\"x\"}", "no key");
        rejected("d", "{\"text\":", "not valid JSON");
        rejected("d", "[1,2]", "must be a JSON object, was array");
        rejected("d", "{\"id\":\"other\",\"text\":\"x\"}", "does not match the record key");
        rejected("d", "{\"title\":\"x\"}", "'text' must be a string, was missing");
        rejected("d", "{\"text\":5}", "'text' must be a string, was number");
        rejected("d", "{\"text\":\"   \"}", "blank");
        rejected("d", "{\"text\":\"" + "x".repeat(51) + "\"}", "51 chars; the limit is 50");
        rejected("d", "{\"text\":\"x\",\"title\":[1]}", "'title' must be a string");
        rejected("d", "{\"text\":\"x\",\"fields\":{\"a\":1}}", "field 'a' must be a string");
        rejected("d", "{\"text\":\"x\",\"fields\":\"a\"}", "'fields' must be an object");
        rejected("d", "{\"text\":\"" + "y".repeat(500) + "\"}", "bytes exceeds 400");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> parser.parse("d", bad)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void textHygieneBlankControlsAndKeys() {
        rejected("d", "{\"text\":\"\\u00a0\\u00a0\\u200b\\ufeff\"}", "blank");
        SourceDocument doc = parse("d", "{\"title\":\"\\u001b[31mRed\\u0007\\nTitle\\u0000\",\"text\":\"a\\u0000b\\nc\"}");
        assertThat(doc.title()).isEqualTo("Red Title");
        assertThat(doc.text()).isEqualTo("ab\nc");
        assertThat(doc.snippet(100)).isEqualTo("ab c");
        assertThatThrownBy(() -> parser.parse(new byte[] {'k', (byte) 0xFF}, "{\"text\":\"x\"}".getBytes()))
                .isInstanceOf(DocumentParser.RejectedDocumentException.class).hasMessageContaining("key is not valid UTF-8");
        assertThat(parser.parse("é".getBytes(StandardCharsets.UTF_8), "{\"text\":\"x\"}".getBytes()).id())
                .isEqualTo("é");
    }

    @Test
    void snippetCutsAtAWordBoundary() {
        SourceDocument doc = new SourceDocument("d", "", "alpha beta gamma delta epsilon", Map.of());
        assertThat(doc.snippet(100)).isEqualTo("alpha beta gamma delta epsilon");
        assertThat(doc.snippet(14)).isEqualTo("alpha beta…");
        assertThat(new SourceDocument("d", "", "   alpha beta gamma", Map.of()).snippet(8)).isEqualTo("alpha…");
    }
}
