package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import mdlora.tensor.io.SafetensorsWriter;
import mdlora.video.Clip;
import mdlora.video.FrameSampler;
import mdlora.video.Resize;
import mdlora.video.RgbImage;
import mdlora.video.VideoFormatException;

/**
 * {@code mdlora decode CLIP --frames T [--size S] --out FILE.safetensors}: the frames evaluation
 * would sample from a clip, as uint8 {@code frames [T, H, W, 3]} (RGB) and their 0-based
 * presentation indices as int32 {@code indices [T]}, for checking against other decoders.
 */
public final class DecodeCommand implements Command {
    /** The options, each taking a value. */
    private static final Set<String> OPTIONS = Set.of("frames", "size", "out");

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    @Override
    public String name() {
        return "decode";
    }

    @Override
    public String summary() {
        return "decode the frames evaluation samples from a clip to a safetensors file";
    }

    @Override
    public String usage() {
        return """
                usage: ./mdlora decode CLIP --frames T [--size S] --out FILE.safetensors

                Decodes the T frames that evaluation samples from CLIP (an MP4/H.264 file or a folder of frames:
                the centres of T equal segments) and writes them as uint8 'frames' [T,H,W,3] (RGB, native size, or
                the shorter side resized to S with --size) and their 0-based presentation-order indices as int32
                'indices' [T].""";
    }

    @Override
    public int run(String[] args) throws IOException {
        Args a = Args.parse(name(), args, OPTIONS, Set.of());
        if (a.positional().size() != 1 || !a.has("frames") || !a.has("out")) throw new UserError("needs one CLIP, --frames and --out (see --help)");
        Path clip = Path.of(a.positional().getFirst()), out = Path.of(a.require("out"));
        int frames = positive("--frames", a.require("frames")), size = a.has("size") ? positive("--size", a.require("size")) : 0;
        try (Clip c = Clip.open(clip)) {
            int[] indices = FrameSampler.uniform(frames).eval(c.frameCount());
            List<RgbImage> images = c.read(indices);
            if (size > 0) {
                int s = size;
                images = images.stream().map(f -> Resize.shorterSideTo(f, s)).toList();
            }
            try {
                writeSafetensors(out, images, indices);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e);
            }
            System.out.println("wrote " + frames + " frames (" + images.getFirst().width() + "x" + images.getFirst().height() + ") of " + clip + " to " + out);
        } catch (VideoFormatException e) {
            throw new UserError(e.getMessage());
        }
        return 0;
    }

    private static int positive(String option, String text) {
        try {
            int v = Integer.parseInt(text);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(option + " needs a positive integer, got '" + text + "'");
    }

    /** Writes U8 {@code frames} [T,H,W,3] and I32 {@code indices} [T], atomically. */
    private static void writeSafetensors(Path file, List<RgbImage> frames, int[] indices) throws IOException {
        int t = frames.size(), w = frames.getFirst().width(), h = frames.getFirst().height(), size = h * w * 3;
        byte[] pixels = new byte[t * size];
        for (int i = 0; i < t; i++) System.arraycopy(frames.get(i).pixels(), 0, pixels, i * size, size);
        new SafetensorsWriter().putBytes("frames", pixels, t, h, w, 3).putInts("indices", indices, t).write(file);
    }
}
