package mdlora.bench.jmh;

import java.util.concurrent.TimeUnit;
import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused layers of W3 at its sizes (32 frames of 50 tokens, width 192, 3 heads, LoRA rank 32 + 32),
 * forward alone and forward plus backward: self-attention from qkv, and the LoRA linear layers qkv and
 * fc1 (frozen W, trainable factors). Run with {@code ./mdlora jmh Layer}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class LayerBenchmark {
    private static final int FRAMES = 32, TOKENS = 50, WIDTH = 192, HEADS = 3, RANK = 64;

    /** Output width of the LoRA linear layer: 576 is qkv, 768 fc1. */
    @Param({"576", "768"})
    public int out;

    private Variable tokens, qkv, weight, bias, down, up;
    private Tensor attentionGrad, linearGrad;

    @Setup
    public void setUp() {
        Rng rng = new Rng(0);
        tokens = Variable.parameter(rng.normal(0, 1, FRAMES, TOKENS, WIDTH));
        qkv = Variable.parameter(rng.normal(0, 1, FRAMES, TOKENS, 3 * WIDTH));
        weight = Variable.constant(rng.normal(0, 0.05f, out, WIDTH));
        bias = Variable.constant(rng.normal(0, 0.05f, out));
        down = Variable.parameter(rng.normal(0, 0.05f, RANK, WIDTH));
        up = Variable.parameter(rng.normal(0, 0.05f, out, RANK));
        attentionGrad = rng.normal(0, 1, FRAMES, TOKENS, WIDTH);
        linearGrad = rng.normal(0, 1, FRAMES, TOKENS, out);
    }

    private Variable attention() {
        return Functional.selfAttention(qkv, HEADS, (float) (1 / Math.sqrt(WIDTH / HEADS)));
    }

    private Variable loraLinear() {
        return Functional.loraLinear(tokens, weight, bias, down, up);
    }

    @Benchmark
    public Tensor selfAttentionForward() {
        return attention().data();
    }

    @Benchmark
    public Tensor selfAttentionBackward() {
        qkv.zeroGrad();
        attention().backward(attentionGrad, false);
        return qkv.grad();
    }

    @Benchmark
    public Tensor loraLinearForward() {
        return loraLinear().data();
    }

    @Benchmark
    public Tensor loraLinearBackward() {
        tokens.zeroGrad();
        down.zeroGrad();
        up.zeroGrad();
        loraLinear().backward(linearGrad, false);
        return up.grad();
    }
}
