package mdlora.nn;

/**
 * The sizes of a Vision Transformer and the image normalisation its checkpoint expects.
 *
 * @param imageSize    side of the square input image in pixels
 * @param patchSize    side of a square patch; divides {@code imageSize}
 * @param width        token width (timm's {@code embed_dim}); divisible by {@code heads}
 * @param depth        number of transformer blocks
 * @param heads        attention heads
 * @param mlpDim       hidden width of the blocks' MLP
 * @param numClasses   classes of the linear head; 0 for no head (a backbone)
 * @param layerNormEps 1e-6 for timm's checkpoints, 1e-12 for Hugging Face's
 * @param mean         per-channel mean subtracted from pixels in [0, 1]
 * @param std          per-channel standard deviation the pixels are then divided by
 * @param variant      which of timm's optional parts the model has (prefix tokens, pooling, layer scale, ...)
 */
public record ViTConfig(int imageSize, int patchSize, int width, int depth, int heads, int mlpDim, int numClasses,
                        float layerNormEps, Rgb mean, Rgb std, Variant variant) {
    /** How the image feature is taken from the final tokens (timm's {@code global_pool}). */
    public enum Pool {
        /** The class token ({@code 'token'}); with a distillation token, the mean of the two (timm's DeiT {@code pre_logits}). */
        TOKEN,
        /** The mean of the patch tokens, prefix tokens excluded ({@code 'avg'}). */
        AVG
    }

    /**
     * The parts in which timm's ViTs differ, each named as the tensors or arguments that show it.
     *
     * @param classToken  a learned {@code cls_token} [1, 1, D] is prepended (timm's {@code class_token})
     * @param distToken   a DeiT {@code dist_token} [1, 1, D] follows the class token; a head then comes with {@code head_dist},
     *                    and logits are the mean of both heads' (timm's {@code VisionTransformerDistilled} at inference)
     * @param pool        how the feature is taken from the final tokens
     * @param fcNorm      the final norm is {@code fc_norm}, applied after pooling, instead of {@code norm} on every token
     * @param normPre     a {@code norm_pre} layer norm before the blocks (CLIP-style, timm's {@code pre_norm})
     * @param patchBias   the patch projection has a bias (CLIP-style models have none)
     * @param layerScale  blocks scale both branches by learned {@code ls1.gamma} and {@code ls2.gamma} (timm's {@code init_values})
     */
    public record Variant(boolean classToken, boolean distToken, Pool pool, boolean fcNorm, boolean normPre, boolean patchBias,
                          boolean layerScale) {
        /** timm's default ViT: a class token, class-token pooling, {@code norm}, biased patch projection, no layer scale. */
        public static final Variant PLAIN = new Variant(true, false, Pool.TOKEN, false, false, true, false);

        /** Checks that the parts fit together. */
        public Variant {
            if (pool == null) throw new IllegalArgumentException("pooling kind is required");
            if (distToken && !classToken) throw new IllegalArgumentException("a distillation token needs a class token");
            if (pool == Pool.TOKEN && !classToken) throw new IllegalArgumentException("class-token pooling needs a class token");
        }

        /**
         * Tokens before the patches: class and distillation tokens (timm's {@code num_prefix_tokens}).
         * @return 0, 1 (class) or 2 (class and distillation)
         */
        public int prefixTokens() {
            return (classToken ? 1 : 0) + (distToken ? 1 : 0);
        }
    }

    /**
     * A plain timm ViT ({@link Variant#PLAIN}).
     * @param imageSize side of the square input image in pixels
     * @param patchSize side of a square patch; divides {@code imageSize}
     * @param width token width (timm's {@code embed_dim})
     * @param depth number of transformer blocks
     * @param heads attention heads
     * @param mlpDim hidden width of the blocks' MLP
     * @param numClasses classes of the head; 0 for none
     * @param layerNormEps layer norm epsilon (1e-6 timm, 1e-12 Hugging Face)
     * @param mean per-channel mean of pixels in [0, 1]
     * @param std per-channel standard deviation
     */
    public ViTConfig(int imageSize, int patchSize, int width, int depth, int heads, int mlpDim, int numClasses, float layerNormEps, Rgb mean, Rgb std) {
        this(imageSize, patchSize, width, depth, heads, mlpDim, numClasses, layerNormEps, mean, std, Variant.PLAIN);
    }
    /**
     * One value per colour channel.
     * @param r red channel value
     * @param g green channel value
     * @param b blue channel value
     */
    public record Rgb(float r, float g, float b) {
        /**
         * {@code {r, g, b}}.
         * @return a new array of three values
         */
        public float[] toArray() {
            return new float[] {r, g, b};
        }
    }

    /** Mean and standard deviation of timm's and Hugging Face's ViT/16 checkpoints (augreg, in21k). */
    public static final Rgb HALF = new Rgb(0.5f, 0.5f, 0.5f);
    /** ImageNet's mean (timm's {@code IMAGENET_DEFAULT_MEAN}), which DeiT was trained with. */
    public static final Rgb IMAGENET_MEAN = new Rgb(0.485f, 0.456f, 0.406f);
    /** ImageNet's standard deviation (timm's {@code IMAGENET_DEFAULT_STD}). */
    public static final Rgb IMAGENET_STD = new Rgb(0.229f, 0.224f, 0.225f);

    /** Checks that the sizes fit together. */
    public ViTConfig {
        if (imageSize <= 0 || patchSize <= 0 || width <= 0 || depth <= 0 || heads <= 0 || mlpDim <= 0 || numClasses < 0)
            throw new IllegalArgumentException("ViT sizes must be positive (classes >= 0): image " + imageSize + ", patch " + patchSize
                    + ", width " + width + ", depth " + depth + ", heads " + heads + ", mlp " + mlpDim + ", classes " + numClasses);
        if (imageSize % patchSize != 0)
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of patch size " + patchSize);
        if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("layer norm eps must be positive, got " + layerNormEps);
        if (mean == null || std == null) throw new IllegalArgumentException("mean and std are required");
        if (variant == null) throw new IllegalArgumentException("the variant is required (Variant.PLAIN for timm's default ViT)");
    }

    /**
     * timm's {@code vit_tiny_patch16_224}: width 192, 12 blocks, 3 heads, 1000 classes.
     * @return the configuration
     */
    public static ViTConfig tiny16() {
        return timm16(192, 3);
    }

    /**
     * timm's {@code vit_small_patch16_224}: width 384, 12 blocks, 6 heads, 1000 classes.
     * @return the configuration
     */
    public static ViTConfig small16() {
        return timm16(384, 6);
    }

    /**
     * timm's {@code vit_base_patch16_224}: width 768, 12 blocks, 12 heads, 1000 classes.
     * @return the configuration
     */
    public static ViTConfig base16() {
        return timm16(768, 12);
    }

    private static ViTConfig timm16(int width, int heads) {
        return new ViTConfig(224, 16, width, 12, heads, 4 * width, 1000, 1e-6f, HALF, HALF);
    }

    /**
     * Side of the patch grid.
     * @return {@code imageSize / patchSize}
     */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /**
     * Number of patch tokens (the class token not counted).
     * @return the number of patch tokens
     */
    public int numPatches() {
        return gridSize() * gridSize();
    }

    /**
     * Tokens before the patches (see {@link Variant#prefixTokens}).
     * @return the number of prefix tokens
     */
    public int prefixTokens() {
        return variant.prefixTokens();
    }

    /**
     * The same model with a head of {@code classes} classes (0: no head).
     * @param classes head classes; 0 for no head
     * @return the new configuration
     */
    public ViTConfig withNumClasses(int classes) {
        return new ViTConfig(imageSize, patchSize, width, depth, heads, mlpDim, classes, layerNormEps, mean, std, variant);
    }

    /**
     * The same model for {@code size} x {@code size} images (a checkpoint's position embedding is resampled on loading).
     * @param size image side in pixels; a multiple of {@code patchSize}
     * @return the new configuration
     */
    public ViTConfig withImageSize(int size) {
        return new ViTConfig(size, patchSize, width, depth, heads, mlpDim, numClasses, layerNormEps, mean, std, variant);
    }

    /**
     * The same model expecting another input normalisation.
     * @param newMean per-channel mean
     * @param newStd per-channel standard deviation
     * @return the new configuration
     */
    public ViTConfig withNormalization(Rgb newMean, Rgb newStd) {
        return new ViTConfig(imageSize, patchSize, width, depth, heads, mlpDim, numClasses, layerNormEps, newMean, newStd, variant);
    }

    /**
     * The same sizes with another variant.
     * @param newVariant the variant
     * @return the new configuration
     */
    public ViTConfig withVariant(Variant newVariant) {
        return new ViTConfig(imageSize, patchSize, width, depth, heads, mlpDim, numClasses, layerNormEps, mean, std, newVariant);
    }

    /**
     * The same model with {@code n} attention heads (what a checkpoint's shapes cannot show).
     * @param n number of heads; divides {@code width}
     * @return the new configuration
     */
    public ViTConfig withHeads(int n) {
        return new ViTConfig(imageSize, patchSize, width, depth, n, mlpDim, numClasses, layerNormEps, mean, std, variant);
    }
}
