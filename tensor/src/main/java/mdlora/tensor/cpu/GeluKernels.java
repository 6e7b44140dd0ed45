package mdlora.tensor.cpu;

import static mdlora.tensor.cpu.VectorMath.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import mdlora.tensor.Backend;
import mdlora.tensor.Parallel;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/** GELU (erf form), forward and backward, elementwise over contiguous blocks on several threads. */
final class GeluKernels implements Backend.Gelu {
    static final GeluKernels INSTANCE = new GeluKernels();
    private static final int L = F.length();
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    /** Below this |x|, Phi(x) = 1/2 + x N(0) rounds to 1/2. */
    private static final float PHI_HALF = 1e-8f;

    private GeluKernels() {}

    @Override
    public Tensor forward(Tensor x) {
        Tensor c = x.contiguous();
        float[] in = c.storage(), out = Tensor.zeros(x.numel()).storage();
        int base = c.offset();
        Parallel.range(out.length, StridedLoop.GRAIN, (s, e) -> {
            int i = s;
            for (int up = s + F.loopBound(e - s); i < up; i += L) VectorMath.gelu(FloatVector.fromArray(F, in, base + i)).intoArray(out, i);
            for (; i < e; i++) out[i] = VectorMath.gelu(in[base + i]);
        });
        return Tensor.of(out, x.shape());
    }

    @Override
    public Tensor backward(Tensor x, Tensor y, Tensor g) {
        Shape.requireSame("gelu backward", x.shape(), g.shape());
        Shape.requireSame("gelu backward (output)", x.shape(), y.shape());
        Tensor xc = x.contiguous(), yc = y.contiguous(), gc = g.contiguous();
        float[] xd = xc.storage(), yd = yc.storage(), gd = gc.storage(), out = Tensor.zeros(x.numel()).storage();
        int xo = xc.offset(), yo = yc.offset(), go = gc.offset();
        Parallel.range(out.length, StridedLoop.GRAIN, (s, e) -> {
            int i = s;
            for (int up = s + F.loopBound(e - s); i < up; i += L)
                slope(FloatVector.fromArray(F, xd, xo + i), FloatVector.fromArray(F, yd, yo + i)).mul(FloatVector.fromArray(F, gd, go + i)).intoArray(out, i);
            for (; i < e; i++) out[i] = slope(xd[xo + i], yd[yo + i]) * gd[go + i];
        });
        return Tensor.of(out, x.shape());
    }

    /**
     * GELU's slope Phi(x) + x N(x) at x, N the standard normal density, with Phi(x) = y / x from the output
     * {@code y = x Phi(x)}: one exp instead of the erfc and exp of computing Phi again (a third of W3's GELU
     * time). Near zero, where the quotient would lose digits (or be 0/0), Phi(x) is 1/2 to float precision.
     */
    private static FloatVector slope(FloatVector x, FloatVector y) {
        FloatVector phi = y.div(x).blend(0.5f, x.abs().compare(VectorOperators.LT, PHI_HALF));
        return x.mul(VectorMath.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI)).add(phi);
    }

    private static float slope(float x, float y) {
        float phi = Math.abs(x) < PHI_HALF ? 0.5f : y / x;
        return x * (INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x)) + phi;
    }
}
