package mdlora.launcher.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.lora.EffectiveDimensions;
import mdlora.lora.LoraBranch;
import mdlora.lora.LoraLinear;
import mdlora.lora.MultiDomainLora;
import mdlora.tensor.Tensor;
import mdlora.tensor.linalg.Svd;

/**
 * What {@code analyze} measures of trained LoRAs, per adapted layer: k, the dimension of the column space
 * of the frozen W at tau; each LoRA's cumulative contribution curve C_1..C_r and effective dimension
 * (Takama et al. Fig. 4); and the overlap between the domains' update subspaces. The result is the
 * {@code analysis.json} document that {@link mdlora.launcher.report.AnalysisReport} draws.
 */
public final class Analysis {
    /** The energy at which a LoRA's effective dimension is read off its curve. */
    public static final double EFFECTIVE_ENERGY = 0.9;
    /** Singular values below this fraction of the largest do not count as directions of an update. */
    private static final double DIRECTION_CUTOFF = 1e-6;

    private Analysis() {}

    public static Map<String, Object> of(MultiDomainLora lora, double tau) {
        Map<String, List<EffectiveDimensions.Curve>> curvesByLayer = new LinkedHashMap<>();
        for (EffectiveDimensions.Curve c : lora.effectiveDimensions().curves()) curvesByLayer.computeIfAbsent(c.layer(), k -> new ArrayList<>()).add(c);
        List<Object> layers = new ArrayList<>();
        lora.layers().forEach((path, layer) -> layers.add(layer(path, layer, curvesByLayer.getOrDefault(path, List.of()), lora.domains(), tau)));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tau", tau);
        doc.put("effective_energy", EFFECTIVE_ENERGY);
        doc.put("layers", layers);
        return doc;
    }

    private static Map<String, Object> layer(String path, LoraLinear layer, List<EffectiveDimensions.Curve> curves, List<String> domains, double tau) {
        Tensor w = layer.base().weight().data();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("layer", path);
        out.put("out", w.size(0));
        out.put("in", w.size(1));
        out.put("k", Svd.effectiveRank(Svd.of(w).s(), tau));
        Map<String, Object> cumulative = new LinkedHashMap<>(), effective = new LinkedHashMap<>();
        for (EffectiveDimensions.Curve c : curves) {
            cumulative.put(c.lora(), toList(c.cumulative()));
            effective.put(c.lora(), c.dimension(EFFECTIVE_ENERGY));
        }
        out.put("curves", cumulative);
        out.put("effective_dim", effective);
        List<Object> overlaps = new ArrayList<>();
        if (layer.hasDomains()) {
            List<Tensor> bases = layer.domains().stream().map(Analysis::directions).toList();
            for (int i = 0; i < bases.size(); i++)
                for (int j = i + 1; j < bases.size(); j++)
                    if (bases.get(i) != null && bases.get(j) != null)
                        overlaps.add(Map.of("a", domains.get(i), "b", domains.get(j), "value", overlap(bases.get(i), bases.get(j))));
        }
        out.put("overlap", overlaps);
        return out;
    }

    /**
     * An orthonormal basis [d, m] of the output directions of a LoRA's update dW = X A^T (those of its up
     * factor X = s P B M), or null for a zero update.
     */
    static Tensor directions(LoraBranch branch) {
        Svd svd = Svd.of(branch.upFactorValue());
        float largest = svd.s().get(0);
        if (!(largest > 0)) return null;
        int m = 0;
        while (m < svd.s().size(0) && svd.s().get(m) > DIRECTION_CUTOFF * largest) m++;
        return svd.u().slice(1, 0, m);
    }

    /** ||Qa^T Qb||_F^2 / min(ma, mb): 0 for orthogonal subspaces, 1 when one contains the other. */
    static double overlap(Tensor qa, Tensor qb) {
        Tensor cross = qa.mT().matmul(qb);
        return cross.square().sumAll() / Math.min(qa.size(1), qb.size(1));
    }

    private static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) out.add(v);
        return out;
    }
}
