package mdlora.launcher.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import mdlora.backbone.ShippedBackbone;
import mdlora.launcher.config.ConfigException;
import mdlora.nn.ViTCheckpoint;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;

/**
 * The image-pretrained ViT a run starts from: the one shipped in mdlora-backbone ({@code builtin}: {@link ShippedBackbone},
 * made by {@code mdlora pretrain}), a timm or Hugging Face ViT checkpoint file, or a model folder (a hub download:
 * model.safetensors with config.json and preprocessor_config.json). The kinds read are those of
 * {@link ViTCheckpoint}: plain, CLIP-style, average-pooled, layer-scaled and DeiT (distilled) ViTs. Sizes and the
 * kind come from the tensors; attention heads, layer-norm eps, pooling and normalisation from the hub files, or
 * from {@code heads} when given. {@link #config()} holds the backbone's own image size, mean and std, the
 * defaults a run should take.
 */
public final class Backbone {
    /** The spec that names the shipped backbone. */
    public static final String BUILTIN = "builtin";

    private final ViTCheckpoint checkpoint;
    private final ViTConfig config;
    private final String source;
    private final Path file;

    private Backbone(ViTCheckpoint checkpoint, ViTConfig config, String source, Path file) {
        this.checkpoint = checkpoint;
        this.config = config;
        this.source = source;
        this.file = file;
    }

    /** Reads {@code spec} ({@value #BUILTIN}, a .safetensors file or a model folder); {@code heads} > 0 overrides what the hub files say. */
    public static Backbone load(String spec, int heads) {
        Path file = spec.equals(BUILTIN) ? extractBuiltin() : Path.of(spec);
        if (!Files.exists(file)) throw new ConfigException("backbone checkpoint not found: " + file);
        try {
            ViTCheckpoint checkpoint = ViTCheckpoint.read(file);
            ViTConfig c = heads > 0 ? checkpoint.config().withHeads(heads) : checkpoint.config();
            return new Backbone(checkpoint, c, spec, Files.isDirectory(file) ? file.resolve(ViTCheckpoint.MODEL_FILE) : file);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("not a usable ViT backbone: " + e.getMessage());
        }
    }

    /** The shipped backbone copied out of its jar (the reader maps files, not streams). */
    private static Path extractBuiltin() {
        try {
            return ShippedBackbone.extract();
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the shipped backbone: " + e.getMessage(), e);
        }
    }

    /** The checkpoint's configuration (its own image size, its head if it has one). */
    public ViTConfig config() {
        return config;
    }

    /**
     * A SHA-256 of the weights file's bytes, which a run records so that a backbone changed or damaged after
     * it started is refused on resume and evaluation (timm and Hugging Face files carry no checksum of their own).
     */
    public String fingerprint() {
        try (var in = Files.newInputStream(file)) {
            var sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) sha.update(buffer, 0, n);
            return "sha256 " + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            throw new ConfigException("cannot read backbone " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** What the run's config named: {@value #BUILTIN}, the file or the folder. */
    public String source() {
        return source;
    }

    /**
     * A headless ViT with the checkpoint's weights for {@code imageSize} pixels (the position embedding
     * resampled when that differs from the checkpoint's).
     */
    public VisionTransformer create(int imageSize) {
        return create(imageSize, config.mean(), config.std());
    }

    /**
     * As {@link #create(int)}, normalising inputs with {@code mean} and {@code std} (a run's, which may differ from the
     * backbone's own): the model's config carries them to whatever reads or exports it.
     */
    public VisionTransformer create(int imageSize, ViTConfig.Rgb mean, ViTConfig.Rgb std) {
        requirePatchMultiple(imageSize);
        ViTConfig c = config().withNumClasses(0).withImageSize(imageSize).withNormalization(mean, std);
        VisionTransformer vit = new VisionTransformer(c, new Rng(0));
        try {
            checkpoint.loadInto(vit, ViTCheckpoint.Mode.BACKBONE);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("not a usable ViT backbone: " + e.getMessage());
        }
        return vit;
    }

    /**
     * The line to tell the user when {@code imageSize} differs from the backbone's own (its position embedding is
     * then resampled); empty when they agree.
     */
    public Optional<String> resampling(int imageSize) {
        if (imageSize == config.imageSize()) return Optional.empty();
        requirePatchMultiple(imageSize);
        int from = config.gridSize(), to = imageSize / config.patchSize();
        return Optional.of("backbone " + source + " was trained on " + config.imageSize() + " px; at " + imageSize + " px its position embedding is resampled from "
                + from + "x" + from + " to " + to + "x" + to + " patches (bicubic, antialiased, as timm)");
    }

    /** A frame size the backbone's patches tile; else an error naming the two nearest that do. */
    private void requirePatchMultiple(int imageSize) {
        int patch = config.patchSize();
        if (imageSize % patch != 0)
            throw new ConfigException("--image-size " + imageSize + " is not a multiple of the backbone's patch size " + patch + " (" + source + "); use "
                    + Math.max(patch, imageSize / patch * patch) + " or " + (imageSize / patch + 1) * patch);
    }
}
