package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import mdlora.tensor.BinaryOp;
import mdlora.tensor.UnaryOp;

/**
 * Elementwise kernels over one inner run, and the tiled copy of a transposed plane. The switch on
 * the operation sits outside each loop so every vector operator is a constant the JIT turns into
 * instructions; unit-stride runs take the SIMD loop, other strides the scalar one.
 */
final class Elementwise {
    private static final int L = F.length();
    /** Side of the square tiles of a transposing copy: 32 rows and columns of each side fit in L1. */
    static final int TILE = 32;

    private Elementwise() {}

    static float apply(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case TANH -> (float) Math.tanh(x);
            case SQRT -> (float) Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1f / x;
            case SIGMOID -> (float) (1 / (1 + Math.exp(-x)));
            case RELU -> Math.max(x, 0f);
            case ERF -> VectorMath.erf(x);
        };
    }

    static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> (float) Math.pow(a, b);
            case GT -> a > b ? 1f : 0f;
            case EQ -> a == b ? 1f : 0f;
        };
    }

    /** y[i] = op(x[i]) over a run. */
    static void unary(UnaryOp op, int n, float[] x, int xo, int xs, float[] y, int yo, int ys) {
        int i = 0;
        if (xs == 1 && ys == 1) {
            int up = F.loopBound(n);
            switch (op) {
                case NEG -> { for (; i < up; i += L) FloatVector.fromArray(F, x, xo + i).neg().intoArray(y, yo + i); }
                case ABS -> { for (; i < up; i += L) FloatVector.fromArray(F, x, xo + i).abs().intoArray(y, yo + i); }
                case EXP -> { for (; i < up; i += L) VectorMath.exp(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i); }
                case LOG -> { for (; i < up; i += L) VectorMath.perLane(FloatVector.fromArray(F, x, xo + i), Math::log).intoArray(y, yo + i); }
                case TANH -> { for (; i < up; i += L) VectorMath.perLane(FloatVector.fromArray(F, x, xo + i), Math::tanh).intoArray(y, yo + i); }
                case SQRT -> { for (; i < up; i += L) FloatVector.fromArray(F, x, xo + i).sqrt().intoArray(y, yo + i); }
                case SQUARE -> { for (; i < up; i += L) { var v = FloatVector.fromArray(F, x, xo + i); v.mul(v).intoArray(y, yo + i); } }
                case RECIPROCAL -> { for (; i < up; i += L) FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i); }
                case SIGMOID -> { for (; i < up; i += L) FloatVector.broadcast(F, 1f).div(VectorMath.exp(FloatVector.fromArray(F, x, xo + i).neg()).add(1f)).intoArray(y, yo + i); }
                case RELU -> { for (; i < up; i += L) FloatVector.fromArray(F, x, xo + i).max(0f).intoArray(y, yo + i); }
                case ERF -> { for (; i < up; i += L) VectorMath.erf(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i); }
            }
        }
        for (; i < n; i++) y[yo + i * ys] = apply(op, x[xo + i * xs]);
    }

    /** c[i] = op(a[i], b[i]) over a run; a stride of 0 means that operand is one broadcast value. */
    static void binary(BinaryOp op, int n, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co, int cs) {
        int i = 0;
        if (as == 1 && bs == 1 && cs == 1) i = vectorVector(op, n, a, ao, b, bo, c, co);
        else if (as == 1 && bs == 0 && cs == 1) i = vectorScalar(op, n, a, ao, b[bo], c, co);
        else if (as == 0 && bs == 1 && cs == 1 && commutative(op)) i = vectorScalar(op, n, b, bo, a[ao], c, co);
        for (; i < n; i++) c[co + i * cs] = apply(op, a[ao + i * as], b[bo + i * bs]);
    }

    /** c[i] = op(a[i], s) over unit-stride runs. */
    static void binary(BinaryOp op, int n, float[] a, int ao, float s, float[] c, int co) {
        int i = vectorScalar(op, n, a, ao, s, c, co);
        for (; i < n; i++) c[co + i] = apply(op, a[ao + i], s);
    }

    private static boolean commutative(BinaryOp op) {
        return op == BinaryOp.ADD || op == BinaryOp.MUL || op == BinaryOp.MAX || op == BinaryOp.MIN;
    }

    /** Returns how many elements the SIMD loop covered. */
    private static int vectorVector(BinaryOp op, int n, float[] a, int ao, float[] b, int bo, float[] c, int co) {
        int i = 0, up = F.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).add(FloatVector.fromArray(F, b, bo + i)).intoArray(c, co + i); }
            case SUB -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).sub(FloatVector.fromArray(F, b, bo + i)).intoArray(c, co + i); }
            case MUL -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).mul(FloatVector.fromArray(F, b, bo + i)).intoArray(c, co + i); }
            case DIV -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).div(FloatVector.fromArray(F, b, bo + i)).intoArray(c, co + i); }
            case MAX -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).max(FloatVector.fromArray(F, b, bo + i)).intoArray(c, co + i); }
            case MIN -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).min(FloatVector.fromArray(F, b, bo + i)).intoArray(c, co + i); }
            default -> { return 0; }
        }
        return i;
    }

    private static int vectorScalar(BinaryOp op, int n, float[] a, int ao, float s, float[] c, int co) {
        int i = 0, up = F.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).add(s).intoArray(c, co + i); }
            case SUB -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).sub(s).intoArray(c, co + i); }
            case MUL -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).mul(s).intoArray(c, co + i); }
            case DIV -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).div(s).intoArray(c, co + i); }
            case MAX -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).max(s).intoArray(c, co + i); }
            case MIN -> { for (; i < up; i += L) FloatVector.fromArray(F, a, ao + i).min(s).intoArray(c, co + i); }
            default -> { return 0; }
        }
        return i;
    }

    /** y[i] += alpha * x[i] over a run (x stride may be 0). */
    static void axpy(int n, float alpha, float[] x, int xo, int xs, float[] y, int yo, int ys) {
        int i = 0;
        if (xs == 1 && ys == 1) {
            for (int up = F.loopBound(n); i < up; i += L)
                FloatVector.fromArray(F, x, xo + i).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i * ys] += alpha * x[xo + i * xs];
    }

    /**
     * d[i, j] = s[i, j] for i &lt; rows, j &lt; cols, where d is unit-strided along j and s along i:
     * column tiles of {@link #TILE}, so each cache line of s serves a whole tile of rows of d.
     */
    static void copyTiles(int rows, int cols, float[] s, int so, int srs, int scs, float[] d, int dOff, int drs) {
        for (int j0 = 0; j0 < cols; j0 += TILE) {
            int j1 = Math.min(cols, j0 + TILE);
            for (int i = 0; i < rows; i++) {
                int si = so + i * srs, di = dOff + i * drs;
                for (int j = j0; j < j1; j++) d[di + j] = s[si + j * scs];
            }
        }
    }
}
