package io.github.scratchnet.core.io;

import java.io.IOException;

/**
 * A file that exists but does not hold what it should: wrong magic, truncated, corrupt, or content
 * scratchnet refuses to load. The message names the file, what was expected and what was found.
 */
public class FileFormatException extends IOException {
    public FileFormatException(String file, String problem) {
        super(file + ": " + problem);
    }

    public FileFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
