package io.streamsparse.tools.doccorpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a manual page's roff source (the man and the mdoc macro packages) into a {@link DocPage} without running
 * groff: a reader for text, not a typesetter.
 *
 * <p>What it keeps: section headings ({@code .SH/.SS}, {@code .Sh/.Ss}), running text with font changes dropped,
 * paragraph breaks at paragraph, list-item, display and table macros, the NAME line's description (after the
 * dash, or mdoc's {@code .Nd}) as the page's summary for the DESCRIPTION section; the NAME section itself is not
 * one of the page's sections. What it drops: comments, macro
 * and string definitions, conditionals ({@code .if/.ie/.el}, with their {@code \{ ... \}} blocks), layout requests,
 * table format lines, unknown macros. A page that is only {@code .so other} (an alias) reads as {@code null}.
 * Escapes: the common glyphs ({@code \(em}, {@code \[u2014]}, {@code \*(lq}) become their characters, the rest
 * (sizes, motions, registers, zero-width marks) nothing.
 */
final class RoffText {

    private static final Set<String> PARAGRAPH_MACROS = Set.of("PP", "P", "LP", "TP", "TQ", "IP", "HP", "sp",
            "RS", "RE", "EX", "EE", "nf", "fi", "TS", "TE", "Pp", "Lp", "Bl", "El", "It", "Bd", "Ed", "D1", "Dl",
            "SY", "YS", "in", "Rs", "Re", "bp");
    private static final Set<String> FONT_JOINED = Set.of("BR", "RB", "IR", "RI", "BI", "IB");
    private static final Set<String> FONT_SPACED = Set.of("B", "I", "SM", "SB", "R", "CW", "Ic", "Em", "Sy",
            "Li");
    /** mdoc macros that may be called inside a line; they render their arguments (some with decoration). */
    private static final Set<String> MDOC_CALLABLE = Set.of("Ad", "An", "Ar", "Cd", "Cm", "Dv", "Er", "Ev", "Fa",
            "Fl", "Fn", "Ft", "Ic", "Li", "Nm", "Pa", "Sy", "Em", "Va", "Vt", "Xr", "Ms", "Mt", "Lk", "Op", "Oo",
            "Oc", "Pq", "Po", "Pc", "Bq", "Bo", "Bc", "Brq", "Bro", "Brc", "Dq", "Do", "Dc", "Sq", "So", "Sc", "Qq",
            "Qo", "Qc", "Ql", "Ns", "No", "Ap", "Aq", "Ao", "Ac", "Ux", "Bx", "Fx", "Nx", "Ox", "Bsx", "At", "St",
            "Tn", "Ot", "Fo", "Fc", "In", "Sx", "Xo", "Xc", "Pf", "Ta", "Dx", "Lb", "Fd");
    private static final Map<String, String> GLYPHS = Map.ofEntries(
            Map.entry("em", "\u2014"), Map.entry("en", "\u2013"), Map.entry("hy", "-"), Map.entry("mi", "-"),
            Map.entry("bu", "\u2022"), Map.entry("aq", "'"), Map.entry("dq", "\""), Map.entry("lq", "\u201c"),
            Map.entry("rq", "\u201d"), Map.entry("oq", "\u2018"), Map.entry("cq", "\u2019"),
            Map.entry("co", "\u00a9"), Map.entry("rg", "\u00ae"), Map.entry("tm", "\u2122"),
            Map.entry("mu", "\u00d7"), Map.entry("de", "\u00b0"), Map.entry("+-", "\u00b1"),
            Map.entry("<=", "\u2264"), Map.entry(">=", "\u2265"), Map.entry("!=", "\u2260"), Map.entry("ga", "`"),
            Map.entry("ti", "~"), Map.entry("ha", "^"), Map.entry("rs", "\\"), Map.entry("sl", "/"),
            Map.entry("ba", "|"), Map.entry("lB", "["), Map.entry("rB", "]"), Map.entry("lC", "{"),
            Map.entry("rC", "}"), Map.entry("Fo", "\u00ab"), Map.entry("Fc", "\u00bb"), Map.entry("pl", "+"),
            Map.entry("eq", "="), Map.entry("ra", "\u2192"), Map.entry("->", "\u2192"), Map.entry("<-", "\u2190"),
            Map.entry("la", "\u27e8"), Map.entry("fm", "\u2032"), Map.entry("sc", "\u00a7"),
            Map.entry("ua", "\u2191"), Map.entry("da", "\u2193"), Map.entry("at", "@"), Map.entry("sh", "#"),
            Map.entry("Do", "$"), Map.entry("tq", "\""), Map.entry("R", "\u00ae"), Map.entry("Tm", "\u2122"),
            Map.entry("ss", "\u00df"), Map.entry("'e", "\u00e9"), Map.entry(":u", "\u00fc"),
            Map.entry(":o", "\u00f6"), Map.entry(":a", "\u00e4"), Map.entry("char46", "."),
            Map.entry("char45", "-"), Map.entry("char92", "\\"));

    private final PageBuilder page = new PageBuilder();
    private String title = "";
    private String mdocName = "";
    private String summary;

    private RoffText() {
    }

    /** The page in {@code source}, or {@code null} if it only sources another page ({@code .so}). */
    static DocPage read(String source, String fallbackTitle) {
        RoffText reader = new RoffText();
        reader.title = fallbackTitle;
        return reader.parse(source);
    }

    private DocPage parse(String source) {
        String[] lines = source.replace("\r", "").split("\n", -1);
        boolean sawText = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            while (line.endsWith("\\") && !line.endsWith("\\\\") && i + 1 < lines.length) {
                line = line.substring(0, line.length() - 1) + lines[++i];
            }
            if (line.startsWith(".") || line.startsWith("'")) {
                String body = line.substring(1).stripLeading();
                if (body.startsWith("\\\"") || body.startsWith("\\#") || body.isEmpty()) {
                    continue;
                }
                String name = firstWord(body);
                String rest = body.substring(name.length()).strip();
                switch (name) {
                    case "so" -> {
                        if (!sawText) {
                            return null;
                        }
                    }
                    case "ig", "de", "de1", "am", "am1", "dei", "ami" -> {
                        String end = name.equals("ig") && !rest.isEmpty() ? "." + firstWord(rest) : "..";
                        while (i + 1 < lines.length && !lines[i + 1].strip().startsWith(end)) {
                            i++;
                        }
                        i++;
                    }
                    case "if", "ie", "el", "while" -> {
                        if (line.contains("\\{")) {
                            int depth = count(line, "\\{") - count(line, "\\}");
                            while (depth > 0 && i + 1 < lines.length) {
                                i++;
                                depth += count(lines[i], "\\{") - count(lines[i], "\\}");
                            }
                        }
                    }
                    case "TS" -> {
                        // table options and format lines end at the first line ending in '.'
                        page.breakParagraph();
                        while (i + 1 < lines.length && !lines[i + 1].strip().endsWith(".")) {
                            i++;
                        }
                        i++;
                    }
                    default -> sawText |= macro(name, rest, lines, i);
                }
                continue;
            }
            sawText = true;
            if (line.isBlank()) {
                page.breakParagraph();
                continue;
            }
            text(inline(line.replace("T{", "").replace("T}", "")));
        }
        List<DocPage.Section> sections = new ArrayList<>();
        for (DocPage.Section section : page.finish()) {
            if (!section.heading().equalsIgnoreCase("NAME")) {
                sections.add(section);
            } else if (summary == null) {
                // the page's identity: its description becomes the summary (a query), not a passage
                summary = nameDescription(String.join(" ", section.paragraphs()));
            }
        }
        int described = summary == null ? -1 : describedSection(sections);
        if (described < 0) {
            summary = null;
        }
        return new DocPage(title, sections, summary, described);
    }

    /** Applies a control line; true if it produced text. */
    private boolean macro(String name, String rest, String[] lines, int i) {
        switch (name) {
            case "TH", "Dt" -> {
                List<String> args = args(rest);
                if (title.isEmpty() && !args.isEmpty()) {
                    String page = inline(args.get(0));
                    title = args.size() > 1 ? page + "(" + inline(args.get(1)) + ")" : page;
                    if (name.equals("Dt")) {
                        title = title.toLowerCase(Locale.ROOT);
                    }
                }
                return false;
            }
            case "SH", "SS", "Sh", "Ss" -> {
                String h = TextUtil.normalize(rest.isEmpty() && i + 1 < lines.length ? "" : joinArgs(rest, true));
                page.startSection(h);
                pendingHeading = h.isEmpty();
                return true;
            }
            case "Nm" -> {
                String value = mdocLine(rest);
                if (mdocName.isEmpty() && !value.isEmpty()) {
                    mdocName = firstWord(value);
                }
                text(value.isEmpty() ? mdocName : value);
                return true;
            }
            case "Nd" -> {
                summary = TextUtil.normalize(mdocLine(rest));
                text("\u2014 " + summary);
                return true;
            }
            case "Dd", "Os", "PD", "UC", "ft", "ps", "vs", "ll", "ne", "hy", "nh", "ad", "na", "ta", "tr", "nr",
                    "ds", "ds1", "as", "ti", "cs", "lf", "ss", "mso", "do", "pc", "ev", "rm", "rn", "ch", "wh",
                    "fam", "cu", "ul", "ce", "rj", "fl", "Bf", "Ef", "Ek", "Bk", "UR", "UE", "MT", "ME", "hw",
                    "pl", "po", "ns", "rs", "ec", "eo", "cc", "c2", "mk", "rt", "lg" -> {
                return false;
            }
            case "br" -> {
                text("");
                return false;
            }
            default -> {
            }
        }
        if (PARAGRAPH_MACROS.contains(name)) {
            page.breakParagraph();
            if (name.equals("IP")) {
                List<String> args = args(rest);
                if (!args.isEmpty()) {
                    text(inline(args.get(0)));
                }
            } else if (name.equals("It") || name.equals("D1") || name.equals("Dl") || name.equals("SY")) {
                text(mdocLine(rest));
            }
            return true;
        }
        if (FONT_JOINED.contains(name)) {
            text(joinArgs(rest, false));
            return true;
        }
        if (FONT_SPACED.contains(name)) {
            text(joinArgs(rest, true));
            return true;
        }
        if (name.equals("OP")) {
            text("[" + joinArgs(rest, true) + "]");
            return true;
        }
        if (MDOC_CALLABLE.contains(name)) {
            text(mdocLine(name + " " + rest));
            return true;
        }
        return false;
    }

    /** Set by a heading macro without arguments: the next text line is the heading. */
    private boolean pendingHeading;

    private void text(String value) {
        if (pendingHeading) {
            pendingHeading = false;
            page.renameSection(TextUtil.normalize(value));
            return;
        }
        if (value.isEmpty()) {
            return;
        }
        page.appendWords(value);
    }

    /** The DESCRIPTION section, or else the first section after NAME and SYNOPSIS; -1 if none. */
    private static int describedSection(List<DocPage.Section> sections) {
        for (int s = 0; s < sections.size(); s++) {
            if (sections.get(s).heading().equalsIgnoreCase("DESCRIPTION")) {
                return s;
            }
        }
        for (int s = 0; s < sections.size(); s++) {
            String h = sections.get(s).heading().toUpperCase(Locale.ROOT);
            if (!h.startsWith("SYNOPSIS")) {
                return s;
            }
        }
        return -1;
    }

    /** "ls - list directory contents" to "list directory contents"; null without a dash. */
    static String nameDescription(String name) {
        for (String dash : new String[] {" - ", " \u2014 ", " \u2013 ", " -- "}) {
            int at = name.indexOf(dash);
            if (at > 0) {
                String d = name.substring(at + dash.length()).strip();
                return d.isEmpty() ? null : d;
            }
        }
        return null;
    }

    /** An mdoc line: callable macro names dropped or rendered ({@code Fl x} to {@code -x}, {@code Xr a 1} to a(1)). */
    private String mdocLine(String rest) {
        List<String> args = args(rest);
        StringBuilder out = new StringBuilder();
        boolean noSpace = false;
        String close = "";
        for (int a = 0; a < args.size(); a++) {
            String arg = args.get(a);
            String word;
            if (MDOC_CALLABLE.contains(arg)) {
                switch (arg) {
                    case "Fl" -> {
                        String next = a + 1 < args.size() && !MDOC_CALLABLE.contains(args.get(a + 1))
                                ? inline(args.get(++a)) : "";
                        word = "-" + next;
                    }
                    case "Xr" -> {
                        String page = a + 1 < args.size() ? inline(args.get(++a)) : "";
                        String sec = a + 1 < args.size() && args.get(a + 1).matches("[0-9][a-z]*")
                                ? "(" + args.get(++a) + ")" : "";
                        word = page + sec;
                    }
                    case "Nm" -> {
                        if (a + 1 < args.size() && !MDOC_CALLABLE.contains(args.get(a + 1))) {
                            continue;
                        }
                        word = mdocName;
                    }
                    case "Ns", "Pf" -> {
                        noSpace = true;
                        continue;
                    }
                    case "Op", "Oo" -> {
                        word = "[";
                        if (arg.equals("Op")) {
                            close = "]" + close;
                        }
                        appendWord(out, word, noSpace);
                        noSpace = true;
                        continue;
                    }
                    case "Pq", "Po" -> {
                        if (arg.equals("Pq")) {
                            close = ")" + close;
                        }
                        appendWord(out, "(", noSpace);
                        noSpace = true;
                        continue;
                    }
                    case "Dq", "Do", "Qq", "Qo", "Sq", "So", "Ql" -> {
                        if (arg.length() == 2 && arg.charAt(1) == 'q' || arg.equals("Ql")) {
                            close = "\u201d" + close;
                        }
                        appendWord(out, "\u201c", noSpace);
                        noSpace = true;
                        continue;
                    }
                    case "Oc", "Pc", "Dc", "Qc", "Sc", "Bc", "Ac", "Brc" -> {
                        out.append(arg.equals("Oc") ? "]" : arg.equals("Pc") ? ")" : "\u201d");
                        continue;
                    }
                    default -> {
                        continue;
                    }
                }
            } else {
                word = inline(arg);
            }
            boolean punctuation = word.length() == 1 && ".,:;)]?!".indexOf(word.charAt(0)) >= 0;
            appendWord(out, word, noSpace || punctuation);
            noSpace = false;
        }
        out.append(close);
        return out.toString().strip();
    }

    private static void appendWord(StringBuilder out, String word, boolean noSpace) {
        if (out.length() > 0 && !noSpace) {
            out.append(' ');
        }
        out.append(word);
    }

    private String joinArgs(String rest, boolean spaced) {
        StringBuilder out = new StringBuilder();
        for (String arg : args(rest)) {
            if (spaced && out.length() > 0) {
                out.append(' ');
            }
            out.append(inline(arg));
        }
        return out.toString();
    }

    /** Macro arguments: space-separated, double quotes group, {@code ""} inside quotes is one quote. */
    static List<String> args(String rest) {
        List<String> args = new ArrayList<>();
        int i = 0;
        int n = rest.length();
        while (i < n) {
            char c = rest.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            StringBuilder arg = new StringBuilder();
            if (c == '"') {
                i++;
                while (i < n) {
                    char d = rest.charAt(i);
                    if (d == '"') {
                        if (i + 1 < n && rest.charAt(i + 1) == '"') {
                            arg.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    arg.append(d);
                    i++;
                }
            } else {
                while (i < n && rest.charAt(i) != ' ' && rest.charAt(i) != '\t') {
                    if (rest.charAt(i) == '\\' && i + 1 < n) {
                        arg.append(rest.charAt(i++));
                    }
                    arg.append(rest.charAt(i++));
                }
            }
            if (arg.toString().startsWith("\\\"")) {
                break;
            }
            args.add(arg.toString());
        }
        return args;
    }

    /** Resolves escapes in running text. */
    static String inline(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i++);
            if (c != '\\' || i >= n) {
                out.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'f', 'F', 'n', 'g', 'k', 'z', 'm', 'M', 'V', 'Y', '$' -> i = skipName(s, i, e == 'z');
                case 's' -> {
                    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                        i++;
                    }
                    if (i < n && (s.charAt(i) == '(' || s.charAt(i) == '[' || s.charAt(i) == '\'')) {
                        i = skipName(s, i, false);
                    } else {
                        while (i < n && Character.isDigit(s.charAt(i))) {
                            i++;
                        }
                    }
                }
                case '(' -> {
                    if (i + 2 <= n) {
                        out.append(GLYPHS.getOrDefault(s.substring(i, i + 2), ""));
                        i += 2;
                    } else {
                        i = n;
                    }
                }
                case '[' -> {
                    int end = s.indexOf(']', i);
                    end = end < 0 ? n : end;
                    out.append(glyph(s.substring(i, end)));
                    i = Math.min(n, end + 1);
                }
                case '*' -> {
                    int start = i;
                    i = skipName(s, i, false);
                    String name = s.substring(start, i).replaceAll("^[(\\[]|]$", "");
                    out.append(GLYPHS.getOrDefault(name, ""));
                }
                case 'e', '\\' -> out.append('\\');
                case '-' -> out.append('-');
                case ' ', '0', '~', '_' -> out.append(e == '_' ? '_' : ' ');
                case '\'' -> out.append('\'');
                case '`' -> out.append('`');
                case '.' -> out.append('.');
                case '"', '#' -> i = n;
                case 'w', 'h', 'v', 'o', 'N', 'D', 'l', 'L', 'b', 'x', 'X', 'Z', 'A', 'B', 'C', 'R', 'H', 'S', 'O',
                        'T', 'U' -> {
                    if (i < n) {
                        char delim = s.charAt(i);
                        int end = s.indexOf(delim, i + 1);
                        i = end < 0 ? n : end + 1;
                    }
                }
                default -> {
                    // zero-width or layout only: & | ^ ) % c : / , d u a { } t p r after a backslash
                }
            }
        }
        return out.toString();
    }

    private static String glyph(String name) {
        if (name.length() == 5 && name.charAt(0) == 'u') {
            try {
                return String.valueOf((char) Integer.parseInt(name.substring(1), 16));
            } catch (NumberFormatException e) {
                return "";
            }
        }
        return GLYPHS.getOrDefault(name, "");
    }

    /** Skips an escape's name: one character, {@code (xx} or {@code [name]}. */
    private static int skipName(String s, int i, boolean oneChar) {
        int n = s.length();
        if (i >= n) {
            return n;
        }
        char c = s.charAt(i);
        if (oneChar) {
            return i + 1;
        }
        if (c == '(') {
            return Math.min(n, i + 3);
        }
        if (c == '[') {
            int end = s.indexOf(']', i);
            return end < 0 ? n : end + 1;
        }
        return i + 1;
    }

    private static String firstWord(String s) {
        int end = 0;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        return s.substring(0, end);
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + needle.length())) {
            n++;
        }
        return n;
    }
}
