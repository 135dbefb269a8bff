package io.github.scratchnet.trainer;

import io.github.scratchnet.core.Shapes;
import io.github.scratchnet.core.io.FileFormatException;
import io.github.scratchnet.core.io.ParamFiles;
import io.github.scratchnet.core.io.Streams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian magic
 * {@code 0x0000 TT DD} (TT = 0x08 for unsigned bytes, DD = number of dimensions), DD big-endian
 * 32-bit sizes, then the elements. Files may be raw or gzip-compressed (detected by content).
 */
public final class Idx {
    /** The unsigned-byte elements and their dimensions. */
    public record Data(int[] dims, byte[] values) {
        public long count() {
            return dims[0];
        }
    }

    /** The most an IDX file may hold, decompressed: 1 GiB (MNIST's training images are 47 MB). */
    static final long MAX_BYTES = 1L << 30;

    private Idx() {
    }

    /** Reads an unsigned-byte IDX file with {@code expectedDims} dimensions (3 for images, 1 for labels). */
    public static Data read(Path file, int expectedDims) throws IOException {
        ParamFiles.requireReadable(file);
        return parse(Files.readAllBytes(file), file.toString(), expectedDims);
    }

    public static Data parse(byte[] raw, String file, int expectedDims) throws FileFormatException {
        byte[] b = raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b ? gunzip(raw, file) : raw;
        if (b.length < 4) {
            throw new FileFormatException(file, "truncated IDX file: " + b.length + " bytes, not even a magic number");
        }
        int magic = readInt(b, 0);
        if (b[0] != 0 || b[1] != 0) {
            throw new FileFormatException(file, String.format(
                    "not an IDX file: magic 0x%08x, expected 0x%08x (unsigned-byte data in %d dimensions)",
                    magic, 0x800 | expectedDims, expectedDims));
        }
        if ((b[2] & 0xff) != 0x08) {
            throw new FileFormatException(file, String.format(
                    "unsupported IDX element type 0x%02x (magic 0x%08x): only unsigned bytes (0x08) are supported",
                    b[2] & 0xff, magic));
        }
        int dimCount = b[3] & 0xff;
        if (dimCount != expectedDims) {
            throw new FileFormatException(file, String.format("IDX magic 0x%08x means %d dimensions, expected %d (%s)",
                    magic, dimCount, expectedDims, expectedDims == 1 ? "labels" : "images"));
        }
        if (b.length < 4 + 4 * dimCount) {
            throw new FileFormatException(file, "truncated IDX header");
        }
        int[] dims = new int[dimCount];
        long count = 1;
        for (int i = 0; i < dimCount; i++) {
            dims[i] = readInt(b, 4 + 4 * i);
            if (dims[i] < 0) {
                throw new FileFormatException(file, "corrupt IDX header: dimension " + i + " is " + dims[i]);
            }
            count *= dims[i];
        }
        long have = b.length - 4L - 4L * dimCount;
        if (have != count) {
            long[] shape = new long[dimCount];
            for (int i = 0; i < dimCount; i++) {
                shape[i] = dims[i];
            }
            throw new FileFormatException(file, "the header promises " + count + " bytes of data " + Shapes.str(shape)
                    + ", the file has " + have + (have < count ? " (truncated?)" : " (trailing bytes)"));
        }
        byte[] values = new byte[(int) count];
        System.arraycopy(b, 4 + 4 * dimCount, values, 0, values.length);
        return new Data(dims, values);
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** The bytes of a gzip stream, decompressed; {@code file} names it in errors. */
    static byte[] gunzip(byte[] raw, String file) throws FileFormatException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return Streams.readAtMost(in, MAX_BYTES, file, "the decompressed data");
        } catch (ZipException | java.io.EOFException e) {
            throw new FileFormatException(file, "corrupt gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FileFormatException(file, "cannot decompress: " + e.getMessage(), e);
        }
    }
}
