package mdlora.video;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.jcodec.codecs.h264.H264Decoder;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.Frame;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.codecs.mpeg4.mp4.EsdsBox;
import org.jcodec.common.Codec;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mkv.demuxer.MKVDemuxer;
import org.jcodec.containers.mp4.boxes.NodeBox;
import org.jcodec.containers.mp4.demuxer.AbstractMP4DemuxerTrack;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * Decodes frames of an H.264 file (MP4 or Matroska) with jcodec, by presentation index, as ffmpeg numbers them.
 * Only what is needed is decoded: for each wanted frame, decoding starts at the last IDR key frame
 * at or before it (unless the frames already decoded lead there) and runs forward in file order;
 * frames come out in the order asked. Anything jcodec cannot read exactly is refused up front with
 * a {@link VideoFormatException} (see {@link H264Support}). Not thread-safe: one reader per thread.
 */
public final class VideoReader extends DecodingReader {
    private static final Field THREADED = decoderThreadingSwitch();
    private static final Pattern MATROSKA_CODEC_ID = Pattern.compile("V_[A-Z0-9/_.]+");

    private final Path file;
    private final FileChannelWrapper channel;
    private final SeekableDemuxerTrack track;
    private final ByteBuffer codecPrivate;
    private final SampleTable samples;
    private final H264Support stream;
    private final VideoInfo info;
    private final Map<Integer, Boolean> idr = new HashMap<>();
    private H264Decoder decoder;
    private byte[][] frameBuffer;
    private int next = -1;
    private long packetsDecoded;

    private VideoReader(Path file, FileChannelWrapper channel, SeekableDemuxerTrack track, ByteBuffer codecPrivate, SampleTable samples,
                        String container, Size size) throws IOException {
        this.file = file;
        this.channel = channel;
        this.track = track;
        if (codecPrivate == null)
            throw new VideoFormatException(file, "H.264 track without decoder configuration", VideoFormatException.reencode(file));
        this.codecPrivate = codecPrivate;
        this.stream = H264Support.fromParameterSets(file, codecPrivate);
        this.samples = samples;
        if (samples.frameCount() == 0)
            throw new VideoFormatException(file, "video track without frames", "replace the file");
        this.info = new VideoInfo(file, container, "H.264", stream.profile(), "", size.getWidth(), size.getHeight(),
                samples.frameCount(), samples.fps());
    }

    private static String codecName(String fourcc) {
        String name = switch (fourcc) {
            case "hvc1", "hev1" -> "HEVC/H.265 ";
            case "av01" -> "AV1 ";
            case "vp09" -> "VP9 ";
            default -> "";
        };
        return name + "('" + fourcc + "')";
    }

    /** Opens an H.264 file (MP4 or Matroska); tests use it to reach the H.264 reader's internals. */
    static VideoReader open(Path file) throws IOException {
        if (VideoFile.open(file) instanceof VideoReader r) return r;
        throw new IllegalArgumentException(file + " is not H.264");
    }

