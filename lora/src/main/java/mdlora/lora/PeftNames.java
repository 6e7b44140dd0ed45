package mdlora.lora;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module names adapter files give the layers: timm's, as the LoRAs sit on the ViT, or Hugging Face
 * {@code transformers}' ViT ({@code ViTForImageClassification}), so that PEFT loads the adapters onto either
 * model. Hugging Face splits timm's fused {@code attn.qkv} into separate query, key and value layers; a LoRA
 * on qkv splits exactly: the rows of its B (the output side) in three, its A shared, since
 * {@code [dW_q; dW_k; dW_v] = [B_q; B_k; B_v] A^T}.
 */
public enum PeftNames {
    /** timm's names: {@code blocks.N.attn.qkv}, {@code blocks.N.attn.proj}, {@code blocks.N.mlp.fc1|fc2}, the head {@code head}. */
    TIMM,
    /**
     * Hugging Face ViT's: {@code vit.encoder.layer.N.attention.attention.query|key|value},
     * {@code vit.encoder.layer.N.attention.output.dense}, {@code vit.encoder.layer.N.intermediate.dense},
     * {@code vit.encoder.layer.N.output.dense}, the head {@code classifier}.
     */
    HF_VIT;

    private static final Pattern TIMM_LINEAR = Pattern.compile("blocks\\.(\\d+)\\.(attn\\.qkv|attn\\.proj|mlp\\.fc1|mlp\\.fc2)");

    /**
     * One target module of a layer: its name and the rows [from, to) of the layer's output it covers.
     *
     * @param module the target module's name under these names
     * @param from first output row covered, inclusive
     * @param to last output row covered, exclusive
     */
    public record Target(String module, int from, int to) {}

    /**
     * The modules a layer of {@code outFeatures} outputs becomes under these names (three for qkv under {@link #HF_VIT}).
     *
     * @param layer the layer's timm path, e.g. {@code blocks.3.attn.qkv}
     * @param outFeatures the layer's output features (3d for qkv)
     * @return the target modules, covering [0, outFeatures) in order
     */
    public List<Target> targets(String layer, int outFeatures) {
        if (this == TIMM) return List.of(new Target(layer, 0, outFeatures));
        Matcher m = TIMM_LINEAR.matcher(layer);
        if (!m.matches())
            throw new IllegalArgumentException("layer '" + layer + "' has no Hugging Face ViT name (only blocks.N.attn.qkv, attn.proj, mlp.fc1 and mlp.fc2 have)");
        String prefix = "vit.encoder.layer." + m.group(1) + ".";
        return switch (m.group(2)) {
            case "attn.qkv" -> {
                int d = outFeatures / 3;
                yield List.of(new Target(prefix + "attention.attention.query", 0, d), new Target(prefix + "attention.attention.key", d, 2 * d),
                        new Target(prefix + "attention.attention.value", 2 * d, 3 * d));
            }
            case "attn.proj" -> List.of(new Target(prefix + "attention.output.dense", 0, outFeatures));
            case "mlp.fc1" -> List.of(new Target(prefix + "intermediate.dense", 0, outFeatures));
            default -> List.of(new Target(prefix + "output.dense", 0, outFeatures));
        };
    }

    /**
     * The name of a module saved whole beside the LoRAs (PEFT's {@code modules_to_save}): timm's {@code head} is Hugging Face's {@code classifier}.
     *
     * @param timmName the module's timm name
     * @return its name under these names
     */
    public String module(String timmName) {
        return this == HF_VIT && timmName.equals("head") ? "classifier" : timmName;
    }
}
