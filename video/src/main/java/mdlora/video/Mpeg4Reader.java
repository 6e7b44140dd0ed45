package mdlora.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcodec.common.model.Picture;

/**
 * Decodes frames of an MPEG-4 Part 2 stream (Xvid, DivX, ffmpeg's mpeg4; in AVI or MP4) with jcodec,
 * by presentation index as ffmpeg numbers them with {@code -vsync passthrough}.
 *
 * <p>At open, every chunk is split into its VOPs and each VOP's type read (no decoding). A packed
 * bitstream (DivX 5, Xvid with B-frames in AVI) holds a P-VOP and the B-VOP shown before it in one
 * chunk and a not-coded placeholder VOP in the next; the placeholder is dropped, so the VOPs come
 * out as an unpacked stream would hold them (ffmpeg's {@code mpeg4_unpack_bframes} does the same).
 * A not-coded VOP that is no placeholder (an encoder's dropped frame) repeats the previous frame.
 * Presentation order: a B-VOP is shown when decoded, an I- or P-VOP when the next one arrives.
 *
 * <p>Decoding reads only what a wanted frame needs: the I- and P-VOPs from the last I-VOP at or before
 * it (for a B-VOP: before both its references; with an open GOP the B-VOPs right after an I-VOP refer
 * to the GOP before) and the wanted B-VOPs themselves, never the B-VOPs in between, which no frame
 * refers to. Not thread-safe: one reader per thread.
 */
final class Mpeg4Reader extends DecodingReader {
    /** The compressed frames of a stream in file (decode) order, read on demand. */
    interface Packets extends AutoCloseable {
        int count();

        ByteBuffer read(int index) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** One VOP to decode, in decode order: where it is and what it is. */
    private record Entry(int packet, int vop, char type, boolean coded) {
        boolean anchor() {
            return type != 'B';
        }
    }

    private final Path file;
    private final Packets packets;
    private final Mpeg4Headers headers;
    private final ByteBuffer config;
    private final List<Entry> entries = new ArrayList<>();
    private final int[] presentationToDecode;
    private final VideoInfo info;
    /** Whether decoders work around jcodec's time-base defect; {@code JcodecMpeg4Test} switches it off to show the defect. */
    boolean resetTimeBase = true;
    private JcodecMpeg4 decoder;
    private int chainStart = -1, lastAnchor = -1;
    private Picture past, future; // the decoder's references, for repeated (not-coded) frames
    private long vopsDecoded;

    /**
     * @param config    stream headers given apart from the frames (MP4 'esds'), or null when they lead the first frame (AVI)
     * @param container e.g. "AVI (XVID)"
     */
    Mpeg4Reader(Path file, Packets packets, ByteBuffer config, String container, double fps) throws IOException {
        this.file = file;
        this.packets = packets;
        if (packets.count() == 0) throw new VideoFormatException(file, "video stream without frames", "replace the file");
        ByteBuffer first = config != null ? config : packets.read(firstNonEmpty());
        this.headers = Mpeg4Headers.read(file, first);
        this.config = config != null ? config : headersBeforeFirstVop(first);
        int pending = 0; // VOPs a packed chunk held beyond its own: each stands for a later placeholder
        for (int p = 0; p < packets.count(); p++) {
            ByteBuffer data = packets.read(p);
            if (!data.hasRemaining()) continue; // an empty chunk: an encoder's delay or a dropped frame, no picture
            List<Mpeg4Headers.Vop> vops = vopsOf(data, p);
            if (vops.size() == 1 && !vops.getFirst().coded() && pending > 0) {
                pending--;
                continue;
            }
            pending += vops.size() - 1;
            for (int v = 0; v < vops.size(); v++) entries.add(new Entry(p, v, vops.get(v).type(), vops.get(v).coded()));
        }
        if (entries.isEmpty()) throw new VideoFormatException(file, "MPEG-4 Part 2 stream without frames", "replace the file");
        if (entries.getFirst().type() != 'I' || !entries.getFirst().coded())
            throw new VideoFormatException(file, "MPEG-4 Part 2 stream that does not start with a key frame (I-VOP)", "replace the file or " + VideoFormatException.reencode(file));
        presentationToDecode = presentationOrder();
        this.info = new VideoInfo(file, container, "MPEG-4 Part 2", headers.profile(), features(), headers.width, headers.height,
                presentationToDecode.length, fps);
    }

    private int firstNonEmpty() throws IOException {
        for (int p = 0; p < packets.count(); p++) if (packets.read(p).hasRemaining()) return p;
        throw new VideoFormatException(file, "video stream whose frames are all empty", "replace the file");
    }

    private static ByteBuffer headersBeforeFirstVop(ByteBuffer first) {
        for (int at : Mpeg4Headers.startCodes(first))
            if ((first.get(at + 3) & 0xFF) == Mpeg4Headers.VOP) return first.duplicate().limit(at).slice();
        return first.duplicate();
    }

