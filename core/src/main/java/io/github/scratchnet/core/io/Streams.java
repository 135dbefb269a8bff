package io.github.scratchnet.core.io;

import java.io.IOException;
import java.io.InputStream;

/** Reading a stream (a zip entry, a gzip file) without trusting what it claims to hold. */
public final class Streams {
    private Streams() {
    }

    /**
     * All of {@code in}, which may not exceed {@code limit} bytes: a hostile file that inflates to
     * gigabytes is refused after {@code limit + 1} bytes, not read to its end.
     */
    public static byte[] readAtMost(InputStream in, long limit, String file, String what) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (b.length > limit) {
            throw new FileFormatException(file, what + " holds more than " + limit + " bytes, more than such a file may");
        }
        return b;
    }
}
