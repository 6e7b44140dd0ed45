package mdlora.autograd;

import static mdlora.autograd.GradCheck.check;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every operation's backward. */
class GradientTest {
    private final Rng rng = new Rng(7);

    private Tensor randn(int... shape) {
        return rng.normal(0, 1, shape);
    }

    private Tensor positive(int... shape) {
        return rng.uniform(0.5f, 2f, shape);
    }

    @Test
    void arithmeticWithBroadcasting() {
        check("add", v -> v[0].add(v[1]), randn(3, 4), randn(4));
        check("sub", v -> v[0].sub(v[1]), randn(2, 1, 3), randn(4, 1));
        check("mul", v -> v[0].mul(v[1]), randn(3, 5), randn(3, 1));
        check("div", v -> v[0].div(v[1]), randn(2, 3), positive(3));
        check("scalars", v -> v[0].add(1.5f).mul(-2f).sub(0.5f).div(3f).neg(), randn(4, 3));
    }

    @Test
    void unaryFunctions() {
        check("pow", v -> v[0].pow(3f), positive(5));
        check("square", v -> v[0].square(), randn(6));
        check("sqrt", v -> v[0].sqrt(), positive(6));
        check("exp", v -> v[0].exp(), randn(6));
        check("log", v -> v[0].log(), positive(6));
        check("tanh", v -> v[0].tanh(), randn(6));
        check("sigmoid", v -> v[0].sigmoid(), randn(6));
        check("relu", v -> v[0].relu(), Tensor.of(new float[] {-1.5f, -0.3f, 0.4f, 2f}, 4));
        check("gelu", v -> Functional.gelu(v[0]), randn(3, 7));
    }

    @Test
    void matrixProducts() {
        check("matmul", v -> v[0].matmul(v[1]), randn(3, 4), randn(4, 5));
        check("batched matmul broadcast", v -> v[0].matmul(v[1]), randn(2, 3, 3, 4), randn(3, 4, 2));
        check("matmul transposed view", v -> v[0].matmul(v[1].mT()), randn(3, 4), randn(5, 4));
        check("linear", v -> Functional.linear(v[0], v[1], v[2]), randn(2, 3, 4), randn(5, 4), randn(5));
        check("linear no bias", v -> Functional.linear(v[0], v[1], null), randn(3, 4), randn(2, 4));
    }

    @Test
    void selfAdjointMapTakesItsOwnGradient() {
        Tensor s = randn(4, 4);
        Tensor symmetric = s.add(s.mT());
        check("self-adjoint", v -> Functional.selfAdjoint("symmetric", v[0], symmetric::matmul), randn(4, 3));
    }

    @Test
    void reductions() {
        check("sum all", v -> v[0].sum(), randn(3, 4));
        check("sum axes", v -> v[0].sum(0, 2), randn(2, 3, 4));
        check("sum keepdims", v -> v[0].sum(true, 1), randn(2, 3, 4));
        check("mean", v -> v[0].mean(-1), randn(3, 5));
        check("mean keepdims", v -> v[0].mean(true, 0, 1), randn(3, 2, 2));
    }

    @Test
    void shapeOperations() {
        check("reshape", v -> v[0].reshape(6, -1), randn(2, 3, 4));
        check("flatten", v -> v[0].flatten(0, 1), randn(2, 3, 4));
        check("permute", v -> v[0].permute(2, 0, 1).mul(v[1]), randn(2, 3, 4), randn(4, 2, 3));
        check("transpose", v -> v[0].transpose(0, 2), randn(2, 3, 4));
        check("unsqueeze squeeze", v -> v[0].unsqueeze(1).squeeze(1).unsqueeze(0), randn(3, 4));
        check("expand", v -> v[0].expand(3, 2, 4), randn(2, 1));
        check("slice", v -> v[0].slice(1, 1, 3), randn(2, 4, 3));
        check("select", v -> v[0].select(0, 1), randn(3, 4));
        check("indexSelect repeats", v -> v[0].indexSelect(0, 2, 0, 2, 1), randn(3, 4));
        check("concat", v -> Variable.concat(1, v[0], v[1]), randn(2, 3), randn(2, 2));
        check("stack", v -> Variable.stack(0, v[0], v[1]), randn(2, 3), randn(2, 3));
    }

    @Test
    void normalisationAndLosses() {
        check("softmax last", v -> Functional.softmax(v[0], -1), randn(3, 5));
        check("softmax first", v -> Functional.softmax(v[0], 0), randn(3, 5));
        check("logSoftmax", v -> Functional.logSoftmax(v[0], 1), randn(4, 6));
        check("layerNorm affine", v -> Functional.layerNorm(v[0], v[1], v[2], 1e-5f), randn(4, 7), randn(7), randn(7));
        check("layerNorm plain", v -> Functional.layerNorm(v[0], null, null, 1e-5f), randn(3, 9));
        check("crossEntropy", v -> Functional.crossEntropy(v[0], new int[] {1, 0, 3}, 0f), randn(3, 4));
        check("crossEntropy smoothing", v -> Functional.crossEntropy(v[0], new int[] {2, 2}, 0.1f), randn(2, 5));
        check("dropout", v -> Functional.dropout(v[0], 0.3f, true, new Rng(3)), randn(4, 5));
    }

    @Test
    void attention() {
        check("selfAttention", v -> Functional.selfAttention(v[0], 2, 0.5f), randn(2, 5, 12));
    }

    @Test
    void loraLinear() {
        check("loraLinear", v -> Functional.loraLinear(v[0], v[1], v[2], v[3], v[4]), randn(2, 3, 5), randn(4, 5), randn(4), randn(2, 5), randn(4, 2));
    }

    @Test
    void loraLinearEqualsLinearPlusLowRank() {
        Variable x = Variable.constant(randn(6, 5)), w = Variable.constant(randn(4, 5)), b = Variable.constant(randn(4));
        Variable down = Variable.constant(randn(3, 5)), up = Variable.constant(randn(4, 3));
        Tensor fused = Functional.loraLinear(x, w, b, down, up).data();
        Tensor apart = Functional.linear(x, w, b).add(Functional.linear(Functional.linear(x, down, null), up, null)).data();
        assertTrue(fused.allClose(apart, 1e-5f, 1e-5f), "fused and composed LoRA linear differ");
    }

    @Test
    void sharedSubexpressionsAccumulate() {
        check("x*x + x", v -> v[0].mul(v[0]).add(v[0]), randn(5));
        check("diamond", v -> { Variable a = v[0].exp(); return a.mul(a.sum()).add(a); }, randn(4));
    }
}
