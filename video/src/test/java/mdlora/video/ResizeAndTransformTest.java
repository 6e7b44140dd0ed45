package mdlora.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import mdlora.tensor.Rng;
import mdlora.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ResizeAndTransformTest {
    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ResizeAndTransformTest.class.getResourceAsStream("/resize/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void matchesTorchAntialiasedBilinear() throws IOException {
        RgbImage input = new RgbImage(40, 30, resource("input_40x30.rgb"));
        for (int[] size : new int[][] {{21, 13}, {53, 41}}) {
            byte[] expected = resource("torch_" + size[0] + "x" + size[1] + ".rgb");
            byte[] actual = Resize.to(input, size[0], size[1]).pixels();
            int worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF)));
            assertTrue(worst <= 1, size[0] + "x" + size[1] + ": largest difference from torch " + worst);
        }
    }

    @Test
    void shorterSideKeepsAspectRatioTruncatingTheLongerSide() {
        RgbImage r = Resize.shorterSideTo(RgbImage.blank(320, 240), 112);
        assertEquals(149, r.width()); // 112 * 320 / 240 = 149.33
        assertEquals(112, r.height());
        RgbImage tall = Resize.shorterSideTo(RgbImage.blank(50, 90), 25);
        assertEquals(25, tall.width());
        assertEquals(45, tall.height());
    }

    @Test
    void evalCropsTheCentreAndNormalises() {
        // 4x2 image whose red channel is the x coordinate * 10: a centred 2x2 crop holds x = 1, 2.
        byte[] px = new byte[3 * 8];
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 4; x++) px[3 * (y * 4 + x)] = (byte) (10 * x);
        ClipTransform t = new ClipTransform(2, 2, new float[] {0.5f, 0, 0}, new float[] {0.25f, 1, 1});
        Tensor out = t.eval(List.of(new RgbImage(4, 2, px)));
        assertArrayEquals(new int[] {1, 3, 2, 2}, out.shape());
        assertEquals((10 / 255f - 0.5f) / 0.25f, out.get(0, 0, 1, 0), 1e-6);
        assertEquals((20 / 255f - 0.5f) / 0.25f, out.get(0, 0, 1, 1), 1e-6);
    }

    @Test
    void threeCropsTakeTheStartEndAndCentreOfTheLongerSideAsMmaction2() {
        // 7x2 image, red = 10 x: 2x2 crops at x = 0, 2 * ((7 - 2) / 2) = 4 and (7 - 2) / 2 = 2 (ThreeCrop's order)
        byte[] px = new byte[3 * 14];
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 7; x++) px[3 * (y * 7 + x)] = (byte) (10 * x);
        ClipTransform t = new ClipTransform(3, 2, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        assertEquals(2, t.evalResizeSize(3), "three crops: the shorter side is resized to the crop");
        assertEquals(3, t.evalResizeSize(1));
        List<Tensor> crops = t.evalCrops(List.of(new RgbImage(7, 2, px)), 3);
        assertEquals(3, crops.size());
        int[] firstColumn = {0, 4, 2};
        for (int i = 0; i < 3; i++) {
            assertEquals(10 * firstColumn[i] / 255f, crops.get(i).get(0, 0, 0, 0), 1e-6);
            assertEquals(10 * (firstColumn[i] + 1) / 255f, crops.get(i).get(0, 0, 1, 1), 1e-6);
        }
        // a portrait frame is cropped along its height
        byte[] tall = new byte[3 * 14];
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 2; x++) tall[3 * (y * 2 + x)] = (byte) (10 * y);
        List<Tensor> vertical = t.evalCrops(List.of(new RgbImage(2, 7, tall)), 3);
        for (int i = 0; i < 3; i++) assertEquals(10 * firstColumn[i] / 255f, vertical.get(i).get(0, 0, 0, 0), 1e-6);
    }

    @Test
    void trainCropsAndMirrorsEveryFrameAlike() {
        byte[] px = new byte[3 * 16 * 16];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7);
        RgbImage frame = new RgbImage(16, 16, px);
        ClipTransform t = new ClipTransform(16, 8, new float[] {0, 0, 0}, new float[] {1, 1, 1});
        boolean mirrored = false, plain = false;
        for (int seed = 0; seed < 20; seed++) {
            Tensor out = t.train(List.of(frame, frame), new Rng(seed));
            assertArrayEquals(out.select(0, 0).toArray(), out.select(0, 1).toArray());
            boolean found = false;
            for (int y0 = 0; y0 <= 8 && !found; y0++)
                for (int x0 = 0; x0 <= 8 && !found; x0++)
                    for (boolean m : new boolean[] {false, true})
                        if (!found && cropEquals(out, frame, x0, y0, m)) {
                            found = true;
                            mirrored |= m;
                            plain |= !m;
                        }
            assertTrue(found, "seed " + seed + ": output is no crop of the frame");
        }
        assertTrue(mirrored && plain, "both mirrored and plain crops occur");
    }

    private static boolean cropEquals(Tensor out, RgbImage f, int x0, int y0, boolean mirror) {
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                    if (Math.abs(out.get(0, c, y, x) - f.get(x0 + (mirror ? 7 - x : x), y0 + y, c) / 255f) > 1e-6) return false;
        return true;
    }
}
