package mdlora.tensor.cpu;

import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * erf and GELU, which the Vector API lacks, as lane-wise functions with scalar twins that use the
 * same formulas (for loop tails).
 *
 * <p>erfc(z) = t exp(-z^2 + P(t)), t = 1/(1 + z/2), is Numerical Recipes' Chebyshev fit (fractional
 * error below 1.2e-7 for every z &gt;= 0), so the tails where 1 + erf would cancel keep their relative
 * accuracy. At z = 7 the exponent is about -50, and its float rounding alone would cost 3e-6 of
 * relative error; so z^2 arrives as an exact two-float sum (split with an fma) and the rounding
 * error of the exponent is applied after the exp, to first order. Near zero, where 1 - erfc
 * cancels, erf is its Taylor series.
 */
final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    /** erfc(z) is below half the smallest float beyond this; clamping there keeps z^2 finite. */
    private static final float ERFC_ZERO = 10.5f;
    private static final float GELU_CLAMP = (float) (ERFC_ZERO * Math.sqrt(2));
    /** Below this |x| seven Taylor terms give erf to float precision. */
    private static final float ERF_SERIES_END = 0.5f;

    private VectorMath() {}

    /** erfc(z) for 0 &lt;= z &lt;= ERFC_ZERO, given z^2 exactly as {@code sqHi + sqLo}. */
    private static FloatVector erfc(FloatVector z, FloatVector sqHi, FloatVector sqLo) {
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
        // exponent p - sqHi - sqLo = a + err - sqLo, with a its float rounding and err exact (TwoSum)
        FloatVector a = p.sub(sqHi), back = a.sub(p);
        FloatVector err = p.sub(a.sub(back)).sub(sqHi.add(back));
        FloatVector te = t.mul(a.lanewise(EXP));
        return te.fma(err.sub(sqLo), te);
    }

    private static float erfc(float z, float sqHi, float sqLo) {
        float t = 1f / Math.fma(z, 0.5f, 1f);
        float p = Math.fma(t, 0.17087277f, -0.82215223f);
        p = Math.fma(p, t, 1.48851587f);
        p = Math.fma(p, t, -1.13520398f);
        p = Math.fma(p, t, 0.27886807f);
        p = Math.fma(p, t, -0.18628806f);
        p = Math.fma(p, t, 0.09678418f);
        p = Math.fma(p, t, 0.37409196f);
        p = Math.fma(p, t, 1.00002368f);
        p = Math.fma(p, t, -1.26551223f);
        float a = p - sqHi, back = a - p;
        float err = (p - (a - back)) - (sqHi + back);
        float te = t * (float) Math.exp(a);
        return Math.fma(te, err - sqLo, te);
    }

    /** erf(x) / x for |x| &lt; ERF_SERIES_END, as a polynomial in u = x^2. */
    private static FloatVector erfSeries(FloatVector u) {
        FloatVector p = u.fma(0.00012055333f, -0.0008548327f);
        p = p.fma(u, FloatVector.broadcast(F, 0.0052239776f));
        p = p.fma(u, FloatVector.broadcast(F, -0.02686617f));
        p = p.fma(u, FloatVector.broadcast(F, 0.11283792f));
        p = p.fma(u, FloatVector.broadcast(F, -0.3761264f));
        return p.fma(u, FloatVector.broadcast(F, 1.1283791f));
    }

    private static float erfSeries(float u) {
        float p = Math.fma(u, 0.00012055333f, -0.0008548327f);
        p = Math.fma(p, u, 0.0052239776f);
        p = Math.fma(p, u, -0.02686617f);
        p = Math.fma(p, u, 0.11283792f);
        p = Math.fma(p, u, -0.3761264f);
        return Math.fma(p, u, 1.1283791f);
    }

    static FloatVector erf(FloatVector x) {
        FloatVector z = x.abs().min(ERFC_ZERO), sq = z.mul(z);
        FloatVector big = erfc(z, sq, z.fma(z, sq.neg())).neg().add(1f);
        big = big.blend(big.neg(), x.compare(LT, 0f));
        return big.blend(x.mul(erfSeries(x.mul(x))), x.abs().compare(LT, ERF_SERIES_END));
    }

    static float erf(float x) {
        if (Math.abs(x) < ERF_SERIES_END) return x * erfSeries(x * x);
        float z = Math.min(Math.abs(x), ERFC_ZERO), sq = z * z;
        return Math.copySign(1f - erfc(z, sq, Math.fma(z, z, -sq)), x);
    }

    /** x Phi(x) = x/2 (1 + erf(x/sqrt 2)), with 1 + erf(x/sqrt 2) = erfc(|x|/sqrt 2) for negative x. */
    static FloatVector gelu(FloatVector x) {
        FloatVector a = x.abs().min(GELU_CLAMP), sq = a.mul(a);
        FloatVector e = erfc(a.mul(INV_SQRT2), sq.mul(0.5f), a.fma(a, sq.neg()).mul(0.5f));
        return x.mul(0.5f).mul(e.neg().add(2f).blend(e, x.compare(LT, 0f)));
    }

    static float gelu(float x) {
        float a = Math.min(Math.abs(x), GELU_CLAMP), sq = a * a;
        float e = erfc(a * INV_SQRT2, sq * 0.5f, Math.fma(a, a, -sq) * 0.5f);
        return 0.5f * x * (x < 0 ? e : 2f - e);
    }
}
