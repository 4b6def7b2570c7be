package io.streamsparse.tools.doccorpus;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects a page's sections while a format reader walks it: text goes into the current paragraph, a break ends
 * the paragraph (kept if it is not blank after {@link TextUtil#normalize}), a heading ends the section (kept if it
 * has a paragraph) and opens the next.
 */
final class PageBuilder {

    private final List<DocPage.Section> sections = new ArrayList<>();
    private final List<String> paragraphs = new ArrayList<>();
    private final StringBuilder paragraph = new StringBuilder();
    private String heading = "";

    /** Appends raw text to the current paragraph. */
    void append(CharSequence text) {
        paragraph.append(text);
    }

    /** Appends text to the current paragraph, a space before it unless the paragraph is empty. */
    void appendWords(String text) {
        if (paragraph.length() > 0) {
            paragraph.append(' ');
        }
        paragraph.append(text);
    }

    void breakParagraph() {
        String p = TextUtil.normalize(paragraph.toString());
        paragraph.setLength(0);
        if (!p.isEmpty()) {
            paragraphs.add(p);
        }
    }

    /** Ends the current section and opens one under {@code next}. */
    void startSection(String next) {
        finishSection();
        heading = next;
    }

    /** Renames the section being collected (a heading given on the line after its macro). */
    void renameSection(String next) {
        heading = next;
    }

    /** Ends the current section; the sections so far, in order. */
    List<DocPage.Section> finish() {
        finishSection();
        return sections;
    }

    private void finishSection() {
        breakParagraph();
        if (!paragraphs.isEmpty()) {
            sections.add(new DocPage.Section(heading, paragraphs));
        }
        paragraphs.clear();
    }
}
