package mdlora.video;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.decode.SliceHeaderReader;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.io.BitReader;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;

/**
 * Checks an H.264 stream's parameter sets and slice headers against what jcodec 0.2.5 decodes
 * exactly, before jcodec sees the data. jcodec rejects some features itself (other profiles,
 * 10-bit, 4:2:2, interlacing) with terse messages, and silently decodes three others wrongly
 * (measured against ffmpeg: frames drift to 25-45 dB PSNR): temporal direct prediction in B
 * slices, slices with the deblocking filter switched off (jcodec filters anyway), and weighted
 * bi-prediction in a stream whose P slices are not weighted (jcodec then skips the weights). Each
 * of these ends here in one {@link VideoFormatException} naming the feature.
 */
final class H264Support {
    private final Path file;
    private final Map<Integer, SeqParameterSet> sps = new HashMap<>();
    private final Map<Integer, PictureParameterSet> pps = new HashMap<>();

    private H264Support(Path file) {
        this.file = file;
    }

    /** Reads and checks the SPS and PPS of an MP4 track (Annex B, as jcodec's codec private data). */
    static H264Support fromParameterSets(Path file, ByteBuffer annexB) throws VideoFormatException {
        H264Support s = new H264Support(file);
        s.check(annexB);
        if (s.sps.isEmpty() || s.pps.isEmpty())
            throw new VideoFormatException(file, "H.264 track without sequence or picture parameter sets", VideoFormatException.reencode(file));
        return s;
    }

    /** The stream's profile, e.g. "High" or "Constrained Baseline". */
    String profile() {
        return profileName(sps.values().iterator().next());
    }

    /** Width and height of the coded picture in 16x16 macroblocks (before cropping). */
    int[] macroblocks() {
        SeqParameterSet s = sps.values().iterator().next();
        return new int[] {s.picWidthInMbsMinus1 + 1, s.picHeightInMapUnitsMinus1 + 1};
    }

    /** Checks every parameter set and slice header in one access unit (Annex B) without consuming it. */
    void check(ByteBuffer annexB) throws VideoFormatException {
        try {
            checkUnits(annexB);
        } catch (RuntimeException e) {
            throw new VideoFormatException(file, "damaged H.264 headers: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
        }
    }

    private void checkUnits(ByteBuffer annexB) throws VideoFormatException {
        for (ByteBuffer nal : H264Utils.splitFrame(annexB.duplicate())) {
            ByteBuffer payload = NIOUtils.clone(nal);
            NALUnit unit = NALUnit.read(payload);
            H264Utils.unescapeNAL(payload);
            if (unit.type == NALUnitType.SPS) {
                SeqParameterSet s = readSps(payload);
                sps.put(s.seqParameterSetId, s);
            } else if (unit.type == NALUnitType.PPS) {
                PictureParameterSet p = PictureParameterSet.read(payload);
                if (p.constrainedIntraPredFlag)
                    throw unsupported("H.264 with constrained intra prediction");
                pps.put(p.picParameterSetId, p);
            } else if (unit.type == NALUnitType.IDR_SLICE || unit.type == NALUnitType.NON_IDR_SLICE) {
                checkSlice(unit, payload);
            }
        }
    }

    private SeqParameterSet readSps(ByteBuffer payload) throws VideoFormatException {
        // The profile comes first, and jcodec's SPS parser misreads the rest of profiles it does not know.
        int profile = payload.get(payload.position()) & 0xFF;
        if (profile != 66 && profile != 77 && profile != 100)
            throw unsupported("H.264 " + profileName(profile, false) + " profile; jcodec decodes Baseline, Main and High (8-bit 4:2:0)");
        SeqParameterSet s = SeqParameterSet.read(payload);
        if (s.bitDepthLumaMinus8 != 0 || s.bitDepthChromaMinus8 != 0)
            throw unsupported((s.bitDepthLumaMinus8 + 8) + "-bit H.264");
        if (s.chromaFormatIdc != ColorSpace.YUV420J)
            throw unsupported("H.264 with " + s.chromaFormatIdc + " chroma (only 4:2:0 is decoded)");
        if (!s.frameMbsOnlyFlag)
            throw unsupported("interlaced H.264 (field or MBAFF coding)");
        return s;
    }

    private void checkSlice(NALUnit unit, ByteBuffer payload) throws VideoFormatException {
        BitReader in = BitReader.createBitReader(payload);
        SliceHeader sh = SliceHeaderReader.readPart1(in);
        PictureParameterSet p = pps.get(sh.picParameterSetId);
        SeqParameterSet s = p == null ? null : sps.get(p.seqParameterSetId);
        if (s == null)
            throw new VideoFormatException(file, "damaged H.264: a slice refers to missing parameter set " + sh.picParameterSetId,
                    VideoFormatException.reencode(file));
        SliceHeaderReader.readPart2(sh, unit, s, p, in);
        if (sh.disableDeblockingFilterIdc == 1)
            throw unsupported("H.264 slices with the deblocking filter switched off (x264 --no-deblock, preset ultrafast), which jcodec filters anyway");
        if (sh.sliceType == SliceType.B && !sh.directSpatialMvPredFlag)
            throw unsupported("H.264 B slices with temporal direct prediction (x264 --direct temporal/auto), which jcodec decodes wrongly");
        if (sh.sliceType == SliceType.B && p.weightedBipredIdc != 0 && !p.weightedPredFlag)
            throw unsupported("H.264 weighted bi-prediction without weighted P prediction (x264 --weightp 0), which jcodec decodes wrongly");
    }

    private VideoFormatException unsupported(String found) {
        return new VideoFormatException(file, found, VideoFormatException.reencode(file));
    }

    private static String profileName(SeqParameterSet s) {
        return profileName(s.profileIdc, s.constraintSet1Flag);
    }

    private static String profileName(int profileIdc, boolean constrained) {
        return switch (profileIdc) {
            case 66 -> constrained ? "Constrained Baseline" : "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High 10 (10-bit)";
            case 122 -> "High 4:2:2 (4:2:2 chroma)";
            case 244 -> "High 4:4:4 Predictive (4:4:4 chroma)";
            case 44 -> "CAVLC 4:4:4 Intra";
            default -> "profile_idc " + profileIdc;
        };
    }
}
