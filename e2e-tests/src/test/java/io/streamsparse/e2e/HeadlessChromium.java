package io.streamsparse.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} in headless mode, as a user's browser: loads a page, runs its scripts (including the
 * {@code fetch} calls they make; virtual time does not advance while a request is pending) and returns the DOM as
 * the scripts left it ({@code --dump-dom}). No WebDriver, nothing downloaded: the browser is the system's
 * ({@code .ci/run} installs the package).
 */
final class HeadlessChromium {

    /** Budget of page time for scripts after load; network waits do not count against it. */
    private static final int VIRTUAL_TIME_BUDGET_MS = 10_000;
    private static final long PROCESS_TIMEOUT_SECONDS = 90;

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The installed browser; skips the calling test where none is installed (fails under {@code CI=true}). */
    static HeadlessChromium installed() {
        return new HeadlessChromium(Executables.required("chromium is not installed: the page test needs Debian's"
                + " chromium (apt-get install chromium; .ci/run installs it)", "chromium", "chromium-browser"));
    }

    /** Loads {@code page}, lets its scripts run and returns the resulting DOM as HTML. */
    String dumpDom(URI page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path stdout = profile.resolve("dom.html");
        Path stderr = profile.resolve("stderr.log");
        try {
            // --no-sandbox: chromium refuses to start its sandbox as root, and CI runs as root
            Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
                    "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS, "--dump-dom", page.toString())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("chromium did not exit within " + PROCESS_TIMEOUT_SECONDS + " s");
            }
            String dom = Files.readString(stdout, StandardCharsets.UTF_8);
            if (process.exitValue() != 0 || dom.isEmpty()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(stderr));
            }
            return dom;
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
