package io.streamsparse.tools.doccorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlainTextTest {

    @Test
    void readsInfoNodesAndUnderlinedHeadings() {
        String info = "This is coreutils.info, produced by makeinfo.\n\n"
                + "\u001f\nFile: coreutils.info,  Node: ls invocation,  Next: dir invocation,  Up: Directory listing\n\n"
                + "10.1 'ls': List directory contents\n==================================\n\n"
                + "The 'ls' program lists information about files\n(of any type, including directories).\n\n"
                + "* Menu:\n\n* Which files are listed::\n* What information is listed::\n\n"
                + "Options and operands can be given in any order.\n\n"
                + "10.1.1 Which files are listed\n----------------------------\n\n"
                + "These options determine which files 'ls' lists.\n"
                + "\u001f\nTag Table:\nNode: Top\u007f123\n\u001f\nEnd Tag Table\n";
        DocPage page = PlainText.readInfo(info, "coreutils.info");
        assertEquals(List.of("'ls': List directory contents", "Which files are listed"),
                page.sections().stream().map(DocPage.Section::heading).toList());
        assertEquals(List.of("The 'ls' program lists information about files (of any type, including directories).",
                "Options and operands can be given in any order."), page.sections().get(0).paragraphs());
    }

    @Test
    void readsMarkdownAndSetextHeadings() {
        String text = "Intro line\n\n# Getting started #\nFirst para\nwraps.\n\nSecond\n\nUsage\n-----\nRun it.\n";
        DocPage page = PlainText.readText(text, "README.md");
        assertEquals(List.of("", "Getting started", "Usage"),
                page.sections().stream().map(DocPage.Section::heading).toList());
        assertEquals(List.of("First para wraps.", "Second"), page.sections().get(1).paragraphs());
    }
}
