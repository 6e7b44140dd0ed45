package mdlora.launcher.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.video.ClipRecord;
import mdlora.video.Dataset;
import mdlora.video.Loader;
import org.junit.jupiter.api.Test;

class StepPlanTest {
    private static final List<String> NAMES = List.of("kinetics", "ucf", "hmdb");

    private static Dataset domain(String name, int clips) {
        return new Dataset(name, List.of("a", "b"), IntStream.range(0, clips).mapToObj(i -> new ClipRecord(Path.of(name, i + ".mp4"), i % 2)).toList());
    }

    /** Kinetics-like imbalance: 94% of the clips in one domain. */
    private static final List<Dataset> UNBALANCED = List.of(domain("kinetics", 940), domain("ucf", 40), domain("hmdb", 20));

    private static StepPlan plan(String sampling, List<Dataset> domains) {
        Settings.Train t = new Settings().train;
        t.batch = 8;
        t.seed = 7;
        t.domainSampling = sampling;
        return StepPlan.of(t, domains, NAMES);
    }

    /** The share of each domain among the clips of {@code steps} steps. */
    private static double[] frequencies(StepPlan plan, int steps) {
        double[] f = new double[NAMES.size()];
        int n = 0;
        for (int s = 0; s < steps; s++)
            for (Loader.Slot slot : plan.slots(s)) {
                f[slot.domain()]++;
                n++;
            }
        for (int d = 0; d < f.length; d++) f[d] /= n;
        return f;
    }

    /** 2000 steps of 8 clips: the standard error of a share is under 0.004, so 0.02 is five of them. */
    private static void assertShares(double[] expected, double[] actual) {
        for (int d = 0; d < expected.length; d++)
            assertEquals(expected[d], actual[d], 0.02, NAMES.get(d) + ": expected share " + expected[d] + ", got " + actual[d]);
    }

    @Test
    void samplingFrequenciesMatchTheGivenWeights() {
        assertShares(new double[] {0.5, 0.25, 0.25}, frequencies(plan("kinetics=2,ucf=1,hmdb=1", UNBALANCED), 2000));
        assertShares(new double[] {0.1, 0.3, 0.6}, frequencies(plan("hmdb=6,kinetics=1,ucf=3", UNBALANCED), 2000));
    }

    @Test
    void uniformDrawsEveryDomainEquallyOftenOnAnUnbalancedDataset() {
        assertShares(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, frequencies(plan("uniform", UNBALANCED), 2000));
        assertShares(new double[] {0.94, 0.04, 0.02}, frequencies(plan("proportional", UNBALANCED), 2000));
    }

    @Test
    void aStepsBatchIsAPureFunctionOfSeedAndStep() {
        StepPlan sequential = plan("uniform", UNBALANCED);
        List<List<Loader.Slot>> inOrder = new ArrayList<>();
        for (int s = 0; s < 60; s++) inOrder.add(sequential.slots(s));
        for (int s : new int[] {59, 3, 41, 0, 41}) assertEquals(inOrder.get(s), plan("uniform", UNBALANCED).slots(s), "step " + s);
        StepPlan jumping = plan("uniform", UNBALANCED);
        for (int s : new int[] {50, 10, 59, 11}) assertEquals(inOrder.get(s), jumping.slots(s), "step " + s + " after jumps");
        assertTrue(!inOrder.get(0).equals(inOrder.get(1)));
    }

    @Test
    void everyClipOfADomainComesOncePerPassWithItsOwnAugmentationSeed() {
        StepPlan plan = plan("uniform", UNBALANCED);
        List<Loader.Slot> hmdb = new ArrayList<>();
        for (int s = 0; hmdb.size() < 40; s++) for (Loader.Slot slot : plan.slots(s)) if (slot.domain() == 2) hmdb.add(slot);
        hmdb = hmdb.subList(0, 40);
        Set<Path> firstPass = new HashSet<>(), secondPass = new HashSet<>();
        for (int i = 0; i < 20; i++) firstPass.add(hmdb.get(i).clip().path());
        for (int i = 20; i < 40; i++) secondPass.add(hmdb.get(i).clip().path());
        assertEquals(20, firstPass.size());
        assertEquals(firstPass, secondPass);
        assertTrue(!hmdb.subList(0, 20).stream().map(Loader.Slot::clip).toList().equals(hmdb.subList(20, 40).stream().map(Loader.Slot::clip).toList()),
                "each pass reshuffles");
        assertEquals(40, hmdb.stream().map(Loader.Slot::seed).distinct().count());
    }

    @Test
    void perDomainBatchesCarryEveryDomainsOwnSubBatch() {
        Settings.Train t = new Settings().train;
        t.batch = 4;
        t.domainBatches = Settings.DomainBatches.PER_DOMAIN;
        StepPlan plan = StepPlan.of(t, UNBALANCED, NAMES);
        assertEquals(12, plan.clipsPerStep());
        assertEquals(1000 / 12, plan.perEpoch());
        for (int s = 0; s < 10; s++) {
            List<Loader.Slot> slots = plan.slots(s);
            for (int j = 0; j < 12; j++) assertEquals(j / 4, slots.get(j).domain(), "step " + s + " clip " + j);
        }
        t.domainSampling = "proportional";
        assertTrue(assertThrows(ConfigException.class, () -> StepPlan.of(t, UNBALANCED, NAMES)).getMessage().contains("applies to mixed batches"));
        t.domainSampling = "uniform";
        t.batch = 30;
        assertTrue(assertThrows(ConfigException.class, () -> StepPlan.of(t, UNBALANCED, NAMES)).getMessage().contains("domain 'hmdb' has 20 training clips"));
    }

    @Test
    void badSamplingSpecsAreOneLineErrorsNamingTheEntry() {
        assertMessage("no domain 'hmbd' (did you mean 'hmdb'?)", "kinetics=1,ucf=1,hmbd=1");
        assertMessage("names no weight for domain 'hmdb'", "kinetics=1,ucf=1");
        assertMessage("'x' is not a number", "kinetics=x,ucf=1,hmdb=1");
        assertMessage("finite number >= 0", "kinetics=-1,ucf=1,hmdb=1");
        assertMessage("must be uniform, proportional or NAME=WEIGHT", "balanced");
        assertMessage("every domain weight 0", "kinetics=0,ucf=0,hmdb=0");
        ConfigException empty = assertThrows(ConfigException.class,
                () -> plan("kinetics=1,ucf=1,hmdb=1", List.of(domain("kinetics", 40), domain("ucf", 40), domain("hmdb", 0))));
        assertTrue(empty.getMessage().contains("domain 'hmdb' has no training clips"), empty.getMessage());
        // a weight of 0 leaves the domain out of the batches
        assertEquals(0, frequencies(plan("kinetics=1,ucf=1,hmdb=0", UNBALANCED), 200)[2]);
    }

    private static void assertMessage(String expected, String spec) {
        ConfigException e = assertThrows(ConfigException.class, () -> plan(spec, UNBALANCED));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void lossWeightsDefaultToOneAndNameDomains() {
        Settings.Train t = new Settings().train;
        t.domainLossWeights = List.of("ucf=2.5", "hmdb=0");
        float[] w = DomainWeights.loss(t, NAMES);
        assertEquals(1f, w[0]);
        assertEquals(2.5f, w[1]);
        assertEquals(0f, w[2]);
        t.domainLossWeights = List.of("ucf101=2");
        assertTrue(assertThrows(ConfigException.class, () -> DomainWeights.loss(t, NAMES)).getMessage().contains("no domain 'ucf101'"));
    }
}
