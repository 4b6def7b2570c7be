package io.streamsparse.tools.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.encoder.DocumentValidator;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DocumentLinesTest {

    private final DocumentLines lines = new DocumentLines(DocumentValidator.withDefaults(), 1_000);

    private DocumentLines.Verdict check(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return lines.check(bytes, 0, bytes.length);
    }

    private String accepted(String line) {
        DocumentLines.Accepted a = assertInstanceOf(DocumentLines.Accepted.class, check(line), line);
        return a.value() == null ? null : new String(a.value(), StandardCharsets.UTF_8);
    }

    private String rejected(String line) {
        return assertInstanceOf(DocumentLines.Rejected.class, check(line), line).reason();
    }

    @Test
    void normalisesKeyOrderDefaultsAndWhitespace() {
        assertEquals("{\"id\":\"a\",\"title\":\"\",\"text\":\"hello\",\"fields\":{}}",
                accepted("  { \"text\" : \"hello\", \"id\": \"a\" }\r"));
        assertEquals("{\"id\":\"b\",\"title\":\"T\",\"text\":\"x\",\"fields\":{\"z\":\"1\",\"a\":\"2\"}}",
                accepted("{\"fields\":{\"z\":\"1\",\"a\":\"2\"},\"title\":\"T\",\"id\":\"b\",\"text\":\"x\"}"));
        assertEquals("{\"id\":\"c\",\"title\":\"\",\"text\":\"x\",\"fields\":{}}",
                accepted("{\"id\":\"c\",\"title\":null,\"text\":\"x\",\"fields\":null,\"delete\":false}"));
    }

    @Test
    void decodesEscapesAndCleansAsTheEncoderDoes() {
        assertEquals("{\"id\":\"é\",\"title\":\"\",\"text\":\"café \\\"q\\\"\\n日本\",\"fields\":{}}",
                accepted("{\"id\":\"\\u00e9\",\"text\":\"caf\\u00e9 \\\"q\\\"\\n日本\"}"));
        assertEquals("{\"id\":\"a\",\"title\":\"Red\",\"text\":\"ab\",\"fields\":{}}",
                accepted("{\"id\":\"a\",\"title\":\"\\u001b[31mRed \",\"text\":\"a\\u0000b\"}"));
    }

    @Test
    void keyIsTheId() {
        DocumentLines.Accepted a = assertInstanceOf(DocumentLines.Accepted.class, check("{\"id\":\"doc 7\",\"text\":\"t\"}"));
        assertEquals("doc 7", a.id());
        assertTrue(!a.isDelete());
    }

    @Test
    void deleteLineIsATombstone() {
        DocumentLines.Accepted a = assertInstanceOf(DocumentLines.Accepted.class, check("{\"id\":\"x\",\"delete\":true}"));
        assertEquals("x", a.id());
        assertNull(a.value());
        assertTrue(a.isDelete());
        assertEquals("a delete line has only 'id' and 'delete', found 'text'",
                rejected("{\"id\":\"x\",\"delete\":true,\"text\":\"t\"}"));
        assertEquals("'delete' must be true or false, was string", rejected("{\"id\":\"x\",\"delete\":\"yes\"}"));
        assertEquals("'text' must be a string, was missing", rejected("{\"id\":\"x\",\"delete\":false}"));
        assertEquals("'id' is blank; a document id needs a visible character", rejected("{\"id\":\" \",\"delete\":true}"));
    }

    @Test
    void rejectsBadIds() {
        assertEquals("'id' must be a string, was missing", rejected("{\"text\":\"t\"}"));
        assertEquals("'id' must be a string, was number", rejected("{\"id\":7,\"text\":\"t\"}"));
        assertEquals("'id' must be a string, was null", rejected("{\"id\":null,\"text\":\"t\"}"));
        assertTrue(rejected("{\"id\":\"\",\"text\":\"t\"}").startsWith("'id' is blank"));
        assertTrue(rejected("{\"id\":\"  \",\"text\":\"t\"}").startsWith("'id' is blank"));
        String max = "i".repeat(DocumentValidator.MAX_ID_CHARS);
        accepted("{\"id\":\"" + max + "\",\"text\":\"t\"}");
        assertTrue(rejected("{\"id\":\"" + max + "i\",\"text\":\"t\"}").startsWith("id of 513 chars exceeds 512"));
    }

    @Test
    void rejectsBadShapes() {
        assertTrue(rejected("{\"id\":\"a\",\"text\":").startsWith("value is not valid JSON: "));
        assertTrue(rejected("not json").startsWith("value is not valid JSON: "));
        assertTrue(rejected("{\"id\":\"a\",\"text\":\"t\"} {}").startsWith("value is not valid JSON: "));
        assertTrue(rejected("{\"id\":\"a\",\"id\":\"b\",\"text\":\"t\"}").contains("Duplicate"));
        assertEquals("value must be a JSON object, was array", rejected("[1,2]"));
        assertEquals("value must be a JSON object, was string", rejected("\"doc\""));
        assertEquals("unknown key 'url' (allowed: id, title, text, fields)",
                rejected("{\"id\":\"a\",\"text\":\"t\",\"url\":\"u\"}"));
    }

    @Test
    void rejectsBadValues() {
        assertEquals("'text' must be a string, was missing", rejected("{\"id\":\"a\",\"title\":\"t\"}"));
        assertEquals("'text' must be a string, was number", rejected("{\"id\":\"a\",\"text\":1}"));
        assertEquals("'title' must be a string, was object", rejected("{\"id\":\"a\",\"text\":\"t\",\"title\":{}}"));
        assertEquals("'fields' must be an object of strings, was array",
                rejected("{\"id\":\"a\",\"text\":\"t\",\"fields\":[]}"));
        assertEquals("field 'year' must be a string, was number",
                rejected("{\"id\":\"a\",\"text\":\"t\",\"fields\":{\"year\":2024}}"));
        assertTrue(rejected("{\"id\":\"a\",\"text\":\"t\",\"fields\":{\"\":\"v\"}}").startsWith("field '': names must"));
        assertTrue(rejected("{\"id\":\"a\",\"text\":\" \",\"title\":\"\"}").startsWith("'text' is blank"));
        // the encoder would dead-letter a title with a blank text, so the CLI rejects it too
        assertTrue(rejected("{\"id\":\"a\",\"text\":\"\",\"title\":\"only a title\"}").startsWith("'text' is blank"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] line = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '(', '"', ',', '"', 't', 'e', 'x', 't', '"',
            ':', '"', 't', '"', '}'};
        DocumentLines.Verdict v = lines.check(line, 0, line.length);
        assertTrue(assertInstanceOf(DocumentLines.Rejected.class, v).reason().startsWith("value is not valid JSON: "),
                v.toString());
    }

    @Test
    void sizeLimitAppliesToTheNormalisedValue() {
        String empty = accepted("{\"id\":\"a\",\"text\":\"y\",\"title\":\"x\"}");
        int room = 1_000 - empty.length() + 1; // chars added to text add as many bytes (ASCII)
        String fits = "{\"id\":\"a\",\"title\":\"x\",\"text\":\"" + "y".repeat(room) + "\"}";
        assertEquals(1_000, accepted(fits).getBytes(StandardCharsets.UTF_8).length);
        String over = "{\"id\":\"a\",\"title\":\"x\",\"text\":\"" + "y".repeat(room + 1) + "\"}";
        assertEquals("document is 1001 bytes after normalisation (max 1000)", rejected(over));
        // padding whitespace in the raw line does not count
        accepted("{\"id\":\"a\",          \"title\":\"x\",\"text\":\"" + "y".repeat(room) + "\"}");
    }

    @Test
    void blankLinesAreNeitherDocumentsNorErrors() {
        assertSame(DocumentLines.Blank.INSTANCE, check(""));
        assertSame(DocumentLines.Blank.INSTANCE, check(" \t\r"));
    }

    @Test
    void checksTheGivenSliceOnly() {
        byte[] bytes = "xx{\"id\":\"a\",\"text\":\"t\"}yy".getBytes(StandardCharsets.UTF_8);
        DocumentLines.Accepted a = assertInstanceOf(DocumentLines.Accepted.class, lines.check(bytes, 2, bytes.length - 4));
        assertEquals("a", a.id());
    }

    @Test
    void normalisationIsIdempotentOnRandomDocuments() {
        Random random = new Random(42);
        DocumentLines big = new DocumentLines(DocumentValidator.withDefaults(), 1 << 20);
        for (int n = 0; n < 500; n++) {
            StringBuilder line = new StringBuilder("{\"id\":\"a").append(n)
                    .append("\",\"text\":\"w").append(randomText(random, random.nextInt(200))).append('"');
            if (random.nextBoolean()) {
                line.append(",\"title\":\"t").append(randomText(random, 1 + random.nextInt(30))).append('"');
            } else {
                line.append(",\"title\":\"t\"");
            }
            if (random.nextBoolean()) {
                line.append(",\"fields\":{");
                int k = random.nextInt(4);
                for (int f = 0; f < k; f++) {
                    line.append(f == 0 ? "" : ",").append("\"k").append(f).append("\":\"")
                            .append(randomText(random, random.nextInt(10))).append('"');
                }
                line.append('}');
            }
            byte[] raw = line.append('}').toString().getBytes(StandardCharsets.UTF_8);
            DocumentLines.Accepted first = assertInstanceOf(DocumentLines.Accepted.class, big.check(raw, 0, raw.length),
                    line.toString());
            DocumentLines.Accepted again = assertInstanceOf(DocumentLines.Accepted.class,
                    big.check(first.value(), 0, first.value().length));
            assertEquals(first.id(), again.id());
            assertArrayEquals(first.value(), again.value(), line.toString());
        }
    }

    @Test
    void rejectsTooSmallLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DocumentLines(DocumentValidator.withDefaults(), 10));
        assertTrue(e.getMessage().contains("10"));
    }

    /** Letters, digits, spaces, JSON escapes and non-ASCII, as JSON string content. */
    private static String randomText(Random random, int length) {
        String[] pieces = {"a", "Z", "7", " ", "\\\"", "\\\\", "\\n", "\\u00e9", "é", "日", "\\t", "😀"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }
}
