package mdlora.tensor.cpu;

import java.util.Arrays;
import mdlora.tensor.Backend;
import mdlora.tensor.BinaryOp;
import mdlora.tensor.Parallel;
import mdlora.tensor.ReduceOp;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;
import mdlora.tensor.UnaryOp;

/**
 * The CPU backend: JDK Vector API kernels on {@link mdlora.tensor.Parallel}'s threads. Products, elementwise maps,
 * copies and reductions are here (their inner loops in {@link Gemm}, {@link Elementwise} and
 * {@link Reductions}); each fused operation's forward and backward kernels sit together in its own class.
 */
public final class VectorBackend implements Backend {
    @Override
    public String name() {
        return "cpu-vector" + VectorMath.F.vectorBitSize();
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0)
            throw new IllegalArgumentException("matmul needs operands of rank >= 1, got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        Tensor x = a.rank() == 1 ? a.unsqueeze(0) : a;
        Tensor y = b.rank() == 1 ? b.unsqueeze(-1) : b;
        int m = x.size(-2), k = x.size(-1), n = y.size(-1);
        if (y.size(-2) != k)
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " do not align (" + k + " vs " + y.size(-2) + ")");
        int[] batch;
        try {
            batch = Shape.broadcast(Arrays.copyOf(x.shape(), x.rank() - 2), Arrays.copyOf(y.shape(), y.rank() - 2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch axes of " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " do not broadcast", e);
        }
        Tensor out = Tensor.zeros(concat(batch, m, n));
        matmulInto(x, y, out, 1f, 0f);
        int[] shape = out.shape();
        if (a.rank() == 1) shape = Shape.without(shape, shape.length - 2);
        if (b.rank() == 1) shape = Shape.without(shape, shape.length - 1);
        return out.reshape(shape);
    }

    @Override
    public void matmulInto(Tensor a, Tensor b, Tensor out, float alpha, float beta) {
        if (a.rank() < 2 || b.rank() < 2 || out.rank() < 2)
            throw new IllegalArgumentException("matmulInto needs operands of rank >= 2, got " + Shape.str(a.shape()) + ", " + Shape.str(b.shape()) + " -> " + Shape.str(out.shape()));
        int m = out.size(-2), n = out.size(-1), k = a.size(-1);
        int[] batch = Arrays.copyOf(out.shape(), out.rank() - 2);
        if (a.size(-2) != m || b.size(-1) != n || b.size(-2) != k)
            throw new IllegalArgumentException("matmulInto: " + Shape.str(a.shape()) + " x " + Shape.str(b.shape()) + " does not give " + Shape.str(out.shape()));
        if ((n > 1 && out.stride(-1) != 1) || (m > 1 && out.stride(-2) < n))
            throw new IllegalArgumentException("matmulInto: the output must have rows of unit stride, strides are " + Shape.str(out.strides()));
        MatrixLayout la = MatrixLayout.of(a.expand(concat(batch, m, k))), lb = MatrixLayout.of(b.expand(concat(batch, k, n)));
        MatrixLayout lc = new MatrixLayout(out, false, m == 1 ? n : out.stride(-2));
        int count = Shape.numel(batch);
        int[] ao = la.offsets(batch), bo = lb.offsets(batch), co = lc.offsets(batch);
        if (count > 1 && Arrays.stream(bo).allMatch(o -> o == bo[0]) && la.stacksRows(ao, m) && lc.stacksRows(co, m)) {
            // one B for the whole batch (a linear layer on [batch, tokens, features]): a single tall product packs it once
            Gemm.sgemm(false, lb.transposed, count * m, n, k, alpha,
                    la.t.storage(), ao[0], la.ld, lb.t.storage(), bo[0], lb.ld, beta, out.storage(), co[0], lc.ld);
        } else {
            Gemm.sgemmBatched(count, la.transposed, lb.transposed, m, n, k, alpha,
                    la.t.storage(), ao, la.ld, lb.t.storage(), bo, lb.ld, beta, out.storage(), co, lc.ld);
        }
    }

    @Override
    public Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (x.rank() != 2 || w.rank() != 2 || x.size(1) != w.size(1) || (bias != null && (bias.rank() != 1 || bias.size(0) != w.size(0))))
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + ", weight " + Shape.str(w.shape())
                    + (bias == null ? "" : " and bias " + Shape.str(bias.shape())) + " do not fit [rows, in], [out, in], [out]");
        int m = x.size(0), k = x.size(1), n = w.size(0);
        Tensor out = Tensor.zeros(m, n), b = bias == null ? null : bias.contiguous();
        MatrixLayout la = MatrixLayout.of(x), lb = MatrixLayout.of(w.mT());
        Gemm.sgemm(la.transposed, lb.transposed, m, n, k, 1f, la.t.storage(), la.t.offset(), la.ld, lb.t.storage(), lb.t.offset(), lb.ld,
                0f, out.storage(), 0, n, b == null ? null : b.storage(), b == null ? 0 : b.offset());
        return out;
    }

    /** How a matrix (the last two axes) sits in storage: row-major or transposed, with its leading dimension. */
    private record MatrixLayout(Tensor t, boolean transposed, int ld) {
        static MatrixLayout of(Tensor t) {
            int r = t.size(-2), c = t.size(-1), sr = t.stride(-2), sc = t.stride(-1);
            if ((sc == 1 || c == 1) && (r == 1 || sr >= c)) return new MatrixLayout(t, false, r == 1 ? c : sr);
            if ((sr == 1 || r == 1) && (c == 1 || sc >= r)) return new MatrixLayout(t, true, c == 1 ? r : sc);
            Tensor copy = t.contiguous();
            return new MatrixLayout(copy, false, c);
        }

        /** True when the batch's matrices (at {@code offs}, {@code rows} each) lie one below the other, as one tall matrix. */
        boolean stacksRows(int[] offs, int rows) {
            if (transposed) return false;
            for (int p = 0; p < offs.length; p++) if (offs[p] != offs[0] + (long) p * rows * ld) return false;
            return true;
        }

        /** Storage offset of each matrix in the (already broadcast) batch, row-major over the batch axes. */
        int[] offsets(int[] batch) {
            int count = Shape.numel(batch);
            int[] offs = new int[count];
            int[] st = t.strides();
            for (int p = 0; p < count; p++) {
                int rem = p, off = t.offset();
                for (int i = batch.length - 1; i >= 0; i--) {
                    off += (rem % batch[i]) * st[i];
                    rem /= batch[i];
                }
                offs[p] = off;
            }
            return offs;
        }
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        // an input strided along its last axis (transposed, broadcast) is gathered first, so the function runs on SIMD lanes
        Tensor in = x.rank() > 0 && x.size(-1) > 1 && x.stride(-1) != 1 ? x.contiguous() : x;
        Tensor out = Tensor.zeros(x.shape());
        float[] o = out.storage(), d = in.storage();
        StridedLoop.run(x.shape(), (n, off, str) -> Elementwise.unary(op, n, d, off[1], str[1], o, off[0], str[0]), out, in);
        return out;
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(a.shape(), b.shape());
        Tensor out = Tensor.zeros(shape);
        float[] o = out.storage(), da = a.storage(), db = b.storage();
        StridedLoop.run(shape, (n, off, str) -> Elementwise.binary(op, n, da, off[1], str[1], db, off[2], str[2], o, off[0], str[0]),
                out, a.expand(shape), b.expand(shape));
        return out;
    }

    @Override
    public Tensor binaryScalar(BinaryOp op, Tensor x, float s) {
        Tensor out = Tensor.zeros(x.shape());
        float[] o = out.storage(), d = x.storage(), sv = {s};
        StridedLoop.run(x.shape(), (n, off, str) -> Elementwise.binary(op, n, d, off[1], str[1], sv, 0, 0, o, off[0], str[0]), out, x);
        return out;
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Tensor from = src.expand(dst.shape());
        int across = acrossAxis(from, dst);
        if (across >= 0) {
            copyAcross(from, dst, across);
            return;
        }
        float[] s = from.storage(), d = dst.storage();
        StridedLoop.run(dst.shape(), (n, off, str) -> {
            if (str[0] == 1 && str[1] == 1) System.arraycopy(s, off[1], d, off[0], n);
            else for (int i = 0; i < n; i++) d[off[0] + i * str[0]] = s[off[1] + i * str[1]];
        }, dst, from);
    }

    /**
     * The axis along which {@code src} is unit-strided when {@code dst} is unit-strided along the last
     * axis and {@code src} is not (a transposed read), else -1.
     */
    private static int acrossAxis(Tensor src, Tensor dst) {
        int last = dst.rank() - 1;
        if (last < 1 || dst.stride(last) != 1 || src.stride(last) == 1 || dst.size(last) < Elementwise.TILE) return -1;
        for (int a = last - 1; a >= 0; a--) if (src.stride(a) == 1 && src.size(a) >= Elementwise.TILE) return a;
        return -1;
    }

    /** Copies plane by plane (axis {@code across} by the last axis) in square tiles, so reads and writes both stay in cache. */
    private static void copyAcross(Tensor src, Tensor dst, int across) {
        int[] srcPlanes = StridedLoop.offsets(src.select(-1, 0).select(across, 0));
        int[] dstPlanes = StridedLoop.offsets(dst.select(-1, 0).select(across, 0));
        int rows = dst.size(across), cols = dst.size(-1), tiles = (rows + Elementwise.TILE - 1) / Elementwise.TILE;
        int srs = src.stride(across), scs = src.stride(-1), drs = dst.stride(across);
        float[] s = src.storage(), d = dst.storage();
        Parallel.range(srcPlanes.length * tiles, Math.max(1, StridedLoop.GRAIN / (Elementwise.TILE * cols)), (a, b) -> {
            for (int t = a; t < b; t++) {
                int p = t / tiles, r0 = (t % tiles) * Elementwise.TILE;
                Elementwise.copyTiles(Math.min(Elementwise.TILE, rows - r0), cols, s, srcPlanes[p] + r0 * srs, srs, scs, d, dstPlanes[p] + r0 * drs, drs);
            }
        });
    }

    @Override
    public void fill(Tensor dst, float value) {
        float[] d = dst.storage();
        StridedLoop.run(dst.shape(), (n, off, str) -> {
            if (str[0] == 1) Arrays.fill(d, off[0], off[0] + n, value);
            else for (int i = 0; i < n; i++) d[off[0] + i * str[0]] = value;
        }, dst);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        float[] dx = x.storage(), dy = y.storage();
        StridedLoop.run(y.shape(), (n, off, str) -> Elementwise.axpy(n, alpha, dx, off[1], str[1], dy, off[0], str[0]), y, x.expand(y.shape()));
    }

    @Override
    public void scale(Tensor x, float s) {
        float[] d = x.storage(), sv = {s};
        StridedLoop.run(x.shape(), (n, off, str) -> Elementwise.binary(BinaryOp.MUL, n, d, off[0], str[0], sv, 0, 0, d, off[0], str[0]), x);
    }

    @Override
    public Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        int[] shape = x.shape(), kept = shape.clone();
        boolean[] reduced = new boolean[shape.length];
        int count = 1;
        for (int a : axes) {
            reduced[a] = true;
            kept[a] = 1;
            count *= shape[a];
        }
        if (count == 0 && op != ReduceOp.SUM && op != ReduceOp.MEAN)
            throw new IllegalArgumentException(op + " over an empty axis of shape " + Shape.str(shape));
        float[] out = x.numel() == 0 ? new float[Shape.numel(kept)] : Reductions.reduceContiguous(op, x.contiguous(), reduced);
        if (op == ReduceOp.MEAN) for (int r = 0; r < out.length; r++) out[r] /= count;
        Tensor result = Tensor.of(out, kept);
        if (keepDims) return result;
        int[] dropped = new int[shape.length - axes.length];
        for (int i = 0, j = 0; i < shape.length; i++) if (!reduced[i]) dropped[j++] = shape[i];
        return result.reshape(dropped);
    }

    @Override
    public Tensor argmax(Tensor x, int axis) {
        int n = x.size(axis);
        if (n == 0) throw new IllegalArgumentException("argmax over an empty axis of shape " + Shape.str(x.shape()));
        int[] order = new int[x.rank()];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != axis) order[j++] = i;
        order[x.rank() - 1] = axis;
        Tensor moved = x.permute(order).contiguous();
        int rows = x.numel() / n, base = moved.offset();
        float[] d = moved.storage(), out = new float[rows];
        Parallel.range(rows, Math.max(1, StridedLoop.GRAIN / n), (s, e) -> {
            for (int r = s; r < e; r++) {
                int row = base + r * n, best = 0;
                for (int i = 1; i < n; i++) {
                    float v = d[row + i], b = d[row + best];
                    if (v > b || (Float.isNaN(v) && !Float.isNaN(b))) best = i;
                }
                out[r] = best;
            }
        });
        int[] shape = moved.shape();
        return Tensor.of(out, Arrays.copyOf(shape, shape.length - 1));
    }

    /** Float sums of fixed blocks (on several threads), added in double. */
    @Override
    public double sumAll(Tensor x) {
        Tensor c = x.contiguous();
        float[] d = c.storage();
        int off = c.offset(), n = c.numel(), blocks = (n + Reductions.BLOCK - 1) / Reductions.BLOCK;
        float[] partial = new float[blocks];
        Parallel.range(blocks, 1, (s, e) -> {
            for (int b = s; b < e; b++) partial[b] = Reductions.sum(d, off + b * Reductions.BLOCK, Math.min(Reductions.BLOCK, n - b * Reductions.BLOCK));
        });
        double total = 0;
        for (float p : partial) total += p;
        return total;
    }

    @Override
    public Gelu gelu() {
        return GeluKernels.INSTANCE;
    }

    @Override
    public Softmax softmax() {
        return SoftmaxKernels.INSTANCE;
    }

    @Override
    public LayerNorm layerNorm() {
        return LayerNormKernels.INSTANCE;
    }

    @Override
    public SelfAttention selfAttention() {
        return AttentionKernels.INSTANCE;
    }
}
