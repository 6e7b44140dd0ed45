package mdlora.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outputs and gradients of every op, and of a whole pre-norm transformer block, against PyTorch's,
 * recorded by src/test/python/make_autograd_golden.py. Tolerance: max |a - b| <= 1e-5 * max |b|
 * (+1e-6), i.e. 1e-5 relative to the tensor's scale.
 */
class AutogradGoldenTest {
    private static SafetensorsFile golden;

    @BeforeAll
    static void open() throws Exception {
        golden = SafetensorsFile.open(Path.of(AutogradGoldenTest.class.getResource("/golden/autograd_ops.safetensors").toURI()));
    }

    @AfterAll
    static void close() {
        golden.close();
    }

    private static Map<String, Function<Variable[], Variable>> cases() {
        Map<String, Function<Variable[], Variable>> c = new LinkedHashMap<>();
        c.put("add", v -> v[0].add(v[1]));
        c.put("sub", v -> v[0].sub(v[1]));
        c.put("mul", v -> v[0].mul(v[1]));
        c.put("div", v -> v[0].div(v[1]));
        c.put("pow", v -> v[0].pow(3f));
        c.put("sqrt", v -> v[0].sqrt());
        c.put("exp", v -> v[0].exp());
        c.put("log", v -> v[0].log());
        c.put("tanh", v -> v[0].tanh());
        c.put("sigmoid", v -> v[0].sigmoid());
        c.put("gelu", v -> Functional.gelu(v[0]));
        c.put("matmul", v -> v[0].matmul(v[1]));
        c.put("sum", v -> v[0].sum(0, 2));
        c.put("mean", v -> v[0].mean(true, -1));
        c.put("permute_reshape", v -> v[0].permute(2, 0, 1).reshape(4, 6));
        c.put("slice", v -> v[0].slice(1, 1, 3));
        c.put("concat", v -> Variable.concat(1, v[0], v[1]));
        c.put("index_select", v -> v[0].indexSelect(0, 2, 0, 2, 1));
        c.put("softmax", v -> Functional.softmax(v[0], -1));
        c.put("log_softmax", v -> Functional.logSoftmax(v[0], 0));
        c.put("layer_norm", v -> Functional.layerNorm(v[0], v[1], v[2], 1e-6f));
        c.put("linear", v -> Functional.linear(v[0], v[1], v[2]));
        c.put("cross_entropy", v -> Functional.crossEntropy(v[0], new int[] {1, 0, 3}, 0.1f));
        c.put("attention", v -> attention(v[0], v[1], v[2], 0.5f));
        c.put("block", v -> block(v, false));
        c.put("block/fused", v -> block(v, true));
        return c;
    }

    /**
     * timm's pre-norm Block (width 8, 2 heads, MLP 16) written with the engine's ops; its attention either
     * from slices of qkv composed of products and a softmax, or {@code fused} through
     * {@link Functional#selfAttention}.
     */
    private static Variable block(Variable[] v, boolean fused) {
        int heads = 2, d = 8;
        Variable x = v[0];
        int b = x.size(0), n = x.size(1);
        Variable h = Functional.layerNorm(x, v[1], v[2], 1e-6f);
        Variable qkv = Functional.linear(h, v[3], v[4]);
        float scale = (float) Math.pow(d / heads, -0.5);
        Variable a = fused ? Functional.selfAttention(qkv, heads, scale) : merged(sliced(qkv, heads, scale));
        x = x.add(Functional.linear(a, v[5], v[6]));
        Variable m = Functional.gelu(Functional.linear(Functional.layerNorm(x, v[7], v[8], 1e-6f), v[9], v[10]));
        return x.add(Functional.linear(m, v[11], v[12]));
    }

    /** Attention over the q, k, v slices of qkv [B, N, 3D]: the heads' contexts [B, heads, N, D/heads]. */
    private static Variable sliced(Variable qkv, int heads, float scale) {
        int b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3;
        Variable split = qkv.reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        return attention(split.select(0, 0), split.select(0, 1), split.select(0, 2), scale);
    }

    /** {@code softmax(q k^T * scale) v} composed of the engine's products and softmax: the reference the fused kernel must match. */
    private static Variable attention(Variable q, Variable k, Variable v, float scale) {
        return Functional.softmax(q.matmul(k.mT()).mul(scale), -1).matmul(v);
    }

    /** [B, heads, N, e] to [B, N, heads * e]. */
    private static Variable merged(Variable context) {
        int b = context.size(0), n = context.size(2);
        return context.transpose(1, 2).reshape(b, n, -1);
    }

    static Stream<Arguments> names() {
        return cases().keySet().stream().map(Arguments::of);
    }

    /** A case named {@code golden/variant} is another way of computing the recorded case {@code golden}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void matchesPyTorch(String caseName) {
        String name = caseName.split("/")[0];
        List<Variable> inputs = new ArrayList<>();
        for (int i = 0; golden.contains(name + ".in" + i); i++) inputs.add(Variable.parameter(golden.tensor(name + ".in" + i)));
        Variable out = cases().get(caseName).apply(inputs.toArray(new Variable[0]));
        assertClose(name + " output", golden.tensor(name + ".out"), out.data());
        out.mul(Variable.constant(golden.tensor(name + ".proj"))).sum().backward();
        for (int i = 0; i < inputs.size(); i++)
            assertClose(name + " grad" + i, golden.tensor(name + ".grad" + i), inputs.get(i).grad());
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray(), a = actual.toArray();
        double scale = 0, err = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            err = Math.max(err, Math.abs(e[i] - a[i]));
        }
        assertTrue(err <= 1e-5 * scale + 1e-6, what + ": max error " + err + " for scale " + scale);
    }
}
