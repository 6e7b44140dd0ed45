package mdlora.tensor;

import static mdlora.tensor.Reference.at;
import static mdlora.tensor.Reference.broadcastIndex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * In-place operations on views write exactly the view's elements of the shared storage: the
 * expected storage is built element by element and compared whole, so a stray write shows too.
 */
class InPlaceTest {
    private final RandomTensors r = new RandomTensors(600);

    /** What an in-place op should do to one element, given its old value and the operand's element. */
    private interface ElementUpdate {
        float apply(float old, double operand);
    }

    private void check(String what, ElementUpdate update, UnaryOperator<Tensor> operandOf, BiConsumer<Tensor, Tensor> op) {
        for (int c = 0; c < 40; c++) {
            int[] shape = r.shape(4, 2000);
            Tensor y = r.writable(shape, r.normal(1));
            Tensor x = operandOf.apply(r.tensor(r.broadcastable(shape), r.normal(1)));
            float[] expected = y.storage().clone();
            Reference.forEachIndex(shape, idx -> {
                int p = y.offset();
                for (int i = 0; i < idx.length; i++) p += idx[i] * y.stride(i);
                expected[p] = update.apply(expected[p], x == null ? 0 : at(x, broadcastIndex(idx, x.shape())));
            });
            op.accept(y, x);
            assertArrayEquals(expected, y.storage(), 1e-6f, what + " into " + Shape.str(shape) + " strides " + Shape.str(y.strides()) + " case " + c);
        }
    }

    @Test
    void addInPlaceWritesTheViewsElements() {
        check("addInPlace", (old, v) -> (float) (old + 0.5 * v), x -> x, (y, x) -> assertSame(y, y.addInPlace(x, 0.5f)));
        check("addInPlace alpha 1", (old, v) -> (float) (old + v), x -> x, (y, x) -> y.addInPlace(x));
    }

    @Test
    void addInPlaceIntoATransposedSlice() {
        Tensor base = Tensor.zeros(4, 5);
        base.mT().slice(0, 1, 3).addInPlace(Tensor.of(new float[] {1, 2, 3, 4}, 4), 2f);
        float[] expected = new float[20];
        for (int row = 0; row < 4; row++) {
            expected[row * 5 + 1] = 2 * (row + 1);
            expected[row * 5 + 2] = 2 * (row + 1);
        }
        assertArrayEquals(expected, base.storage());
    }

    @Test
    void copyFromInPlaceBroadcasts() {
        check("copyFromInPlace", (old, v) -> (float) v, x -> x, (y, x) -> assertSame(y, y.copyFromInPlace(x)));
    }

    @Test
    void fillAndScaleInPlace() {
        check("fillInPlace", (old, v) -> 3.5f, x -> null, (y, x) -> assertSame(y, y.fillInPlace(3.5f)));
        check("mulInPlace", (old, v) -> old * -1.5f, x -> null, (y, x) -> assertSame(y, y.mulInPlace(-1.5f)));
    }
}
