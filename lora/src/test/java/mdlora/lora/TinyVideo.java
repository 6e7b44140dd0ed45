package mdlora.lora;

import java.util.List;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;

/** A two-block ViT of width 32 on 16 x 16 frames (5 tokens) in a video classifier with two domains: the integration tests' model. */
final class TinyVideo {
    static final ViTConfig VIT = new ViTConfig(16, 8, 32, 2, 2, 64, 0, 1e-6f, ViTConfig.HALF, ViTConfig.HALF);
    static final List<VideoClassifier.Domain> DOMAINS = List.of(new VideoClassifier.Domain("ucf101", 5), new VideoClassifier.Domain("hmdb51", 3));
    static final List<String> NAMES = List.of("ucf101", "hmdb51");

    private TinyVideo() {}

    static VideoClassifier model(long seed) {
        Rng rng = new Rng(seed);
        return new VideoClassifier(new VisionTransformer(VIT, rng), DOMAINS, 0f, rng);
    }

    /** Clips [b, 2 frames, 3, 16, 16]. */
    static mdlora.autograd.Variable clips(int b, long seed) {
        return mdlora.autograd.Variable.constant(new Rng(seed).normal(0, 1, b, 2, 3, 16, 16));
    }
}
