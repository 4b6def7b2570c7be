package io.streamsparse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording of a benchmark run and prints where the time and the allocations went: the hottest methods
 * by execution samples (self, and top-of-stack within {@code io.streamsparse}), and the top allocation sites by
 * sampled weight. Optionally restricted to threads whose name starts with a prefix (e.g. {@code main}, {@code qps-},
 * {@code reader}).
 *
 * <p>Run: {@code java -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*' io.streamsparse.bench.JfrSummary
 * bench.jfr [top=25] [threadPrefix]}.
 */
public final class JfrSummary {

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrSummary FILE.jfr [top=25] [threadPrefix]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String threadPrefix = args.length > 2 ? args[2] : null;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> ownCode = new HashMap<>();
        Map<String, Long> allocBytes = new HashMap<>();
        long samples = 0;
        long allocTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            boolean exec = type.equals("jdk.ExecutionSample");
            boolean alloc = type.equals("jdk.ObjectAllocationSample");
            if (!exec && !alloc) {
                continue;
            }
            if (threadPrefix != null) {
                var t = e.getThread(exec ? "sampledThread" : "eventThread");
                if (t == null || t.getJavaName() == null || !t.getJavaName().startsWith(threadPrefix)) {
                    continue;
                }
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            if (exec) {
                samples++;
                self.merge(name(frames.get(0)), 1L, Long::sum);
                for (RecordedFrame f : frames) {
                    if (f.getMethod().getType().getName().startsWith("io.streamsparse.")) {
                        ownCode.merge(name(f), 1L, Long::sum);
                        break;
                    }
                }
            } else {
                long w = e.getLong("weight");
                allocTotal += w;
                String cls = e.getClass("objectClass").getName();
                String site = name(frames.get(0));
                for (RecordedFrame f : frames) {
                    if (f.getMethod().getType().getName().startsWith("io.streamsparse.")) {
                        site = name(f);
                        break;
                    }
                }
                allocBytes.merge(cls + " <- " + site, w, Long::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples%s%n", file, samples,
                threadPrefix == null ? "" : " on threads " + threadPrefix + "*");
        print("hot methods (self)", self, samples, top, "samples");
        print("first io.streamsparse frame on the stack", ownCode, samples, top, "samples");
        print("allocation (sampled weight) by class <- first io.streamsparse frame", allocBytes, allocTotal, top,
                "bytes");
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    private static void print(String title, Map<String, Long> counts, long total, int top, String unit) {
        System.out.printf(Locale.ROOT, "%n%s (total %d %s)%n", title, total, unit);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n",
                        total == 0 ? 0 : 100.0 * en.getValue() / total, en.getKey()));
    }
}
