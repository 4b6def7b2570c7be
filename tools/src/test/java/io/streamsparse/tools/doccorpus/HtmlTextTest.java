package io.streamsparse.tools.doccorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void keepsTheMainContentSplitAtHeadings() {
        String html = """
                <html><head><title>os.path — Common pathname manipulations</title>
                <script>var x = 1;</script></head><body>
                <div class="related"><a href="index.html">index</a></div>
                <div class="sphinxsidebar">Table of Contents</div>
                <div class="body" role="main">
                <h1>2.1. os.path — Common pathname manipulations<a class="headerlink" href="#x">¶</a></h1>
                <p>This module implements some useful
                functions on pathnames.</p><p>Second <b>paragraph</b>.<br>Same paragraph.</p>
                <h2>Functions for paths</h2>
                <dl><dt>os.path.abspath(path)</dt><dd><p>Return a normalized absolutized version.</p></dd></dl>
                <ul><li>one</li><li>two</li></ul>
                </div>
                <div class="footer">Copyright</div>
                </body></html>
                """;
        DocPage page = HtmlText.read(html, "os.path");
        assertEquals("os.path — Common pathname manipulations", page.title());
        assertEquals(2, page.sections().size());
        assertEquals("os.path — Common pathname manipulations", page.sections().get(0).heading());
        assertEquals(List.of("This module implements some useful functions on pathnames.",
                "Second paragraph.", "Same paragraph."), page.sections().get(0).paragraphs());
        assertEquals("Functions for paths", page.sections().get(1).heading());
        assertEquals(List.of("os.path.abspath(path)", "Return a normalized absolutized version.", "one", "two"),
                page.sections().get(1).paragraphs());
    }

    @Test
    void dropsJavadocSummariesAndNavigation() {
        String html = """
                <html><head><title>String (Java SE 17 &amp; JDK 17)</title></head><body>
                <header><nav>Overview Module Package</nav></header>
                <main role="main"><div class="header"><h1 class="title">Class String</h1></div>
                <section class="class-description"><div class="block">The String class represents strings.</div></section>
                <section class="summary"><h2>Method Summary</h2><table><tr><td>length()</td></tr></table></section>
                <section class="details"><h3>length</h3><div class="block">Returns the length.</div></section>
                </main><footer>Copyright</footer></body></html>
                """;
        DocPage page = HtmlText.read(html, "String");
        assertEquals("String (Java SE 17 & JDK 17)", page.title());
        assertEquals(List.of("Class String", "length"), page.sections().stream().map(DocPage.Section::heading).toList());
        assertEquals(List.of("The String class represents strings."), page.sections().get(0).paragraphs());
    }

    @Test
    void anEmptyPageHasNoSections() {
        assertEquals(0, HtmlText.read("<html><body><nav>menu</nav></body></html>", "x").sections().size());
        assertEquals("x", HtmlText.read("<html><body></body></html>", "x").title());
    }
}
