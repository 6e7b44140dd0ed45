package mdlora.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mdlora.autograd.Variable;
import mdlora.nn.Linear;
import mdlora.nn.RowDomains;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LoraLinearTest {
    private static final List<String> DOMAINS = List.of("a", "b", "c");

    /** A layer with a shared and three domain LoRAs, all randomly initialised so every path carries signal. */
    private static LoraLinear layer(int in, int out, Subspaces constrained, MixerInit mixer, long seed) {
        Rng rng = new Rng(seed);
        Linear base = new Linear(in, out, true, rng);
        WeightSubspaces ws = constrained == Subspaces.ON ? WeightSubspaces.of("test", base.weight().data(), 0.8, false) : null;
        LoraBranch shared = new LoraBranch(in, out, 3, 0.5f, false, ws == null ? null : ws.column(), LoraInit.SUBSPACE_RANDOM, mixer, rng);
        List<LoraBranch> domains = new ArrayList<>();
        for (int d = 0; d < DOMAINS.size(); d++)
            domains.add(new LoraBranch(in, out, 2 + d, 0.7f, false, ws == null ? null : ws.nullSpace(), LoraInit.SUBSPACE_RANDOM, mixer, rng));
        return new LoraLinear("blocks.0.mlp.fc1", base, shared, DOMAINS, domains, 0f, rng.fork());
    }

    private enum Subspaces { ON, OFF }

    @Test
    void routedForwardEqualsEachRowThroughItsDomainsMergedWeight() {
        LoraLinear l = layer(6, 10, Subspaces.ON, MixerInit.KAIMING_UNIFORM, 1);
        int[] domainOfRow = {2, 0, 0, 1, 2, 1, 0};
        Tensor x = new Rng(2).normal(0, 1, domainOfRow.length, 4, 6);
        Tensor y = l.forward(Variable.constant(x), RowDomains.of(domainOfRow)).data();
        for (int row = 0; row < domainOfRow.length; row++) {
            Tensor xr = x.select(0, row);
            Tensor expected = xr.matmul(l.mergedWeight(domainOfRow[row]).mT()).add(l.base().bias().data());
            assertTrue(y.select(0, row).allClose(expected, 1e-5, 1e-5), "row " + row);
        }
    }

    @Test
    void groupedAndInterleavedBatchesGiveTheSameRows() {
        LoraLinear l = layer(5, 7, Subspaces.OFF, MixerInit.NONE, 3);
        Tensor x = new Rng(4).normal(0, 1, 4, 3, 5);
        Tensor grouped = l.forward(Variable.constant(x), RowDomains.of(0, 0, 1, 1)).data();
        Tensor swapped = Tensor.concat(0, x.slice(0, 2, 3), x.slice(0, 0, 1), x.slice(0, 3, 4), x.slice(0, 1, 2));
        Tensor interleaved = l.forward(Variable.constant(swapped), RowDomains.of(1, 0, 1, 0)).data();
        assertTrue(interleaved.select(0, 0).allClose(grouped.select(0, 2), 1e-6, 1e-6));
        assertTrue(interleaved.select(0, 1).allClose(grouped.select(0, 0), 1e-6, 1e-6));
        assertTrue(interleaved.select(0, 2).allClose(grouped.select(0, 3), 1e-6, 1e-6));
    }

    @Test
    void gradientsOfEveryFactorPassGradcheckOnAMixedBatch() {
        LoraLinear l = layer(5, 8, Subspaces.ON, MixerInit.ORTHOGONAL, 5);
        Tensor x = new Rng(6).normal(0, 1, 4, 2, 5);
        List<Variable> params = l.trainableParameters();
        assertEquals(4 * 3, params.size(), "A, B and M of the shared and three domain LoRAs");
        GradCheck.check("lora linear", () -> l.forward(Variable.constant(x), RowDomains.of(1, 0, 1, 2)), params);
    }

    @Test
    void frozenWeightGetsNoGradientAndUnseenDomainsNone() {
        LoraLinear l = layer(4, 4, Subspaces.OFF, MixerInit.NONE, 7);
        l.forward(Variable.constant(new Rng(8).normal(0, 1, 2, 3, 4)), RowDomains.of(0, 0)).sum().backward();
        assertNull(l.base().weight().grad());
        assertTrue(l.shared().loraB().grad() != null && l.domains().get(0).loraB().grad() != null);
        assertNull(l.domains().get(1).loraA().grad(), "domain b saw no rows");
    }

    @Test
    void startsAsTheFrozenLayerWithLoraInit() {
        Rng rng = new Rng(9);
        Linear base = new Linear(4, 6, true, rng);
        LoraBranch shared = new LoraBranch(4, 6, 2, 1f, false, null, LoraInit.LORA, MixerInit.KAIMING_UNIFORM, rng);
        LoraLinear l = new LoraLinear("fc", base, shared, DOMAINS, List.of(), 0f, rng);
        Tensor x = rng.normal(0, 1, 3, 4);
        assertTrue(l.forward(Variable.constant(x)).data().allClose(base.forward(Variable.constant(x)).data(), 0, 0));
    }

    @Test
    void identityMixerEqualsPlainLora() {
        Rng r1 = new Rng(10), r2 = new Rng(10);
        LoraBranch plain = new LoraBranch(5, 6, 3, 0.5f, false, null, LoraInit.SUBSPACE_RANDOM, MixerInit.NONE, r1);
        LoraBranch mixed = new LoraBranch(5, 6, 3, 0.5f, false, null, LoraInit.SUBSPACE_RANDOM, MixerInit.IDENTITY, r2);
        LoraLinear lp = new LoraLinear("p", new Linear(5, 6, false, r1), plain, DOMAINS, List.of(), 0f, r1);
        LoraLinear lm = new LoraLinear("m", new Linear(5, 6, false, r2), mixed, DOMAINS, List.of(), 0f, r2);
        Tensor x = new Rng(11).normal(0, 1, 4, 5);
        Variable yp = lp.forward(Variable.constant(x)), ym = lm.forward(Variable.constant(x));
        assertTrue(ym.data().allClose(yp.data(), 1e-6, 1e-6));
        yp.square().sum().backward();
        ym.square().sum().backward();
        assertTrue(mixed.loraA().grad().allClose(plain.loraA().grad(), 1e-5, 1e-6));
        assertTrue(mixed.loraB().grad().allClose(plain.loraB().grad(), 1e-5, 1e-6));
    }

    @Test
    void zeroMixerGivesZeroGradientsToAAndB() {
        Rng rng = new Rng(12);
        LoraBranch b = new LoraBranch(5, 6, 3, 1f, false, null, LoraInit.SUBSPACE_RANDOM, MixerInit.KAIMING_UNIFORM, rng);
        b.mixer().data().fillInPlace(0);
        LoraLinear l = new LoraLinear("z", new Linear(5, 6, true, rng), b, DOMAINS, List.of(), 0f, rng);
        l.forward(Variable.constant(rng.normal(0, 1, 4, 5))).square().sum().backward();
        assertEquals(0.0, b.loraA().grad().abs().sumAll());
        assertEquals(0.0, b.loraB().grad().abs().sumAll());
        assertTrue(b.mixer().grad().abs().sumAll() > 0, "only the mixer itself can move");
    }

    @Test
    void mergeMatchesForwardAndUnmergeRestoresW() {
        LoraLinear l = layer(6, 9, Subspaces.ON, MixerInit.KAIMING_UNIFORM, 13);
        Tensor w0 = l.base().weight().data().copy();
        Tensor x = new Rng(14).normal(0, 1, 3, 4, 6);
        Tensor unmerged = l.forward(Variable.constant(x), RowDomains.of(1, 1, 1)).data();
        l.merge(1);
        assertTrue(l.forward(Variable.constant(x), RowDomains.of(1, 1, 1)).data().allClose(unmerged, 1e-5, 1e-5));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> l.forward(Variable.constant(x), RowDomains.of(1, 0, 1)));
        assertTrue(e.getMessage().contains("merged for domain 'b'") && e.getMessage().contains("'a'"), e.getMessage());
        l.unmerge();
        assertTrue(l.base().weight().data().allClose(w0, 0, 1e-6));
    }

    @Test
    void routingErrorsNameTheLayer() {
        LoraLinear l = layer(3, 3, Subspaces.OFF, MixerInit.NONE, 15);
        Variable x = Variable.constant(Tensor.zeros(2, 3));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> l.forward(x));
        assertTrue(none.getMessage().startsWith("blocks.0.mlp.fc1") && none.getMessage().contains("no row domains"), none.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.forward(x, RowDomains.of(0, 1, 2))).getMessage().contains("domains of 3 rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.forward(x, RowDomains.of(0, 3))).getMessage().contains("domain 3"));
    }

    @Test
    void forwardDependsOnlyOnItsArgumentsNotOnEarlierCalls() {
        LoraLinear l = layer(5, 6, Subspaces.ON, MixerInit.KAIMING_UNIFORM, 17);
        Tensor x = new Rng(18).normal(0, 1, 3, 2, 5);
        Tensor first = l.forward(Variable.constant(x), RowDomains.of(0, 1, 2)).data();
        l.forward(Variable.constant(new Rng(19).normal(0, 1, 4, 2, 5)), RowDomains.of(2, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> l.forward(Variable.constant(x)), "no domains left behind by the earlier calls");
        assertTrue(l.forward(Variable.constant(x), RowDomains.of(0, 1, 2)).data().allClose(first, 0, 0));
    }

    @Test
    void mixedDomainBatchEqualsEachDomainRunOnItsOwn() {
        LoraLinear l = layer(5, 6, Subspaces.OFF, MixerInit.ORTHOGONAL, 21);
        int[] domainOfRow = {1, 0, 2, 1, 0};
        Tensor x = new Rng(22).normal(0, 1, domainOfRow.length, 3, 5);
        Tensor mixed = l.forward(Variable.constant(x), RowDomains.of(domainOfRow)).data();
        for (int d = 0; d < 3; d++)
            for (int row = 0; row < domainOfRow.length; row++)
                if (domainOfRow[row] == d) {
                    Tensor alone = l.forward(Variable.constant(x.slice(0, row, row + 1)), RowDomains.of(d)).data();
                    assertTrue(mixed.slice(0, row, row + 1).allClose(alone, 1e-6, 1e-6), "row " + row);
                }
    }
}
