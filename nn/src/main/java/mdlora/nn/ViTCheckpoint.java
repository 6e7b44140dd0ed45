package mdlora.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.JsonException;
import mdlora.tensor.io.SafetensorsFile;
import mdlora.tensor.io.SafetensorsWriter;

/**
 * A ViT checkpoint in timm's layout, with the configuration its tensors imply. Files in Hugging Face's layout
 * ({@code [vit.]embeddings.*}, {@code [vit.]encoder.layer.N.*} with separate query/key/value, {@code classifier})
 * are converted on reading, q/k/v concatenated into timm's fused {@code qkv}.
 *
 * <pre>{@code
 * ViTCheckpoint ckpt = ViTCheckpoint.read(path);
 * var backbone = new VisionTransformer(ckpt.config().withNumClasses(0), rng);
 * ckpt.loadInto(backbone, ViTCheckpoint.Mode.BACKBONE);
 * }</pre>
 */
public final class ViTCheckpoint {
    /** How strictly {@link #loadInto} matches the checkpoint to the model; shapes must always match. */
    public enum Mode {
        /** Every model tensor must be in the checkpoint and every checkpoint tensor in the model. */
        STRICT,
        /** As STRICT for everything but the head: the checkpoint's head is ignored and the model's (if any) kept. */
        BACKBONE,
        /** Tensors present in both are loaded; the rest are reported, not refused. */
        LENIENT
    }

    private final Map<String, Tensor> state;
    private final ViTConfig config;

    private ViTCheckpoint(Map<String, Tensor> state, ViTConfig config) {
        this.state = state;
        this.config = config;
    }

