package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test views of a clip are its temporal clips times its crops, each as the sampler and transform make it alone. */
class TestViewsTest {
    @TempDir
    Path dir;

    private static final ClipTransform TRANSFORM = new ClipTransform(32, 28, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

    @Test
    void eachViewIsItsClipAndCropTakenAlone() throws IOException {
        Path clip = TestClips.clip("high.mp4");
        FrameSampler sampler = FrameSampler.uniform(4);
        ClipSource uncached = new ClipSource(sampler, TRANSFORM, null), cached = new ClipSource(sampler, TRANSFORM, new FrameCache(dir));
        TestViews views = new TestViews(2, 3);
        Tensor all = uncached.eval(clip, views);
        assertArrayEquals(new int[] {6, 4, 3, 28, 28}, all.shape());
        try (Clip c = Clip.open(clip)) {
            for (int k = 0; k < 2; k++) {
                List<RgbImage> frames = TRANSFORM.resize(c.read(sampler.eval(c.frameCount(), k, 2)), TRANSFORM.evalResizeSize(3));
                List<Tensor> crops = TRANSFORM.evalCrops(frames, 3);
                for (int j = 0; j < 3; j++) assertArrayEquals(crops.get(j).toArray(), all.select(0, k * 3 + j).toArray(), "clip " + k + ", crop " + j);
            }
        }
        assertArrayEquals(all.toArray(), cached.eval(clip, views).toArray(), "cold cache");
        assertArrayEquals(all.toArray(), cached.eval(clip, views).toArray(), "warm cache");
        assertArrayEquals(uncached.eval(clip).toArray(), uncached.eval(clip, TestViews.SINGLE).select(0, 0).toArray(), "one view is the centre view");
    }

    @Test
    void onlyOneOrThreeCrops() {
        assertThrows(IllegalArgumentException.class, () -> new TestViews(1, 2));
        assertThrows(IllegalArgumentException.class, () -> new TestViews(0, 1));
        assertEquals("2 clips x 3 crops", new TestViews(2, 3).toString());
    }
}
