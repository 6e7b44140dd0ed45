package mdlora.lora;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.linalg.Svd;

/**
 * The effective dimension of trained LoRAs (Takama et al. Fig. 4): for each layer and LoRA, the singular values
 * of its update dW and the cumulative energy {@code C_k = sum_{j<=k} s_j^2 / sum_j s_j^2} for k = 1..r, as data for plots.
 *
 * @param curves one curve per LoRA, layer by layer
 */
public record EffectiveDimensions(List<Curve> curves) {

    /**
     * One LoRA's curve.
     *
     * @param layer the layer's dotted path
     * @param lora {@code shared} or the domain's name
     * @param singularValues the r singular values of dW, descending
     * @param cumulative C_1..C_r (all 0 for a zero update)
     */
    public record Curve(String layer, String lora, double[] singularValues, double[] cumulative) {
        /**
         * The smallest k with C_k >= tau (the update's dimension at that energy); 0 for a zero update.
         *
         * @param tau energy threshold, in (0, 1]
         * @return k, in 0..r
         */
        public int dimension(double tau) {
            for (int k = 0; k < cumulative.length; k++) if (cumulative[k] >= tau) return k + 1;
            return 0;
        }
    }

    /** Copies the curves. */
    public EffectiveDimensions {
        curves = List.copyOf(curves);
    }

    /**
     * The curves of every LoRA of {@code lora}, layer by layer, shared first.
     *
     * @param lora the trained LoRAs
     * @return their curves
     */
    public static EffectiveDimensions of(MultiDomainLora lora) {
        List<Curve> curves = new ArrayList<>();
        for (var e : lora.layers().entrySet()) {
            LoraLinear l = e.getValue();
            if (l.shared() != null) curves.add(curve(e.getKey(), MultiDomainLora.SHARED, l.shared()));
            for (int d = 0; d < l.domains().size(); d++) curves.add(curve(e.getKey(), lora.domains().get(d), l.domains().get(d)));
        }
        return new EffectiveDimensions(curves);
    }

    /**
     * dW = X A^T with X = s P B M [d, r]. With X = U S V^T, dW = U (S V^T A^T) and U has orthonormal columns,
     * so dW's singular values are those of the r x d' matrix S V^T A^T: two small SVDs instead of one of d x d'.
     */
    static Curve curve(String layer, String name, LoraBranch b) {
        Svd x = Svd.of(b.upFactorValue());
        Tensor core = x.s().unsqueeze(1).mul(x.vt()).matmul(b.loraA().data());
        float[] s = Svd.of(core).s().toArray();
        double[] sv = new double[s.length], c = new double[s.length];
        double total = 0, running = 0;
        for (int k = 0; k < s.length; k++) {
            sv[k] = s[k];
            total += (double) s[k] * s[k];
        }
        for (int k = 0; k < s.length; k++) {
            running += sv[k] * sv[k];
            c[k] = total == 0 ? 0 : running / total;
        }
        return new Curve(layer, name, sv, c);
    }

    /**
     * The curves as a JSON array of {layer, lora, singular_values, cumulative}.
     *
     * @return the JSON text
     */
    public String toJson() {
        List<Object> out = new ArrayList<>();
        for (Curve c : curves) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("layer", c.layer());
            o.put("lora", c.lora());
            o.put("singular_values", toList(c.singularValues()));
            o.put("cumulative", toList(c.cumulative()));
            out.add(o);
        }
        return Json.writePretty(out);
    }

    /**
     * The curves as CSV, one row per (layer, lora, k).
     *
     * @return the CSV text, with a header row
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("layer,lora,k,singular_value,cumulative\n");
        for (Curve c : curves)
            for (int k = 0; k < c.cumulative().length; k++)
                sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.9g,%.9g%n", c.layer(), c.lora(), k + 1, c.singularValues()[k], c.cumulative()[k]));
        return sb.toString();
    }

    private static List<Double> toList(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) out.add(x);
        return out;
    }
}
