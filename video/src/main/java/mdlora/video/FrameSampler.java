package mdlora.video;

import java.util.function.IntToDoubleFunction;
import mdlora.tensor.Rng;

/**
 * Which frames of a clip make up a sample of {@code frames()} frames. Training draws them at random,
 * evaluation picks the same ones every time. Indices are 0-based presentation indices in time order.
 */
public sealed interface FrameSampler {
    /** {@return frames per sample} */
    int frames();

    /**
     * Indices for training, drawn with {@code rng}.
     *
     * @param frameCount frames in the clip, positive
     * @param rng        source of the random choices
     * @return {@link #frames()} indices, each below {@code frameCount}
     */
    int[] train(int frameCount, Rng rng);

    /**
     * Indices for evaluation: always the same for a clip length (the single, centred view).
     *
     * @param frameCount frames in the clip, positive
     * @return {@link #frames()} indices, each below {@code frameCount}
     */
    default int[] eval(int frameCount) {
        return eval(frameCount, 0, 1);
    }

    /**
     * Indices of temporal view {@code view} of {@code views} for evaluation, the views spread uniformly
     * over the clip as mmaction2's {@code SampleFrames} does in test mode; view 0 of 1 is the centred one.
     *
     * @param frameCount frames in the clip, positive
     * @param view       0-based view, below {@code views}
     * @param views      temporal views per clip, positive
     * @return {@link #frames()} indices, each below {@code frameCount}
     */
    int[] eval(int frameCount, int view, int views);

    /** {@return a short stable description for cache keys and logs, e.g. {@code uniform8}} */
    String id();

    /**
     * TSN-style sampling: the clip cut into {@code frames} equal segments, one frame from each.
     *
     * @param frames frames per sample, positive
     * @return a {@link Uniform} sampler
     */
    static FrameSampler uniform(int frames) {
        return new Uniform(frames);
    }

    /**
     * {@code frames} frames {@code stride} apart, a contiguous window of the clip.
     *
     * @param frames frames per sample, positive
     * @param stride distance between consecutive frames, in frames, positive
     * @return a {@link Dense} sampler
     */
    static FrameSampler dense(int frames, int stride) {
        return new Dense(frames, stride);
    }

    /**
     * One frame per segment: at a random offset in each segment for training, at its centre for
     * evaluation. Evaluation view k of N takes the frame at (k + 1/2) / N of each segment, so the views
     * split every segment evenly (mmaction2's test offsets for a TSN-style sampler). A clip shorter than
     * {@code frames} has segments shorter than a frame, so frames repeat.
     *
     * @param frames frames per sample (segments), positive
     */
    record Uniform(int frames) implements FrameSampler {
        /** Checks that {@code frames} is positive. */
        public Uniform {
            if (frames <= 0) throw new IllegalArgumentException("frames per sample must be positive, got " + frames);
        }

        @Override
        public int[] train(int frameCount, Rng rng) {
            return pick(frameCount, i -> i + rng.nextDouble());
        }

        @Override
        public int[] eval(int frameCount, int view, int views) {
            requireView(view, views);
            return pick(frameCount, i -> i + (view + 0.5) / views);
        }

        private int[] pick(int frameCount, IntToDoubleFunction positionInSegments) {
            requireFrames(frameCount);
            double segment = (double) frameCount / frames;
            int[] idx = new int[frames];
            for (int i = 0; i < frames; i++) idx[i] = Math.min(frameCount - 1, (int) (positionInSegments.applyAsDouble(i) * segment));
            return idx;
        }

        @Override
        public String id() {
            return "uniform" + frames;
        }
    }

    /**
     * A window of {@code frames} frames {@code stride} apart: at a random start for training, centred
     * for evaluation. Evaluation view k of N &gt; 1 starts at k * slack / (N - 1) rounded half to even (as numpy rounds), the first view at
     * the clip's start and the last at its end, as mmaction2's {@code SampleFrames} in test mode. A clip
     * shorter than the window is read as if it looped.
     *
     * @param frames frames per sample, positive
     * @param stride distance between consecutive frames, in frames, positive
     */
    record Dense(int frames, int stride) implements FrameSampler {
        /** Checks that {@code frames} and {@code stride} are positive. */
        public Dense {
            if (frames <= 0 || stride <= 0)
                throw new IllegalArgumentException("frames and stride must be positive, got " + frames + " and " + stride);
        }

        @Override
        public int[] train(int frameCount, Rng rng) {
            requireFrames(frameCount);
            int slack = frameCount - span();
            return window(frameCount, slack > 0 ? rng.nextInt(slack + 1) : 0);
        }

        @Override
        public int[] eval(int frameCount, int view, int views) {
            requireFrames(frameCount);
            requireView(view, views);
            int slack = Math.max(0, frameCount - span());
            return window(frameCount, views == 1 ? slack / 2 : (int) Math.rint((double) view * slack / (views - 1)));
        }

        private int span() {
            return (frames - 1) * stride + 1;
        }

        private int[] window(int frameCount, int start) {
            int[] idx = new int[frames];
            for (int i = 0; i < frames; i++) idx[i] = (start + i * stride) % frameCount;
            return idx;
        }

        @Override
        public String id() {
            return "dense" + frames + "x" + stride;
        }
    }

    private static void requireView(int view, int views) {
        if (view < 0 || view >= views) throw new IllegalArgumentException("view " + view + " of " + views + " does not exist");
    }

    private static void requireFrames(int frameCount) {
        if (frameCount <= 0) throw new IllegalArgumentException("a clip needs at least one frame, got " + frameCount);
    }
}
