package io.github.scratchnet.core.cpu;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A Java array of the kernels' element type (float[] for FLOAT, double[] for DOUBLE) and the
 * loops the kernels run on it, one sample or plane at a time, between loads from and stores to
 * an ND4J array's memory. This is the one place where the CPU runtime tells float from double:
 * Java has no generics over primitives, so each loop is written once per type, here and nowhere
 * else, and the kernels above it are written once. The loops are plain indexed loops that the
 * JIT compiles to vector instructions.
 */
abstract class HeapArray {
    /** A zeroed array of {@code length} elements of {@code type}, FLOAT or DOUBLE. */
    static HeapArray of(DataType type, int length) {
        return switch (type) {
            case FLOAT -> new Floats(length);
            case DOUBLE -> new Doubles(length);
            default -> throw new IllegalArgumentException("the CPU kernels work on FLOAT and DOUBLE, found " + type);
        };
    }

    /** Elements [0, count) from the memory at {@code address}. */
    abstract void load(long address, int count);

    /** Elements [0, count) to the memory at {@code address}. */
    abstract void store(long address, int count);

    /** Elements [from, from+count) to the memory at {@code address}. */
    abstract void store(int from, long address, int count);

    /** Sets elements [0, count) to 0. */
    abstract void zero(int count);

    /** {@code v[i] = max(v[i], 0)} for i < count; NaN stays NaN. */
    abstract void relu(int count);

    /**
     * {@code v[i] *= sign(out[i])} for i < count, where out >= 0 (or NaN) is a ReLU's output:
     * sign is min(1, out * 2^149) in float (2^1100 in double), 0 for 0, 1 from the smallest
     * positive number up, NaN for NaN. A product vectorises where a select does not.
     */
    abstract void maskBy(HeapArray out, int count);

    /** {@code v[i] += other[i]} for i < count. */
    abstract void add(HeapArray other, int count);

    /** {@code to[c*rows + r] = v[r*cols + c]}: this (rows, cols) transposed into {@code to}. */
    abstract void transposeInto(HeapArray to, int rows, int cols);

    /**
     * For each triple (at in src, at in this, length) of {@code runs}: {@code v[j] += src[d]} along
     * the run, src advancing by 1 and this by {@code stride}.
     */
    abstract void addRuns(int[] runs, int stride, HeapArray src);

    /** {@code v[index[from + r] - base] += values[r]} for r < count, where the index is not negative. */
    abstract void scatterAdd(int[] index, int from, int base, HeapArray values, int count);

    /** The sum of elements [0, count), accumulated in double. */
    abstract double sum(int count);

    /** The sum of (v - mean)² over [0, count), in double. */
    abstract double sumOfSquaresAbout(double mean, int count);

    /** The sum of v * other over [0, count), in double. */
    abstract double dot(HeapArray other, int count);

    /** {@code normalized[i] = (v[i] - mean) * invStd; v[i] = gamma * normalized[i] + beta}, for i < count. */
    abstract void normalize(double mean, double invStd, double gamma, double beta, HeapArray normalized, int count);

    /** {@code v[i] = scale * (v[i] - shift - normalized[i] * slope)}, for i < count: batch norm's dx from dout. */
    abstract void unnormalize(double scale, double shift, double slope, HeapArray normalized, int count);

    abstract double get(int i);

    abstract void set(int i, double value);

    static final class Floats extends HeapArray {
        final float[] v;

        Floats(int length) {
            v = new float[length];
        }

        @Override
        void load(long address, int count) {
            RawMemory.copyToHeap(address, v, count);
        }

        @Override
        void store(long address, int count) {
            RawMemory.copyFromHeap(v, 0, address, count);
        }

        @Override
        void store(int from, long address, int count) {
            RawMemory.copyFromHeap(v, from, address, count);
        }

        @Override
        void zero(int count) {
            java.util.Arrays.fill(v, 0, count, 0f);
        }

        @Override
        void relu(int count) {
            for (int i = 0; i < count; i++) {
                v[i] = Math.max(v[i], 0f);
            }
        }

        @Override
        void maskBy(HeapArray out, int count) {
            float[] o = ((Floats) out).v;
            for (int i = 0; i < count; i++) {
                v[i] *= Math.min(1f, o[i] * 0x1p100f * 0x1p49f);
            }
        }

        @Override
        void add(HeapArray other, int count) {
            float[] o = ((Floats) other).v;
            for (int i = 0; i < count; i++) {
                v[i] += o[i];
            }
        }

