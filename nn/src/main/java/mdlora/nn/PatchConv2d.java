package mdlora.nn;

import mdlora.autograd.Functional;
import mdlora.autograd.Variable;
import mdlora.tensor.Rng;
import mdlora.tensor.Shape;

/**
 * A Conv2d whose stride equals its kernel size P and which has no padding, as a ViT's patch projection:
 * weight [out, in, P, P] and bias [out] in PyTorch's layout. The patches do not overlap, so the convolution
 * is one reshape and permute of the image into rows of in*P*P pixels and one matrix product.
 */
public final class PatchConv2d extends Module implements Layer {
    private final Variable weight;
    private final Variable bias;
    private final int patch;

    /**
     * PyTorch's default Conv2d init: weight and bias uniform in +-1/sqrt(in*P*P).
     * @param inChannels input channels
     * @param outChannels output channels
     * @param patch side of the kernel, equal to its stride
     * @param rng initialises weight and bias
     */
    public PatchConv2d(int inChannels, int outChannels, int patch, Rng rng) {
        this(inChannels, outChannels, patch, true, rng);
    }

    /**
     * As above, with no bias parameter unless {@code bias} (PyTorch's {@code Conv2d(..., bias=False)}).
     * @param inChannels input channels
     * @param outChannels output channels
     * @param patch side of the kernel, equal to its stride
     * @param bias whether there is a bias
     * @param rng initialises weight and bias
     */
    public PatchConv2d(int inChannels, int outChannels, int patch, boolean bias, Rng rng) {
        int fanIn = inChannels * patch * patch;
        this.weight = registerParameter("weight", rng.kaimingUniform(fanIn, outChannels, inChannels, patch, patch));
        float bound = (float) (1 / Math.sqrt(fanIn));
        this.bias = bias ? registerParameter("bias", rng.uniform(-bound, bound, outChannels)) : null;
        this.patch = patch;
    }

    /** Images [N, C, H, W] to patch features [N, (H/P)*(W/P), out], patches in row-major order (timm's flatten(2).transpose(1, 2)). */
    @Override
    public Variable forward(Variable images) {
        int c = weight.size(1), p = patch;
        if (images.rank() != 4 || images.size(1) != c || images.size(2) % p != 0 || images.size(3) % p != 0)
            throw new IllegalArgumentException("patch projection needs images [N, " + c + ", H, W] with H and W multiples of " + p
                    + ", got " + Shape.str(images.shape()));
        int n = images.size(0), gh = images.size(2) / p, gw = images.size(3) / p;
        Variable patches = images.reshape(n, c, gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(n, gh * gw, c * p * p);
        return Functional.linear(patches, weight.reshape(weight.size(0), c * p * p), bias);
    }
}
