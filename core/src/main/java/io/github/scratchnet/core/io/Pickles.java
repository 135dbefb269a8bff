package io.github.scratchnet.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Python pickles of a dict of str -> numpy array, the book's params format
 * ({@code pickle.dump(params, f)} in {@code save_params}).
 *
 * <p>The reader is a small pickle machine of our own (protocols 0-5) that knows exactly the opcodes
 * and the five Python globals such a file needs, and refuses any other global the moment it reads
 * its name: nothing a file names is ever looked up or run. Every length is checked against the
 * bytes that remain. (Pyrolite, the usual Java unpickler, keeps its constructors in one
 * process-wide table and turns unknown globals into generic objects, so it cannot refuse them.)
 *
 * <p>The writer produces protocol 3 with {@code numpy.core.multiarray._reconstruct}, as the
 * book's own file does, which NumPy 1.x and 2.x both load.
 */
public final class Pickles {
    private static final String RECONSTRUCT = "numpy.core.multiarray._reconstruct";
    /** The globals a dict of numpy arrays may name. */
    private static final Set<String> ALLOWED = Set.of(
            RECONSTRUCT, "numpy._core.multiarray._reconstruct",
            "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
            "numpy.ndarray", "numpy.dtype", "_codecs.encode");

    private Pickles() {
    }

    /** The arrays of a pickled dict of numpy arrays, in the dict's order. */
    public static Map<String, INDArray> readArrays(Path file) throws IOException {
        ParamFiles.requireReadable(file);
        return readArrays(Files.readAllBytes(file), file.toString());
    }

