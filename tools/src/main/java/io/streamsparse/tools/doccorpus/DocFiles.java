package io.streamsparse.tools.doccorpus;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which files of a package's tree are documentation and in which format. Paths are relative to the package root
 * without a leading {@code ./} or {@code /}, e.g. {@code usr/share/man/man1/ls.1.gz}.
 *
 * <p>Taken: manual pages under {@code usr/share/man/manN/} (English only: localized trees such as
 * {@code usr/share/man/de/} are skipped), info files under {@code usr/share/info/}, HTML under {@code usr/share/},
 * and README, {@code .txt}, Markdown and reST files under {@code usr/share/doc/}; each may be gzipped. Skipped:
 * change logs, licences, generated indexes (javadoc's index files, trees and uses, Sphinx's genindex and sources,
 * Doxygen's member and source listings, rustdoc's and haddock's source pages, text databases under an {@code
 * html/} folder such as Hoogle's), and translations.
 */
final class DocFiles {

    /** A documentation file's format. */
    enum Kind {
        MAN, INFO, HTML, TEXT;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern MAN = Pattern.compile("usr/share/man/man[0-9n][^/]*/[^/]+");
    private static final Pattern INFO = Pattern.compile("usr/share/info/[^/]+\\.info(-[0-9]+)?(\\.gz)?");
    private static final Pattern HTML = Pattern.compile("usr/share/.+\\.(html?|xhtml)(\\.gz)?");
    private static final Pattern TEXT = Pattern.compile("usr/share/doc/.+/([^/]*README[^/]*|[^/]+\\.(txt|md|rst))"
            + "(\\.gz)?");
    /** Generated listings and indexes: they repeat text found elsewhere or hold code, not documentation. */
    private static final Pattern SKIPPED = Pattern.compile(
            ".*/(_sources|_static|_images|_modules|_downloads|src|source|Documentation|translations|index-files"
            + "|legal|examples?|class-use)/.*"
            + "|.*/html/.*\\.txt(\\.gz)?"
            + "|.*/(changelog|ChangeLog|NEWS|copyright|COPYING|LICEN[CS]E|AUTHORS|THANKS|TODO|CREDITS)[^/]*"
            + "|.*/(genindex|py-modindex|search|searchindex|allclasses[^/]*|allpackages[^/]*|index-all"
            + "|overview-tree|package-tree|deprecated-list|constant-values|serialized-form|help-doc"
            + "|all|doc-index[^/]*|globals_[^/]*|functions_[^/]*|namespacemembers[^/]*|files|annotated|hierarchy"
            + "|classes|modules|pages|inherits|[^/]*-members|[^/]*_source|[^/]*-tree|[^/]*_8[a-z]+"
            + "|[^/]*-summary|package-use)\\.html?(\\.gz)?");
    /** Path segments naming a translation. */
    private static final Set<String> LOCALES = Set.of("de", "fr", "es", "it", "ja", "ko", "ru", "zh", "zh_CN",
            "zh_TW", "pt", "pt_BR", "pl", "nl", "sv", "cs", "hu", "fi", "da", "nb", "tr", "uk", "ca", "el", "ro",
            "sk", "sl", "sr", "vi", "zh-cn", "zh-tw", "pt-br", "ja_JP", "ko_KR");

    private DocFiles() {
    }

    /** The format of the file at {@code path}, or {@code null} if it is not taken. */
    static Kind kind(String path) {
        if (SKIPPED.matcher(path).matches() || hasLocaleSegment(path)) {
            return null;
        }
        if (MAN.matcher(path).matches()) {
            return Kind.MAN;
        }
        if (INFO.matcher(path).matches()) {
            return Kind.INFO;
        }
        if (HTML.matcher(path).matches()) {
            return Kind.HTML;
        }
        if (TEXT.matcher(path).matches()) {
            return Kind.TEXT;
        }
        return null;
    }

    /** A page title from the file name: {@code ls.1.gz} to {@code ls(1)}, {@code os.html} to {@code os}. */
    static String fallbackTitle(String path, Kind kind) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (kind == Kind.MAN) {
            int dot = name.lastIndexOf('.');
            return dot > 0 ? name.substring(0, dot) + "(" + name.substring(dot + 1) + ")" : name;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && kind != Kind.TEXT ? name.substring(0, dot) : name;
    }

    private static boolean hasLocaleSegment(String path) {
        int start = 0;
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', start)) {
            if (LOCALES.contains(path.substring(start, slash))) {
                return true;
            }
            start = slash + 1;
        }
        return false;
    }
}
