package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsparse.encoder.DocumentValidator;
import io.streamsparse.encoder.SourceDocument;
import io.streamsparse.query.DocumentBatch;
import io.streamsparse.tools.ingest.DocumentLines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three ways into the pipeline judge a document alike: the encoder (a record of {@code documents} keyed by the
 * id, as {@code DocumentListener} parses it), the bulk ingest CLI (a JSONL line) and HTTP ingest (a POST body). What
 * the CLI and HTTP accept, they write as the same bytes, and the encoder accepts those bytes as the same document;
 * what they refuse, the encoder would dead-letter. Each case runs through the classes those entry points call.
 */
class DocumentRulesAgreementTest {

    private final DocumentValidator validator = DocumentValidator.withDefaults();
    private final DocumentLines cli = new DocumentLines(validator, 2_000_000);

    /** Documents, each with its id: valid ones first, then one per rule. */
    static List<String> cases() {
        List<String> cases = new ArrayList<>(List.of(
                "{\"id\":\"plain\",\"text\":\"a text\"}",
                "{\"id\":\"full\",\"title\":\" T \",\"text\":\"body\\u0007 with a bell\",\"fields\":{\"k\":\"v\"}}",
                "{\"id\":\"nulls\",\"title\":null,\"text\":\"x\",\"fields\":null}",
                "{\"id\":\"emoji\",\"text\":\"\\ud83c\\udf0b\"}",
                "{\"id\":\"ansi\",\"title\":\"\\u001b[31mRed\",\"text\":\"volcano\"}",
                "{\"id\":\"" + "i".repeat(512) + "\",\"text\":\"longest id\"}",
                "{\"id\":\"max-text\",\"text\":\"" + "w".repeat(100_000) + "\"}",
                // refused by all
                "{\"id\":\"title-only\",\"title\":\"only a title\",\"text\":\"\"}",
                "{\"id\":\"blank\",\"title\":\"t\",\"text\":\" \\u00a0\\u200b \"}",
                "{\"id\":\"controls\",\"text\":\"\\u0000\\u0007\"}",
                "{\"id\":\"no-text\",\"title\":\"x\"}",
                "{\"id\":\"text-number\",\"text\":5}",
                "{\"id\":\"long-text\",\"text\":\"" + "w".repeat(100_001) + "\"}",
                "{\"id\":\"long-title\",\"title\":\"" + "t".repeat(1_001) + "\",\"text\":\"x\"}",
                "{\"id\":\"title-array\",\"title\":[1],\"text\":\"x\"}",
                "{\"id\":\"fields-string\",\"text\":\"x\",\"fields\":\"a\"}",
                "{\"id\":\"field-number\",\"text\":\"x\",\"fields\":{\"a\":1}}",
                "{\"id\":\"field-empty-name\",\"text\":\"x\",\"fields\":{\"\":\"v\"}}",
                "{\"id\":\"field-long\",\"text\":\"x\",\"fields\":{\"a\":\"" + "v".repeat(257) + "\"}}",
                "{\"id\":\"unknown-key\",\"text\":\"x\",\"titel\":\"t\"}",
                "{\"id\":\"duplicate\",\"text\":\"x\",\"text\":\"y\"}",
                "{\"id\":\"trailing\",\"text\":\"x\"} {}",
                "{\"id\":\"" + "i".repeat(513) + "\",\"text\":\"id too long\"}",
                "{\"id\":\"line\\nbreak\",\"text\":\"control character in the id\"}",
                "{\"id\":\"\\u00a0\",\"text\":\"blank id\"}"));
        StringBuilder manyFields = new StringBuilder("{\"id\":\"many-fields\",\"text\":\"x\",\"fields\":{");
        for (int i = 0; i < 65; i++) {
            manyFields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"v\"");
        }
        cases.add(manyFields.append("}}").toString());
        return cases;
    }

    @Test
    void encoderCliAndHttpAgreeOnEveryCase() {
        int accepted = 0;
        for (String json : cases()) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            String id = idOf(json);
            String encoderVerdict = verdict(() -> validator.parseRecord(id, bytes));
            DocumentLines.Verdict line = cli.check(bytes, 0, bytes.length);
            String httpVerdict = verdict(() -> DocumentBatch.parse(bytes, validator, 1));
            String cliVerdict = line instanceof DocumentLines.Rejected r ? r.reason() : "accepted";
            // the same reason from the CLI and HTTP; the encoder's may name the record key where they name the id
            assertThat(httpVerdict).as("HTTP vs CLI: " + clip(json)).isEqualTo(cliVerdict);
            assertThat(encoderVerdict.equals("accepted")).as("encoder (" + encoderVerdict + ") vs CLI (" + cliVerdict
                    + "): " + clip(json)).isEqualTo(cliVerdict.equals("accepted"));
            if (line instanceof DocumentLines.Accepted written) {
                accepted++;
                DocumentBatch.Record posted = DocumentBatch.parse(bytes, validator, 1).get(0);
                assertThat(posted.value()).as("same bytes from CLI and HTTP").isEqualTo(written.value());
                assertThat(posted.id()).isEqualTo(written.id()).isEqualTo(id);
                SourceDocument fromRaw = validator.parseRecord(id, bytes);
                assertThat(validator.parseRecord(id, written.value())).as("the encoder reads what they wrote")
                        .isEqualTo(fromRaw);
            }
        }
        assertThat(accepted).isEqualTo(7);
    }

    /** The id as a producer would key the record (a regex: some cases are not valid JSON). */
    private static String idOf(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\{\"id\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return DocumentValidator.readTree("\"" + m.group(1) + "\"").asString();
    }

    private static String verdict(Runnable check) {
        try {
            check.run();
            return "accepted";
        } catch (DocumentValidator.InvalidDocumentException e) {
            return e.getMessage();
        }
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
