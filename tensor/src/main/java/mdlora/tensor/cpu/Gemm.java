package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import mdlora.tensor.Parallel;

/**
 * Single-precision matrix multiply, BLAS conventions on row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) is m x k, op(B) is k x n; a transposed operand
 * is read in place through its leading dimension, never copied transposed.
 */
public final class Gemm {
    private static final int L = F.length();

    private Gemm() {}

    /** One product; runs on the thread pool (inline when called from a pool thread). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        Parallel.range(m, Math.max(1, (1 << 16) / Math.max(1, n * Math.max(k, 1))), (s, e) -> {
            for (int i = s; i < e; i++) row(transA, transB, i, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff + i * ldc);
        });
    }

    /** {@code batch} independent products of one shape at the given offsets, spread over the pool. */
    public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                                    float beta, float[] c, int[] cOffs, int ldc) {
        if (batch == 1) {
            sgemm(transA, transB, m, n, k, alpha, a, aOffs[0], lda, b, bOffs[0], ldb, beta, c, cOffs[0], ldc);
            return;
        }
        Parallel.range(batch, 1, (s, e) -> {
            for (int p = s; p < e; p++)
                sgemm(transA, transB, m, n, k, alpha, a, aOffs[p], lda, b, bOffs[p], ldb, beta, c, cOffs[p], ldc);
        });
    }

    private static void row(boolean transA, boolean transB, int i, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int co) {
        int strideK = transA ? lda : 1;
        int ai = transA ? aOff + i : aOff + i * lda;
        if (beta == 0f) java.util.Arrays.fill(c, co, co + n, 0f);
        else if (beta != 1f) for (int j = 0; j < n; j++) c[co + j] *= beta;
        if (!transB) {
            for (int p = 0; p < k; p++) {
                float av = alpha * a[ai + p * strideK];
                if (av == 0f) continue;
                int bo = bOff + p * ldb, j = 0;
                FloatVector va = FloatVector.broadcast(F, av);
                for (int up = F.loopBound(n); j < up; j += L)
                    va.fma(FloatVector.fromArray(F, b, bo + j), FloatVector.fromArray(F, c, co + j)).intoArray(c, co + j);
                for (; j < n; j++) c[co + j] += av * b[bo + j];
            }
        } else {
            for (int j = 0; j < n; j++) {
                int bo = bOff + j * ldb;
                float s = 0;
                int p = 0;
                if (!transA) {
                    FloatVector acc = FloatVector.zero(F);
                    for (int up = F.loopBound(k); p < up; p += L)
                        acc = FloatVector.fromArray(F, a, ai + p).fma(FloatVector.fromArray(F, b, bo + p), acc);
                    s = acc.reduceLanes(VectorOperators.ADD);
                }
                for (; p < k; p++) s += a[ai + p * strideK] * b[bo + p];
                c[co + j] += alpha * s;
            }
        }
    }
}
