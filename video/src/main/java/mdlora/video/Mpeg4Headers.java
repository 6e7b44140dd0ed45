package mdlora.video;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.common.io.BitReader;

/**
 * The video object layer (VOL) header of an MPEG-4 Part 2 stream (ISO/IEC 14496-2, 6.2.3), read here
 * rather than by jcodec because jcodec reads it without saying what it cannot decode. Checked
 * against what jcodec 0.2.5 decodes exactly (measured against ffmpeg), each feature it gets wrong is
 * refused up front, naming it: global motion compensation and static sprites, quarter-pel motion,
 * video packets with resync markers (jcodec loses sync at packet starts), data partitioning,
 * interlacing, non-rectangular shapes and sample depths other than 8 bits. Also splits a chunk into
 * its VOPs (a packed bitstream puts two in one chunk) and reads each VOP's type.
 */
final class Mpeg4Headers {
    static final int VOP = 0xB6;
    private static final int VOS = 0xB0, USER_DATA = 0xB2;

    final int profileLevel, objectType, timeResolution, width, height;
    final String userData;
    private final int timeBits;

    /** One VOP of a chunk: its bytes (headers before it included for the first), type ('I', 'P', 'B' or 'S') and whether it is coded. */
    record Vop(ByteBuffer data, char type, boolean coded) {}