    /**
     * Opens an MP4 file: H.264 here, MPEG-4 Part 2 ('mp4v', headers from 'esds') with {@link Mpeg4Reader}.
     *
     * @throws VideoFormatException naming the file, what it holds and what to do, when it cannot be decoded
     */
    static VideoFile openMp4(Path file) throws IOException {
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
            SampleTable samples;
            try {
                samples = SampleTable.of(track.getBox(), demuxer.getMovie().getTimescale());
            } catch (RuntimeException e) {
                throw new VideoFormatException(file, "damaged MP4 sample tables: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
            }
            String fourcc = track.getFourcc(), container = "MP4 (" + brand + ")";
            if (fourcc.equals("mp4v")) return new Mpeg4Reader(file, mp4Packets(file, channel, track), esds(file, track), container, samples.fps());
            if (!fourcc.equals("avc1") && !fourcc.equals("avc3"))
                throw new VideoFormatException(file, "video track is " + codecName(fourcc) + ", but only H.264 and MPEG-4 Part 2 can be decoded",
                        VideoFormatException.reencode(file));
            return new VideoReader(file, channel, track, track.getMeta().getCodecPrivate(), samples, container,
                    track.getMeta().getVideoCodecMeta().getSize());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static ByteBuffer esds(Path file, AbstractMP4DemuxerTrack track) throws VideoFormatException {
        EsdsBox esds = track.getSampleEntries().length == 0 ? null : NodeBox.findFirst(track.getSampleEntries()[0], EsdsBox.class, "esds");
        if (esds == null || esds.getStreamInfo() == null)
            throw new VideoFormatException(file, "MPEG-4 Part 2 track without decoder configuration ('esds' box)", "replace the file or " + VideoFormatException.reencode(file));
        return esds.getStreamInfo();
    }

    private static Mpeg4Reader.Packets mp4Packets(Path file, FileChannelWrapper channel, AbstractMP4DemuxerTrack track) {
        return new Mpeg4Reader.Packets() {
            @Override
            public int count() {
                return (int) track.getFrameCount();
            }

            @Override
            public ByteBuffer read(int index) throws IOException {
                Packet p = track.gotoFrame(index) ? track.nextFrame() : null;
                if (p == null || p.getData() == null)
                    throw new VideoFormatException(file, "truncated MP4: frame " + index + " (decode order) lies beyond the end of the file",
                            "copy or download the file again");
                return p.getData();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /**
     * Opens a Matroska file with H.264 video. Presentation order comes from the blocks' timecodes;
     * VP8, VP9 and AV1 (WebM) are refused naming the codec.
     */
    static VideoFile openMatroska(Path file) throws IOException {
        FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile());
        try {
            MKVDemuxer demuxer;
            try {
                demuxer = new MKVDemuxer(channel);
            } catch (RuntimeException e) {
                throw new VideoFormatException(file, "damaged Matroska file: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
            }
            if (demuxer.getVideoTracks().isEmpty() || !(demuxer.getVideoTracks().getFirst() instanceof SeekableDemuxerTrack track))
                throw new VideoFormatException(file, "Matroska file without a video track", "check that this is the video you meant");
            Codec codec = track.getMeta().getCodec();
            if (codec != Codec.H264)
                throw new VideoFormatException(file, "Matroska video track is " + matroskaCodecName(file, codec) + ", but only H.264 can be decoded from Matroska",
                        VideoFormatException.reencode(file));
            SampleTable samples = matroskaSamples(file, track);
            return new VideoReader(file, channel, track, track.getMeta().getCodecPrivate(), samples, "Matroska",
                    new Size(demuxer.getPictureWidth(), demuxer.getPictureHeight()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A name for a Matroska codec: jcodec's, or else the track's CodecID (e.g. V_AV1), which jcodec does not expose. */
    private static String matroskaCodecName(Path file, Codec codec) throws IOException {
        if (codec == Codec.VP8 || codec == Codec.VP9) return codec + " (WebM)";
        if (codec != null) return codec.toString();
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(1 << 16);
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        Matcher m = MATROSKA_CODEC_ID.matcher(text);
        if (!m.find()) return "a codec jcodec does not know";
        return switch (m.group()) {
            case "V_AV1" -> "AV1 (V_AV1)";
            case "V_MPEGH/ISO/HEVC" -> "HEVC/H.265 (V_MPEGH/ISO/HEVC)";
            default -> m.group();
        };
    }

    /** Reads every block's timecode and key flag (one pass over the track, no decoding). */
    private static SampleTable matroskaSamples(Path file, SeekableDemuxerTrack track) throws IOException {
        List<Long> times = new ArrayList<>();
        List<Integer> keys = new ArrayList<>();
        try {
            for (Packet p; (p = track.nextFrame()) != null; ) {
                if (p.isKeyFrame()) keys.add(times.size());
                times.add(p.getPts());
            }
            track.gotoFrame(0);
        } catch (RuntimeException e) {
            throw new VideoFormatException(file, "damaged Matroska blocks: " + e, "replace the file or " + VideoFormatException.reencode(file), e);
        }
        int n = times.size();
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        long span = n < 2 ? 0 : LongStream.of(t).max().orElse(0) - LongStream.of(t).min().orElse(0);
        long[] durations = new long[n];
        // Matroska timecodes count milliseconds (the default timecode scale): frames are spread evenly over the span.
        Arrays.fill(durations, n < 2 ? 0 : span);
        boolean[] shown = new boolean[n];
        Arrays.fill(shown, true);
        return new SampleTable(t, durations, Math.max(1, n - 1) * 1000, shown, keys.stream().mapToInt(Integer::intValue).toArray());
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
        return samples.frameCount();
    }

    @Override
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
    int decodeIndex(int frame) {
        return samples.decodeIndex(frame);
    }

    /** Decodes forward from where the decoder stands, or from the last IDR frame at or before {@code target} when it stands past it or too far back. */
    @Override
    Picture picture(int target) throws IOException {
        int start = seekPoint(target);
        if (next < 0 || start > next || next > target) {
            seek(start);
            next = start;
        }
        Picture picture = null;
        for (; next <= target; next++) picture = decode(next);
        return picture;
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

    private void seek(int sample) throws IOException {
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
        decoder = H264Decoder.createH264DecoderFromCodecPrivate(codecPrivate.duplicate());
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