    /**
     * Reads a safetensors checkpoint of either layout. Attention heads, layer norm eps and normalisation come
     * from the files a model hub puts beside it when they are there (Hugging Face's config.json and
     * preprocessor_config.json, timm's config.json); otherwise heads = width / 64 (every timm and Google ViT),
     * eps by layout (timm 1e-6, Hugging Face 1e-12), mean and std 0.5.
     */
    public static ViTCheckpoint read(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) tensors.put(name, f.tensor(name));
        }
        Hints hints = Hints.beside(file);
        try {
            return create(tensors, hints);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint from tensors in memory (either layout); eps by layout, mean and std 0.5. */
    public static ViTCheckpoint of(Map<String, Tensor> tensors, int heads) {
        return create(tensors, new Hints(heads, null, null, null));
    }

    private static ViTCheckpoint create(Map<String, Tensor> tensors, Hints hints) {
        boolean hf = isHuggingFace(tensors);
        Map<String, Tensor> timm = hf ? fromHuggingFace(tensors) : new LinkedHashMap<>(tensors);
        int width = patchWeight(timm).size(0);
        ViTConfig config = inferConfig(timm, hints.heads == null ? Math.max(1, width / 64) : hints.heads,
                hints.eps == null ? (hf ? 1e-12f : 1e-6f) : hints.eps);
        return new ViTCheckpoint(timm, hints.mean == null ? config : config.withNormalization(hints.mean, hints.std));
    }

    /** Writes {@code model}'s state dict (timm's names for a {@link VisionTransformer}) as safetensors. */
    public static void save(Module model, Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        model.stateDict().forEach(w::put);
        w.write(file);
    }

    /** The configuration the tensors imply (image size from the position embedding's grid). */
    public ViTConfig config() {
        return config;
    }

    /** The tensors by timm name. */
    public Map<String, Tensor> state() {
        return state;
    }

    /** A new model of the checkpoint's configuration with all its weights. */
    public VisionTransformer toModel() {
        VisionTransformer model = new VisionTransformer(config, new Rng(0));
        loadInto(model, Mode.STRICT);
        return model;
    }

    /**
     * Copies the weights into {@code model}. When the model's patch grid differs from the checkpoint's, the
     * position embedding is resampled to it first (see {@link #resamplePosEmbed}). Missing, unexpected and
     * mismatched keys are an error listing them (missing and unexpected ones only outside {@link Mode#LENIENT}),
     * and then nothing is written.
     */
    public Module.LoadReport loadInto(VisionTransformer model, Mode mode) {
        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> toLoad = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (mode != Mode.BACKBONE || !isHead(k)) toLoad.put(k, v);
        });
        if (mode == Mode.BACKBONE) own.forEach((k, v) -> {
            if (isHead(k)) toLoad.put(k, v); // the model's own head, written back onto itself
        });
        Tensor pos = toLoad.get("pos_embed");
        int grid = model.config().gridSize();
        if (pos != null && pos.rank() == 3 && pos.size(1) != 1 + grid * grid) toLoad.put("pos_embed", resamplePosEmbed(pos, grid));
        return model.loadStateDict(toLoad, mode != Mode.LENIENT);
    }

    private static boolean isHead(String key) {
        return key.startsWith("head.");
    }

    // ---------------------------------------------------------------- position embedding

    /**
     * Resamples a position embedding [1, 1 + g*g, D] of a square g x g patch grid to a {@code grid} x {@code grid}
     * one: the class token's entry is kept, the grid interpolated bilinearly (PyTorch's {@code interpolate},
     * {@code align_corners=False}, no antialiasing), as timm's {@code resample_abs_pos_embed} with bilinear mode.
     */
    public static Tensor resamplePosEmbed(Tensor pos, int grid) {
        int tokens = pos.rank() == 3 ? pos.size(1) - 1 : 0, old = (int) Math.round(Math.sqrt(tokens));
        if (pos.size(0) != 1 || tokens < 1 || old * old != tokens)
            throw new IllegalArgumentException("pos_embed " + Shape.str(pos.shape()) + " is not [1, 1 + g*g, D] for a square patch grid g x g");
        int d = pos.size(2);
        float[] in = pos.contiguousData(), out = new float[(1 + grid * grid) * d];
        System.arraycopy(in, 0, out, 0, d);
        Interpolation axis = new Interpolation(old, grid); // the same along rows and columns: the grids are square
        for (int y = 0; y < grid; y++) {
            for (int x = 0; x < grid; x++) {
                int o = (1 + y * grid + x) * d;
                int a = 1 + axis.lo[y] * old, b = 1 + axis.hi[y] * old;
                float wy0 = 1 - axis.frac[y], wy1 = axis.frac[y], wx0 = 1 - axis.frac[x], wx1 = axis.frac[x];
                int p00 = (a + axis.lo[x]) * d, p01 = (a + axis.hi[x]) * d, p10 = (b + axis.lo[x]) * d, p11 = (b + axis.hi[x]) * d;
                for (int c = 0; c < d; c++)
                    out[o + c] = wy0 * (wx0 * in[p00 + c] + wx1 * in[p01 + c]) + wy1 * (wx0 * in[p10 + c] + wx1 * in[p11 + c]);
            }
        }
        return Tensor.of(out, 1, 1 + grid * grid, d);
    }

    /** Source neighbours and weight of each output index of a 1-D linear resize, half-pixel centres as PyTorch's. */
    private static final class Interpolation {
        final int[] lo, hi;
        final float[] frac;

        Interpolation(int in, int out) {
            lo = new int[out];
            hi = new int[out];
            frac = new float[out];
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                float src = Math.max(0f, scale * (i + 0.5f) - 0.5f);
                lo[i] = Math.min((int) src, in - 1);
                hi[i] = Math.min(lo[i] + 1, in - 1);
                frac[i] = src - lo[i];
            }
        }
    }

    // ---------------------------------------------------------------- configuration

    private static Tensor patchWeight(Map<String, Tensor> timm) {
        Tensor w = timm.get("patch_embed.proj.weight");
        if (w == null || w.rank() != 4 || w.size(1) != 3 || w.size(2) != w.size(3))
            throw new IllegalArgumentException("not a ViT checkpoint: it needs patch_embed.proj.weight [D, 3, P, P] (or Hugging Face's "
                    + "embeddings.patch_embeddings.projection.weight), got " + (w == null ? "none" : Shape.str(w.shape())) + "; keys: " + firstKeys(timm));
        return w;
    }

    /** Sizes from tensor shapes; heads and eps cannot be seen in them. */
    private static ViTConfig inferConfig(Map<String, Tensor> timm, int heads, float eps) {
        Tensor patch = patchWeight(timm), pos = timm.get("pos_embed"), fc1 = timm.get("blocks.0.mlp.fc1.weight"), head = timm.get("head.weight");
        int width = patch.size(0), p = patch.size(2);
        if (pos == null || pos.rank() != 3 || pos.size(2) != width)
            throw new IllegalArgumentException("pos_embed must be [1, 1 + N, " + width + "], got " + (pos == null ? "none" : Shape.str(pos.shape())));
        int grid = (int) Math.round(Math.sqrt(pos.size(1) - 1));
        if (grid * grid != pos.size(1) - 1) throw new IllegalArgumentException("pos_embed " + Shape.str(pos.shape()) + " is not for a square patch grid");
        if (fc1 == null) throw new IllegalArgumentException("no blocks.0.mlp.fc1.weight: the checkpoint has no transformer blocks; keys: " + firstKeys(timm));
        int depth = 0;
        while (timm.containsKey("blocks." + depth + ".norm1.weight")) depth++;
        if (heads <= 0 || width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " attention heads");
        return new ViTConfig(grid * p, p, width, depth, heads, fc1.size(0), head == null ? 0 : head.size(0), eps, ViTConfig.HALF, ViTConfig.HALF);
    }

    private static String firstKeys(Map<String, Tensor> m) {
        List<String> keys = new ArrayList<>(m.keySet());
        return keys.size() <= 8 ? keys.toString() : keys.subList(0, 8) + " ... (" + keys.size() + " in all)";
    }

    /** What the hub's files beside a checkpoint say; null where they say nothing. */
    private record Hints(Integer heads, Float eps, ViTConfig.Rgb mean, ViTConfig.Rgb std) {
        static Hints beside(Path file) throws IOException {
            Path dir = file.toAbsolutePath().getParent();
            Map<String, Object> config = json(dir.resolve("config.json"));
            Map<String, Object> preprocessor = json(dir.resolve("preprocessor_config.json"));
            Integer heads = config.get("num_attention_heads") instanceof Number n ? n.intValue() : null;
            Float eps = config.get("layer_norm_eps") instanceof Number n ? n.floatValue() : null;
            // timm's hub config.json keeps the normalisation in pretrained_cfg, Hugging Face's in preprocessor_config.json
            Map<?, ?> timmCfg = config.get("pretrained_cfg") instanceof Map<?, ?> m ? m : Map.of();
            ViTConfig.Rgb mean = rgb(timmCfg.get("mean"), preprocessor.get("image_mean")), std = rgb(timmCfg.get("std"), preprocessor.get("image_std"));
            return mean == null || std == null ? new Hints(heads, eps, null, null) : new Hints(heads, eps, mean, std);
        }

        private static Map<String, Object> json(Path p) throws IOException {
            if (!Files.isRegularFile(p)) return Map.of();
            try {
                return Json.parseObject(Files.readString(p));
            } catch (JsonException e) {
                throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
            }
        }

        private static ViTConfig.Rgb rgb(Object... candidates) {
            for (Object c : candidates)
                if (c instanceof List<?> l && l.size() == 3 && l.stream().allMatch(v -> v instanceof Number))
                    return new ViTConfig.Rgb(((Number) l.get(0)).floatValue(), ((Number) l.get(1)).floatValue(), ((Number) l.get(2)).floatValue());
            return null;
        }
    }

    // ---------------------------------------------------------------- Hugging Face layout

    private static final Pattern HF_QKV = Pattern.compile("encoder\\.layer\\.(\\d+)\\.attention\\.attention\\.(query|key|value)\\.(weight|bias)");
    private static final Pattern HF_LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Map<String, String> HF_BLOCK_MODULES = Map.of(
            "layernorm_before", "norm1", "attention.output.dense", "attn.proj", "layernorm_after", "norm2",
            "intermediate.dense", "mlp.fc1", "output.dense", "mlp.fc2");
    private static final Map<String, String> HF_TOP_LEVEL = Map.of(
            "embeddings.cls_token", "cls_token", "embeddings.position_embeddings", "pos_embed",
            "embeddings.patch_embeddings.projection.weight", "patch_embed.proj.weight", "embeddings.patch_embeddings.projection.bias", "patch_embed.proj.bias",
            "layernorm.weight", "norm.weight", "layernorm.bias", "norm.bias", "classifier.weight", "head.weight", "classifier.bias", "head.bias");
    private static final List<String> QKV = List.of("query", "key", "value");

    private static boolean isHuggingFace(Map<String, Tensor> tensors) {
        return tensors.keySet().stream().anyMatch(k -> k.startsWith("embeddings.patch_embeddings.") || k.startsWith("vit.embeddings.patch_embeddings."));
    }

    /**
     * Renames Hugging Face ViT tensors to timm's; query, key and value of a layer are concatenated (in that
     * order) into qkv. ViTModel's pooler (a tanh layer timm's ViT does not have) is dropped; any other
     * unknown tensor keeps its name so that a strict load reports it.
     */
    private static Map<String, Tensor> fromHuggingFace(Map<String, Tensor> hf) {
        Map<String, Tensor> timm = new LinkedHashMap<>();
        Map<String, Tensor[]> qkv = new TreeMap<>();
        for (var e : hf.entrySet()) {
            String key = e.getKey().startsWith("vit.") ? e.getKey().substring(4) : e.getKey();
            if (key.startsWith("pooler.")) continue;
            Matcher q = HF_QKV.matcher(key), layer = HF_LAYER.matcher(key);
            if (HF_TOP_LEVEL.containsKey(key)) timm.put(HF_TOP_LEVEL.get(key), e.getValue());
            else if (q.matches())
                qkv.computeIfAbsent("blocks." + q.group(1) + ".attn.qkv." + q.group(3), k -> new Tensor[3])[QKV.indexOf(q.group(2))] = e.getValue();
            else if (layer.matches() && HF_BLOCK_MODULES.containsKey(layer.group(2)))
                timm.put("blocks." + layer.group(1) + "." + HF_BLOCK_MODULES.get(layer.group(2)) + "." + layer.group(3), e.getValue());
            else timm.put(e.getKey(), e.getValue());
        }
        qkv.forEach((fused, parts) -> {
            for (int i = 0; i < 3; i++)
                if (parts[i] == null) throw new IllegalArgumentException("Hugging Face checkpoint lacks the " + QKV.get(i) + " tensor for " + fused);
            timm.put(fused, Tensor.concat(0, parts));
        });
        return timm;
    }
}
