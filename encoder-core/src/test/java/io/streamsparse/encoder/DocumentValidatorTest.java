package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DocumentValidatorTest {

    private final DocumentValidator validator = new DocumentValidator(50, 4_000);

    private SourceDocument parse(String key, String json) {
        return validator.parseRecord(key, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Without a key, as the CLI and HTTP ingest validate. */
    private SourceDocument keyless(String json) {
        return validator.validate(null, DocumentValidator.readTree(json));
    }

    private void rejected(String key, String json, String reason) {
        DocumentValidator.InvalidDocumentException e = assertThrows(DocumentValidator.InvalidDocumentException.class,
                () -> parse(key, json), json);
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " should contain " + reason);
    }

    @Test
    void acceptsAWellFormedDocument() {
        SourceDocument doc = parse("d1", "{\"id\":\"d1\",\"title\":\" T \",\"text\":\"body\",\"fields\":{\"a\":\"x\"}}");
        assertEquals(new SourceDocument("d1", "T", "body", Map.of("a", "x")), doc);
        assertEquals("T. body", doc.encoderInput());
        assertEquals("only text", parse("d2", "{\"text\":\"only text\"}").encoderInput());
        assertEquals(new SourceDocument("d3", "", "x", Map.of()),
                keyless("{\"id\":\"d3\",\"title\":null,\"text\":\"x\",\"fields\":null}"));
    }

    @Test
    void rejectsWhatProducersGetWrong() {
        rejected(null, "{\"text\":\"x\"}", "no key");
        rejected("d", "{\"text\":", "not valid JSON");
        rejected("d", "[1,2]", "must be a JSON object, was array");
        rejected("d", "null", "must be a JSON object, was null");
        rejected("d", "{\"id\":\"other\",\"text\":\"x\"}", "does not match the record key");
        rejected("d", "{\"title\":\"x\"}", "'text' must be a string, was missing");
        rejected("d", "{\"text\":5}", "'text' must be a string, was number");
        rejected("d", "{\"text\":\"   \"}", "blank");
        rejected("d", "{\"text\":\"" + "x".repeat(51) + "\"}", "51 chars; the limit is 50");
        rejected("d", "{\"text\":\"x\",\"title\":[1]}", "'title' must be a string");
        rejected("d", "{\"text\":\"x\",\"title\":\"" + "t".repeat(1_001) + "\"}", "'title' has 1001 chars");
        rejected("d", "{\"text\":\"x\",\"fields\":{\"a\":1}}", "field 'a' must be a string");
        rejected("d", "{\"text\":\"x\",\"fields\":\"a\"}", "'fields' must be an object");
        rejected("d", "{\"text\":\"x\",\"fields\":{\"\":\"v\"}}", "names must have 1 to 256 chars");
        rejected("d", "{\"text\":\"" + "y".repeat(5_000) + "\"}", "bytes exceeds 4000");
        rejected("d", "{\"text\":\"x\",\"titel\":\"t\"}", "unknown key 'titel' (allowed: id, title, text, fields)");
        rejected("d", "{\"text\":\"x\",\"text\":\"y\"}", "Duplicate");
        rejected("d", "{\"text\":\"x\"} {}", "not valid JSON");
        rejected("d", "{\"title\":\"a title\",\"text\":\" \"}", "'text' is blank");
    }

    @Test
    void fieldCountLimit() {
        StringBuilder json = new StringBuilder("{\"text\":\"x\",\"fields\":{");
        for (int i = 0; i <= DocumentValidator.MAX_FIELDS; i++) {
            json.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"v\"");
        }
        rejected("d", json.append("}}").toString(), "'fields' has 65 entries; the limit is 64");
    }

    @Test
    void idRules() {
        String max = "i".repeat(DocumentValidator.MAX_ID_CHARS);
        assertEquals(max, keyless("{\"id\":\"" + max + "\",\"text\":\"t\"}").id());
        rejected("k".repeat(513), "{\"text\":\"x\"}", "key of 513 chars exceeds 512");
        rejected(" \u00a0", "{\"text\":\"x\"}", "'key' is blank");
        rejected("a\nb", "{\"text\":\"x\"}", "key contains control character U+000A at 1");
        assertThrows(DocumentValidator.InvalidDocumentException.class, () -> keyless("{\"text\":\"x\"}"));
        assertThrows(DocumentValidator.InvalidDocumentException.class, () -> keyless("{\"id\":7,\"text\":\"x\"}"));
        DocumentValidator.InvalidDocumentException surrogate = assertThrows(
                DocumentValidator.InvalidDocumentException.class, () -> keyless("{\"id\":\"a\\ud800\",\"text\":\"x\"}"));
        assertTrue(surrogate.getMessage().contains("unpaired surrogate"), surrogate.getMessage());
        assertEquals("\uD83C\uDF0B", DocumentValidator.checkId("\uD83C\uDF0B", "id")); // a paired surrogate is fine
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        DocumentValidator.InvalidDocumentException e = assertThrows(DocumentValidator.InvalidDocumentException.class,
                () -> validator.parseRecord("d", bad));
        assertTrue(e.getMessage().contains("not valid UTF-8"));
    }

    @Test
    void textHygieneBlankControlsAndKeys() {
        rejected("d", "{\"text\":\"\\u00a0\\u00a0\\u200b\\ufeff\"}", "blank");
        SourceDocument doc = parse("d", "{\"title\":\"\\u001b[31mRed\\u0007\\nTitle\\u0000\",\"text\":\"a\\u0000b\\nc\"}");
        assertEquals("Red Title", doc.title());
        assertEquals("ab\nc", doc.text());
        assertEquals("ab c", doc.snippet(100));
        DocumentValidator.InvalidDocumentException e = assertThrows(DocumentValidator.InvalidDocumentException.class,
                () -> validator.parseRecord(new byte[] {'k', (byte) 0xFF}, "{\"text\":\"x\"}".getBytes()));
        assertTrue(e.getMessage().contains("key is not valid UTF-8"));
        assertEquals("é", validator.parseRecord("é".getBytes(StandardCharsets.UTF_8), "{\"text\":\"x\"}".getBytes()).id());
    }

    @Test
    void snippetCutsAtAWordBoundary() {
        SourceDocument doc = new SourceDocument("d", "", "alpha beta gamma delta epsilon", Map.of());
        assertEquals("alpha beta gamma delta epsilon", doc.snippet(100));
        assertEquals("alpha beta…", doc.snippet(14));
        assertEquals("alpha…", new SourceDocument("d", "", "   alpha beta gamma", Map.of()).snippet(8));
    }

    @Test
    void recordValueIsCanonicalAndValidatesToTheSameDocument() {
        assertEquals("{\"id\":\"a\",\"title\":\"T\",\"text\":\"x\\ny\",\"fields\":{\"z\":\"1\",\"a\":\"2\"}}",
                new String(DocumentValidator.recordValue(keyless(
                        "{\"fields\":{\"z\":\"1\",\"a\":\"2\"},\"text\":\"x\\ny\",\"title\":\" T\\t\",\"id\":\"a\"}")),
                        StandardCharsets.UTF_8));
        SplittableRandom random = new SplittableRandom(42);
        DocumentValidator roomy = DocumentValidator.withDefaults();
        String[] pieces = {"a", "Z", "7", " ", "\\\"", "\\\\", "\\n", "\\t", "\\u0007", "\\u001b[1m", "\\u00a0", "é",
            "日", "😀", "\\ud800", "\\u200b"};
        for (int n = 0; n < 500; n++) {
            String json = "{\"id\":\"id" + n + "\",\"title\":\"" + random(random, pieces, 20) + "\",\"text\":\"w"
                    + random(random, pieces, 200) + "\",\"fields\":{\"k\":\"" + random(random, pieces, 5) + "\"}}";
            SourceDocument first = roomy.validate(null, DocumentValidator.readTree(json));
            byte[] value = DocumentValidator.recordValue(first);
            SourceDocument again = roomy.parseRecord(first.id(), value);
            assertEquals(first, again, json);
            assertEquals(new String(value, StandardCharsets.UTF_8),
                    new String(DocumentValidator.recordValue(again), StandardCharsets.UTF_8));
        }
    }

    private static String random(SplittableRandom random, String[] pieces, int maxLength) {
        StringBuilder out = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            out.append(pieces[random.nextInt(pieces.length)]);
        }
        return out.toString();
    }
}
