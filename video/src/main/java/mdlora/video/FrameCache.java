package mdlora.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import mdlora.tensor.io.AtomicFile;

/**
 * The decoded, resized frames of clips kept on disk, so that each clip is decoded once; the entries
 * hold nothing a seed chooses (see {@link ClipSource}), so runs of any seed share them.
 * One file per key: magic, the key itself, frame count and size, the RGB bytes, and a CRC32 of all
 * of it. Files are written to a temporary name and renamed into place, so a crash mid-write leaves
 * no half entry; an entry that fails any check reads as missing and is rewritten. Keys name the
 * clip by path, size and modification time ({@link #key}), so a changed clip is decoded afresh.
 * Safe for concurrent use by threads and processes sharing the folder.
 */
public final class FrameCache {
    private static final byte[] MAGIC = "MDLFRM01".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;

    /** A cache in {@code dir}, created if needed. */
    public FrameCache(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** The key of {@code clip} read as {@code sampling} (any text that names the frames and size kept). */
    public static String key(Path clip, String sampling) throws IOException {
        BasicFileAttributes a = Files.readAttributes(clip, BasicFileAttributes.class);
        return clip.toAbsolutePath().normalize() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + sampling;
    }

    /** The frames stored under {@code key}, or null when there is no intact entry. */
    public List<RgbImage> get(String key) throws IOException {
        Path file = fileFor(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        return decode(bytes, key);
    }

    /** Stores {@code frames} (all of one size) under {@code key}, replacing any earlier entry. */
    public void put(String key, List<RgbImage> frames) throws IOException {
        byte[] bytes = encode(key, frames);
        AtomicFile.writeBytes(fileFor(key), bytes);
    }

    private Path fileFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 16) + ".frames");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static byte[] encode(String key, List<RgbImage> frames) {
        int w = frames.getFirst().width(), h = frames.getFirst().height();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + keyBytes.length + 12 + frames.size() * 3 * w * h + 8);
        out.put(MAGIC).putInt(keyBytes.length).put(keyBytes).putInt(frames.size()).putInt(w).putInt(h);
        for (RgbImage f : frames) {
            if (f.width() != w || f.height() != h)
                throw new IllegalArgumentException("frames of one cache entry must share a size: " + f.width() + "x" + f.height() + " vs " + w + "x" + h);
            out.put(f.pixels());
        }
        out.putLong(crc(out.array(), out.position()));
        return out.array();
    }

    /** The frames in {@code bytes}, or null when they are not an intact entry for {@code key}. */
    private static List<RgbImage> decode(byte[] bytes, String key) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int header = MAGIC.length + 4 + keyBytes.length + 12;
        if (bytes.length < header + 8) return null;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getLong(bytes.length - 8) != crc(bytes, bytes.length - 8)) return null;
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length) || in.getInt(MAGIC.length) != keyBytes.length
                || !Arrays.equals(bytes, MAGIC.length + 4, MAGIC.length + 4 + keyBytes.length, keyBytes, 0, keyBytes.length))
            return null;
        in.position(MAGIC.length + 4 + keyBytes.length);
        int n = in.getInt(), w = in.getInt(), h = in.getInt();
        if (n < 1 || w < 1 || h < 1 || (long) n * 3 * w * h != bytes.length - 8 - header) return null;
        List<RgbImage> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[3 * w * h];
            in.get(px);
            frames.add(new RgbImage(w, h, px));
        }
        return frames;
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
