package io.github.scratchnet.core.io;

import io.github.scratchnet.core.Shapes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy's {@code .npy} format (one array: magic, a header dict, the raw elements), read and
 * written here rather than through ND4J, whose reader ignores {@code fortran_order} and trusts the
 * header. Every length is checked against the bytes at hand, so a corrupt file gives a
 * {@link FileFormatException}, never a crash or a huge allocation.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** The largest array a params file, a checkpoint or an .npz may hold: 256 MiB. */
    public static final long MAX_ARRAY_BYTES = 256L << 20;

    /**
     * Reads one {@code .npy} array from a stream (a zip entry) as its header describes it: the
     * header is read first, an array of more than {@code maxBytes} is refused before its data is
     * read, and exactly its bytes are read after that (fewer is a truncated file, more an error).
     */
    public static INDArray read(InputStream in, String file, long maxBytes) throws IOException {
        return read(in, file, maxBytes, null, -1);
    }

    /**
     * As {@link #read(InputStream, String, long)}, and before any data is read: the shape must be
     * {@code expectedShape} (where not null), and header and data together must be
     * {@code declaredBytes} (where not negative: the size a zip entry declares).
     */
    public static INDArray read(InputStream in, String file, long maxBytes, long[] expectedShape, long declaredBytes)
            throws IOException {
        byte[] start = in.readNBytes(12);
        int headerStart = start.length >= 7 && start[6] == 1 ? 10 : 12;
        long rest = Math.max(0, Math.min(1 << 16, headerLength(start, file) + headerStart - start.length));
        byte[] headerAndMore = in.readNBytes((int) rest);
        byte[] head = new byte[start.length + headerAndMore.length];
        System.arraycopy(start, 0, head, 0, start.length);
        System.arraycopy(headerAndMore, 0, head, start.length, headerAndMore.length);
        Header h = header(head, file);
        if (expectedShape != null && !java.util.Arrays.equals(expectedShape, h.shape)) {
            throw new FileFormatException(file, "holds an array of shape " + Shapes.str(h.shape) + ", the network expects "
                    + Shapes.str(expectedShape));
        }
        long bytes = count(h.shape, file) * itemSize(h.descr, file);
        if (bytes > maxBytes) {
            throw new FileFormatException(file, "holds an array of shape " + Shapes.str(h.shape) + " (" + bytes
                    + " bytes), more than the " + maxBytes + " bytes an array here may have");
        }
        if (declaredBytes >= 0 && declaredBytes != h.dataStart + bytes) {
            throw new FileFormatException(file, "the zip says this entry is " + declaredBytes + " bytes, its .npy header says "
                    + (h.dataStart + bytes) + " (an array of shape " + Shapes.str(h.shape) + ")");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length == bytes && in.read() != -1) {
            throw new FileFormatException(file, "has more bytes after its array of shape " + Shapes.str(h.shape));
        }
        return fromRaw(h.descr, h.fortran, h.shape, data, 0, data.length, file);
    }

    /** Reads one array from the bytes of a {@code .npy} file; {@code file} names it in errors. */
    public static INDArray read(byte[] b, String file) throws FileFormatException {
        Header h = header(b, file);
        return fromRaw(h.descr, h.fortran, h.shape, b, h.dataStart, b.length - h.dataStart, file);
    }

    /** A .npy header: the element type, the order, the shape, and where the data starts. */
    private record Header(String descr, boolean fortran, long[] shape, int dataStart) {
    }

    /** The elements of {@code shape}; an error for negative or overflowing sizes. */
    private static long count(long[] shape, String file) throws FileFormatException {
        long count = 1;
        for (long d : shape) {
            if (d < 0 || (d > 0 && count > Long.MAX_VALUE / d)) {
                throw new FileFormatException(file, "invalid array shape " + Shapes.str(shape));
            }
            count *= d;
        }
        return count;
    }

    /** The header's length as its first bytes give it (after the magic and the version). */
    private static long headerLength(byte[] b, String file) throws FileFormatException {
        if (b.length < 10 || !startsWith(b, MAGIC)) {
            throw new FileFormatException(file, "not a .npy array: expected the magic \\x93NUMPY at the start");
        }
        if (b[6] == 1) {
            return (b[8] & 0xff) | (b[9] & 0xff) << 8;
        }
        if (b.length < 12) {
            throw new FileFormatException(file, "truncated .npy header");
        }
        return ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static Header header(byte[] b, String file) throws FileFormatException {
        if (b.length < 10 || !startsWith(b, MAGIC)) {
            throw new FileFormatException(file, "not a .npy array: expected the magic \\x93NUMPY at the start");
        }
        int major = b[6];
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new FileFormatException(file, "truncated .npy header");
            }
            headerLen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            headerStart = 12;
        } else {
            throw new FileFormatException(file, "unsupported .npy format version " + major + " (expected 1, 2 or 3)");
        }
        if (headerLen < 0 || headerStart + (long) headerLen > b.length) {
            throw new FileFormatException(file, "truncated .npy header: it claims " + headerLen
                    + " bytes, the file has " + (b.length - headerStart));
        }
        String header = new String(b, headerStart, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return new Header(field(DESCR, header, "descr", file), field(FORTRAN, header, "fortran_order", file).equals("True"),
                parseShape(field(SHAPE, header, "shape", file), file), headerStart + headerLen);
    }

    /**
     * Builds an array from raw elements of NumPy type {@code descr} (such as {@code <f8}), as both
     * {@code .npy} files and pickled arrays hold them. The byte count must match the shape exactly.
     */
    public static INDArray fromRaw(String descr, boolean fortran, long[] shape, byte[] b, int off, int len, String file)
            throws FileFormatException {
        if (descr.length() < 3) {
            throw new FileFormatException(file, "unsupported array type '" + descr + "'");
        }
        String kind = descr.substring(1);
        ByteOrder bo = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int itemSize = itemSize(descr, file);
        long count = count(shape, file);
        if (count * itemSize != len) {
            throw new FileFormatException(file, "array of shape " + Shapes.str(shape) + " and type " + descr
                    + " needs " + count * itemSize + " bytes of data, found " + len
                    + (len < count * itemSize ? " (truncated?)" : ""));
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len).order(bo);
        int n = (int) count;
        char ord = fortran ? 'f' : 'c';
        INDArray a;
        if (kind.equals("f4")) {
            float[] v = new float[n];
            buf.asFloatBuffer().get(v);
            a = shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, ord);
        } else if (kind.equals("f8")) {
            double[] v = new double[n];
            buf.asDoubleBuffer().get(v);
            a = shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, ord);
        } else {
            // Integers and bools go through double, exact for every value below 2^53.
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (kind) {
                    case "i8", "u8" -> buf.getLong();
                    case "i4" -> buf.getInt();
                    case "u4" -> buf.getInt() & 0xffffffffL;
                    case "i2" -> buf.getShort();
                    case "u2" -> buf.getShort() & 0xffff;
                    case "i1" -> buf.get();
                    default -> buf.get() & 0xff;
                };
            }
            DataType type = switch (kind) {
                case "b1" -> DataType.BOOL;
                case "u1" -> DataType.UBYTE;
                case "i4", "i2", "i1", "u2" -> DataType.INT;
                default -> DataType.LONG;
            };
            a = (shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, ord)).castTo(type);
        }
        return a.ordering() == 'c' ? a : a.dup('c');
    }

    /** Bytes per element of NumPy type {@code descr}, such as 8 for {@code <f8}; an error for types not read here. */
    private static int itemSize(String descr, String file) throws FileFormatException {
        if (descr.length() < 3 || "<|=>".indexOf(descr.charAt(0)) < 0) {
            throw new FileFormatException(file, "unsupported array type '" + descr + "'");
        }
        return switch (descr.substring(1)) {
            case "f8", "i8", "u8" -> 8;
            case "f4", "i4", "u4" -> 4;
            case "i2", "u2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new FileFormatException(file, "unsupported array type '" + descr
                    + "': expected float32/64, integers or bool");
        };
    }

    /** The bytes of a {@code .npy} file (format 1.0, C order, little-endian) holding {@code a}. */
    public static byte[] write(INDArray a) {
        INDArray c = a.dup('c');
        String descr = switch (c.dataType()) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case LONG -> "<i8";
            case INT -> "<i4";
            case UBYTE -> "|u1";
            case BOOL -> "|b1";
            default -> throw new IllegalArgumentException("cannot write " + c.dataType() + " arrays to .npy");
        };
        long[] shape = c.shape();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
                + s + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        int n = (int) c.length();
        int item = switch (descr) {
            case "<f8", "<i8" -> 8;
            case "<f4", "<i4" -> 4;
            default -> 1;
        };
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + n * item).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        switch (descr) {
            case "<f4" -> out.asFloatBuffer().put(c.data().asFloat(), 0, n);
            case "<f8" -> out.asDoubleBuffer().put(c.data().asDouble(), 0, n);
            case "<i8" -> out.asLongBuffer().put(c.data().asLong(), 0, n);
            case "<i4" -> out.asIntBuffer().put(c.data().asInt(), 0, n);
            default -> {
                int[] v = c.castTo(DataType.INT).data().asInt();
                for (int i = 0; i < n; i++) {
                    out.put((byte) v[i]);
                }
            }
        }
        return out.array();
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String field(Pattern p, String header, String name, String file) throws FileFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new FileFormatException(file, "corrupt .npy header: no '" + name + "' in " + header.strip());
        }
        return m.group(1);
    }

    private static long[] parseShape(String s, String file) throws FileFormatException {
        String[] parts = s.split(",");
        long[] shape = new long[parts.length];
        int n = 0;
        for (String p : parts) {
            String t = p.strip();
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.isEmpty()) {
                continue;
            }
            try {
                shape[n++] = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new FileFormatException(file, "corrupt .npy header: shape (" + s + ")");
            }
        }
        return java.util.Arrays.copyOf(shape, n);
    }
}
