package io.streamsparse.tools.doccorpus;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;

/**
 * Reads an HTML documentation page (Sphinx, javadoc, rustdoc, Doxygen, DocBook, gtk-doc, haddock, texinfo's HTML)
 * into a {@link DocPage}: the page's main content only, split into sections at {@code h1..h6}, paragraphs at
 * block elements (and at line breaks).
 *
 * <p>The content root is the first of {@code main}, {@code [role=main]}, Sphinx's {@code div.body}, {@code
 * div#content}, {@code div.contents} (Doxygen), {@code article}, else {@code body}. Chrome inside it is removed
 * first: scripts, navigation, headers and footers, sidebars, tables of contents, permalink marks, Doxygen's and
 * javadoc's member summaries (they repeat the first sentence of each member's detail, which is kept).
 */
final class HtmlText {

    private static final String[] CONTENT_ROOTS = {"main", "[role=main]", "div.body", "div#content",
        "div.contents", "article"};
    private static final String CHROME = "script, style, noscript, template, nav, header, footer, aside, form, "
            + "button, svg, iframe, .sphinxsidebar, .sidebar, .related, .navigation, .navbar, .nav, .breadcrumb, "
            + ".breadcrumbs, .headerlink, .footer, #toc, .toc, div.toc, .sub-nav, .top-nav, .bottom-nav, "
            + ".skip-nav, .navheader, .navfooter, table.memberdecls, section.summary, .rightside, .out-of-band, "
            + "rustdoc-toolbar, .src-link, #synopsis, .copyright, .legal-notice";

    private HtmlText() {
    }

    /** The page in {@code html}; {@code fallbackTitle} when it has no {@code <title>} or {@code h1}. */
    static DocPage read(String html, String fallbackTitle) {
        Document doc = Jsoup.parse(html);
        Element root = null;
        for (String selector : CONTENT_ROOTS) {
            root = doc.selectFirst(selector);
            if (root != null) {
                break;
            }
        }
        if (root == null) {
            root = doc.body();
        }
        root.select(CHROME).remove();
        String title = TextUtil.normalize(doc.title());
        if (title.isEmpty()) {
            Element h1 = root.selectFirst("h1");
            title = h1 == null ? fallbackTitle : TextUtil.heading(h1.text());
        }
        Collector collector = new Collector();
        root.filter(collector);
        return DocPage.of(title, collector.page.finish());
    }

    /** Walks the content: headings open sections, block elements break paragraphs, text nodes fill them. */
    private static final class Collector implements NodeFilter {
        final PageBuilder page = new PageBuilder();

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                page.append(text.getWholeText());
                return FilterResult.CONTINUE;
            }
            if (node instanceof Element e) {
                String tag = e.normalName();
                if (tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6') {
                    page.startSection(TextUtil.heading(e.text()));
                    return FilterResult.SKIP_CHILDREN;
                }
                // jsoup counts <br> as a block: a line break ends a paragraph (reference pages put list-like
                // lines between <br>s)
                if (e.isBlock() || tag.equals("td") || tag.equals("th") || tag.equals("dt") || tag.equals("dd")
                        || tag.equals("li")) {
                    page.breakParagraph();
                }
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element e && (e.isBlock() || e.normalName().equals("td"))) {
                page.breakParagraph();
            }
            return FilterResult.CONTINUE;
        }
    }
}