    private List<Mpeg4Headers.Vop> vopsOf(ByteBuffer data, int packet) throws VideoFormatException {
        try {
            List<Mpeg4Headers.Vop> vops = headers.vops(data);
            if (vops.isEmpty()) throw damaged("frame " + packet + " (decode order) holds no picture (VOP)", null);
            return vops;
        } catch (RuntimeException e) {
            throw damaged("frame " + packet + " (decode order) has a damaged picture header: " + e, e);
        }
    }

    private String features() {
        List<String> f = new ArrayList<>();
        if (entries.stream().anyMatch(e -> e.type() == 'B')) f.add("B-frames");
        if (entries.stream().anyMatch(e -> e.vop() > 0)) f.add("packed bitstream");
        if (!headers.userData.isEmpty()) f.add("user data '" + headers.userData + "'");
        return String.join(", ", f);
    }

    private int[] presentationOrder() {
        int[] order = new int[entries.size()];
        int n = 0, held = -1;
        for (int d = 0; d < entries.size(); d++) {
            if (!entries.get(d).anchor()) order[n++] = d;
            else {
                if (held >= 0) order[n++] = held;
                held = d;
            }
        }
        order[n++] = held;
        return Arrays.copyOf(order, n);
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public int frameCount() {
        return presentationToDecode.length;
    }

    /** VOPs decoded since opening; tests use it to check that only what is needed is decoded. */
    long vopsDecoded() {
        return vopsDecoded;
    }

    /** MPEG-4 Part 2 features are all in the stream headers, which {@link VideoFile#open} checks: nothing more to check per frame. */
    @Override
    public void verify() {}

    @Override
    int decodeIndex(int frame) {
        return presentationToDecode[frame];
    }

    /** The picture of decode index {@code target}, decoding the anchors it needs first. */
    @Override
    Picture picture(int target) throws IOException {
        Entry e = entries.get(target);
        int reference = e.anchor() ? target : previousAnchor(target); // the last anchor to decode
        int needsFrom = e.anchor() ? target : Math.max(0, previousAnchor(reference)); // the earliest anchor needed
        int start = keyFrameAtOrBefore(needsFrom);
        if (decoder == null || chainStart > start || lastAnchor > reference || lastAnchor < start - 1) {
            decoder = new JcodecMpeg4(resetTimeBase);
            chainStart = start;
            lastAnchor = start - 1;
            past = future = null;
        }
        for (int d = lastAnchor + 1; d <= reference; d++) {
            if (!entries.get(d).anchor()) continue;
            Picture p = entries.get(d).coded() ? decode(d, d == chainStart) : future;
            past = future;
            future = p;
            lastAnchor = d;
        }
        if (e.anchor()) return future;
        if (!e.coded()) return past;
        return decode(target, false);
    }

    private int previousAnchor(int d) {
        for (int i = d - 1; i >= 0; i--) if (entries.get(i).anchor()) return i;
        return -1;
    }

    private int keyFrameAtOrBefore(int d) {
        for (int i = d; i > 0; i--) if (entries.get(i).type() == 'I' && entries.get(i).coded()) return i;
        return 0;
    }

    private Picture decode(int d, boolean fresh) throws IOException {
        Entry e = entries.get(d);
        ByteBuffer vop = headers.vops(packets.read(e.packet())).get(e.vop()).data();
        if (fresh && !holdsVol(vop)) vop = concat(config, vop);
        Picture p;
        try {
            p = decoder.decode(vop, (headers.width + 15) & ~15, (headers.height + 15) & ~15);
        } catch (RuntimeException ex) {
            decoder = null; // its references are unknown now: start afresh at the next key frame
            throw damaged("MPEG-4 data of frame " + e.packet() + " (decode order) cannot be decoded: " + ex, ex);
        }
        if (p == null) throw damaged("frame " + e.packet() + " (decode order) holds no picture", null);
        vopsDecoded++;
        return p;
    }

    /** Whether {@code data} carries a video object layer header (0x20-0x2F) itself: a fresh decoder needs one. */
    private static boolean holdsVol(ByteBuffer data) {
        return Mpeg4Headers.startCodes(data).stream().map(at -> data.get(at + 3) & 0xFF).anyMatch(c -> c >= 0x20 && c <= 0x2F);
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        return ByteBuffer.allocate(a.remaining() + b.remaining()).put(a.duplicate()).put(b.duplicate()).flip();
    }

    private VideoFormatException damaged(String found, Throwable cause) {
        return new VideoFormatException(file, "damaged video: " + found, "replace the file or " + VideoFormatException.reencode(file), cause);
    }

    @Override
    public void close() throws IOException {
        packets.close();
    }
}
