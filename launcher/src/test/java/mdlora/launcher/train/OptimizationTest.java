package mdlora.launcher.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OptimizationTest {
    private static Variable param(int... shape) {
        return Variable.parameter(Tensor.zeros(shape));
    }

    @Test
    void tokensAndPositionEmbeddingAreNotDecayedDeiTsDistillationTokenIncluded() {
        Map<String, Variable> named = new LinkedHashMap<>();
        for (String token : List.of("cls_token", "dist_token", "pos_embed")) named.put(token, param(1, 2, 4));
        named.put("blocks.0.mlp.fc1.weight", param(4, 4));
        var groups = Optimization.of(new Settings(), named, 10).optimizer().groups();
        Map<Double, Integer> sizes = new LinkedHashMap<>();
        for (var g : groups) sizes.put(g.weightDecay(), g.params().size());
        assertEquals(Map.of(new Settings().train.weightDecay, 1, 0.0, 3), sizes);
    }

    @Test
    void stepScheduleMultipliesByGammaAtItsMilestones() {
        Settings s = new Settings();
        s.train.schedule = Settings.Schedule.STEP;
        s.train.warmup = 0;
        s.train.lr = 1;
        s.train.gamma = 0.5;
        s.train.milestones = new ArrayList<>(List.of("2", "50%"));
        var o = Optimization.of(s, Map.of("w", param(2, 2)), 8);
        List<Double> lrs = new ArrayList<>();
        for (int step = 0; step < 8; step++) {
            lrs.add(o.optimizer().groups().getFirst().lr());
            o.scheduler().step();
        }
        assertEquals(List.of(1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25), lrs);
    }

    @Test
    void milestonesAreStepsOrPercentagesAndAlwaysIncrease() {
        Settings.Train t = new Settings().train;
        assertArrayEquals(new int[] {600, 850}, t.milestoneSteps(1000), "the default: 60% and 85% of the run");
        t.milestones = new ArrayList<>(List.of("100", "100", "10%"));
        assertArrayEquals(new int[] {100, 101, 102}, t.milestoneSteps(1000));
        t.milestones = new ArrayList<>(List.of("soon"));
        var e = assertThrows(ConfigException.class, () -> t.milestoneSteps(10));
        assertEquals("train.milestones (--milestones) takes step numbers or percentages such as 60%, got 'soon'", e.getMessage());
    }
}
