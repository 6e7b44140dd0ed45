package mdlora.lora;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.function.Supplier;
import mdlora.autograd.Autograd;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;

/**
 * Central-difference check of the gradients of a module's own parameters: the output is reduced with a
 * random projection, and each parameter's analytic gradient is compared with (L(p + h) - L(p - h)) / 2h on
 * a sample of its elements, perturbed in place.
 */
final class GradCheck {
    private static final float H = 1e-2f;

    private GradCheck() {}

    static void check(String name, Supplier<Variable> f, List<Variable> parameters) {
        Rng rng = new Rng(name.hashCode());
        for (Variable p : parameters) p.zeroGrad();
        Variable out = f.get();
        Tensor projection = rng.normal(0, 1, out.shape());
        out.mul(Variable.constant(projection)).sum().backward();
        for (int i = 0; i < parameters.size(); i++) {
            Variable p = parameters.get(i);
            if (p.grad() == null) fail(name + ": parameter " + i + " got no gradient");
            float[] xs = p.data().storage(), ga = p.grad().toArray();
            int n = p.data().numel(), samples = Math.min(n, 30);
            for (int s = 0; s < samples; s++) {
                int j = n <= 30 ? s : rng.nextInt(n);
                float saved = xs[j];
                xs[j] = saved + H;
                double plus = loss(f, projection);
                xs[j] = saved - H;
                double minus = loss(f, projection);
                xs[j] = saved;
                double numeric = (plus - minus) / (2 * H);
                if (Math.abs(numeric - ga[j]) > 3e-3 + 2e-2 * Math.abs(numeric))
                    fail(name + ": parameter " + i + " element " + j + ": analytic " + ga[j] + " vs numeric " + numeric);
            }
        }
    }

    private static double loss(Supplier<Variable> f, Tensor projection) {
        try (var ignored = Autograd.noGrad()) {
            return f.get().data().mul(projection).sumAll();
        }
    }
}
