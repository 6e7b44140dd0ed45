package mdlora.autograd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Central-difference gradient check. The output is reduced with a random projection (so every output
 * element matters with its own weight) and the analytic gradient of each input is compared with
 * (L(x + h) - L(x - h)) / 2h on a sample of elements. The tolerance is loose enough for float32 and
 * tight enough that a wrong sign, a missing term or a factor of two fails.
 */
final class GradCheck {
    private static final float H = 1e-2f;

    private GradCheck() {}

    static void check(String name, Function<Variable[], Variable> f, Tensor... inputs) {
        check(name, f, 2e-2, 2e-3, inputs);
    }

    static void check(String name, Function<Variable[], Variable> f, double rtol, double atol, Tensor... inputs) {
        Rng rng = new Rng(name.hashCode());
        Variable[] vars = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = Variable.parameter(inputs[i].copy());
        Variable out = f.apply(vars);
        Tensor projection = rng.normal(0, 1, out.shape());
        out.mul(Variable.constant(projection)).sum().backward();
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = vars[i].data(), analytic = vars[i].grad();
            if (analytic == null) fail(name + ": input " + i + " got no gradient");
            float[] xs = x.storage(), ga = analytic.toArray();
            int n = x.numel(), samples = Math.min(n, 40);
            for (int s = 0; s < samples; s++) {
                int j = n <= 40 ? s : rng.nextInt(n);
                float saved = xs[j];
                xs[j] = saved + H;
                double plus = loss(f, vars, projection);
                xs[j] = saved - H;
                double minus = loss(f, vars, projection);
                xs[j] = saved;
                double numeric = (plus - minus) / (2 * H);
                if (Math.abs(numeric - ga[j]) > atol + rtol * Math.abs(numeric))
                    fail(name + ": input " + i + " element " + j + ": analytic " + ga[j] + " vs numeric " + numeric);
            }
        }
    }

    private static double loss(Function<Variable[], Variable> f, Variable[] vars, Tensor projection) {
        try (var ignored = Autograd.noGrad()) {
            Variable[] consts = new Variable[vars.length];
            for (int i = 0; i < vars.length; i++) consts[i] = Variable.constant(vars[i].data());
            return f.apply(consts).data().mul(projection).sumAll();
        }
    }
}
