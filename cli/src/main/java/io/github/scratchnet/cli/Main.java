package io.github.scratchnet.cli;

import io.github.scratchnet.core.Backend;
import picocli.CommandLine;

/** Entry point of the {@code scratchnet} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; the exit code (0 success, 1 runtime error, 2 usage error). */
    public static int run(String... args) {
        Backend.configure();
        System.setProperty("java.awt.headless", "true");
        return Scratchnet.commandLine().execute(args);
    }
}
