package mdlora.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensors and kernels: sizes, row-major strides, broadcasting, axis normalisation. */
public final class Shape {
    private Shape() {}

    /**
     * Number of elements of a shape; fails on negative sizes or more than {@code Integer.MAX_VALUE} elements.
     *
     * @param shape the sizes of each dimension
     * @return the product of the sizes (1 for a scalar)
     */
    public static int numel(int... shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in shape " + str(shape));
            n *= s;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /**
     * Row-major (C order) strides of a contiguous tensor of this shape.
     *
     * @param shape the sizes of each dimension
     * @return the strides, in elements
     */
    public static int[] contiguousStrides(int... shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * Maps a possibly negative axis (-1 = last) to {@code [0, rank)}.
     *
     * @param axis the axis, negative counts from the end
     * @param rank the number of dimensions
     * @return the axis in {@code [0, rank)}
     */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /**
     * NumPy broadcasting of two shapes; the error names both.
     *
     * @param a the first shape
     * @param b the second shape
     * @return the broadcast shape
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Sorted, distinct, normalised axes; no axes given means all axes.
     *
     * @param axes the axes, negative counting from the end
     * @param rank the number of dimensions
     * @return the axes in ascending order
     */
    public static int[] axes(int[] axes, int rank) {
        if (axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) out[i] = axis(axes[i], rank);
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++)
            if (out[i] == out[i - 1]) throw new IllegalArgumentException("axis repeated in " + Arrays.toString(axes));
        return out;
    }

    /**
     * {@code a} (a shape or strides) without entry {@code i}: the layout once axis i is indexed away.
     *
     * @param a the array to shorten
     * @param i the index dropped
     * @return a new array one shorter
     */
    public static int[] without(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    /**
     * Throws, naming {@code op} and both shapes, unless {@code a} and {@code b} are equal.
     *
     * @param op the operation named in the error
     * @param a the first shape
     * @param b the second shape
     */
    public static void requireSame(String op, int[] a, int[] b) {
        if (!java.util.Arrays.equals(a, b)) throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " differ");
    }

    /**
     * {@code shape} as {@code [2, 3]}, for messages.
     *
     * @param shape the sizes of each dimension
     * @return the text form
     */
    public static String str(int... shape) {
        return Arrays.toString(shape);
    }
}
