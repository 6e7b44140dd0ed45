package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WeightSubspacesTest {
    /** W = U diag(s) V^T with chosen singular values, so k is known. */
    private static Tensor weight(int d, int dPrime, float... s) {
        Tensor u = Orthogonal.random(d, new Rng(1)).slice(1, 0, s.length), v = Orthogonal.random(dPrime, new Rng(2)).slice(1, 0, s.length);
        return u.mul(Tensor.of(s.clone(), s.length)).matmul(v.mT());
    }

    @Test
    void kIsTheSmallestIndexReachingTau() {
        // energies 16, 9, 4, 1 of 30: C = .533, .833, .967, 1
        Tensor w = weight(6, 4, 4, 3, 2, 1);
        assertEquals(2, WeightSubspaces.of("w", w, 0.8, false).k());
        assertEquals(3, WeightSubspaces.of("w", w, 0.95, false).k());
        assertEquals(1, WeightSubspaces.of("w", w, 0.5, false).k());
    }

    @Test
    void columnAndNullSpacesAreOrthogonalAndSizedAsThePaperSays() {
        Tensor tall = new Rng(3).normal(0, 1, 12, 5);
        WeightSubspaces t = WeightSubspaces.of("tall", tall, 0.9, false);
        assertEquals(5 - t.k(), t.nullSpace().dimension(), "truncated left null space: U[:, k:min(d, d')]");
        assertEquals(12 - t.k(), WeightSubspaces.of("tall", tall, 0.9, true).nullSpace().dimension(), "full left null space");
        Tensor wide = new Rng(4).normal(0, 1, 5, 12);
        WeightSubspaces w = WeightSubspaces.of("wide", wide, 0.9, false);
        assertEquals(5 - w.k(), w.nullSpace().dimension());
        Tensor b = new Rng(5).normal(0, 1, 12, 3);
        Tensor inColumn = t.column().project(b);
        assertTrue(t.nullSpace().project(inColumn).abs().max().item() < 1e-5, "col(W) is orthogonal to the left null space");
        assertTrue(t.column().project(inColumn).allClose(inColumn, 1e-5, 1e-5), "projection is idempotent");
    }

    @Test
    void noNullSpaceLeftIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightSubspaces.of("blocks.0.attn.proj", new Rng(6).normal(0, 1, 4, 4), 1.0, false));
        assertTrue(e.getMessage().startsWith("blocks.0.attn.proj: at tau 1.0"), e.getMessage());
    }

    @Test
    void aSecondSplitOfTheSameWeightDoesNoSvd() {
        Tensor w = new Rng(7).normal(0, 1, 24, 16);
        WeightSubspaces first = WeightSubspaces.of("blocks.0.mlp.fc1", w, 0.9, false);
        long before = WeightSubspaces.decompositions();
        // an equal weight in another tensor (a second backbone loaded from the same checkpoint), here a strided view
        Tensor copy = w.mT().contiguous().mT();
        assertSame(first, WeightSubspaces.of("blocks.0.mlp.fc1", copy, 0.9, false));
        assertEquals(before, WeightSubspaces.decompositions(), "a cache hit computes no SVD");
        WeightSubspaces otherTau = WeightSubspaces.of("w", w, 0.8, false);
        assertNotSame(first, otherTau);
        assertNotSame(first, WeightSubspaces.of("w", w, 0.9, true), "the null-space choice is part of the key");
        Tensor changed = w.copy();
        changed.storage()[5] += 1e-3f;
        assertNotSame(first, WeightSubspaces.of("w", changed, 0.9, false), "one changed value is another weight");
        assertEquals(before + 3, WeightSubspaces.decompositions());
    }
}