    private Mpeg4Headers(int profileLevel, int objectType, int timeResolution, int width, int height, String userData) {
        this.profileLevel = profileLevel;
        this.objectType = objectType;
        this.timeResolution = timeResolution;
        this.width = width;
        this.height = height;
        this.userData = userData;
        this.timeBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(timeResolution - 1));
    }

    /**
     * Reads the VOL header in {@code headers} (a first chunk or an MP4 'esds' configuration) and checks it.
     *
     * @throws VideoFormatException when there is none or it uses a feature jcodec decodes wrongly
     */
    static Mpeg4Headers read(Path file, ByteBuffer headers) throws VideoFormatException {
        int profileLevel = -1, vol = -1;
        StringBuilder user = new StringBuilder();
        for (int at : startCodes(headers)) {
            int code = headers.get(at + 3) & 0xFF;
            ByteBuffer body = headers.duplicate().position(at + 4);
            if (code == VOS && body.hasRemaining()) profileLevel = body.get() & 0xFF;
            else if (code == USER_DATA) user.append(user.isEmpty() ? "" : " ").append(ascii(body));
            else if (code >= 0x20 && code <= 0x2F && vol < 0) vol = at + 4;
            else if (code == VOP) break;
        }
        if (vol < 0)
            throw new VideoFormatException(file, "MPEG-4 Part 2 stream without a video object layer header before its first frame",
                    "replace the file or " + VideoFormatException.reencode(file));
        try {
            return readVol(file, BitReader.createBitReader(headers.duplicate().position(vol)), profileLevel, user.toString());
        } catch (RuntimeException e) {
            throw new VideoFormatException(file, "damaged MPEG-4 Part 2 headers: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
        }
    }

    private static Mpeg4Headers readVol(Path file, BitReader in, int profileLevel, String userData) throws VideoFormatException {
        in.skip(1); // random_accessible_vol
        int objectType = in.readNBit(8), verid = 1;
        if (in.read1Bit() == 1) {
            verid = in.readNBit(4);
            in.skip(3);
        }
        if (in.readNBit(4) == 15) in.skip(16); // extended pixel aspect ratio
        if (in.read1Bit() == 1) { // vol_control_parameters
            in.skip(3);
            if (in.read1Bit() == 1) in.skip(79); // vbv parameters
        }
        int shape = in.readNBit(2);
        if (shape != 0) throw unsupported(file, "MPEG-4 Part 2 with non-rectangular (shape-coded) video objects");
        in.skip(1);
        int resolution = in.readNBit(16);
        if (resolution == 0) throw new VideoFormatException(file, "damaged MPEG-4 Part 2 header: time resolution 0", VideoFormatException.reencode(file));
        in.skip(1);
        if (in.read1Bit() == 1) in.skip(Math.max(1, 32 - Integer.numberOfLeadingZeros(resolution - 1))); // fixed_vop_time_increment
        in.skip(1);
        int width = in.readNBit(13);
        in.skip(1);
        int height = in.readNBit(13);
        in.skip(1);
        if (in.read1Bit() == 1) throw unsupported(file, "interlaced MPEG-4 Part 2");
        in.skip(1); // obmc_disable
        int sprite = verid == 1 ? in.read1Bit() : in.readNBit(2);
        if (sprite == 2) throw unsupported(file, "MPEG-4 Part 2 with global motion compensation (GMC, Xvid's -gmc / DivX 'GMC'), which jcodec decodes wrongly");
        if (sprite == 1) throw unsupported(file, "MPEG-4 Part 2 with static sprites");
        if (in.read1Bit() == 1) throw unsupported(file, "MPEG-4 Part 2 with samples of other than 8 bits");
        if (in.read1Bit() == 1) { // quant_type: MPEG quantisation, possibly with matrices
            for (int m = 0; m < 2; m++)
                if (in.read1Bit() == 1)
                    for (int k = 0; k < 64 && in.readNBit(8) != 0; k++) {
                        // a matrix ends at 64 values or at a 0
                    }
        }
        if (verid != 1 && in.read1Bit() == 1) throw unsupported(file, "MPEG-4 Part 2 with quarter-pel motion vectors (qpel), which jcodec decodes wrongly");
        if (in.read1Bit() == 0) throw unsupported(file, "MPEG-4 Part 2 with complexity estimation headers");
        if (in.read1Bit() == 0)
            throw unsupported(file, "MPEG-4 Part 2 with video packets and resync markers (as ffmpeg's mpeg4 encoder writes with -slices or several threads), which jcodec decodes wrongly");
        if (in.read1Bit() == 1) throw unsupported(file, "MPEG-4 Part 2 with data partitioning");
        return new Mpeg4Headers(profileLevel, objectType, resolution, width, height, userData);
    }

    /** The profile, e.g. "Advanced Simple @ L5" (Xvid, DivX 5) or "Simple @ L1". */
    String profile() {
        String name = switch (objectType) {
            case 1 -> "Simple";
            case 17 -> "Advanced Simple";
            default -> "object type " + objectType;
        };
        if (profileLevel < 0) return name;
        int level = profileLevel & 0x0F;
        return name + " @ L" + (profileLevel == 0x08 ? 0 : level); // 0x08 is Simple profile level 0
    }

    /**
     * The VOPs of one chunk, split at VOP start codes: normally one, two in a packed bitstream.
     * Headers before the first VOP (VOL, user data) stay with it, as jcodec reads them there.
     */
    List<Vop> vops(ByteBuffer chunk) {
        List<Integer> starts = new ArrayList<>();
        for (int at : startCodes(chunk)) if ((chunk.get(at + 3) & 0xFF) == VOP) starts.add(at);
        List<Vop> out = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int from = i == 0 ? chunk.position() : starts.get(i), to = i + 1 < starts.size() ? starts.get(i + 1) : chunk.limit();
            ByteBuffer data = chunk.duplicate().position(from).limit(to).slice();
            BitReader in = BitReader.createBitReader(chunk.duplicate().position(starts.get(i) + 4));
            char type = "IPBS".charAt(in.readNBit(2));
            int guard = 0;
            while (in.read1Bit() == 1 && guard++ < 64) {
                // modulo_time_base: one 1 per whole second elapsed
            }
            in.skip(1 + timeBits + 1);
            out.add(new Vop(data, type, in.read1Bit() == 1));
        }
        return out;
    }

    /** Positions of the start codes (00 00 01 xx) in {@code b}, relative to its start. */
    static List<Integer> startCodes(ByteBuffer b) {
        List<Integer> out = new ArrayList<>();
        for (int i = b.position(); i + 3 < b.limit(); i++)
            if (b.get(i) == 0 && b.get(i + 1) == 0 && b.get(i + 2) == 1) {
                out.add(i);
                i += 3;
            }
        return out;
    }

    private static String ascii(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        for (int i = b.position(); i < b.limit() && b.get(i) >= 32 && b.get(i) < 127 && s.length() < 64; i++) s.append((char) b.get(i));
        return s.toString();
    }

    private static VideoFormatException unsupported(Path file, String found) {
        return new VideoFormatException(file, found, VideoFormatException.reencode(file));
    }
}
