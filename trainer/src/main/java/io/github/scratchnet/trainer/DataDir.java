package io.github.scratchnet.trainer;

import java.nio.file.Path;

/**
 * Where MNIST lives: an explicit folder (an option), else the environment variable
 * {@code SCRATCHNET_DATA}, else {@code $XDG_CACHE_HOME/scratchnet/mnist} (by default
 * {@code ~/.cache/scratchnet/mnist}).
 */
public final class DataDir {
    public static final String ENV = "SCRATCHNET_DATA";

    private DataDir() {
    }

    public static Path resolve(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("scratchnet").resolve("mnist");
    }
}
