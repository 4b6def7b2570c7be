package io.streamsparse.tools.doccorpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoffTextTest {

    private static final String LS = """
            .\\" Copyright notice, a comment
            .de XX
            .  this macro definition is skipped
            ..
            .TH LS "1" "September 2022" "GNU coreutils 9.1" "User Commands"
            .SH NAME
            ls \\- list directory contents
            .SH SYNOPSIS
            .B ls
            [\\fI\\,OPTION\\/\\fR]... [\\fI\\,FILE\\/\\fR]...
            .SH DESCRIPTION
            .\\" Add any additional description here
            .PP
            List information about the FILEs (the current directory by default).
            Sort entries alphabetically if none of \\fB\\-cftuvSUX\\fR nor \\fB\\-\\-sort\\fR is specified.
            .PP
            Mandatory arguments to long options are mandatory for short options too.
            .TP
            \\fB\\-a\\fR, \\fB\\-\\-all\\fR
            do not ignore entries starting with .
            .ie \\n(.g .ds Aq \\(aq
            .el .ds Aq '
            .if n \\{\\
            .  this block is skipped
            .\\}
            .SS "Exit status:"
            .IP 0
            if OK,
            .BR dircolors (1)
            uses \\(lqcolors\\(rq \\(em and \\[u2014] dashes \\*(lqhere\\*(rq\\&.
            """;

    @Test
    void readsSectionsParagraphsAndTheNameDescription() {
        DocPage page = RoffText.read(LS, "ls(1)");
        assertEquals("ls(1)", page.title());
        assertEquals(List.of("SYNOPSIS", "DESCRIPTION", "Exit status:"),
                page.sections().stream().map(DocPage.Section::heading).toList());
        assertEquals("list directory contents", page.summary());
        assertEquals(1, page.summarySection());
        assertEquals(List.of(
                "List information about the FILEs (the current directory by default). Sort entries alphabetically"
                        + " if none of -cftuvSUX nor --sort is specified.",
                "Mandatory arguments to long options are mandatory for short options too.",
                "-a, --all do not ignore entries starting with ."), page.sections().get(1).paragraphs());
        assertEquals(List.of("0 if OK, dircolors(1) uses \u201ccolors\u201d \u2014 and \u2014 dashes"
                + " \u201chere\u201d."), page.sections().get(2).paragraphs());
        assertEquals(List.of("ls [OPTION]... [FILE]..."), page.sections().get(0).paragraphs());
    }

    @Test
    void readsMdoc() {
        String mdoc = """
                .Dd March 1, 2020
                .Dt CAT 1
                .Os
                .Sh NAME
                .Nm cat
                .Nd concatenate and print files
                .Sh SYNOPSIS
                .Nm
                .Op Fl belnstuv
                .Op Ar
                .Sh DESCRIPTION
                The
                .Nm
                utility reads files sequentially, writing them to the standard output.
                .Bl -tag -width Ds
                .It Fl b
                Number the non-blank output lines, see
                .Xr nl 1 .
                .El
                """;
        DocPage page = RoffText.read(mdoc, "cat(1)");
        assertEquals("concatenate and print files", page.summary());
        assertEquals("DESCRIPTION", page.sections().get(page.summarySection()).heading());
        assertEquals(List.of("The cat utility reads files sequentially, writing them to the standard output.",
                "-b Number the non-blank output lines, see nl(1)."), page.sections().get(1).paragraphs());
        assertEquals(List.of("cat [-belnstuv] []"), page.sections().get(0).paragraphs());
    }

    @Test
    void anAliasPageReadsAsNull() {
        assertNull(RoffText.read(".so man3/printf.3\n", "fprintf(3)"));
    }

    @Test
    void withoutADescriptionSectionTheSummaryPointsAfterTheSynopsis() {
        DocPage page = RoffText.read(".SH NAME\nfoo \\- does foo\n.SH SYNOPSIS\nfoo\n.SH OPTIONS\nNone at all.\n",
                "foo(1)");
        assertEquals("OPTIONS", page.sections().get(page.summarySection()).heading());
        DocPage noDash = RoffText.read(".SH NAME\nfoo\n.SH DESCRIPTION\nText.\n", "foo(1)");
        assertNull(noDash.summary());
        assertEquals(-1, noDash.summarySection());
    }

    @Test
    void escapesBecomeTextOrNothing() {
        assertEquals("a-b \u2014 c\\d \"e\" f", RoffText.inline("\\fBa\\-b\\fP \\(em c\\ed \\(dqe\\(dq \\s-1f\\s0"));
        assertEquals("x", RoffText.inline("\\h'3m'x\\v'-1'\\kx\\c"));
        assertEquals("x", RoffText.inline("x\\\" trailing comment"));
        assertEquals("\\", RoffText.inline("\\"), "a lone backslash at the end stays");
        assertEquals(List.of("a b", "c", "d\"e"), RoffText.args("\"a b\" c \"d\"\"e\""));
    }
}
