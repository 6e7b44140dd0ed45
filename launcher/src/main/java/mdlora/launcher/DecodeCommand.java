package mdlora.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Path clip = null, out = null;
        int frames = 0, size = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--frames" -> frames = positive("--frames", value(args, ++i));
                case "--size" -> size = positive("--size", value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                default -> {
                    if (args[i].startsWith("--") || clip != null) throw new UserError("unexpected argument '" + args[i] + "' (see --help)");
                    clip = Path.of(args[i]);
                }
            }
        }
        if (clip == null || frames == 0 || out == null) throw new UserError("needs CLIP, --frames and --out (see --help)");
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

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new UserError(args[i - 1] + " needs a value");
        return args[i];
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

    /** safetensors with U8 'frames' and I32 'indices'; to be replaced by mdlora.tensor.io.Safetensors once it is merged. */
    private static void writeSafetensors(Path file, List<RgbImage> frames, int[] indices) throws IOException {
        int t = frames.size(), w = frames.getFirst().width(), h = frames.getFirst().height(), pixels = t * h * w * 3;
        String json = String.format("{\"frames\":{\"dtype\":\"U8\",\"shape\":[%d,%d,%d,3],\"data_offsets\":[0,%d]},"
                + "\"indices\":{\"dtype\":\"I32\",\"shape\":[%d],\"data_offsets\":[%d,%d]}}", t, h, w, pixels, t, pixels, pixels + 4 * t);
        byte[] header = (json + " ".repeat((8 - json.length() % 8) % 8)).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
        ByteBuffer ints = ByteBuffer.allocate(4 * t).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : indices) ints.putInt(i);
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(head.array());
            for (RgbImage f : frames) os.write(f.pixels());
            os.write(ints.array());
        }
    }
}
