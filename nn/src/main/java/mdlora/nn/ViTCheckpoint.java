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
 * ({@code [vit.]embeddings.*}, {@code [vit.]encoder.layer.N.*} with separate query/key/value, {@code classifier};
 * DeiT's {@code deit.*}, {@code distillation_token}, {@code cls_classifier} and {@code distillation_classifier})
 * are converted on reading, q/k/v concatenated into timm's fused {@code qkv}.
 *
 * <p>The tensors present say which {@link ViTConfig.Variant} the model is: {@code cls_token} (class token),
 * {@code dist_token} and {@code head_dist} (DeiT distilled), {@code norm_pre} (CLIP-style, its patch projection
 * without bias), {@code fc_norm} (average pooling, normalised after pooling), {@code blocks.N.ls1.gamma} (layer
 * scale); without a class token the patch tokens are averaged. A timm hub config.json's {@code global_pool}
 * overrides the pooling.
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

    /** The name of the weights file in a model folder (Hugging Face's and timm's hub layout). */
    public static final String MODEL_FILE = "model.safetensors";

    private final Map<String, Tensor> state;
    private final ViTConfig config;
    private final String source;

    private ViTCheckpoint(Map<String, Tensor> state, ViTConfig config, String source) {
        this.state = state;
        this.config = config;
        this.source = source;
    }

    /**
     * Reads a safetensors checkpoint of either layout, or the {@value #MODEL_FILE} of a model folder (a Hugging
     * Face or timm hub download). Attention heads, layer norm eps, pooling and normalisation come from the files a
     * model hub puts beside it when they are there (Hugging Face's config.json and preprocessor_config.json, timm's
     * config.json); otherwise heads = width / 64 (every timm and Google ViT), eps by layout (timm 1e-6, Hugging
     * Face 1e-12, CLIP-style models with {@code norm_pre} 1e-5 as timm builds them with PyTorch's default
     * LayerNorm), mean and std 0.5 (ImageNet's for a distilled DeiT, which was trained with them). A tensor holding
     * NaN or infinity is refused. Errors name the file, the tensor and the cause.
     * @param path a {@code .safetensors} file or a model folder
     * @return the checkpoint
     * @throws IOException if a file cannot be read
     */
    public static ViTCheckpoint read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? modelFileIn(path) : path;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) tensors.put(name, f.tensor(name));
        }
        Hints hints = Hints.beside(file); // its errors name the hub file they are about
        try {
            return create(tensors, hints, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static Path modelFileIn(Path dir) {
        Path file = dir.resolve(MODEL_FILE);
        if (Files.isRegularFile(file)) return file;
        String why = Files.exists(dir.resolve(MODEL_FILE + ".index.json")) ? "it holds a sharded checkpoint, which is not read; save it as one file"
                : Files.exists(dir.resolve("pytorch_model.bin")) ? "it holds only pytorch_model.bin; save the model with safetensors (save_pretrained's default)"
                : "no " + MODEL_FILE + " in it";
        throw new IllegalArgumentException(dir + ": not a model folder: " + why);
    }

    /**
     * A checkpoint from tensors in memory (either layout); eps, pooling and normalisation by the tensors present, as {@link #read}.
     * @param tensors tensors by name, timm or Hugging Face layout
     * @param heads attention heads (the shapes cannot show them)
     * @return the checkpoint
     */
    public static ViTCheckpoint of(Map<String, Tensor> tensors, int heads) {
        return create(tensors, new Hints(heads, null, null, null, null), "checkpoint");
    }

    private static ViTCheckpoint create(Map<String, Tensor> tensors, Hints hints, String source) {
        tensors.forEach((name, t) -> {
            if (t.hasNonFinite()) throw new IllegalArgumentException("tensor " + name + " holds NaN or infinite values");
        });
        boolean hf = isHuggingFace(tensors);
        Map<String, Tensor> timm = hf ? fromHuggingFace(tensors) : withTimmNames(tensors);
        int width = patchWeight(timm).size(0);
        ViTConfig.Variant variant = inferVariant(timm, hints.pool);
        float eps = hints.eps != null ? hints.eps : hf ? 1e-12f : variant.normPre() ? 1e-5f : 1e-6f;
        ViTConfig config = inferConfig(timm, variant, hints.heads == null ? Math.max(1, width / 64) : hints.heads, eps);
        if (hints.mean != null) config = config.withNormalization(hints.mean, hints.std);
        else if (variant.distToken()) config = config.withNormalization(ViTConfig.IMAGENET_MEAN, ViTConfig.IMAGENET_STD);
        return new ViTCheckpoint(timm, config, source);
    }

    /**
     * Writes {@code model}'s state dict (timm's names for a {@link VisionTransformer}) as safetensors.
     * @param model the model to save
     * @param file the {@code .safetensors} file to write
     * @throws IOException if the file cannot be written
     */
    public static void save(Module model, Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        model.stateDict().forEach(w::put);
        w.write(file);
    }

    /**
     * The configuration the tensors imply (image size from the position embedding's grid).
     * @return the implied configuration
     */
    public ViTConfig config() {
        return config;
    }

    /**
     * The tensors by timm name.
     * @return timm name to tensor
     */
    public Map<String, Tensor> state() {
        return state;
    }

    /**
     * A new model of the checkpoint's configuration with all its weights.
     * @return the loaded model
     */
    public VisionTransformer toModel() {
        VisionTransformer model = new VisionTransformer(config, new Rng(0));
        loadInto(model, Mode.STRICT);
        return model;
    }

    /**
     * Copies the weights into {@code model}. When the model's patch grid differs from the checkpoint's, the
     * position embedding is resampled to it first (see {@link #resamplePosEmbed}). Missing, unexpected and
     * mismatched keys are an error naming the checkpoint and listing them (missing and unexpected ones only
     * outside {@link Mode#LENIENT}), and then nothing is written.
     * @param model the model to load into
     * @param mode how strictly keys must match
     * @return the missing and unexpected keys that were tolerated
     */
    public Module.LoadReport loadInto(VisionTransformer model, Mode mode) {
        try {
            return model.loadStateDict(fitted(model, mode), mode != Mode.LENIENT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Tensor> fitted(VisionTransformer model, Mode mode) {
        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> toLoad = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (mode != Mode.BACKBONE || !isHead(k)) toLoad.put(k, v);
        });
        if (mode == Mode.BACKBONE) own.forEach((k, v) -> {
            if (isHead(k)) toLoad.put(k, v); // the model's own head, written back onto itself
        });
        Tensor pos = toLoad.get("pos_embed");
        int grid = model.config().gridSize(), prefix = model.config().prefixTokens();
        if (pos != null && pos.rank() == 3 && pos.size(1) != prefix + grid * grid) toLoad.put("pos_embed", resamplePosEmbed(pos, prefix, grid));
        return toLoad;
    }

    private static boolean isHead(String key) {
        return key.startsWith("head.") || key.startsWith("head_dist.");
    }

    // ---------------------------------------------------------------- position embedding

    /**
     * Resamples a position embedding [1, prefix + g*g, D] of a square g x g patch grid to a {@code grid} x
     * {@code grid} one as timm's {@code resample_abs_pos_embed} does: the {@code prefix} tokens' entries (class,
     * distillation) are kept and the grid is resized by PyTorch's {@code interpolate(mode='bicubic', antialias=True,
     * align_corners=False)}, which on upsampling too differs from plain bicubic (Keys' a = -0.5, not -0.75, and
     * weights renormalised at the borders rather than edge pixels repeated).
     * @param pos position embedding [1, prefix + g*g, D]
     * @param prefix number of prefix tokens (class, distillation)
     * @param grid side of the target patch grid
     * @return the embedding [1, prefix + grid*grid, D]
     */
    public static Tensor resamplePosEmbed(Tensor pos, int prefix, int grid) {
        int tokens = pos.rank() == 3 ? pos.size(1) - prefix : 0, old = (int) Math.round(Math.sqrt(tokens));
        if (pos.size(0) != 1 || tokens < 1 || old * old != tokens)
            throw new IllegalArgumentException("pos_embed " + Shape.str(pos.shape()) + " is not [1, " + prefix + " + g*g, D] for a square patch grid g x g");
        int d = pos.size(2);
        float[] in = pos.contiguousData(), out = new float[(prefix + grid * grid) * d];
        System.arraycopy(in, 0, out, 0, prefix * d);
        AntialiasedCubic axis = new AntialiasedCubic(old, grid); // the same along rows and columns: the grids are square
        // rows first, then columns, each in float as PyTorch's separable pass
        float[] rows = new float[grid * old * d];
        for (int y = 0; y < grid; y++)
            for (int x = 0; x < old; x++)
                for (int k = 0; k < axis.size[y]; k++) {
                    float w = axis.weight[y][k];
                    int src = (prefix + (axis.first[y] + k) * old + x) * d, dst = (y * old + x) * d;
                    for (int c = 0; c < d; c++) rows[dst + c] += w * in[src + c];
                }
        for (int y = 0; y < grid; y++)
            for (int x = 0; x < grid; x++)
                for (int k = 0; k < axis.size[x]; k++) {
                    float w = axis.weight[x][k];
                    int src = (y * old + axis.first[x] + k) * d, dst = (prefix + y * grid + x) * d;
                    for (int c = 0; c < d; c++) out[dst + c] += w * rows[src + c];
                }
        return Tensor.of(out, 1, prefix + grid * grid, d);
    }

    /**
     * The source window and weights of each output index of a 1-D antialiased bicubic resize, PyTorch's
     * {@code _compute_weights_aa} (UpSampleKernel.cpp) with its cubic filter: the support widens with the
     * downscale factor, and the weights inside the input are normalised to sum to one.
     */
    private static final class AntialiasedCubic {
        private static final double A = -0.5;
        final int[] first, size;
        final float[][] weight;

        AntialiasedCubic(int in, int out) {
            first = new int[out];
            size = new int[out];
            weight = new float[out][];
            float scale = (float) in / out;
            float support = scale >= 1 ? 2 * scale : 2f, invScale = scale >= 1 ? 1 / scale : 1f;
            for (int i = 0; i < out; i++) {
                float center = scale * (i + 0.5f);
                first[i] = Math.max((int) (center - support + 0.5f), 0);
                size[i] = Math.min((int) (center + support + 0.5f), in) - first[i];
                weight[i] = new float[size[i]];
                float total = 0;
                for (int j = 0; j < size[i]; j++) total += weight[i][j] = (float) filter((j + first[i] - center + 0.5f) * invScale);
                for (int j = 0; j < size[i]; j++) if (total != 0) weight[i][j] /= total;
            }
        }

        private static double filter(double x) {
            x = Math.abs(x);
            if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
            if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
            return 0;
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

    /** The optional parts the tensors show; {@code pool}, when a hub config names it, overrides the pooling they imply. */
    private static ViTConfig.Variant inferVariant(Map<String, Tensor> timm, ViTConfig.Pool pool) {
        for (String unsupported : List.of("reg_token", "attn_pool.latent", "blocks.0.attn.q_norm.weight", "blocks.0.norm1.0.weight"))
            for (String key : timm.keySet())
                if (key.startsWith(unsupported))
                    throw new IllegalArgumentException("tensor " + key + " belongs to a ViT variant that is not supported (register tokens, attention pooling, "
                            + "qk-norm); supported: timm's ViT with class token or average pooling, norm_pre, fc_norm, layer scale, DeiT (distilled)");
        boolean cls = timm.containsKey("cls_token"), dist = timm.containsKey("dist_token"), fcNorm = timm.containsKey("fc_norm.weight");
        if (dist && !cls) throw new IllegalArgumentException("dist_token without cls_token: a distilled DeiT has both");
        ViTConfig.Pool implied = cls && !fcNorm ? ViTConfig.Pool.TOKEN : ViTConfig.Pool.AVG;
        if (pool == ViTConfig.Pool.TOKEN && !cls) throw new IllegalArgumentException("config.json says global_pool 'token' but the checkpoint has no cls_token");
        return new ViTConfig.Variant(cls, dist, pool == null ? implied : pool, fcNorm, timm.containsKey("norm_pre.weight"),
                timm.containsKey("patch_embed.proj.bias"), timm.containsKey("blocks.0.ls1.gamma"));
    }

    /** Sizes from tensor shapes; heads and eps cannot be seen in them. */
    private static ViTConfig inferConfig(Map<String, Tensor> timm, ViTConfig.Variant variant, int heads, float eps) {
        Tensor patch = patchWeight(timm), pos = timm.get("pos_embed"), fc1 = timm.get("blocks.0.mlp.fc1.weight"), head = timm.get("head.weight");
        int width = patch.size(0), p = patch.size(2), prefix = variant.prefixTokens();
        if (pos == null || pos.rank() != 3 || pos.size(0) != 1 || pos.size(2) != width)
            throw new IllegalArgumentException("pos_embed must be [1, " + prefix + " + N, " + width + "], got " + (pos == null ? "none" : Shape.str(pos.shape())));
        int grid = (int) Math.round(Math.sqrt(Math.max(0, pos.size(1) - prefix)));
        if (grid == 0 || grid * grid != pos.size(1) - prefix)
            throw new IllegalArgumentException("pos_embed " + Shape.str(pos.shape()) + " is not " + prefix + " prefix token(s) (" + (prefix == 0 ? "no cls_token" : prefix == 1 ? "cls_token" : "cls_token, dist_token")
                    + ") plus a square patch grid; position embeddings without the prefix tokens' entries (timm's no_embed_class) are not supported");
        if (fc1 == null) throw new IllegalArgumentException("no blocks.0.mlp.fc1.weight: the checkpoint has no transformer blocks; keys: " + firstKeys(timm));
        int depth = 0;
        while (timm.containsKey("blocks." + depth + ".norm1.weight")) depth++;
        if (heads <= 0 || width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " attention heads");
        return new ViTConfig(grid * p, p, width, depth, heads, fc1.size(0), head == null ? 0 : head.size(0), eps, ViTConfig.HALF, ViTConfig.HALF, variant);
    }

    private static String firstKeys(Map<String, Tensor> m) {
        List<String> keys = new ArrayList<>(m.keySet());
        return keys.size() <= 8 ? keys.toString() : keys.subList(0, 8) + " ... (" + keys.size() + " in all)";
    }

    /** What the hub's files beside a checkpoint say; null where they say nothing. */
    private record Hints(Integer heads, Float eps, ViTConfig.Pool pool, ViTConfig.Rgb mean, ViTConfig.Rgb std) {
        static Hints beside(Path file) throws IOException {
            Path dir = file.toAbsolutePath().getParent();
            Path configFile = dir.resolve("config.json");
            Map<String, Object> config = json(configFile);
            Map<String, Object> preprocessor = json(dir.resolve("preprocessor_config.json"));
            // timm's hub config.json keeps the normalisation in pretrained_cfg and the model's arguments, when it was pushed with them, in model_args
            Map<?, ?> timmCfg = config.get("pretrained_cfg") instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> timmArgs = config.get("model_args") instanceof Map<?, ?> m ? m : Map.of();
            Integer heads = config.get("num_attention_heads") instanceof Number n ? n.intValue() : timmArgs.get("num_heads") instanceof Number n ? n.intValue() : null;
            Float eps = config.get("layer_norm_eps") instanceof Number n ? n.floatValue() : null;
            if (config.get("hidden_act") instanceof String act && !act.equals("gelu"))
                throw new IllegalArgumentException(configFile + ": hidden_act '" + act + "' is not supported (only exact 'gelu')");
            // OpenAI's CLIP weights need QuickGELU, which no tensor shows: timm names such models *_quickgelu_*
            if (config.get("architecture") instanceof String arch && arch.contains("quickgelu") || "quick_gelu".equals(timmArgs.get("act_layer")))
                throw new IllegalArgumentException(configFile + ": QuickGELU models (" + config.get("architecture") + ") are not supported (only exact GELU)");
            // Hugging Face keeps the normalisation in preprocessor_config.json
            ViTConfig.Rgb mean = rgb(timmCfg.get("mean"), preprocessor.get("image_mean")), std = rgb(timmCfg.get("std"), preprocessor.get("image_std"));
            ViTConfig.Pool pool = switch (config.get("global_pool") instanceof String g ? g : "") {
                case "" -> null;
                case "token" -> ViTConfig.Pool.TOKEN;
                case "avg" -> ViTConfig.Pool.AVG;
                default -> throw new IllegalArgumentException(configFile + ": global_pool '" + config.get("global_pool") + "' is not supported (only 'token' and 'avg')");
            };
            return mean == null || std == null ? new Hints(heads, eps, pool, null, null) : new Hints(heads, eps, pool, mean, std);
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

    private static final Pattern ORIGINAL_LAYER_SCALE = Pattern.compile("^(blocks\\.\\d+\\.)gamma_([12])$");

    /** The tensors with the names of timm's current ViT: original DeiT III and BEiT-style {@code blocks.N.gamma_1} become {@code ls1.gamma}, as timm's checkpoint filter renames them. */
    private static Map<String, Tensor> withTimmNames(Map<String, Tensor> tensors) {
        Map<String, Tensor> timm = new LinkedHashMap<>();
        tensors.forEach((k, v) -> timm.put(ORIGINAL_LAYER_SCALE.matcher(k).replaceFirst("$1ls$2.gamma"), v));
        return timm;
    }

    // ---------------------------------------------------------------- Hugging Face layout

    private static final Pattern HF_QKV = Pattern.compile("encoder\\.layer\\.(\\d+)\\.attention\\.attention\\.(query|key|value)\\.(weight|bias)");
    private static final Pattern HF_LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Map<String, String> HF_BLOCK_MODULES = Map.of(
            "layernorm_before", "norm1", "attention.output.dense", "attn.proj", "layernorm_after", "norm2",
            "intermediate.dense", "mlp.fc1", "output.dense", "mlp.fc2");
    private static final Map<String, String> HF_TOP_LEVEL = Map.ofEntries(
            Map.entry("embeddings.cls_token", "cls_token"), Map.entry("embeddings.distillation_token", "dist_token"),
            Map.entry("embeddings.position_embeddings", "pos_embed"),
            Map.entry("embeddings.patch_embeddings.projection.weight", "patch_embed.proj.weight"),
            Map.entry("embeddings.patch_embeddings.projection.bias", "patch_embed.proj.bias"),
            Map.entry("layernorm.weight", "norm.weight"), Map.entry("layernorm.bias", "norm.bias"),
            Map.entry("classifier.weight", "head.weight"), Map.entry("classifier.bias", "head.bias"),
            Map.entry("cls_classifier.weight", "head.weight"), Map.entry("cls_classifier.bias", "head.bias"),
            Map.entry("distillation_classifier.weight", "head_dist.weight"), Map.entry("distillation_classifier.bias", "head_dist.bias"));
    private static final Pattern HF_MODEL_PREFIX = Pattern.compile("^(vit|deit)\\.");
    private static final List<String> QKV = List.of("query", "key", "value");

    private static boolean isHuggingFace(Map<String, Tensor> tensors) {
        return tensors.keySet().stream().anyMatch(k -> HF_MODEL_PREFIX.matcher(k).replaceFirst("").startsWith("embeddings.patch_embeddings."));
    }

    /**
     * Renames Hugging Face ViT and DeiT tensors to timm's; query, key and value of a layer are concatenated (in
     * that order) into qkv. ViTModel's pooler (a tanh layer timm's ViT does not have) is dropped; any other
     * unknown tensor keeps its name so that a strict load reports it.
     */
    private static Map<String, Tensor> fromHuggingFace(Map<String, Tensor> hf) {
        Map<String, Tensor> timm = new LinkedHashMap<>();
        Map<String, Tensor[]> qkv = new TreeMap<>();
        for (var e : hf.entrySet()) {
            String key = HF_MODEL_PREFIX.matcher(e.getKey()).replaceFirst("");
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
