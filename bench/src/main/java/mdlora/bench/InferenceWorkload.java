package mdlora.bench;

import java.util.List;

/** W4: W3's model, forward only under no-grad (see {@link VideoLoraModel}); ms best of 5. */
public final class InferenceWorkload implements Workload {
    @Override
    public String id() {
        return "W4";
    }

    @Override
    public String description() {
        return "W3's model, forward under no-grad (ms best of 5; MFU)";
    }

    @Override
    public List<Figure> run() {
        VideoLoraModel m = new VideoLoraModel(VideoLoraModel.Setting.TINY);
        double seconds = Timing.bestOf(5, m::infer);
        return List.of(Figure.cost("W4_infer_ms", seconds * 1e3, "vit_tiny_mdlora_infer_4x8x112_ms"),
                Figure.mfu("W4_mfu", VideoLoraModel.Setting.TINY.forwardFlops(), seconds, "vit_tiny_mdlora_infer_4x8x112_ms"));
    }
}