    public static Map<String, INDArray> readArrays(byte[] pickle, String file) throws FileFormatException {
        Object top;
        try {
            top = new Machine(pickle, file).run();
        } catch (IndexOutOfBoundsException | ClassCastException | ArithmeticException e) {
            throw new FileFormatException(file, "corrupt pickle (" + e.getClass().getSimpleName() + ")");
        }
        if (!(top instanceof Map<?, ?> dict)) {
            throw new FileFormatException(file, "expected a pickled dict of numpy arrays, found " + describe(top));
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new FileFormatException(file, "expected str keys, found " + describe(e.getKey()));
            }
            if (!(e.getValue() instanceof NdArray a) || a.array == null) {
                throw new FileFormatException(file, "key '" + key + "': expected a numpy array, found "
                        + describe(e.getValue()));
            }
            arrays.put(key, a.array);
        }
        return arrays;
    }

    /** Writes {@code arrays} as a pickled dict that the book's {@code load_params} reads; atomically. */
    public static void writeArrays(Path file, Map<String, INDArray> arrays) throws IOException {
        AtomicFiles.write(file, out -> out.write(toBytes(arrays)));
    }

    static byte[] toBytes(Map<String, INDArray> arrays) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(3);
        o.write('}');
        o.write('(');
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            unicode(o, e.getKey());
            byte[] npy = Npy.write(e.getValue());
            int headerEnd = 10 + ((npy[8] & 0xff) | (npy[9] & 0xff) << 8);
            String header = new String(npy, 10, headerEnd - 10, StandardCharsets.ISO_8859_1);
            String descr = header.substring(header.indexOf("'descr': '") + 10);
            descr = descr.substring(0, descr.indexOf('\''));
            // _reconstruct(ndarray, (0,), b'b') then BUILD (1, shape, dtype(descr), False, data)
            global(o, RECONSTRUCT);
            global(o, "numpy.ndarray");
            o.write('K');
            o.write(0);
            o.write(0x85);
            bytes(o, new byte[] {'b'});
            o.write(0x87);
            o.write('R');
            o.write('(');
            o.write('K');
            o.write(1);
            o.write('(');
            for (long d : e.getValue().shape()) {
                o.write('J');
                o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Math.toIntExact(d)).array());
            }
            o.write('t');
            global(o, "numpy.dtype");
            unicode(o, descr.substring(1));
            o.write('K');
            o.write(0);
            o.write('K');
            o.write(1);
            o.write(0x87);
            o.write('R');
            o.write('(');
            o.write('K');
            o.write(3);
            unicode(o, descr.substring(0, 1));
            o.write('N');
            o.write('N');
            o.write('N');
            o.write('J');
            o.writeBytes(new byte[] {-1, -1, -1, -1});
            o.write('J');
            o.writeBytes(new byte[] {-1, -1, -1, -1});
            o.write('K');
            o.write(0);
            o.write('t');
            o.write('b');
            o.write(0x89);
            byte[] data = new byte[npy.length - headerEnd];
            System.arraycopy(npy, headerEnd, data, 0, data.length);
            bytes(o, data);
            o.write('t');
            o.write('b');
        }
        o.write('u');
        o.write('.');
        return o.toByteArray();
    }

    private static void global(ByteArrayOutputStream o, String qualified) {
        int dot = qualified.lastIndexOf('.');
        o.write('c');
        o.writeBytes((qualified.substring(0, dot) + "\n" + qualified.substring(dot + 1) + "\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write('X');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        o.writeBytes(b);
    }

    private static void bytes(ByteArrayOutputStream o, byte[] b) {
        o.write('B');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        o.writeBytes(b);
    }

    private static String describe(Object o) {
        if (o == null || o == Machine.NONE) {
            return "None";
        }
        if (o instanceof Global g) {
            return "the Python global " + g.name;
        }
        if (o instanceof NdArray) {
            return "an incomplete numpy array";
        }
        if (o instanceof Dtype) {
            return "a numpy dtype";
        }
        if (o instanceof Tuple) {
            return "a tuple";
        }
        return "a " + o.getClass().getSimpleName();
    }

    // ---- the values the machine works with ------------------------------------------------

    /** A reference to one of the allowed globals. */
    private record Global(String name) {
    }

    /** A Python tuple (a List stands for a Python list). */
    private record Tuple(List<Object> items) {
    }

    /** numpy.dtype: the type code such as "f8", and its byte order from BUILD. */
    private static final class Dtype {
        final String code;
        char order = '<';

        Dtype(String code) {
            this.code = code;
        }

        String descr() {
            return (code.length() > 1 && "<>|=".indexOf(code.charAt(0)) >= 0) ? code : order + code;
        }
    }

    /** A numpy array being rebuilt: empty after _reconstruct, filled by BUILD. */
    private static final class NdArray {
        INDArray array;
    }

    /** The pickle machine: a stack, marks, a memo, and the opcodes a dict of arrays needs. */
    private static final class Machine {
        static final Object NONE = new Object();
        private final byte[] b;
        private final String file;
        private int pos;
        private final List<Object> stack = new ArrayList<>();
        private final List<Integer> marks = new ArrayList<>();
        private final Map<Long, Object> memo = new HashMap<>();

        Machine(byte[] b, String file) {
            this.b = b;
            this.file = file;
        }

        Object run() throws FileFormatException {
            while (true) {
                if (pos >= b.length) {
                    throw error("truncated pickle: ended before its STOP opcode");
                }
                int at = pos;
                int op = b[pos++] & 0xff;
                switch (op) {
                    case 0x80 -> {
                        int proto = u8();
                        if (proto > 5) {
                            throw error("unsupported pickle protocol " + proto + " (expected 0 to 5)");
                        }
                    }
                    case 0x95 -> take(8); // FRAME: a length hint only
                    case '.' -> {
                        if (stack.size() != 1) {
                            throw error("corrupt pickle: STOP with " + stack.size() + " values on the stack");
                        }
                        return stack.get(0);
                    }
                    case '(' -> marks.add(stack.size());
                    case '}' -> push(new LinkedHashMap<>());
                    case ')' -> push(new Tuple(List.of()));
                    case ']' -> push(new ArrayList<>());
                    case 'N' -> push(NONE);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'J' -> push((long) le(4).getInt());
                    case 'K' -> push((long) u8());
                    case 'M' -> push((long) (le(2).getShort() & 0xffff));
                    case 0x8a -> push(long1(u8()));
                    case 'G' -> push(ByteBuffer.wrap(take(8)).getDouble());
                    case 'I' -> push(parseIntLine(line()));
                    case 0x8c -> push(utf8(take(u8())));
                    case 'X' -> push(utf8(take(len(4))));
                    case 0x8d -> push(utf8(take(len(8))));
                    case 'U' -> push(new String(take(u8()), StandardCharsets.ISO_8859_1));
                    case 'T' -> push(new String(take(len(4)), StandardCharsets.ISO_8859_1));
                    case 'C' -> push(take(u8()));
                    case 'B' -> push(take(len(4)));
                    case 0x8e, 0x96 -> push(take(len(8)));
                    case 0x85 -> push(new Tuple(List.of(pop())));
                    case 0x86 -> {
                        Object y = pop();
                        push(new Tuple(List.of(pop(), y)));
                    }
                    case 0x87 -> {
                        Object z = pop();
                        Object y = pop();
                        push(new Tuple(List.of(pop(), y, z)));
                    }
                    case 't' -> push(new Tuple(popMark()));
                    case 'l' -> push(new ArrayList<>(popMark()));
                    case 'd' -> {
                        Map<Object, Object> d = new LinkedHashMap<>();
                        setItems(d, popMark());
                        push(d);
                    }
                    case 'a' -> {
                        Object v = pop();
                        list(peek()).add(v);
                    }
                    case 'e' -> {
                        List<Object> items = popMark();
                        list(peek()).addAll(items);
                    }
                    case 's' -> {
                        Object v = pop();
                        Object k = pop();
                        dict(peek()).put(key(k), v);
                    }
                    case 'u' -> {
                        List<Object> items = popMark();
                        setItems(dict(peek()), items);
                    }
                    case 'q' -> memo.put((long) u8(), peek());
                    case 'r' -> memo.put(le(4).getInt() & 0xffffffffL, peek());
                    case 0x94 -> memo.put((long) memo.size(), peek());
                    case 'p' -> memo.put(parseIntLine(line()), peek());
                    case 'h' -> push(memoGet(u8()));
                    case 'j' -> push(memoGet(le(4).getInt() & 0xffffffffL));
                    case 'g' -> push(memoGet(parseIntLine(line())));
                    case 'c' -> {
                        String module = line();
                        push(global(module + "." + line()));
                    }
                    case 0x93 -> {
                        Object name = pop();
                        Object module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw error("corrupt pickle: STACK_GLOBAL needs two strings");
                        }
                        push(global(m + "." + n));
                    }
                    case 'R' -> {
                        Object args = pop();
                        push(reduce(pop(), args));
                    }
                    case 'b' -> {
                        Object state = pop();
                        build(peek(), state);
                    }
                    case '0' -> pop();
                    case '2' -> push(peek());
                    default -> throw error(String.format(
                            "refusing pickle opcode 0x%02x at offset %d: a params file holds only a dict of numpy arrays",
                            op, at));
                }
            }
        }

        private Object global(String name) throws FileFormatException {
            if (!ALLOWED.contains(name)) {
                throw new FileFormatException(file, "refusing to load: the pickle names the Python global '" + name
                        + "', and a params file may only hold a dict of numpy arrays (nothing was run)");
            }
            return new Global(name);
        }

        private Object reduce(Object callable, Object args) throws FileFormatException {
            if (!(callable instanceof Global g) || !(args instanceof Tuple t)) {
                throw error("corrupt pickle: REDUCE of " + describe(callable));
            }
            List<Object> a = t.items();
            switch (g.name()) {
                case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof Global cls) || !cls.name().equals("numpy.ndarray")) {
                        throw error("_reconstruct of something other than numpy.ndarray");
                    }
                    return new NdArray();
                }
                case "numpy.dtype" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof String code)) {
                        throw error("corrupt numpy dtype");
                    }
                    return new Dtype(code);
                }
                case "_codecs.encode" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof String s)) {
                        throw error("corrupt bytes in a protocol 2 pickle");
                    }
                    return s.getBytes(StandardCharsets.ISO_8859_1);
                }
                case "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer" -> {
                    if (a.size() != 4 || !(a.get(1) instanceof Dtype dt) || !(a.get(2) instanceof Tuple shape)) {
                        throw error("corrupt numpy _frombuffer call");
                    }
                    byte[] data = bytesOf(a.get(0));
                    NdArray arr = new NdArray();
                    arr.array = Npy.fromRaw(dt.descr(), "F".equals(a.get(3)), shape(shape), data, 0, data.length, file);
                    return arr;
                }
                default -> throw error("cannot call " + g.name());
            }
        }

        private void build(Object target, Object state) throws FileFormatException {
            if (target instanceof Dtype dt) {
                if (state instanceof Tuple t && t.items().size() >= 2 && t.items().get(1) instanceof String o
                        && o.length() == 1) {
                    dt.order = o.charAt(0);
                    return;
                }
                throw error("corrupt numpy dtype state");
            }
            if (target instanceof NdArray arr && state instanceof Tuple t) {
                List<Object> s = t.items();
                int off = s.size() == 5 ? 1 : 0; // (version, shape, dtype, fortran, data) or without version
                if (s.size() - off != 4 || !(s.get(off) instanceof Tuple shape) || !(s.get(off + 1) instanceof Dtype dt)
                        || !(s.get(off + 2) instanceof Boolean fortran)) {
                    throw error("corrupt numpy array state");
                }
                byte[] data = bytesOf(s.get(off + 3));
                arr.array = Npy.fromRaw(dt.descr(), fortran, shape(shape), data, 0, data.length, file);
                return;
            }
            throw error("BUILD of " + describe(target) + " is not part of a numpy array");
        }

        private byte[] bytesOf(Object o) throws FileFormatException {
            if (o instanceof byte[] bytes) {
                return bytes;
            }
            if (o instanceof String s) { // Python 2 str
                return s.getBytes(StandardCharsets.ISO_8859_1);
            }
            throw error("array data must be bytes, found " + describe(o) + " (object arrays are not supported)");
        }

        private long[] shape(Tuple t) throws FileFormatException {
            long[] shape = new long[t.items().size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(t.items().get(i) instanceof Long d) || d < 0) {
                    throw error("corrupt array shape");
                }
                shape[i] = d;
            }
            return shape;
        }

        private void setItems(Map<Object, Object> d, List<Object> items) throws FileFormatException {
            if (items.size() % 2 != 0) {
                throw error("corrupt pickle: odd number of dict items");
            }
            for (int i = 0; i < items.size(); i += 2) {
                d.put(key(items.get(i)), items.get(i + 1));
            }
        }

        private Object key(Object k) throws FileFormatException {
            if (k instanceof Map || k instanceof List || k instanceof NdArray) {
                throw error("unhashable dict key: " + describe(k));
            }
            return k;
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dict(Object o) throws FileFormatException {
            if (o instanceof Map<?, ?> m) {
                return (Map<Object, Object>) m;
            }
            throw error("corrupt pickle: expected a dict on the stack, found " + describe(o));
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o) throws FileFormatException {
            if (o instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw error("corrupt pickle: expected a list on the stack, found " + describe(o));
        }

        private Object memoGet(long i) throws FileFormatException {
            Object o = memo.get(i);
            if (o == null) {
                throw error("corrupt pickle: memo entry " + i + " was never stored");
            }
            return o;
        }

        private void push(Object o) {
            stack.add(o);
        }

        private Object pop() throws FileFormatException {
            if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) >= stack.size())) {
                throw error("corrupt pickle: stack underflow at offset " + pos);
            }
            return stack.remove(stack.size() - 1);
        }

        private Object peek() throws FileFormatException {
            if (stack.isEmpty()) {
                throw error("corrupt pickle: empty stack at offset " + pos);
            }
            return stack.get(stack.size() - 1);
        }

        private List<Object> popMark() throws FileFormatException {
            if (marks.isEmpty()) {
                throw error("corrupt pickle: no MARK at offset " + pos);
            }
            int m = marks.remove(marks.size() - 1);
            List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
            stack.subList(m, stack.size()).clear();
            return items;
        }

        private int u8() throws FileFormatException {
            return take(1)[0] & 0xff;
        }

        private ByteBuffer le(int n) throws FileFormatException {
            return ByteBuffer.wrap(take(n)).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** A length field of n bytes, checked against the bytes left. */
        private int len(int n) throws FileFormatException {
            long v = n == 4 ? le(4).getInt() & 0xffffffffL : le(8).getLong();
            if (v < 0 || v > b.length - pos) {
                throw error("truncated pickle: a length of " + v + " at offset " + (pos - n) + " runs past the end ("
                        + (b.length - pos) + " bytes left)");
            }
            return (int) v;
        }

        private byte[] take(int n) throws FileFormatException {
            if (n > b.length - pos) {
                throw error("truncated pickle: needs " + n + " more bytes at offset " + pos + ", "
                        + (b.length - pos) + " left");
            }
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }

        private String line() throws FileFormatException {
            int start = pos;
            while (pos < b.length && b[pos] != '\n') {
                pos++;
            }
            if (pos >= b.length) {
                throw error("truncated pickle: unterminated line at offset " + start);
            }
            return new String(b, start, pos++ - start, StandardCharsets.US_ASCII);
        }

        private Object long1(int n) throws FileFormatException {
            byte[] le = take(n);
            if (n == 0) {
                return 0L;
            }
            byte[] be = new byte[n];
            for (int i = 0; i < n; i++) {
                be[i] = le[n - 1 - i];
            }
            BigInteger v = new BigInteger(be);
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        }

        private long parseIntLine(String s) throws FileFormatException {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw error("corrupt pickle: '" + s + "' is not an integer");
            }
        }

        private String utf8(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private FileFormatException error(String problem) {
            return new FileFormatException(file, problem);
        }
    }
}
