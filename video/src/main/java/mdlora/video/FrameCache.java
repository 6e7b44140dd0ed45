package mdlora.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import mdlora.tensor.io.AtomicFile;

/**
 * The decoded, resized frames of clips kept on disk, so that each clip is decoded once; the entries
 * hold nothing a seed chooses (see {@link ClipSource}), so runs of any seed share them. One file per
 * key: magic, the key itself, frame count and size, a CRC32 of each frame, a CRC32 of this header, then
 * the RGB bytes of every frame. A sample reads the header and only the frames it draws, each checked
 * against its CRC. Files are written to a temporary name and renamed into place, so a crash mid-write
 * leaves no half entry; an entry that fails any check reads as missing and is rewritten. Keys name the
 * clip by path, size and modification time ({@link #key}), so a changed clip is decoded afresh.
 * Safe for concurrent use by threads and processes sharing the folder.
 */
public final class FrameCache {
    private static final byte[] MAGIC = "MDLFRM02".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;

    /** An intact entry's header: where its frames are and what their CRCs must be. */
    public static final class Entry {
        private final Path file;
        private final int width, height;
        private final long dataStart;
        private final int[] crcs;

        private Entry(Path file, int width, int height, long dataStart, int[] crcs) {
            this.file = file;
            this.width = width;
            this.height = height;
            this.dataStart = dataStart;
            this.crcs = crcs;
        }

        /** {@return frames in the entry: the clip's frame count} */
        public int frameCount() {
            return crcs.length;
        }
    }

    /**
     * A cache in {@code dir}, created if needed.
     *
     * @param dir folder holding one {@code .frames} file per entry
     * @throws IOException when the folder cannot be created
     */
    public FrameCache(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /**
     * The key of {@code clip} read as {@code sampling} (any text that names the frames and size kept).
     *
     * @param clip     a video file or frame folder
     * @param sampling names the frames and size kept, e.g. {@code all-short256}
     * @return the clip's absolute path, size and modification time with {@code sampling}
     * @throws IOException when the clip's attributes cannot be read
     */
    public static String key(Path clip, String sampling) throws IOException {
        BasicFileAttributes a = Files.readAttributes(clip, BasicFileAttributes.class);
        return clip.toAbsolutePath().normalize() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + sampling;
    }

    /**
     * The header of the entry stored under {@code key}, or null when there is no intact one.
     *
     * @param key from {@link #key}
     * @return the entry's header, or null
     * @throws IOException when the entry's file cannot be read
     */
    public Entry open(String key) throws IOException {
        Path file = fileFor(key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            int fixed = MAGIC.length + 4 + keyBytes.length + 12;
            ByteBuffer head = ByteBuffer.allocate(fixed);
            if (ch.read(head, 0) != fixed) return null;
            byte[] h = head.array();
            if (!Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length) || head.getInt(MAGIC.length) != keyBytes.length
                    || !Arrays.equals(h, MAGIC.length + 4, MAGIC.length + 4 + keyBytes.length, keyBytes, 0, keyBytes.length))
                return null;
            int n = head.getInt(fixed - 12), w = head.getInt(fixed - 8), hgt = head.getInt(fixed - 4);
            if (n < 1 || w < 1 || hgt < 1 || n > (1 << 20)) return null;
            ByteBuffer table = ByteBuffer.allocate(4 * n + 8);
            if (ch.read(table, fixed) != table.capacity()) return null;
            CRC32 crc = new CRC32();
            crc.update(h);
            crc.update(table.array(), 0, 4 * n);
            if (table.getLong(4 * n) != crc.getValue()) return null;
            long dataStart = fixed + 4L * n + 8;
            if (ch.size() != dataStart + (long) n * 3 * w * hgt) return null;
            int[] crcs = new int[n];
            for (int i = 0; i < n; i++) crcs[i] = table.getInt(4 * i);
            return new Entry(file, w, hgt, dataStart, crcs);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * The frames at {@code indices} (each below {@link Entry#frameCount()}) of {@code entry}, or null when one fails its CRC.
     *
     * @param entry   from {@link #open}
     * @param indices 0-based frame indices, in the order wanted (an index may repeat)
     * @return one image per index, or null
     * @throws IOException when the entry's file cannot be read
     */
    public List<RgbImage> read(Entry entry, int... indices) throws IOException {
        int size = 3 * entry.width * entry.height;
        List<RgbImage> frames = new ArrayList<>(indices.length);
        try (FileChannel ch = FileChannel.open(entry.file, StandardOpenOption.READ)) {
            for (int i : indices) {
                ByteBuffer px = ByteBuffer.allocate(size);
                if (ch.read(px, entry.dataStart + (long) i * size) != size || (int) crc(px.array(), size) != entry.crcs[i]) return null;
                frames.add(new RgbImage(entry.width, entry.height, px.array()));
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        return frames;
    }

    /**
     * Every frame stored under {@code key}, or null when there is no intact entry.
     *
     * @param key from {@link #key}
     * @return the frames in order, or null
     * @throws IOException when the entry's file cannot be read
     */
    public List<RgbImage> get(String key) throws IOException {
        Entry entry = open(key);
        return entry == null ? null : read(entry, IntStream.range(0, entry.frameCount()).toArray());
    }

    /**
     * Stores {@code frames} (all of one size) under {@code key}, replacing any earlier entry.
     *
     * @param key    from {@link #key}
     * @param frames the clip's frames, in order
     * @throws IOException when the entry cannot be written
     */
    public void put(String key, List<RgbImage> frames) throws IOException {
        AtomicFile.writeBytes(fileFor(key), encode(key, frames));
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
        int n = frames.size(), w = frames.getFirst().width(), h = frames.getFirst().height(), size = 3 * w * h;
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int fixed = MAGIC.length + 4 + keyBytes.length + 12;
        ByteBuffer out = ByteBuffer.allocate(fixed + 4 * n + 8 + n * size);
        out.put(MAGIC).putInt(keyBytes.length).put(keyBytes).putInt(n).putInt(w).putInt(h);
        for (RgbImage f : frames) {
            if (f.width() != w || f.height() != h)
                throw new IllegalArgumentException("frames of one cache entry must share a size: " + f.width() + "x" + f.height() + " vs " + w + "x" + h);
            out.putInt((int) crc(f.pixels(), size));
        }
        out.putLong(crc(out.array(), out.position()));
        for (RgbImage f : frames) out.put(f.pixels());
        return out.array();
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
