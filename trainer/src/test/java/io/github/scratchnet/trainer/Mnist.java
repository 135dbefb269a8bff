package io.github.scratchnet.trainer;

import io.github.scratchnet.core.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real MNIST files for tests: skipped, with a message, where they are not present (failed under CI). */
public final class Mnist {
    private Mnist() {
    }

    public static Path dir() {
        String p = System.getProperty("scratchnet.data");
        return DataDir.resolve(p != null && !p.isBlank() && !p.startsWith("${") ? Path.of(p) : null);
    }

    /** The MNIST folder; the calling test is skipped where the files are not there. */
    public static Path requireDir() {
        Path dir = dir();
        TestData.requireFiles(MnistFiles.missing(dir).isEmpty(),
                "the MNIST files in " + dir + " (set SCRATCHNET_DATA or place the IDX files there)");
        return dir;
    }

    public static Dataset testSet() {
        Path dir = dir();
        TestData.requireFiles(Files.exists(Dataset.find(dir, "t10k-images-idx3-ubyte")),
                "the MNIST test set in " + dir + " (set SCRATCHNET_DATA or place the IDX files there)");
        try {
            return Dataset.readSplit(dir, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
