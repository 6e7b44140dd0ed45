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
 */
public record ViTConfig(int imageSize, int patchSize, int width, int depth, int heads, int mlpDim, int numClasses,
                        float layerNormEps, Rgb mean, Rgb std) {
    /** One value per colour channel. */
    public record Rgb(float r, float g, float b) {
        /** {@code {r, g, b}}. */
        public float[] toArray() {
            return new float[] {r, g, b};
        }
    }

    /** Mean and standard deviation of timm's and Hugging Face's ViT/16 checkpoints (augreg, in21k). */
    public static final Rgb HALF = new Rgb(0.5f, 0.5f, 0.5f);

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
    }

    /** timm's {@code vit_tiny_patch16_224}: width 192, 12 blocks, 3 heads, 1000 classes. */
    public static ViTConfig tiny16() {
        return timm16(192, 3);
    }

    /** timm's {@code vit_small_patch16_224}: width 384, 12 blocks, 6 heads, 1000 classes. */
    public static ViTConfig small16() {
        return timm16(384, 6);
    }

    /** timm's {@code vit_base_patch16_224}: width 768, 12 blocks, 12 heads, 1000 classes. */
    public static ViTConfig base16() {
        return timm16(768, 12);
    }

    private static ViTConfig timm16(int width, int heads) {
        return new ViTConfig(224, 16, width, 12, heads, 4 * width, 1000, 1e-6f, HALF, HALF);
    }

    /** Side of the patch grid. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Number of patch tokens (the class token not counted). */
    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** The same model with a head of {@code classes} classes (0: no head). */
    public ViTConfig withNumClasses(int classes) {
        return new ViTConfig(imageSize, patchSize, width, depth, heads, mlpDim, classes, layerNormEps, mean, std);
    }

    /** The same model for {@code size} x {@code size} images (a checkpoint's position embedding is resampled on loading). */
    public ViTConfig withImageSize(int size) {
        return new ViTConfig(size, patchSize, width, depth, heads, mlpDim, numClasses, layerNormEps, mean, std);
    }

    /** The same model expecting another input normalisation. */
    public ViTConfig withNormalization(Rgb newMean, Rgb newStd) {
        return new ViTConfig(imageSize, patchSize, width, depth, heads, mlpDim, numClasses, layerNormEps, newMean, newStd);
    }
}
