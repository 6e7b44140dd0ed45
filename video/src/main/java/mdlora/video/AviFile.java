package mdlora.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The video stream of an AVI file: its header (codec FourCC, size, frame rate) and where each of its
 * chunks lies. Chunks are found, in this order of preference, through the OpenDML index
 * ({@code indx} super index and its {@code ix##} chunks, which files over 1 GB need), the
 * {@code idx1} index, or, when neither is there or usable, by walking the {@code movi} lists. Audio
 * and other streams are skipped. Every size and offset is checked against the file before it is
 * used, so a damaged file ends in a {@link VideoFormatException} rather than a huge allocation or an
 * endless loop.
 */
final class AviFile {
    /** One chunk of the video stream: where its data starts and how long it is. */
    record Chunk(long offset, int size) {}

    private static final int MAX_STREAMS = 100;

    final Path file;
    final String handler, compression;
    final int width, height;
    final long rate, scale;
    final List<Chunk> chunks;
    final String index;

    private final FileChannel ch;
    private final long size;
    private int videoStream = -1;
    private long superIndexPos = -1;
    private final List<long[]> moviLists = new ArrayList<>(); // {first chunk, end, position of the 'movi' FourCC}
    private int streamCount;
    private long idx1Pos = -1, idx1Size;
    private String vHandler = "", vCompression = "";
    private int vWidth, vHeight;
    private long vRate, vScale;

    private AviFile(Path file, FileChannel ch) throws IOException {
        this.file = file;
        this.ch = ch;
        this.size = ch.size();
        walkRiffs();
        if (videoStream < 0) throw damaged("no video stream in the AVI headers");
        handler = vHandler;
        compression = vCompression;
        width = vWidth;
        height = vHeight;
        rate = vRate;
        scale = vScale;
        List<Chunk> found = null;
        String how = null;
        if (superIndexPos >= 0) {
            found = openDmlIndex();
            how = "OpenDML index";
        }
        if (found == null && idx1Pos >= 0) {
            found = idx1();
            how = "idx1 index";
        }
        if (found == null) {
            found = scanMovi();
            how = "movi scan (no usable index)";
        }
        chunks = List.copyOf(found);
        index = how;
    }

    /** Reads the headers and the chunk positions of {@code file}'s video stream; {@code ch} stays open, owned by the caller. */
    static AviFile read(Path file, FileChannel ch) throws IOException {
        return new AviFile(file, ch);
    }

    /** Checks that the video stream is MPEG-4 Part 2 by its FourCC (Xvid, DivX 4/5, ffmpeg's FMP4, ...). */
    void requireMpeg4() throws VideoFormatException {
        String c = compression.toUpperCase(Locale.ROOT).strip();
        if (List.of("XVID", "DIVX", "DX50", "FMP4", "MP4V", "M4S2", "DIV4", "RMP4", "3IV2", "SEDG").contains(c)) return;
        String name = switch (c) {
            case "DIV3", "MP43", "DIV5", "DIV6", "AP41" -> "MS-MPEG-4 v3 (DivX 3)";
            case "MP42", "DIV2" -> "MS-MPEG-4 v2";
            case "H264", "AVC1", "X264" -> "H.264";
            case "MJPG" -> "Motion JPEG";
            case "" -> "uncompressed";
            default -> "FourCC '" + compression.strip() + "'";
        };
        throw new VideoFormatException(file, "AVI with " + name + " video; mdlora decodes MPEG-4 Part 2 (Xvid, DivX 4/5) in AVI",
                VideoFormatException.reencode(file));
    }

    /** Frames per second from the stream header (0 when it gives none). */
    double fps() {
        return scale > 0 ? (double) rate / scale : 0;
    }

    /** The bytes of chunk {@code c}. */
    ByteBuffer data(Chunk c) throws IOException {
        return readAt(c.offset(), c.size());
    }

    private void walkRiffs() throws IOException {
        long pos = 0;
        while (pos + 12 <= size) {
            ByteBuffer h = readAt(pos, 12);
            String id = fourcc(h, 0), form = fourcc(h, 8);
            long len = h.getInt(4) & 0xFFFFFFFFL;
            if (!id.equals("RIFF")) {
                if (pos == 0) throw damaged("not a RIFF file");
                break; // junk after the last RIFF: ignore it, as players do
            }
            if (pos == 0 && !form.equals("AVI ")) throw damaged("RIFF file of type '" + form + "', not AVI");
            long end = pos + 8 + len;
            if (end > size)
                throw new VideoFormatException(file, "truncated AVI: RIFF '" + form.strip() + "' at byte " + pos + " needs " + (8 + len)
                        + " bytes, " + (size - pos) + " are left", "copy or download the file again");
            walkList(pos + 12, end, form.equals("AVI "));
            pos = end + (len & 1);
        }
        if (pos == 0) throw damaged("RIFF header cut off");
    }

    /** Walks the chunks in [{@code from}, {@code to}): headers in 'hdrl', 'movi' lists remembered, 'idx1' noted. */
    private void walkList(long from, long to, boolean first) throws IOException {
        for (long pos = from; pos + 8 <= to; ) {
            ByteBuffer h = readAt(pos, Math.min(12, to - pos));
            String id = fourcc(h, 0);
            long len = h.getInt(4) & 0xFFFFFFFFL;
            if (pos + 8 + len > to) throw damaged("chunk '" + printable(id) + "' at byte " + pos + " has size " + len + ", past the end of its list");
            if (id.equals("LIST") && len >= 4) {
                String kind = fourcc(h, 8);
                if (kind.equals("movi")) moviLists.add(new long[] {pos + 12, pos + 8 + len, pos + 8});
                else if (kind.equals("hdrl") || kind.equals("strl"))
                    walkStreamList(pos + 12, pos + 8 + len, kind.equals("strl") ? streamCount++ : -1);
            } else if (id.equals("idx1") && first) {
                idx1Pos = pos + 8;
                idx1Size = len;
            }
            pos += 8 + len + (len & 1);
        }
    }

    /** Reads 'strh', 'strf' and 'indx' of stream {@code stream} (or walks 'hdrl' for its 'strl' lists when -1). */
    private void walkStreamList(long from, long to, int stream) throws IOException {
        if (stream >= MAX_STREAMS) throw damaged("more than " + MAX_STREAMS + " streams");
        boolean video = false;
        for (long pos = from; pos + 8 <= to; ) {
            ByteBuffer h = readAt(pos, Math.min(12, to - pos));
            String id = fourcc(h, 0);
            long len = h.getInt(4) & 0xFFFFFFFFL;
            if (pos + 8 + len > to) throw damaged("header chunk '" + printable(id) + "' at byte " + pos + " has size " + len + ", past the end of its list");
            if (stream < 0 && id.equals("LIST") && len >= 4 && fourcc(h, 8).equals("strl")) {
                walkStreamList(pos + 12, pos + 8 + len, streamCount++);
            } else if (stream >= 0 && id.equals("strh") && len >= 32) {
                ByteBuffer s = readAt(pos + 8, 32);
                video = fourcc(s, 0).equals("vids") && videoStream < 0;
                if (video) {
                    videoStream = stream;
                    vHandler = fourcc(s, 4);
                    vScale = s.getInt(20) & 0xFFFFFFFFL;
                    vRate = s.getInt(24) & 0xFFFFFFFFL;
                }
            } else if (video && id.equals("strf") && len >= 20) {
                ByteBuffer f = readAt(pos + 8, 20);
                vWidth = f.getInt(4);
                vHeight = Math.abs(f.getInt(8));
                vCompression = fourcc(f, 16);
            } else if (video && id.equals("indx")) {
                superIndexPos = pos;
            }
            pos += 8 + len + (len & 1);
        }
    }

    /** The chunks listed by the OpenDML super index and its standard indices, or null when they do not fit the file. */
    private List<Chunk> openDmlIndex() throws IOException {
        ByteBuffer h = readAt(superIndexPos, 32);
        long len = h.getInt(4) & 0xFFFFFFFFL;
        int perEntry = h.getShort(8) & 0xFFFF, type = h.get(11), entries = h.getInt(12);
        if (type != 0 || perEntry != 4 || entries < 0 || 24 + 16L * entries > len) return null; // not an index of indices
        List<Chunk> out = new ArrayList<>();
        ByteBuffer sup = readAt(superIndexPos + 32, 16 * entries);
        for (int e = 0; e < entries; e++) {
            long ixPos = sup.getLong(16 * e);
            int ixLen = sup.getInt(16 * e + 8);
            if (ixPos < 0 || ixLen < 32 || ixPos + ixLen > size) return null;
            ByteBuffer ix = readAt(ixPos, ixLen);
            int n = ix.getInt(12);
            long base = ix.getLong(20);
            if ((ix.getShort(8) & 0xFFFF) != 2 || n < 0 || 32 + 8L * n > ixLen) return null;
            for (int k = 0; k < n; k++) {
                long offset = base + (ix.getInt(32 + 8 * k) & 0xFFFFFFFFL);
                int sz = ix.getInt(36 + 8 * k) & 0x7FFFFFFF;
                if (offset < 0 || offset + sz > size) return null;
                out.add(new Chunk(offset, sz));
            }
        }
        return out;
    }

    /** The video chunks listed by 'idx1', or null when it has none or points outside the file. */
    private List<Chunk> idx1() throws IOException {
        if (moviLists.isEmpty() || idx1Size > size) return null;
        int n = (int) (idx1Size / 16);
        ByteBuffer idx = readAt(idx1Pos, 16L * n);
        long moviData = moviLists.getFirst()[2]; // the 'movi' FourCC, the base of relative offsets
        String dc = twoDigits(videoStream);
        List<Chunk> out = new ArrayList<>();
        long base = -1;
        for (int k = 0; k < n; k++) {
            String id = fourcc(idx, 16 * k);
            if (!id.startsWith(dc) || !(id.endsWith("dc") || id.endsWith("db"))) continue;
            long offset = idx.getInt(16 * k + 8) & 0xFFFFFFFFL;
            int sz = idx.getInt(16 * k + 12);
            // Offsets are relative to 'movi' in most files and absolute in some: the first entry tells which.
            if (base < 0) base = offset < moviData ? moviData : 0;
            long at = base + offset;
            if (sz < 0 || at + 8 + sz > size) return null;
            if (!fourcc(readAt(at, 4), 0).equals(id)) return null; // the index does not point at its chunks
            out.add(new Chunk(at + 8, sz));
        }
        return out.isEmpty() ? null : out;
    }

    /** The video chunks found by walking every 'movi' list (sub-lists 'rec ' included). */
    private List<Chunk> scanMovi() throws IOException {
        if (moviLists.isEmpty()) throw damaged("no 'movi' list (the frames)");
        List<Chunk> out = new ArrayList<>();
        for (long[] movi : moviLists) scan(movi[0], movi[1], out);
        return out;
    }

    private void scan(long from, long to, List<Chunk> out) throws IOException {
        String dc = twoDigits(videoStream);
        for (long pos = from; pos + 8 <= to; ) {
            ByteBuffer h = readAt(pos, 8);
            String id = fourcc(h, 0);
            long len = h.getInt(4) & 0xFFFFFFFFL;
            if (pos + 8 + len > to) throw damaged("chunk '" + printable(id) + "' at byte " + pos + " has size " + len + ", past the end of the frames");
            if (id.equals("LIST")) scan(pos + 12, pos + 8 + len, out);
            else if (id.startsWith(dc) && (id.endsWith("dc") || id.endsWith("db"))) out.add(new Chunk(pos + 8, (int) len));
            pos += 8 + len + (len & 1);
        }
    }

    private static String twoDigits(int stream) {
        return String.format("%02d", stream);
    }

    private ByteBuffer readAt(long pos, long n) throws IOException {
        if (n < 0 || n > Integer.MAX_VALUE - 8 || pos < 0 || pos + n > size)
            throw damaged(n + " bytes at byte " + pos + " lie past the end of the file (" + size + " bytes)");
        ByteBuffer buf = ByteBuffer.allocate((int) n).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) if (ch.read(buf, pos + buf.position()) < 0) throw damaged("file ends inside data at byte " + pos);
        return buf.flip();
    }

    private static String fourcc(ByteBuffer b, int at) {
        return new String(new byte[] {b.get(at), b.get(at + 1), b.get(at + 2), b.get(at + 3)}, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        return s.chars().allMatch(c -> c >= 32 && c < 127) ? s : HexFormat.of().formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private VideoFormatException damaged(String found) {
        return new VideoFormatException(file, "damaged AVI: " + found, "replace the file or " + VideoFormatException.reencode(file));
    }
}
