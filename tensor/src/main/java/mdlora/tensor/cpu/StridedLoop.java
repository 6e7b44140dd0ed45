package mdlora.tensor.cpu;

import mdlora.tensor.Parallel;
import mdlora.tensor.Tensor;

/**
 * Walks several equally shaped (already broadcast) tensors together. Axes that are contiguous for
 * every operand are merged first, so a kernel sees the longest possible inner runs; the runs are
 * shared out over the thread pool.
 */
final class StridedLoop {
    /** One inner run of {@code n} elements; operand {@code k} starts at {@code off[k]} with stride {@code str[k]}. */
    @FunctionalInterface
    interface Body {
        void run(int n, int[] off, int[] str);
    }

    /** Elements a thread should have before the loop is split (elementwise work is memory bound). */
    static final int GRAIN = 1 << 15;

    private StridedLoop() {}

    static void run(int[] shape, Body body, Tensor... ops) {
        int k = ops.length;
        int[][] strides = new int[k][];
        for (int j = 0; j < k; j++) strides[j] = ops[j].strides();
        // drop size-1 axes, merge axes that are contiguous for every operand
        int[] dims = new int[shape.length];
        int[][] st = new int[k][shape.length];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (shape[i] == 0) return;
            boolean merge = r > 0;
            for (int j = 0; j < k && merge; j++) merge = st[j][r - 1] == strides[j][i] * shape[i];
            if (merge) {
                dims[r - 1] *= shape[i];
                for (int j = 0; j < k; j++) st[j][r - 1] = strides[j][i];
            } else {
                dims[r] = shape[i];
                for (int j = 0; j < k; j++) st[j][r] = strides[j][i];
                r++;
            }
        }
        int[] base = new int[k];
        for (int j = 0; j < k; j++) base[j] = ops[j].offset();
        if (r == 0) {
            body.run(1, base, new int[k]);
            return;
        }
        int n = dims[r - 1];
        int[] inner = new int[k];
        for (int j = 0; j < k; j++) inner[j] = st[j][r - 1];
        int rows = 1;
        for (int i = 0; i < r - 1; i++) rows *= dims[i];
        final int outerRank = r - 1;
        if (rows == 1) {
            Parallel.range(n, GRAIN, (s, e) -> {
                int[] off = new int[k];
                for (int j = 0; j < k; j++) off[j] = base[j] + s * inner[j];
                body.run(e - s, off, inner);
            });
            return;
        }
        Parallel.range(rows, Math.max(1, GRAIN / n), (s, e) -> {
            int[] off = new int[k];
            for (int row = s; row < e; row++) {
                int rem = row;
                for (int j = 0; j < k; j++) off[j] = base[j];
                for (int i = outerRank - 1; i >= 0; i--) {
                    int idx = rem % dims[i];
                    rem /= dims[i];
                    for (int j = 0; j < k; j++) off[j] += idx * st[j][i];
                }
                body.run(n, off, inner);
            }
        });
    }

    /** The storage offset of every element of {@code t}, in row-major order. */
    static int[] offsets(Tensor t) {
        int[] shape = t.shape(), strides = t.strides(), idx = new int[shape.length], out = new int[t.numel()];
        int p = t.offset();
        for (int k = 0; k < out.length; k++) {
            out[k] = p;
            for (int i = shape.length - 1; i >= 0; i--) {
                p += strides[i];
                if (++idx[i] < shape[i]) break;
                p -= strides[i] * shape[i];
                idx[i] = 0;
            }
        }
        return out;
    }
}
