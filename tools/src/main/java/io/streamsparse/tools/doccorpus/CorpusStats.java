package io.streamsparse.tools.doccorpus;

import io.streamsparse.tools.doccorpus.DocCorpusBuilder.Corpus;
import io.streamsparse.tools.doccorpus.DocCorpusBuilder.PackageDocs;
import io.streamsparse.tools.doccorpus.DocCorpusBuilder.Passage;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The statistics block {@code stats.txt} holds and the builder prints. */
final class CorpusStats {

    private CorpusStats() {
    }

    static String of(Corpus corpus, List<PackageDocs> packages) {
        StringBuilder out = new StringBuilder();
        int files = 0;
        int pages = 0;
        int failed = 0;
        for (PackageDocs p : packages) {
            files += p.files();
            pages += p.pages();
            failed += p.failedFiles();
        }
        List<Passage> passages = corpus.passages();
        int[] words = new int[passages.size()];
        int[] tokens = new int[passages.size()];
        Map<DocFiles.Kind, Integer> byKind = new EnumMap<>(DocFiles.Kind.class);
        Map<String, Integer> byPackage = new TreeMap<>();
        long totalWords = 0;
        for (int i = 0; i < words.length; i++) {
            Passage p = passages.get(i);
            words[i] = TextUtil.words(p.text());
            tokens[i] = p.tokens();
            totalWords += words[i];
            byKind.merge(p.kind(), 1, Integer::sum);
            byPackage.merge(p.packageName(), 1, Integer::sum);
        }
        out.append(String.format(Locale.ROOT,
                "packages=%d files=%d pages=%d failed_files=%d passages=%d duplicates_dropped=%d queries=%d%n",
                packages.size(), files, pages, failed, passages.size(), corpus.duplicatesDropped(),
                corpus.queries().size()));
        out.append(String.format(Locale.ROOT, "words total=%d mean=%.1f %s%n", totalWords,
                words.length == 0 ? 0.0 : (double) totalWords / words.length, percentiles(words)));
        out.append("tokens ").append(percentiles(tokens)).append('\n');
        out.append("passages_by_kind ").append(byKind).append('\n');
        out.append("passages_by_package");
        byPackage.forEach((name, n) -> out.append(' ').append(name).append('=').append(n));
        out.append('\n');
        return out.toString();
    }

    private static String percentiles(int[] values) {
        if (values.length == 0) {
            return "p50=0 p90=0 p99=0 max=0";
        }
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "p50=%d p90=%d p99=%d max=%d", at(sorted, 0.5), at(sorted, 0.9),
                at(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static int at(int[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }
}
