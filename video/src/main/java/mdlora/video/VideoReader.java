package mdlora.video;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.Frame;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * Decodes frames of an MP4/H.264 file with jcodec, by presentation index, as ffmpeg numbers them.
 * Only what is needed is decoded: for each wanted frame, decoding starts at the last IDR key frame
 * at or before it (unless the frames already decoded lead there) and runs forward in file order;
 * frames come out in the order asked. Anything jcodec cannot read exactly is refused up front with
 * a {@link VideoFormatException} (see {@link H264Support}). Not thread-safe: one reader per thread.
 */
public final class VideoReader implements Clip {
    private static final Field THREADED = decoderThreadingSwitch();

    private final Path file;
    private final FileChannelWrapper channel;
    private final AbstractMP4DemuxerTrack track;
    private final SampleTable samples;
    private final H264Support stream;
    private final VideoInfo info;
    private final Map<Integer, Boolean> idr = new HashMap<>();
    private H264Decoder decoder;
    private byte[][] frameBuffer;
    private int next = -1;
    private long packetsDecoded;

    private VideoReader(Path file, FileChannelWrapper channel, AbstractMP4DemuxerTrack track, int movieTimescale, String brand) throws IOException {
        this.file = file;
        this.channel = channel;
        this.track = track;
        String fourcc = track.getFourcc();
        if (!fourcc.equals("avc1") && !fourcc.equals("avc3"))
            throw new VideoFormatException(file, "video track is " + codecName(fourcc) + ", but only H.264 can be decoded", VideoFormatException.reencode(file));
        DemuxerTrackMeta meta = track.getMeta();
        if (meta.getCodecPrivate() == null)
            throw new VideoFormatException(file, "H.264 track without decoder configuration ('avcC' box)", VideoFormatException.reencode(file));
        this.stream = H264Support.fromParameterSets(file, meta.getCodecPrivate());
        try {
            this.samples = SampleTable.of(track.getBox(), movieTimescale);
        } catch (RuntimeException e) {
            throw new VideoFormatException(file, "damaged MP4 sample tables: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
        }
        if (samples.frameCount() == 0)
            throw new VideoFormatException(file, "MP4 video track without frames", "replace the file");
        Size size = meta.getVideoCodecMeta().getSize();
        this.info = new VideoInfo(file, "MP4 (" + brand + ")", "H.264", stream.profile(), size.getWidth(), size.getHeight(),
                samples.frameCount(), samples.fps());
    }

    private static String codecName(String fourcc) {
        String name = switch (fourcc) {
            case "hvc1", "hev1" -> "HEVC/H.265 ";
            case "av01" -> "AV1 ";
            case "vp09" -> "VP9 ";
            case "mp4v" -> "MPEG-4 Part 2 ";
            default -> "";
        };
        return name + "('" + fourcc + "')";
    }

    /**
     * Opens an MP4 file and checks its container and H.264 parameters.
     *
     * @throws VideoFormatException naming the file, what it holds and what to do, when it cannot be decoded
     */
    public static VideoReader open(Path file) throws IOException {
        String brand = ContainerProbe.requireCompleteMp4(file);
        FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile());
        try {
            MP4Demuxer demuxer;
            try {
                demuxer = MP4Demuxer.createMP4Demuxer(channel);
            } catch (RuntimeException e) {
                throw new VideoFormatException(file, "damaged MP4 header: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
            }
            if (!(demuxer.getVideoTrack() instanceof AbstractMP4DemuxerTrack track))
                throw new VideoFormatException(file, "MP4 without a video track", "check that this is the video you meant");
            return new VideoReader(file, channel, track, demuxer.getMovie().getTimescale(), brand);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Container, codec, profile, size, frame count and frame rate. */
    public VideoInfo info() {
        return info;
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public int frameCount() {
        return samples.frameCount();
    }

    /**
     * Checks every frame's slice headers for features jcodec decodes wrongly, without decoding:
     * {@link #open} checks the parameter sets only, and {@link #read} the frames it decodes.
     *
     * @throws VideoFormatException naming the first unsupported feature found
     */
    public void verify() throws IOException {
        seek(0);
        next = -1;
        for (int i = 0; i < samples.sampleCount(); i++) stream.check(readPacket(i).getData());
    }

    /** The track's frame orders and key frames. */
    SampleTable samples() {
        return samples;
    }

    /** Packets decoded since opening; tests use it to check that only what is needed is decoded. */
    long packetsDecoded() {
        return packetsDecoded;
    }

    @Override
    public List<RgbImage> read(int... frames) throws IOException {
        return read(frames, Bt601::toRgb);
    }

    /** The luma planes of the given frames (see {@link Bt601#luma}); tests compare them with ffmpeg's. */
    List<byte[]> readLuma(int... frames) throws IOException {
        return read(frames, Bt601::luma);
    }

    private <T> List<T> read(int[] frames, Function<Picture, T> convert) throws IOException {
        int[] wanted = new int[frames.length];
        for (int i = 0; i < frames.length; i++) {
            if (frames[i] < 0 || frames[i] >= frameCount())
                throw new IndexOutOfBoundsException(file + ": frame " + frames[i] + " asked, the clip has frames 0.." + (frameCount() - 1));
            wanted[i] = samples.decodeIndex(frames[i]);
        }
        int[] inFileOrder = Arrays.stream(wanted).distinct().sorted().toArray();
        Map<Integer, T> decoded = new HashMap<>();
        for (int target : inFileOrder) {
            int start = seekPoint(target);
            if (next < 0 || start > next || next > target) {
                seek(start);
                next = start;
            }
            for (; next <= target; next++) {
                Picture picture = decode(next);
                if (Arrays.binarySearch(inFileOrder, next) >= 0) decoded.put(next, convert.apply(picture));
            }
        }
        List<T> out = new ArrayList<>(frames.length);
        for (int d : wanted) out.add(decoded.get(d));
        return out;
    }

    /** The last key frame at or before {@code target} that is an IDR picture: only there does no later frame refer back past it. */
    private int seekPoint(int target) throws IOException {
        for (int s = samples.syncSampleAtOrBefore(target); s > 0; s = samples.syncSampleAtOrBefore(s - 1))
            if (isIdr(s)) return s;
        return 0;
    }

    private boolean isIdr(int sample) throws IOException {
        Boolean known = idr.get(sample);
        if (known != null) return known;
        seek(sample);
        next = -1; // the track has moved: the next decode seeks again
        boolean result = H264Utils.splitFrame(readPacket(sample).getData().duplicate()).stream()
                .anyMatch(nal -> NALUnit.read(nal.duplicate()).type == NALUnitType.IDR_SLICE);
        idr.put(sample, result);
        return result;
    }

    private void seek(int sample) throws VideoFormatException {
        if (!track.gotoFrame(sample)) throw damaged("cannot seek to frame " + sample + " (decode order)", null);
    }

    private Packet readPacket(int sample) throws IOException {
        Packet p = track.nextFrame();
        if (p == null || p.getData() == null)
            throw new VideoFormatException(file, "truncated MP4: frame " + sample + " (decode order) lies beyond the end of the file",
                    "copy or download the file again");
        return p;
    }

    private Picture decode(int sample) throws IOException {
        ByteBuffer data = readPacket(sample).getData();
        stream.check(data);
        Frame frame;
        try {
            if (decoder == null) startDecoder();
            frame = decoder.decodeFrame(data, frameBuffer);
        } catch (RuntimeException e) {
            decoder = null; // its reference frames are unknown now: start afresh at the next key frame
            next = -1;
            throw damaged("H.264 data of frame " + sample + " (decode order) cannot be decoded: " + e, e);
        }
        if (frame == null) throw damaged("frame " + sample + " (decode order) holds no picture", null);
        packetsDecoded++;
        return frame;
    }

    private void startDecoder() {
        decoder = H264Decoder.createH264DecoderFromCodecPrivate(track.getMeta().getCodecPrivate());
        try {
            THREADED.setBoolean(decoder, false);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        int[] mbs = stream.macroblocks();
        frameBuffer = Picture.create(mbs[0] << 4, mbs[1] << 4, ColorSpace.YUV420).getData();
    }

    /**
     * jcodec's decoder gives each instance its own thread pool for slice-parallel decoding and never
     * shuts it down: with a decoder per clip that leaks threads, and the loader already decodes one
     * clip per worker. So each decoder is switched to decode on the calling thread.
     */
    private static Field decoderThreadingSwitch() {
        try {
            Field f = H264Decoder.class.getDeclaredField("threaded");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this jcodec version has no H264Decoder.threaded field; mdlora expects jcodec 0.2.5", e);
        }
    }

    private VideoFormatException damaged(String found, Throwable cause) {
        return new VideoFormatException(file, "damaged video: " + found, "replace the file or " + VideoFormatException.reencode(file), cause);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
