package mdlora.video;

/**
 * mmaction2's test-time protocol: each test video is scored on {@code clips} temporal clips spread
 * uniformly over it ({@link FrameSampler#eval(int, int, int)}, as {@code SampleFrames} in test mode) times
 * {@code crops} spatial crops ({@link ClipTransform#evalCrops}: 1 is the centre crop, 3 is mmaction2's
 * {@code ThreeCrop}, squares of the crop size at both ends and the middle of the longer side of frames
 * resized so the shorter side is the crop size). The view order is clip-major: view {@code k * crops + j}
 * is clip k, crop j.
 *
 * @param clips temporal clips per video, at least 1
 * @param crops spatial crops per clip, 1 or 3
 */
public record TestViews(int clips, int crops) implements java.io.Serializable {
    /** One centred clip, one centre crop: the evaluation view of {@link ClipSource#eval(java.nio.file.Path)}. */
    public static final TestViews SINGLE = new TestViews(1, 1);

    /** Checks that there is at least one clip and that crops is 1 or 3. */
    public TestViews {
        if (clips < 1) throw new IllegalArgumentException("test clips per video must be at least 1, got " + clips);
        if (crops != 1 && crops != 3) throw new IllegalArgumentException("test crops must be 1 (centre) or 3 (three crops along the longer side), got " + crops);
    }

    /** {@return views per video: clips times crops} */
    public int count() {
        return clips * crops;
    }

    /** How a log or report names the protocol, e.g. {@code 2 clips x 3 crops}. */
    @Override
    public String toString() {
        return clips + (clips == 1 ? " clip" : " clips") + " x " + crops + (crops == 1 ? " crop" : " crops");
    }
}