        @Override
        void transposeInto(HeapArray to, int rows, int cols) {
            float[] t = ((Floats) to).v;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = v[r * cols + c];
                }
            }
        }

        @Override
        void addRuns(int[] runs, int stride, HeapArray src) {
            float[] s = ((Floats) src).v;
            for (int r = 0; r < runs.length; r += 3) {
                for (int i = 0, d = runs[r], j = runs[r + 1]; i < runs[r + 2]; i++, d++, j += stride) {
                    v[j] += s[d];
                }
            }
        }

        @Override
        void scatterAdd(int[] index, int from, int base, HeapArray values, int count) {
            float[] s = ((Floats) values).v;
            for (int r = 0; r < count; r++) {
                int j = index[from + r];
                if (j >= 0) {
                    v[j - base] += s[r];
                }
            }
        }

        @Override
        double sum(int count) {
            double s = 0;
            for (int i = 0; i < count; i++) {
                s += v[i];
            }
            return s;
        }

        @Override
        double sumOfSquaresAbout(double mean, int count) {
            double s = 0;
            for (int i = 0; i < count; i++) {
                double d = v[i] - mean;
                s += d * d;
            }
            return s;
        }

        @Override
        double dot(HeapArray other, int count) {
            float[] o = ((Floats) other).v;
            double s = 0;
            for (int i = 0; i < count; i++) {
                s += v[i] * (double) o[i];
            }
            return s;
        }

        @Override
        void normalize(double mean, double invStd, double gamma, double beta, HeapArray normalized, int count) {
            float[] n = ((Floats) normalized).v;
            for (int i = 0; i < count; i++) {
                n[i] = (float) ((v[i] - mean) * invStd);
                v[i] = (float) (gamma * n[i] + beta);
            }
        }

        @Override
        void unnormalize(double scale, double shift, double slope, HeapArray normalized, int count) {
            float[] n = ((Floats) normalized).v;
            for (int i = 0; i < count; i++) {
                v[i] = (float) (scale * (v[i] - shift - n[i] * slope));
            }
        }

        @Override
        double get(int i) {
            return v[i];
        }

        @Override
        void set(int i, double value) {
            v[i] = (float) value;
        }
    }

    static final class Doubles extends HeapArray {
        final double[] v;

        Doubles(int length) {
            v = new double[length];
        }

        @Override
        void load(long address, int count) {
            RawMemory.copyToHeap(address, v, count);
        }

        @Override
        void store(long address, int count) {
            RawMemory.copyFromHeap(v, 0, address, count);
        }

        @Override
        void store(int from, long address, int count) {
            RawMemory.copyFromHeap(v, from, address, count);
        }

        @Override
        void zero(int count) {
            java.util.Arrays.fill(v, 0, count, 0.0);
        }

        @Override
        void relu(int count) {
            for (int i = 0; i < count; i++) {
                v[i] = Math.max(v[i], 0.0);
            }
        }

        @Override
        void maskBy(HeapArray out, int count) {
            double[] o = ((Doubles) out).v;
            for (int i = 0; i < count; i++) {
                v[i] *= Math.min(1.0, o[i] * 0x1p600 * 0x1p500);
            }
        }

        @Override
        void add(HeapArray other, int count) {
            double[] o = ((Doubles) other).v;
            for (int i = 0; i < count; i++) {
                v[i] += o[i];
            }
        }

        @Override
        void transposeInto(HeapArray to, int rows, int cols) {
            double[] t = ((Doubles) to).v;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = v[r * cols + c];
                }
            }
        }

        @Override
        void addRuns(int[] runs, int stride, HeapArray src) {
            double[] s = ((Doubles) src).v;
            for (int r = 0; r < runs.length; r += 3) {
                for (int i = 0, d = runs[r], j = runs[r + 1]; i < runs[r + 2]; i++, d++, j += stride) {
                    v[j] += s[d];
                }
            }
        }

        @Override
        void scatterAdd(int[] index, int from, int base, HeapArray values, int count) {
            double[] s = ((Doubles) values).v;
            for (int r = 0; r < count; r++) {
                int j = index[from + r];
                if (j >= 0) {
                    v[j - base] += s[r];
                }
            }
        }

        @Override
        double sum(int count) {
            double s = 0;
            for (int i = 0; i < count; i++) {
                s += v[i];
            }
            return s;
        }

        @Override
        double sumOfSquaresAbout(double mean, int count) {
            double s = 0;
            for (int i = 0; i < count; i++) {
                double d = v[i] - mean;
                s += d * d;
            }
            return s;
        }

        @Override
        double dot(HeapArray other, int count) {
            double[] o = ((Doubles) other).v;
            double s = 0;
            for (int i = 0; i < count; i++) {
                s += v[i] * (double) o[i];
            }
            return s;
        }

        @Override
        void normalize(double mean, double invStd, double gamma, double beta, HeapArray normalized, int count) {
            double[] n = ((Doubles) normalized).v;
            for (int i = 0; i < count; i++) {
                n[i] = ((v[i] - mean) * invStd);
                v[i] = (gamma * n[i] + beta);
            }
        }

        @Override
        void unnormalize(double scale, double shift, double slope, HeapArray normalized, int count) {
            double[] n = ((Doubles) normalized).v;
            for (int i = 0; i < count; i++) {
                v[i] = (scale * (v[i] - shift - n[i] * slope));
            }
        }

        @Override
        double get(int i) {
            return v[i];
        }

        @Override
        void set(int i, double value) {
            v[i] = value;
        }
    }
}
