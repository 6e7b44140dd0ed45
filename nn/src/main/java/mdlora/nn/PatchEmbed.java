package mdlora.nn;

import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;

/** Splits an image into P x P patches and projects each to the model width (timm's {@code PatchEmbed}, child {@code proj}). */
public final class PatchEmbed extends Module implements Layer {
    private final int imageSize;

    /**
     * For {@code imageSize} x {@code imageSize} RGB images cut into {@code patchSize} x {@code patchSize} patches.
     * @param imageSize side of the input image in pixels
     * @param patchSize side of a patch; divides {@code imageSize}
     * @param width token width
     * @param rng initialises the projection
     */
    public PatchEmbed(int imageSize, int patchSize, int width, Rng rng) {
        this(imageSize, patchSize, width, true, rng);
    }

    /**
     * As above; without {@code bias} the projection has none (CLIP-style ViTs, timm's {@code bias=not pre_norm}).
     * @param imageSize side of the input image in pixels
     * @param patchSize side of a patch; divides {@code imageSize}
     * @param width token width
     * @param bias whether the projection has a bias
     * @param rng initialises the projection
     */
    public PatchEmbed(int imageSize, int patchSize, int width, boolean bias, Rng rng) {
        this.imageSize = imageSize;
        registerModule("proj", new PatchConv2d(3, width, patchSize, bias, rng));
    }

    /** Images [N, 3, S, S] for the configured size S to tokens [N, (S/P)^2, width]. */
    @Override
    public Variable forward(Variable images) {
        if (images.rank() != 4 || images.size(2) != imageSize || images.size(3) != imageSize)
            throw new IllegalArgumentException("the ViT was built for " + imageSize + "x" + imageSize + " images, got input " + Shape.str(images.shape())
                    + "; build it for the input size (a checkpoint's position embedding is resampled when it is loaded)");
        return layer("proj").forward(images);
    }
}
