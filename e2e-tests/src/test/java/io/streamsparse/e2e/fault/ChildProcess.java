package io.streamsparse.e2e.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by a fault test (the broker or a service), with stdout and stderr in one log file.
 *
 * <p>Invariant: every child that may still run is in {@link #LIVE}; a JVM shutdown hook kills whatever is left there,
 * so an aborted or failing test run leaves no broker or service behind (the tests also stop their children in
 * {@code @AfterAll}). {@link #kill()} is the fault under test, SIGKILL ({@link Process#destroyForcibly()}): no
 * shutdown hook, no final snapshot, no transaction commit. {@link #stop(Duration)} is a clean shutdown, SIGTERM
 * ({@link Process#destroy()}), killed anyway when it overruns.
 */
final class ChildProcess {

    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::killAll, "fault-test-child-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code workDir}, output appended to {@code log}. */
    static ChildProcess start(String name, List<String> command, Path workDir, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ChildProcess child = new ChildProcess(name, p, log);
            LIVE.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
        LIVE.remove(this);
    }

    /**
     * SIGSTOP: freezes the process so that a test can look at the state it left on the broker and decide whether to
     * kill it right there ({@link #kill()} works on a stopped process) or let it go on ({@link #resume()}).
     */
    void suspend() {
        signal("STOP");
    }

    /** SIGCONT, after {@link #suspend()}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + name + " to " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGTERM; SIGKILL when it has not exited within {@code grace}. Returns the exit code. */
    int stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The whole log written by this process so far. */
    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    String logTail(int lines) {
        List<String> all = new ArrayList<>(logText().lines().toList());
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Kills every child still running; the shutdown hook and the tests' cleanup call it. */
    static void killAll() {
        for (ChildProcess child : List.copyOf(LIVE)) {
            child.kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (process.isAlive() ? ", running" : ", exited") + ", log " + log + ")";
    }
}
