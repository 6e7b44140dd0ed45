package mdlora.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import mdlora.tensor.Backend;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class EngineTest {
    private final Rng rng = new Rng(11);

    /** Runs {@code body} with a backend that counts matrix products (plain and linear layers'), and returns the count. */
    private static int countMatmuls(Runnable body) {
        Backend real = Backend.current();
        AtomicInteger count = new AtomicInteger();
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("matmul") || method.getName().equals("linear")) count.incrementAndGet();
            try {
                return method.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        };
        Backend.use((Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h));
        try {
            body.run();
        } finally {
            Backend.use(real);
        }
        return count.get();
    }

    @Test
    void frozenWeightsCostNoGradientWork() {
        Tensor x = rng.normal(0, 1, 8, 16), w = rng.normal(0, 1, 4, 16);
        Variable frozenW = Variable.constant(w), input = Variable.constant(x);
        Variable trainable = Variable.parameter(rng.normal(0, 1, 4));
        // forward: 1 product; backward: none, since neither x nor W needs a gradient
        int products = countMatmuls(() -> Functional.linear(input, frozenW, trainable).sum().backward());
        assertEquals(1, products);
        assertNull(frozenW.grad());
        assertEquals(4, trainable.grad().numel());

        Variable trainableW = Variable.parameter(w);
        int withWeightGrad = countMatmuls(() -> Functional.linear(input, trainableW, null).sum().backward());
        assertEquals(2, withWeightGrad, "forward plus the weight gradient, no input gradient");
    }

    @Test
    void nothingIsRecordedForConstantsOrUnderNoGrad() {
        Variable c = Variable.constant(Tensor.ones(3));
        assertTrue(c.mul(2f).isLeaf());
        Variable p = Variable.parameter(Tensor.ones(3));
        try (var ignored = Autograd.noGrad()) {
            Variable y = p.mul(2f);
            assertTrue(y.isLeaf());
            assertFalse(y.requiresGrad());
        }
        assertTrue(Autograd.isGradEnabled());
        assertFalse(p.mul(2f).isLeaf());
    }

    @Test
    void savedTensorsAreReleasedAfterBackward() {
        Variable p = Variable.parameter(rng.normal(0, 1, 3, 3));
        Variable hidden = Functional.gelu(p.matmul(p));
        Variable loss = hidden.sum();
        loss.backward();
        assertTrue(hidden.isReleased());
        assertTrue(loss.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackwardThatAccumulates() {
        Variable p = Variable.parameter(Tensor.of(new float[] {1, 2, 3}, 3));
        Variable loss = p.square().sum();
        loss.backward(Tensor.ones(), true);
        assertFalse(loss.isReleased());
        loss.backward(Tensor.ones(), false);
        assertArrayEquals(new float[] {4, 8, 12}, p.grad().toArray());
    }

    @Test
    void errorsNameTheProblem() {
        Variable p = Variable.parameter(Tensor.ones(2, 3));
        IllegalStateException noSeed = assertThrows(IllegalStateException.class, () -> p.mul(2f).backward());
        assertTrue(noSeed.getMessage().contains("[2, 3]"), noSeed.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () -> p.add(Variable.constant(Tensor.ones(4))));
        assertTrue(mismatch.getMessage().contains("[2, 3]") && mismatch.getMessage().contains("[4]"), mismatch.getMessage());
        IllegalArgumentException badTarget = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(p, new int[] {0, 5}, 0f));
        assertTrue(badTarget.getMessage().contains("target 5"), badTarget.getMessage());
    }

    @Test
    void anomalyDetectionNamesTheOperation() {
        Autograd.setAnomalyDetection(true);
        try {
            Variable p = Variable.parameter(Tensor.of(new float[] {-1f, 4f}, 2));
            ArithmeticException e = assertThrows(ArithmeticException.class, p::log);
            assertTrue(e.getMessage().contains("'log'"), e.getMessage());
        } finally {
            Autograd.setAnomalyDetection(false);
        }
        Variable p = Variable.parameter(Tensor.of(new float[] {-1f, 4f}, 2));
        assertTrue(p.log().data().hasNonFinite(), "without detection the NaN passes through");
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Variable p = Variable.parameter(Tensor.ones(1));
        Variable y = p;
        for (int i = 0; i < 20000; i++) y = y.add(0f);
        y.sum().backward();
        assertEquals(1f, p.grad().item());
    }
}
