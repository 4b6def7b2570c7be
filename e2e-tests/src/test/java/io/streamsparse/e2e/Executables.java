package io.streamsparse.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Programs from Debian packages that some tests drive (prometheus, chromium); {@code .ci/run} installs them. */
final class Executables {

    private Executables() {
    }

    /** The first of {@code names} that is an executable on the PATH, or null. */
    static Path onPath(String... names) {
        for (String name : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /**
     * The first of {@code names} on the PATH. Where none is, the calling test is skipped with {@code why}, except under
     * {@code CI=true}, where it fails: CI installs the package, so a missing program there is a broken CI setup.
     */
    static Path required(String why, String... names) {
        Path found = onPath(names);
        if (found == null && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but none of " + String.join(", ", names) + " is on the PATH: "
                    + why);
        }
        Assumptions.assumeTrue(found != null, why);
        return found;
    }
}
