package io.streamsparse.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the cores went over a measured window, for benchmarks that run broker, producer and service in one JVM:
 * per thread group (native thread name, trailing numbers dropped; Linux truncates names to 15 characters) the CPU time
 * and the time spent runnable but waiting for a core ({@code /proc/self/task/<tid>/schedstat}), and the whole
 * machine's busy and stolen time ({@code /proc/stat}), so that a run starved by other processes shows as such.
 * Linux only: elsewhere the report says so. Threads that ended inside the window are missed.
 */
final class ThreadCpu {

    /** Run and wait nanoseconds per thread (key {@code tid/group}), plus the machine's counters under {@link #MACHINE}. */
    record Sample(Map<String, long[]> threads, long[] machine) {
    }

    private static final String MACHINE = "/proc/stat";

    private ThreadCpu() {
    }

    static Sample sample() {
        Map<String, long[]> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+$", "#");
                    String[] stat = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    threads.put(task.getFileName() + "/" + name,
                            new long[] {Long.parseLong(stat[0]), Long.parseLong(stat[1])});
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile, or no schedstat: leave it out
                }
            });
            // cpu  user nice system idle iowait irq softirq steal ... (USER_HZ ticks)
            String[] cpu = Files.readAllLines(Path.of(MACHINE)).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                busy += Long.parseLong(cpu[i]);
            }
            return new Sample(threads, new long[] {busy, Long.parseLong(cpu[8])});
        } catch (IOException | RuntimeException e) {
            return new Sample(threads, null);
        }
    }

    /** Cores busy and cores waited for per thread group between two samples, largest first, groups above 1 %. */
    static String report(Sample before, Sample after, long wallNanos) {
        if (after.machine() == null || before.machine() == null) {
            return "  (no /proc: per-thread CPU not measured)\n";
        }
        Map<String, long[]> byGroup = new HashMap<>();
        long run = 0;
        long wait = 0;
        for (Map.Entry<String, long[]> e : after.threads().entrySet()) {
            long[] was = before.threads().getOrDefault(e.getKey(), new long[2]);
            long[] used = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            long[] group = byGroup.computeIfAbsent(e.getKey().substring(e.getKey().indexOf('/') + 1), k -> new long[2]);
            group[0] += used[0];
            group[1] += used[1];
            run += used[0];
            wait += used[1];
        }
        double ticks = wallNanos / 1e9 * 100; // USER_HZ is 100 on Linux
        StringBuilder out = new StringBuilder(String.format(
                "  machine: %.2f cores busy (all processes), %.2f stolen by the host%n"
                        + "  %5s  %5s  thread group (cores running, cores runnable but waiting for a core)%n"
                        + "  %5.2f  %5.2f  this JVM%n",
                (after.machine()[0] - before.machine()[0]) / ticks, (after.machine()[1] - before.machine()[1]) / ticks,
                "run", "wait", run / (double) wallNanos, wait / (double) wallNanos));
        byGroup.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .filter(e -> e.getValue()[0] + e.getValue()[1] > wallNanos / 100)
                .forEach(e -> out.append(String.format("  %5.2f  %5.2f  %s%n", e.getValue()[0] / (double) wallNanos,
                        e.getValue()[1] / (double) wallNanos, e.getKey())));
        return out.toString();
    }
}
