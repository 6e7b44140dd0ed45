package mdlora.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions the Vector API lacks, with scalar twins that use the same formulas.
 * erfc is Numerical Recipes' Chebyshev fit (fractional error below 1.2e-7 everywhere), so GELU keeps
 * its relative accuracy in the negative tail where 1 + erf(x) would cancel.
 */
final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    private VectorMath() {}

    /** erfc(z) for z &gt;= 0. */
    static FloatVector erfcPositive(FloatVector z) {
        FloatVector t = FloatVector.broadcast(F, 1f).div(z.fma(0.5f, 1f));
        FloatVector p = t.fma(0.17087277f, -0.82215223f);
        p = p.fma(t, FloatVector.broadcast(F, 1.48851587f));
        p = p.fma(t, FloatVector.broadcast(F, -1.13520398f));
        p = p.fma(t, FloatVector.broadcast(F, 0.27886807f));
        p = p.fma(t, FloatVector.broadcast(F, -0.18628806f));
        p = p.fma(t, FloatVector.broadcast(F, 0.09678418f));
        p = p.fma(t, FloatVector.broadcast(F, 0.37409196f));
        p = p.fma(t, FloatVector.broadcast(F, 1.00002368f));
        p = p.fma(t, FloatVector.broadcast(F, -1.26551223f));
        FloatVector e = z.mul(z).neg().add(p).lanewise(VectorOperators.EXP);
        return t.mul(e);
    }

    static float erfcPositive(float z) {
        float t = 1f / (1f + 0.5f * z);
        float p = Math.fma(t, 0.17087277f, -0.82215223f);
        p = Math.fma(p, t, 1.48851587f);
        p = Math.fma(p, t, -1.13520398f);
        p = Math.fma(p, t, 0.27886807f);
        p = Math.fma(p, t, -0.18628806f);
        p = Math.fma(p, t, 0.09678418f);
        p = Math.fma(p, t, 0.37409196f);
        p = Math.fma(p, t, 1.00002368f);
        p = Math.fma(p, t, -1.26551223f);
        return t * (float) Math.exp(-z * z + p);
    }

    /** 2 * Phi(x) = 1 + erf(x / sqrt 2), computed without cancellation for negative x. */
    static FloatVector twicePhi(FloatVector x) {
        FloatVector e = erfcPositive(x.abs().mul(INV_SQRT2));
        return e.neg().add(2f).blend(e, x.compare(VectorOperators.LT, 0f));
    }

    static float twicePhi(float x) {
        float e = erfcPositive(Math.abs(x) * INV_SQRT2);
        return x < 0 ? e : 2f - e;
    }

    static FloatVector gelu(FloatVector x) {
        return x.mul(0.5f).mul(twicePhi(x));
    }

    static float gelu(float x) {
        return 0.5f * x * twicePhi(x);
    }

    static FloatVector erf(FloatVector x) {
        FloatVector e = erfcPositive(x.abs());
        FloatVector pos = e.neg().add(1f);
        return pos.blend(pos.neg(), x.compare(VectorOperators.LT, 0f));
    }

    static float erf(float x) {
        float v = 1f - erfcPositive(Math.abs(x));
        return x < 0 ? -v : v;
    }
}
