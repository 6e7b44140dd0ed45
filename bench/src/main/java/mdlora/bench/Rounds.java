package mdlora.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each side's best figures over interleaved rounds ({@code ./mdlora bench --rounds N}). The host's speed drifts
 * by a factor of two within minutes here, so one best-of-5 per side can catch one side in a slow spell the other
 * missed; a round runs mdlora's workloads and then PyTorch's, and each side keeps its best of every round.
 */
final class Rounds {
    private Rounds() {}

    /** Every workload's figures, each the best of its values over {@code rounds} (matched by key). */
    static Map<Workload, List<Figure>> best(List<Map<Workload, List<Figure>>> rounds) {
        Map<Workload, List<Figure>> best = new LinkedHashMap<>();
        for (var e : rounds.getFirst().entrySet()) {
            List<Figure> figures = new ArrayList<>();
            for (Figure f : e.getValue()) {
                Figure b = f;
                for (Map<Workload, List<Figure>> round : rounds)
                    for (Figure g : round.get(e.getKey()))
                        if (g.key().equals(f.key()) && better(g.value(), b.value(), f.higherIsBetter())) b = g;
                figures.add(b);
            }
            best.put(e.getKey(), figures);
        }
        return best;
    }

    /**
     * PyTorch's figures, each the best of its values over {@code rounds}: "best" as the figure of mdlora that it is
     * compared with judges it (through {@link Figure#torchValue}, so a time behind an MFU counts as a time); a
     * figure no mdlora figure names keeps its first round's value.
     */
    static Map<String, Double> bestReference(List<Map<String, Double>> rounds, Collection<List<Figure>> figures) {
        Map<String, Double> best = new LinkedHashMap<>();
        for (Map<String, Double> round : rounds)
            for (var e : round.entrySet()) {
                Double old = best.get(e.getKey());
                Figure judge = judgeOf(e.getKey(), figures);
                if (old == null || judge != null && better(judge.torchValue(e.getValue()), judge.torchValue(old), judge.higherIsBetter()))
                    best.put(e.getKey(), e.getValue());
            }
        return best;
    }

    private static Figure judgeOf(String torchKey, Collection<List<Figure>> figures) {
        for (List<Figure> list : figures)
            for (Figure f : list)
                if (torchKey.equals(f.torchKey())) return f;
        return null;
    }

    /** Whether {@code candidate} beats {@code incumbent}; a number beats NaN. */
    private static boolean better(double candidate, double incumbent, boolean higherIsBetter) {
        if (Double.isNaN(candidate)) return false;
        if (Double.isNaN(incumbent)) return true;
        return higherIsBetter ? candidate > incumbent : candidate < incumbent;
    }
}
