package mdlora.video;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A clip stored as a folder of pre-extracted frames ({@code img_00001.jpg}, {@code img_00002.jpg},
 * ... as written by {@code ffmpeg -i clip.mp4 img_%05d.jpg}): the frames are the folder's JPEG and
 * PNG files in name order.
 */
public final class FrameFolder implements Clip {
    private final Path folder;
    private final List<Path> frames;

    private FrameFolder(Path folder, List<Path> frames) {
        this.folder = folder;
        this.frames = frames;
    }

    /**
     * Lists the frames of {@code folder}; a folder without any is an error naming it.
     *
     * @param folder folder of extracted frames
     * @return the clip of its frames, in name order
     * @throws IOException when the folder cannot be listed or holds no frames
     */
    public static FrameFolder open(Path folder) throws IOException {
        List<Path> frames;
        try (Stream<Path> files = Files.list(folder)) {
            frames = files.filter(FrameFolder::isImage).sorted().toList();
        }
        if (frames.isEmpty())
            throw new VideoFormatException(folder, "folder without .jpg or .png frames", "extract frames with ffmpeg -i CLIP.mp4 " + folder.resolve("img_%05d.jpg"));
        return new FrameFolder(folder, frames);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase();
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    @Override
    public Path path() {
        return folder;
    }

    @Override
    public int frameCount() {
        return frames.size();
    }

    @Override
    public List<RgbImage> read(int... indices) throws IOException {
        List<RgbImage> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            if (i < 0 || i >= frames.size())
                throw new IndexOutOfBoundsException(folder + ": frame " + i + " asked, the folder has frames 0.." + (frames.size() - 1));
            out.add(readImage(frames.get(i)));
        }
        return out;
    }

    private static RgbImage readImage(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new VideoFormatException(file, "unreadable image: " + e.getMessage(), "extract the frame again", e);
        }
        if (img == null) throw new VideoFormatException(file, "not a JPEG or PNG image", "extract the frame again");
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, rgb);
    }

    @Override
    public void close() {}
}
