package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import mdlora.tensor.Backend;
import mdlora.tensor.Parallel;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/** GELU (erf form), forward and backward, elementwise over contiguous blocks on several threads. */
final class GeluKernels implements Backend.Gelu {
    static final GeluKernels INSTANCE = new GeluKernels();
    private static final int L = F.length();
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    /** Elements per block of the backward's two loops: input, gradient and output stay in L1. */
    private static final int BLOCK = 1024;

    private GeluKernels() {}

    @Override
    public Tensor forward(Tensor x) {
        Tensor c = x.contiguous();
        float[] in = c.storage(), out = new float[x.numel()];
        int base = c.offset();
        Parallel.range(out.length, StridedLoop.GRAIN, (s, e) -> {
            int i = s;
            for (int up = s + F.loopBound(e - s); i < up; i += L) VectorMath.gelu(FloatVector.fromArray(F, in, base + i)).intoArray(out, i);
            for (; i < e; i++) out[i] = VectorMath.gelu(in[base + i]);
        });
        return Tensor.of(out, x.shape());
    }

    @Override
    public Tensor backward(Tensor x, Tensor g) {
        Shape.requireSame("gelu backward", x.shape(), g.shape());
        Tensor xc = x.contiguous(), gc = g.contiguous();
        float[] xd = xc.storage(), gd = gc.storage(), out = new float[x.numel()];
        int xo = xc.offset(), go = gc.offset();
        Parallel.range(out.length, StridedLoop.GRAIN, (s, e) -> {
            // Phi and the rest in two loops over cache-sized blocks: fused into one loop with both
            // exponentials, C2 compiles it a third slower than the two apart.
            for (int b = s; b < e; b += BLOCK) {
                int end = Math.min(e, b + BLOCK);
                phi(xd, xo, out, b, end);
                geluSlope(xd, xo, gd, go, out, b, end);
            }
        });
        return Tensor.of(out, x.shape());
    }

    /** out[i] = Phi(x[xo + i]) for i in [from, to). */
    private static void phi(float[] x, int xo, float[] out, int from, int to) {
        int i = from;
        for (int up = from + F.loopBound(to - from); i < up; i += L) VectorMath.phi(FloatVector.fromArray(F, x, xo + i)).intoArray(out, i);
        for (; i < to; i++) out[i] = VectorMath.phi(x[xo + i]);
    }

    /** out[i] = (out[i] + x N(x)) g for i in [from, to), N the standard normal density: GELU's slope is Phi(x) + x N(x). */
    private static void geluSlope(float[] x, int xo, float[] g, int go, float[] out, int from, int to) {
        int i = from;
        for (int up = from + F.loopBound(to - from); i < up; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xo + i);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector.fromArray(F, out, i).add(v.mul(pdf)).mul(FloatVector.fromArray(F, g, go + i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            float v = x[xo + i];
            out[i] = (out[i] + v * INV_SQRT_2PI * (float) Math.exp(-0.5f * v * v)) * g[go + i];
        }
    }
}
