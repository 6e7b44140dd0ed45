package mdlora.tensor.cpu;

import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.LT;

import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * erf and GELU, which the Vector API lacks, as lane-wise functions with scalar twins that use the
 * same formulas (for loop tails); and exp.
 *
 * <p>Every function here gives the same bits whether the JIT has compiled it or not. The Vector API's
 * own transcendentals ({@code lanewise(EXP)} and kin) do not: compiled, they call the platform's vector
 * math library; interpreted, {@code Math.exp} per lane; so a result would depend on how warm the JIT
 * is, and a training run resumed in a fresh JVM would drift from the uninterrupted one. exp is
 * therefore built here from +, *, fma and bit operations, which are exact in both.
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

    private static final float LOG2E = (float) (1 / Math.log(2));
    /** ln 2 split so that k * LN2_HI is exact for the k that occur (|k| &lt; 256). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUND = 12582912f;
    /** exp overflows above this and is 0 (or subnormal, flushed) below the other. */
    private static final float EXP_MAX = 88.72283f, EXP_MIN = -87.33654f;

    private VectorMath() {}

    /**
     * e^x, Cephes' expf: x = k ln 2 + r with |r| &lt;= ln 2 / 2, e^r by a degree-7 polynomial, times 2^k
     * built in the exponent bits. Within 2 ulp of the exact value; 0 below EXP_MIN (no subnormals),
     * infinity above EXP_MAX, NaN for NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = clampAbove(clampBelow(x, EXP_MIN), EXP_MAX);
        FloatVector k = c.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), c);
        r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) k.convert(F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scaled = p.mul(bits.reinterpretAsFloats());
        // a NaN has come through every step as NaN, and fails both comparisons
        return scaled.blend(0f, x.compare(LT, EXP_MIN)).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
    }

    /** min(x, hi) for a finite hi, NaN staying NaN: a compare and a blend, where AVX2 needs five instructions for Java's min. */
    private static FloatVector clampAbove(FloatVector x, float hi) {
        return x.blend(hi, x.compare(VectorOperators.GT, hi));
    }

    /** max(x, lo) likewise. */
    private static FloatVector clampBelow(FloatVector x, float lo) {
        return x.blend(lo, x.compare(LT, lo));
    }

    /**
     * {@code f} applied lane by lane with scalar Java math: slower than a vector kernel, but the same
     * bits compiled or interpreted (for log and tanh, which no hot path needs fast).
     */
    static FloatVector perLane(FloatVector x, DoubleUnaryOperator f) {
        float[] lanes = x.toArray();
        for (int i = 0; i < lanes.length; i++) lanes[i] = (float) f.applyAsDouble(lanes[i]);
        return FloatVector.fromArray(F, lanes, 0);
    }

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
        FloatVector te = t.mul(exp(a));
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
        FloatVector z = clampAbove(x.abs(), ERFC_ZERO), sq = z.mul(z);
        FloatVector big = erfc(z, sq, z.fma(z, sq.neg())).neg().add(1f);
        big = big.blend(big.neg(), x.compare(LT, 0f));
        return big.blend(x.mul(erfSeries(x.mul(x))), x.abs().compare(LT, ERF_SERIES_END));
    }

    static float erf(float x) {
        if (Math.abs(x) < ERF_SERIES_END) return x * erfSeries(x * x);
        float z = Math.min(Math.abs(x), ERFC_ZERO), sq = z * z;
        return Math.copySign(1f - erfc(z, sq, Math.fma(z, z, -sq)), x);
    }

    /**
     * Phi(x), the standard normal distribution function, (1 + erf(x/sqrt 2)) / 2, with
     * 1 + erf(x/sqrt 2) = erfc(|x|/sqrt 2) for negative x so the left tail keeps its relative accuracy.
     */
    static FloatVector phi(FloatVector x) {
        FloatVector a = clampAbove(x.abs(), GELU_CLAMP), sq = a.mul(a);
        FloatVector e = erfc(a.mul(INV_SQRT2), sq.mul(0.5f), a.fma(a, sq.neg()).mul(0.5f));
        return e.neg().add(2f).blend(e, x.compare(LT, 0f)).mul(0.5f);
    }

    static float phi(float x) {
        float a = Math.min(Math.abs(x), GELU_CLAMP), sq = a * a;
        float e = erfc(a * INV_SQRT2, sq * 0.5f, Math.fma(a, a, -sq) * 0.5f);
        return 0.5f * (x < 0 ? e : 2f - e);
    }

    /** x Phi(x). */
    static FloatVector gelu(FloatVector x) {
        return x.mul(phi(x));
    }

    static float gelu(float x) {
        return x * phi(x);
    }
}
