package io.streamsparse.tools.doccorpus;

import java.util.List;

/**
 * One documentation file reduced to text: its title and its sections in reading order.
 *
 * <p>{@code summary} is a one-line description the file gives of itself (a manual page's NAME line after the
 * dash), {@code null} where the format has none; {@code summarySection} is the index of the section that summary
 * describes (the manual page's DESCRIPTION), -1 with no summary.
 */
record DocPage(String title, List<Section> sections, String summary, int summarySection) {

    DocPage {
        sections = List.copyOf(sections);
        if (summary != null && (summarySection < 0 || summarySection >= sections.size())) {
            throw new IllegalArgumentException("summarySection " + summarySection + " outside " + sections.size()
                    + " sections");
        }
    }

    /** A page without a summary line. */
    static DocPage of(String title, List<Section> sections) {
        return new DocPage(title, sections, null, -1);
    }

    /**
     * A heading and its paragraphs, each paragraph whitespace-normalized and non-empty; the heading is "" for
     * text before a page's first heading.
     */
    record Section(String heading, List<String> paragraphs) {
        Section {
            paragraphs = List.copyOf(paragraphs);
        }
    }
}
