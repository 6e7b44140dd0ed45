package mdlora.launcher.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.tensor.io.AtomicFile;
import mdlora.nn.ViTConfig;
import mdlora.tensor.io.Json;

/**
 * The files a model hub keeps beside a ViT checkpoint, so that an exported or pretrained model loads
 * with no mdlora code: {@code config.json} with Hugging Face ViTConfig's names ({@code hidden_size},
 * {@code num_hidden_layers}, ...), the label names and the normalisation, and
 * {@code preprocessor_config.json} with the normalisation where Hugging Face's image processor (and
 * {@link mdlora.nn.ViTCheckpoint}) look for it. The pooling is written under timm's {@code global_pool}; the rest of
 * a model's kind (class and distillation tokens, norm_pre, fc_norm, layer scale) shows in its tensors.
 */
public final class HubConfig {
    private HubConfig() {}

    /** Writes both files into {@code dir} for a model of {@code config} whose head names {@code labels} (empty: a backbone). */
    public static void write(Path dir, ViTConfig config, List<String> labels) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model_type", "vit");
        c.put("architectures", List.of(labels.isEmpty() ? "ViTModel" : "ViTForImageClassification"));
        c.put("hidden_size", config.width());
        c.put("num_hidden_layers", config.depth());
        c.put("num_attention_heads", config.heads());
        c.put("intermediate_size", config.mlpDim());
        c.put("hidden_act", "gelu");
        c.put("patch_size", config.patchSize());
        c.put("image_size", config.imageSize());
        c.put("num_channels", 3);
        c.put("qkv_bias", true);
        c.put("layer_norm_eps", decimal(config.layerNormEps()));
        // timm's name for the pooling: what the checkpoint's tensors cannot show when a class token is averaged over
        c.put("global_pool", config.variant().pool() == ViTConfig.Pool.AVG ? "avg" : "token");
        c.put("num_labels", labels.size());
        Map<String, Object> id2label = new LinkedHashMap<>(), label2id = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        c.put("id2label", id2label);
        c.put("label2id", label2id);
        c.put("image_mean", rgb(config.mean()));
        c.put("image_std", rgb(config.std()));
        AtomicFile.writeString(dir.resolve("config.json"), Json.writePretty(c) + "\n");

        Map<String, Object> p = new LinkedHashMap<>();
        p.put("image_processor_type", "ViTImageProcessor");
        p.put("do_resize", true);
        p.put("size", Map.of("height", config.imageSize(), "width", config.imageSize()));
        p.put("do_rescale", true);
        p.put("rescale_factor", 1.0 / 255);
        p.put("do_normalize", true);
        p.put("image_mean", rgb(config.mean()));
        p.put("image_std", rgb(config.std()));
        AtomicFile.writeString(dir.resolve("preprocessor_config.json"), Json.writePretty(p) + "\n");
    }

    private static List<Double> rgb(ViTConfig.Rgb c) {
        return List.of(decimal(c.r()), decimal(c.g()), decimal(c.b()));
    }

    /** The float's shortest decimal, so 0.485f is written 0.485 and not 0.48500001430511475. */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
