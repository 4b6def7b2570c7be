package io.streamsparse.tools.doccorpus;

import java.util.regex.Pattern;

/**
 * Reads plain-text documentation into a {@link DocPage}: GNU info files (nodes separated by the unit separator, 0x1f) and
 * text files ({@code README}, {@code .txt}, Markdown, reStructuredText).
 *
 * <p>Paragraphs are separated by blank lines. A heading is a line underlined by a line of one repeated
 * {@code * = - . ~ ^ #} character at least as long as 3 and 80% of it (info, setext Markdown, reST), or a
 * Markdown {@code #} line. In info files an info node's header line ({@code File: ..., Node: ...}) opens a
 * section named after the node; menus ({@code * Menu:} and its {@code * entry::} lines), the tag table and
 * indirect tables are dropped.
 */
final class PlainText {

    private static final Pattern UNDERLINE = Pattern.compile("^([*=\\-.~^#])\\1{2,}\\s*$");
    private static final Pattern ATX_HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INFO_NODE = Pattern.compile("^File: [^,]*,\\s+Node: ([^,\\t]+).*");
    private static final Pattern MENU_ENTRY = Pattern.compile("^\\* [^:]+::?.*");

    private final PageBuilder page = new PageBuilder();
    private boolean inMenu;

    private PlainText() {
    }

    /** An info file (or one of its {@code -N} parts). */
    static DocPage readInfo(String text, String title) {
        PlainText reader = new PlainText();
        for (String node : text.split("\u001f")) {
            String body = node.stripLeading();
            if (body.startsWith("Tag Table:") || body.startsWith("Indirect:") || body.startsWith("Local Variables")
                    || body.startsWith("End Tag Table")) {
                continue;
            }
            int newline = body.indexOf('\n');
            String first = newline < 0 ? body : body.substring(0, newline);
            var m = INFO_NODE.matcher(first);
            if (!m.matches()) {
                continue;
            }
            reader.page.startSection(TextUtil.heading(m.group(1)));
            reader.inMenu = false;
            reader.lines(newline < 0 ? "" : body.substring(newline + 1));
        }
        return DocPage.of(title, reader.page.finish());
    }

    /** A README, Markdown, reST or other text file. */
    static DocPage readText(String text, String title) {
        PlainText reader = new PlainText();
        reader.lines(text);
        return DocPage.of(title, reader.page.finish());
    }

    private void lines(String text) {
        String[] lines = text.replace("\r", "").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i + 1 < lines.length && !line.isBlank() && UNDERLINE.matcher(lines[i + 1]).matches()
                    && lines[i + 1].strip().length() >= Math.max(3, 0.8 * line.strip().length())
                    && !UNDERLINE.matcher(line).matches()) {
                page.startSection(TextUtil.heading(line));
                inMenu = false;
                i++;
                continue;
            }
            if (UNDERLINE.matcher(line).matches()) {
                page.breakParagraph();
                continue;
            }
            var atx = ATX_HEADING.matcher(line);
            if (atx.matches() && !atx.group(1).isEmpty()) {
                page.startSection(TextUtil.heading(atx.group(1)));
                inMenu = false;
                continue;
            }
            if (line.isBlank()) {
                page.breakParagraph();
                continue;
            }
            if (line.startsWith("* Menu:")) {
                page.breakParagraph();
                inMenu = true;
                continue;
            }
            if (inMenu) {
                if (MENU_ENTRY.matcher(line).matches() || line.startsWith(" ")) {
                    continue;
                }
                inMenu = false;
            }
            page.appendWords(line);
        }
    }
}
