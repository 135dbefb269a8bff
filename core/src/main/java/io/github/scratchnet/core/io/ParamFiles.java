package io.github.scratchnet.core.io;

import io.github.scratchnet.core.Backend;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads and writes parameter files by their extension: {@code .npz} or the book's {@code .pkl}. */
public final class ParamFiles {
    static {
        Backend.configure();   // before anything here can load ND4J (see Backend)
    }
    private ParamFiles() {
    }

    public static Map<String, INDArray> read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * The arrays of a params file, where {@code expected} (when not null) names the keys and shapes
     * the reader's network holds: a .npz entry of another key or shape is refused from its header,
     * before it is inflated (a .pkl is not compressed: its arrays are bounded by the file's size).
     */
    public static Map<String, INDArray> read(Path file, Map<String, long[]> expected) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pkl") || name.endsWith(".pickle")) {
            return Pickles.readArrays(file);
        }
        if (name.endsWith(".npz")) {
            return Npz.read(file, expected);
        }
        throw new FileFormatException(file.toString(), "unknown params file type: expected a name ending in .npz or .pkl");
    }

    public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pkl")) {
            Pickles.writeArrays(file, arrays);
        } else if (name.endsWith(".npz")) {
            Npz.write(file, arrays);
        } else {
            throw new IllegalArgumentException(file + ": unknown params file type: expected a name ending in .npz or .pkl");
        }
    }

    /** A clear error for a path that is missing or is not a readable file. */
    public static void requireReadable(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new FileNotFoundException(file + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new FileNotFoundException(file + ": not a readable file");
        }
    }
}
