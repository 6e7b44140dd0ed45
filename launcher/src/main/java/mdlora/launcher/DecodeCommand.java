package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import mdlora.launcher.config.Settings.Range;
import mdlora.tensor.io.SafetensorsWriter;
import mdlora.video.Clip;
import mdlora.video.FrameSampler;
import mdlora.video.Resize;
import mdlora.video.RgbImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mdlora decode CLIP --frames T [--size S] --out FILE.safetensors}: the frames evaluation
 * would sample from a clip, as uint8 {@code frames [T, H, W, 3]} (RGB) and their 0-based
 * presentation indices as int32 {@code indices [T]}, for checking against other decoders.
 */
@Command(name = "decode", header = "decode the frames evaluation samples from a clip to a safetensors file",
        description = {"Decodes the T frames that evaluation samples from CLIP (a video file that video-info says mdlora decodes, or a folder of frames: the centres of T "
                + "equal segments) and writes them as uint8 'frames' [T,H,W,3] (RGB, native size, or the shorter side resized to S with "
                + "--size) and their 0-based presentation-order indices as int32 'indices' [T]."})
final class DecodeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CLIP", description = "a video file (MP4, Matroska, AVI) or a folder of frames")
    Path clip;
    @Option(names = "--frames", required = true, paramLabel = "T", description = "frames to sample")
    int frames;
    @Option(names = "--size", paramLabel = "S", description = "resize the shorter side to S pixels (0: native size)")
    int size;
    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "where the frames go")
    Path out;

    @Override
    public Integer call() throws IOException {
        Range.POSITIVE.check("--frames", frames);
        Range.NON_NEGATIVE.check("--size", size);
        try (Clip c = Clip.open(clip)) {
            int[] indices = FrameSampler.uniform(frames).eval(c.frameCount());
            if (frames > c.frameCount()) // as training and evaluation sample such a clip: frames repeat
                System.err.println("mdlora decode: " + clip + " has only " + c.frameCount() + " frames; the " + frames + " sampled repeat them ("
                        + Arrays.stream(indices).distinct().count() + " distinct)");
            List<RgbImage> images = c.read(indices);
            if (size > 0) images = images.stream().map(f -> Resize.shorterSideTo(f, size)).toList();
            try {
                writeSafetensors(out, images, indices);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e);
            }
            System.out.println("wrote " + frames + " frames (" + images.getFirst().width() + "x" + images.getFirst().height() + ") of " + clip + " to " + out);
        }
        return 0;
    }

    /** Writes U8 {@code frames} [T,H,W,3] and I32 {@code indices} [T], atomically. */
    private static void writeSafetensors(Path file, List<RgbImage> frames, int[] indices) throws IOException {
        int t = frames.size(), w = frames.getFirst().width(), h = frames.getFirst().height(), size = h * w * 3;
        byte[] pixels = new byte[t * size];
        for (int i = 0; i < t; i++) System.arraycopy(frames.get(i).pixels(), 0, pixels, i * size, size);
        new SafetensorsWriter().putBytes("frames", pixels, t, h, w, 3).putInts("indices", indices, t).write(file);
    }
}
