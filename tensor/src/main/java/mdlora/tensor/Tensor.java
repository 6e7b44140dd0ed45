package mdlora.tensor;

import java.util.Arrays;

/**
 * A float32 tensor: a window onto a {@code float[]} storage described by shape, strides and offset.
 * Reshape (when possible), transpose, permute, slice, select and expand are views that share
 * storage; {@link #contiguous()} and {@link #copy()} are the explicit copies. Numeric operations run
 * on the current {@link Backend} and return new contiguous tensors; methods ending in
 * {@code InPlace} write into this tensor's storage.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---------------------------------------------------------------- creation

    /**
     * Wraps {@code data} (not copied) as a contiguous tensor of the given shape.
     *
     * @param data the elements in row-major order, numel(shape) of them
     * @param shape the size along each axis
     * @return a contiguous tensor backed by {@code data}
     */
    public static Tensor of(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n)
            throw new IllegalArgumentException("data has " + data.length + " elements but shape " + Shape.str(shape) + " needs " + n);
        return new Tensor(data, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /**
     * A view with explicit storage layout; kernels and loaders use it, most code never needs to.
     *
     * @param data the backing storage, shared
     * @param offset the index in {@code data} of element [0, ..., 0]
     * @param shape the size along each axis
     * @param strides the storage step of each axis, in elements
     * @return a tensor over {@code data}
     */
    public static Tensor view(float[] data, int offset, int[] shape, int[] strides) {
        if (shape.length != strides.length)
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides " + Shape.str(strides) + " differ in rank");
        long lo = offset, hi = offset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) { lo = offset; hi = offset - 1; break; }
            long span = (long) (shape[i] - 1) * strides[i];
            if (span < 0) lo += span; else hi += span;
        }
        if (hi >= lo && (lo < 0 || hi >= data.length))
            throw new IllegalArgumentException("view " + Shape.str(shape) + " strides " + Shape.str(strides) + " offset " + offset
                    + " reaches outside a storage of " + data.length + " elements");
        return new Tensor(data, offset, shape.clone(), strides.clone());
    }

    /**
     * A new tensor of zeros with the given shape.
     *
     * @param shape the size along each axis
     * @return a new contiguous tensor
     */
    public static Tensor zeros(int... shape) {
        return of(ZeroedArrays.take(Shape.numel(shape)), shape);
    }

    /**
     * A new tensor with every element {@code value}.
     *
     * @param value the value of every element
     * @param shape the size along each axis
     * @return a new contiguous tensor
     */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return of(d, shape);
    }

    /**
     * A new tensor of ones with the given shape.
     *
     * @param shape the size along each axis
     * @return a new contiguous tensor
     */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /**
     * A rank-0 tensor.
     *
     * @param value the element
     * @return a new tensor of shape []
     */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    /**
     * {@code [0, 1, ..., n-1]}.
     *
     * @param n the number of elements, non-negative
     * @return a new tensor of shape [n]
     */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(d, n);
    }

    /**
     * The n x n identity matrix.
     *
     * @param n the number of rows and columns
     * @return a new tensor of shape [n, n]
     */
    public static Tensor eye(int n) {
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = 1f;
        return of(d, n, n);
    }

    // ---------------------------------------------------------------- layout

    /**
     * The size along each axis (a copy).
     *
     * @return a fresh array, one entry per axis
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Size along {@code axis} (negative counts from the end).
     *
     * @param axis the axis, negative counts from the end
     * @return the size along it
     */
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    /**
     * The storage step of each axis, in elements (a copy); a transposed or sliced view has non-row-major strides.
     *
     * @return a fresh array, one entry per axis
     */
    public int[] strides() {
        return strides.clone();
    }

    /**
     * The storage step along {@code axis} (negative counts from the end).
     *
     * @param axis the axis, negative counts from the end
     * @return the step in elements, 0 for a broadcast axis
     */
    public int stride(int axis) {
        return strides[Shape.axis(axis, shape.length)];
    }

    /**
     * Where element [0, ..., 0] lies in {@link #storage()}.
     *
     * @return the offset in elements
     */
    public int offset() {
        return offset;
    }

    /**
     * The number of axes (0 for a scalar).
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of elements.
     *
     * @return the product of the sizes (1 for a scalar)
     */
    public int numel() {
        return Shape.numel(shape);
    }

    /**
     * The backing storage, shared with every view of it. Kernels index it with {@link #offset()} and {@link #strides()}.
     *
     * @return the storage array itself, not a copy
     */
    public float[] storage() {
        return data;
    }

    /**
     * True when the elements lie in row-major order with no gaps, starting at {@link #offset()}.
     *
     * @return whether the layout is row-major without gaps
     */
    public boolean isContiguous() {
        if (numel() == 0) return true;
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /**
     * True when {@code other} has the same shape (strides may differ).
     *
     * @param other the tensor compared
     * @return whether the shapes are equal
     */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    // ---------------------------------------------------------------- element access

    private int index(int... idx) {
        if (idx.length != shape.length)
            throw new IllegalArgumentException("index of rank " + idx.length + " for a tensor of shape " + Shape.str(shape));
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i])
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of range for shape " + Shape.str(shape));
            p += idx[i] * strides[i];
        }
        return p;
    }

    /**
     * The element at {@code idx} (one index per axis).
     *
     * @param idx one index per axis, each in {@code [0, size)}
     * @return the element
     */
    public float get(int... idx) {
        return data[index(idx)];
    }

    /**
     * Sets the element at {@code idx} (one index per axis) to {@code value}, in the shared storage.
     *
     * @param value the new value
     * @param idx one index per axis, each in {@code [0, size)}
     */
    public void set(float value, int... idx) {
        data[index(idx)] = value;
    }

    /**
     * The value of a one-element tensor.
     *
     * @return the only element
     */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() needs one element, shape is " + Shape.str(shape));
        return data[offset];
    }

    /**
     * The elements in row-major order, always a fresh array.
     *
     * @return a new array of numel() elements
     */
    public float[] toArray() {
        if (isContiguous()) return Arrays.copyOfRange(data, offset, offset + numel());
        return contiguous().data;
    }

    /**
     * Storage in row-major order: this tensor's own array when it is contiguous and spans it all, else a copy.
     *
     * @return numel() elements in row-major order, possibly this tensor's own storage
     */
    public float[] contiguousData() {
        Tensor c = contiguous();
        return c.offset == 0 && c.data.length == c.numel() ? c.data : c.toArray();
    }

    // ---------------------------------------------------------------- views

    /**
     * Same elements in a new shape (one size may be -1): a view when the layout allows (always for a
     * contiguous tensor; for others when each group of merged or split axes is itself evenly strided),
     * else a contiguous copy.
     *
     * @param newShape the new sizes, same numel; one may be -1 (inferred)
     * @return a view, or a contiguous copy
     */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape(newShape);
        int[] st = viewStrides(s);
        return st != null ? new Tensor(data, offset, s, st) : copy().reshape(s);
    }

    /**
     * Strides under which {@code newShape} reads this tensor's elements in row-major order, or null when
     * none exist (PyTorch's rule). Old axes are taken in chunks whose strides nest without gaps; each
     * chunk must be matched by new axes of exactly the same element count.
     */
    private int[] viewStrides(int[] newShape) {
        int[] st = new int[newShape.length];
        if (numel() == 0 || rank() == 0) return Shape.contiguousStrides(newShape);
        int v = newShape.length - 1;
        long chunkStride = strides[rank() - 1], chunkNumel = 1;
        for (int d = rank() - 1; d >= 0; d--) {
            chunkNumel *= shape[d];
            boolean chunkEnds = d == 0 || (shape[d - 1] != 1 && strides[d - 1] != chunkNumel * chunkStride);
            if (!chunkEnds) continue;
            long viewNumel = 1;
            while (v >= 0 && (viewNumel < chunkNumel || newShape[v] == 1)) {
                st[v] = (int) (viewNumel * chunkStride);
                viewNumel *= newShape[v--];
            }
            if (viewNumel != chunkNumel) return null;
            if (d > 0) {
                chunkStride = strides[d - 1];
                chunkNumel = 1;
            }
        }
        return v == -1 ? st : null;
    }

    private int[] inferShape(int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape " + Shape.str(newShape) + ": only one size may be -1");
                infer = i;
            } else known *= s[i];
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0)
                throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " into " + Shape.str(newShape));
            s[infer] = (int) (n / known);
        }
        if (Shape.numel(s) != n) throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " into " + Shape.str(newShape));
        return s;
    }

    /**
     * Merges axes {@code [start, end]} into one.
     *
     * @param start the first axis merged, negative counts from the end
     * @param end the last axis merged (inclusive), negative counts from the end
     * @return a tensor of rank {@code rank() - (end - start)}
     */
    public Tensor flatten(int start, int end) {
        int a = Shape.axis(start, rank()), b = Shape.axis(end, rank());
        if (a > b) throw new IllegalArgumentException("flatten: start axis " + start + " comes after end axis " + end);
        int[] s = new int[rank() - (b - a)];
        int merged = 1;
        for (int i = a; i <= b; i++) merged *= shape[i];
        System.arraycopy(shape, 0, s, 0, a);
        s[a] = merged;
        System.arraycopy(shape, b + 1, s, a + 1, rank() - b - 1);
        return reshape(s);
    }

    /**
     * Swaps two axes (a view).
     *
     * @param axis0 one axis, negative counts from the end
     * @param axis1 the other axis, negative counts from the end
     * @return a view over the same storage
     */
    public Tensor transpose(int axis0, int axis1) {
        int a = Shape.axis(axis0, rank()), b = Shape.axis(axis1, rank());
        int[] perm = new int[rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /**
     * The matrix transpose of the last two axes (a view).
     *
     * @return a view of shape [..., n, m] for this [..., m, n]
     */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    /**
     * Reorders axes: result axis i is this tensor's axis {@code order[i]} (a view).
     *
     * @param order a permutation of the axes
     * @return a view over the same storage
     */
    public Tensor permute(int... order) {
        if (order.length != rank()) throw new IllegalArgumentException("permute " + Arrays.toString(order) + " for rank " + rank());
        int[] s = new int[rank()], st = new int[rank()];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int a = Shape.axis(order[i], rank());
            if (seen[a]) throw new IllegalArgumentException("permute " + Arrays.toString(order) + " repeats axis " + a);
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(data, offset, s, st);
    }

    /**
     * Elements {@code [start, end)} along {@code axis} (a view).
     *
     * @param axis the axis sliced, negative counts from the end
     * @param start the first index kept
     * @param end one past the last index kept
     * @return a view over the same storage
     */
    public Tensor slice(int axis, int start, int end) {
        int a = Shape.axis(axis, rank());
        if (start < 0 || end > shape[a] || start > end)
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") of axis " + a + " with size " + shape[a]);
        int[] s = shape.clone();
        s[a] = end - start;
        return new Tensor(data, offset + start * strides[a], s, strides.clone());
    }

    /**
     * Index {@code index} along {@code axis}, dropping that axis (a view).
     *
     * @param axis the axis indexed, negative counts from the end
     * @param index the position along it
     * @return a view of rank {@code rank() - 1}
     */
    public Tensor select(int axis, int index) {
        int a = Shape.axis(axis, rank());
        if (index < 0 || index >= shape[a]) throw new IndexOutOfBoundsException("index " + index + " of axis " + a + " with size " + shape[a]);
        return new Tensor(data, offset + index * strides[a], Shape.without(shape, a), Shape.without(strides, a));
    }

    /**
     * Inserts an axis of size 1 (a view).
     *
     * @param axis where the new axis goes in the result, negative counts from the end
     * @return a view of rank {@code rank() + 1}
     */
    public Tensor unsqueeze(int axis) {
        int a = Shape.axis(axis, rank() + 1);
        int stride = a < rank() ? strides[a] * shape[a] : 1;
        return new Tensor(data, offset, insert(shape, a, 1), insert(strides, a, stride));
    }

    /**
     * Removes an axis of size 1 (a view).
     *
     * @param axis the axis removed, of size 1, negative counts from the end
     * @return a view of rank {@code rank() - 1}
     */
    public Tensor squeeze(int axis) {
        int a = Shape.axis(axis, rank());
        if (shape[a] != 1) throw new IllegalArgumentException("squeeze axis " + a + " of shape " + Shape.str(shape) + ": size is not 1");
        return new Tensor(data, offset, Shape.without(shape, a), Shape.without(strides, a));
    }

    /**
     * Broadcasts to {@code target} (NumPy rules) with zero strides, without copying.
     *
     * @param target the shape broadcast to
     * @return a view of shape {@code target}
     */
    public Tensor expand(int... target) {
        Shape.numel(target); // rejects negative sizes
        if (target.length < rank()) throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to " + Shape.str(target));
        int lead = target.length - rank();
        int[] st = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            if (i < lead) continue;
            int own = shape[i - lead];
            if (own == target[i]) st[i] = strides[i - lead];
            else if (own != 1) throw new IllegalArgumentException("cannot expand " + Shape.str(shape) + " to " + Shape.str(target));
        }
        return new Tensor(data, offset, target.clone(), st);
    }

    /**
     * This tensor if contiguous, else a contiguous copy.
     *
     * @return a contiguous tensor with the same elements
     */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /**
     * A contiguous copy with its own storage.
     *
     * @return a new contiguous tensor
     */
    public Tensor copy() {
        Tensor out = zeros(shape);
        out.copyFromInPlace(this);
        return out;
    }

    private static int[] insert(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }

    // ---------------------------------------------------------------- joining

    /**
     * Joins tensors of equal shapes except along {@code axis}.
     *
     * @param axis the axis joined along, negative counts from the end
     * @param parts the tensors, at least one
     * @return a new tensor whose size along {@code axis} is the parts' sum
     */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat of no tensors");
        int a = Shape.axis(axis, parts[0].rank());
        int[] s = parts[0].shape();
        int total = 0;
        for (Tensor p : parts) {
            if (p.rank() != s.length) throw new IllegalArgumentException("concat: ranks differ, " + Shape.str(s) + " and " + Shape.str(p.shape));
            for (int i = 0; i < s.length; i++)
                if (i != a && p.shape[i] != s[i])
                    throw new IllegalArgumentException("concat along " + a + ": shapes " + Shape.str(parts[0].shape) + " and " + Shape.str(p.shape) + " differ");
            total += p.shape[a];
        }
        s[a] = total;
        Tensor out = zeros(s);
        int at = 0;
        for (Tensor p : parts) {
            out.slice(a, at, at + p.shape[a]).copyFromInPlace(p);
            at += p.shape[a];
        }
        return out;
    }

    /**
     * Stacks tensors of one shape along a new axis.
     *
     * @param axis where the new axis goes in the result, negative counts from the end
     * @param parts the tensors, at least one
     * @return a new tensor one rank above the parts
     */
    public static Tensor stack(int axis, Tensor... parts) {
        Tensor[] u = new Tensor[parts.length];
        for (int i = 0; i < parts.length; i++) u[i] = parts[i].unsqueeze(axis);
        return concat(axis, u);
    }

    // ---------------------------------------------------------------- arithmetic (new tensors)

    private static Backend be() {
        return Backend.current();
    }

    /**
     * this + o, broadcast.
     *
     * @param o the other operand
     * @return a new tensor of the broadcast shape
     */
    public Tensor add(Tensor o) { return be().binary(BinaryOp.ADD, this, o); }
    /**
     * this - o, broadcast.
     *
     * @param o the other operand
     * @return a new tensor of the broadcast shape
     */
    public Tensor sub(Tensor o) { return be().binary(BinaryOp.SUB, this, o); }
    /**
     * this * o, elementwise, broadcast.
     *
     * @param o the other operand
     * @return a new tensor of the broadcast shape
     */
    public Tensor mul(Tensor o) { return be().binary(BinaryOp.MUL, this, o); }
    /**
     * this / o, broadcast.
     *
     * @param o the divisor
     * @return a new tensor of the broadcast shape
     */
    public Tensor div(Tensor o) { return be().binary(BinaryOp.DIV, this, o); }
    /**
     * The elementwise larger of this and o, broadcast.
     *
     * @param o the other operand
     * @return a new tensor of the broadcast shape
     */
    public Tensor maximum(Tensor o) { return be().binary(BinaryOp.MAX, this, o); }
    /**
     * The elementwise smaller of this and o, broadcast.
     *
     * @param o the other operand
     * @return a new tensor of the broadcast shape
     */
    public Tensor minimum(Tensor o) { return be().binary(BinaryOp.MIN, this, o); }
    /**
     * this to the power o, broadcast.
     *
     * @param o the exponent
     * @return a new tensor of the broadcast shape
     */
    public Tensor pow(Tensor o) { return be().binary(BinaryOp.POW, this, o); }
    /**
     * 1 where this &gt; o, else 0.
     *
     * @param o the other operand
     * @return a new tensor of 0s and 1s, of the broadcast shape
     */
    public Tensor gt(Tensor o) { return be().binary(BinaryOp.GT, this, o); }
    /**
     * 1 where this == o, else 0.
     *
     * @param o the other operand
     * @return a new tensor of 0s and 1s, of the broadcast shape
     */
    public Tensor eq(Tensor o) { return be().binary(BinaryOp.EQ, this, o); }

    /**
     * this + s.
     *
     * @param s the scalar added
     * @return a new tensor of this shape
     */
    public Tensor add(float s) { return be().binaryScalar(BinaryOp.ADD, this, s); }
    /**
     * this - s.
     *
     * @param s the scalar subtracted
     * @return a new tensor of this shape
     */
    public Tensor sub(float s) { return be().binaryScalar(BinaryOp.SUB, this, s); }
    /**
     * this * s.
     *
     * @param s the factor
     * @return a new tensor of this shape
     */
    public Tensor mul(float s) { return be().binaryScalar(BinaryOp.MUL, this, s); }
    /**
     * this / s.
     *
     * @param s the divisor
     * @return a new tensor of this shape
     */
    public Tensor div(float s) { return be().binaryScalar(BinaryOp.DIV, this, s); }
    /**
     * this to the power s.
     *
     * @param s the exponent
     * @return a new tensor of this shape
     */
    public Tensor pow(float s) { return be().binaryScalar(BinaryOp.POW, this, s); }
    /**
     * The elementwise larger of this and s.
     *
     * @param s the lower bound
     * @return a new tensor of this shape
     */
    public Tensor maximum(float s) { return be().binaryScalar(BinaryOp.MAX, this, s); }
    /**
     * The elementwise smaller of this and s.
     *
     * @param s the upper bound
     * @return a new tensor of this shape
     */
    public Tensor minimum(float s) { return be().binaryScalar(BinaryOp.MIN, this, s); }
    /**
     * 1 where this &gt; s, else 0.
     *
     * @param s the threshold
     * @return a new tensor of 0s and 1s, of this shape
     */
    public Tensor gt(float s) { return be().binaryScalar(BinaryOp.GT, this, s); }
    /**
     * 1 where this == s, else 0.
     *
     * @param s the value compared
     * @return a new tensor of 0s and 1s, of this shape
     */
    public Tensor eq(float s) { return be().binaryScalar(BinaryOp.EQ, this, s); }

    /**
     * -this.
     *
     * @return a new tensor of this shape
     */
    public Tensor neg() { return be().unary(UnaryOp.NEG, this); }
    /**
     * |this|.
     *
     * @return a new tensor of this shape
     */
    public Tensor abs() { return be().unary(UnaryOp.ABS, this); }
    /**
     * e to the this, elementwise.
     *
     * @return a new tensor of this shape
     */
    public Tensor exp() { return be().unary(UnaryOp.EXP, this); }
    /**
     * The natural logarithm, elementwise.
     *
     * @return a new tensor of this shape
     */
    public Tensor log() { return be().unary(UnaryOp.LOG, this); }
    /**
     * tanh, elementwise.
     *
     * @return a new tensor of this shape
     */
    public Tensor tanh() { return be().unary(UnaryOp.TANH, this); }
    /**
     * The square root, elementwise.
     *
     * @return a new tensor of this shape
     */
    public Tensor sqrt() { return be().unary(UnaryOp.SQRT, this); }
    /**
     * this * this.
     *
     * @return a new tensor of this shape
     */
    public Tensor square() { return be().unary(UnaryOp.SQUARE, this); }
    /**
     * 1 / this.
     *
     * @return a new tensor of this shape
     */
    public Tensor reciprocal() { return be().unary(UnaryOp.RECIPROCAL, this); }
    /**
     * The logistic sigmoid, elementwise.
     *
     * @return a new tensor of this shape
     */
    public Tensor sigmoid() { return be().unary(UnaryOp.SIGMOID, this); }
    /**
     * max(this, 0).
     *
     * @return a new tensor of this shape
     */
    public Tensor relu() { return be().unary(UnaryOp.RELU, this); }
    /**
     * GELU, erf form (PyTorch's default).
     *
     * @return a new tensor of this shape
     */
    public Tensor gelu() { return be().gelu().forward(this); }
    /**
     * erf, elementwise.
     *
     * @return a new tensor of this shape
     */
    public Tensor erf() { return be().unary(UnaryOp.ERF, this); }

    /**
     * Matrix product with NumPy/PyTorch semantics: 1-D operands promoted, leading axes broadcast.
     *
     * @param o the right operand, [..., k, n] or a vector
     * @return a new tensor of shape [..., m, n]
     */
    public Tensor matmul(Tensor o) { return be().matmul(this, o); }

    /**
     * Sum over {@code axes} (all when none given).
     *
     * @param keepDims whether reduced axes stay as size 1
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor sum(boolean keepDims, int... axes) { return be().reduce(ReduceOp.SUM, this, Shape.axes(axes, rank()), keepDims); }
    /**
     * Sum over {@code axes} (all when none given), the axes removed.
     *
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor sum(int... axes) { return sum(false, axes); }
    /**
     * Mean over {@code axes} (all when none given), kept as size 1 when {@code keepDims}.
     *
     * @param keepDims whether reduced axes stay as size 1
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor mean(boolean keepDims, int... axes) { return be().reduce(ReduceOp.MEAN, this, Shape.axes(axes, rank()), keepDims); }
    /**
     * Mean over {@code axes} (all when none given), the axes removed.
     *
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor mean(int... axes) { return mean(false, axes); }
    /**
     * Maximum over {@code axes} (all when none given), kept as size 1 when {@code keepDims}.
     *
     * @param keepDims whether reduced axes stay as size 1
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor max(boolean keepDims, int... axes) { return be().reduce(ReduceOp.MAX, this, Shape.axes(axes, rank()), keepDims); }
    /**
     * Maximum over {@code axes} (all when none given), the axes removed.
     *
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor max(int... axes) { return max(false, axes); }
    /**
     * Minimum over {@code axes} (all when none given), kept as size 1 when {@code keepDims}.
     *
     * @param keepDims whether reduced axes stay as size 1
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor min(boolean keepDims, int... axes) { return be().reduce(ReduceOp.MIN, this, Shape.axes(axes, rank()), keepDims); }
    /**
     * Minimum over {@code axes} (all when none given), the axes removed.
     *
     * @param axes the axes reduced, negative counting from the end
     * @return a new tensor
     */
    public Tensor min(int... axes) { return min(false, axes); }
    /**
     * Index of the largest element along {@code axis} (first on ties), as floats.
     *
     * @param axis the axis searched, negative counts from the end
     * @return a new tensor without that axis
     */
    public Tensor argmax(int axis) { return be().argmax(this, Shape.axis(axis, rank())); }

    /**
     * Softmax along {@code axis}.
     *
     * @param axis the axis normalised, negative counts from the end
     * @return a new tensor of this shape
     */
    public Tensor softmax(int axis) { return be().softmax().forward(this, Shape.axis(axis, rank()), false); }
    /**
     * Log-softmax along {@code axis}.
     *
     * @param axis the axis normalised, negative counts from the end
     * @return a new tensor of this shape
     */
    public Tensor logSoftmax(int axis) { return be().softmax().forward(this, Shape.axis(axis, rank()), true); }

    /**
     * Layer norm over the last axis with optional affine weight and bias (either may be null).
     *
     * @param weight the scale [last], or null
     * @param bias the shift [last], or null
     * @param eps added to the variance, for stability
     * @return a new tensor of this shape
     */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) { return be().layerNorm().forward(this, weight, bias, eps, null, null); }

    /**
     * Sum of all elements as a double-precision scalar.
     *
     * @return the sum, accumulated in double
     */
    public double sumAll() {
        return be().sumAll(this);
    }

    // ---------------------------------------------------------------- in place

    /**
     * Copies {@code src} (broadcast to this shape) into this tensor's elements.
     *
     * @param src the values, broadcastable to this shape
     * @return this tensor
     */
    public Tensor copyFromInPlace(Tensor src) {
        be().copy(src, this);
        return this;
    }

    /**
     * Sets every element to {@code value}; returns this.
     *
     * @param value the value stored
     * @return this tensor
     */
    public Tensor fillInPlace(float value) {
        be().fill(this, value);
        return this;
    }

    /**
     * this += alpha * x (x broadcast to this shape).
     *
     * @param x the increment, broadcastable to this shape
     * @param alpha the scale of x
     * @return this tensor
     */
    public Tensor addInPlace(Tensor x, float alpha) {
        be().axpy(alpha, x, this);
        return this;
    }

    /**
     * this += x (x broadcast to this shape); returns this.
     *
     * @param x the increment, broadcastable to this shape
     * @return this tensor
     */
    public Tensor addInPlace(Tensor x) {
        return addInPlace(x, 1f);
    }

    /**
     * this *= s.
     *
     * @param s the factor
     * @return this tensor
     */
    public Tensor mulInPlace(float s) {
        be().scale(this, s);
        return this;
    }

    // ---------------------------------------------------------------- comparison and printing

    /**
     * True when shapes match and |a - b| &lt;= atol + rtol * |b| everywhere; equal infinities are close, NaN never.
     *
     * @param other the reference values b
     * @param rtol the tolerance relative to |b|
     * @param atol the absolute tolerance
     * @return whether every element is close
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!sameShape(other)) return false;
        float[] a = toArray(), b = other.toArray();
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (a[i] != b[i] && !(d <= atol + rtol * Math.abs(b[i]))) return false;
        }
        return true;
    }

    /**
     * True when any element is NaN or infinite.
     *
     * @return whether any element is NaN or infinite
     */
    public boolean hasNonFinite() {
        if (!isContiguous()) return contiguous().hasNonFinite();
        // storage is scanned in place: the optimiser asks this of every gradient before each step
        for (int i = offset, end = offset + numel(); i < end; i++) if (!Float.isFinite(data[i])) return true;
        return false;
    }

    @Override
    public String toString() {
        float[] a = toArray();
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ');
        int n = Math.min(a.length, 8);
        sb.append('[');
        for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append(a[i]);
        if (a.length > n) sb.append(", ...");
        return sb.append(']').toString();
    }
}
