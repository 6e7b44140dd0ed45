package mdlora.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;

/**
 * Writes frames as an MP4/H.264 file with jcodec's encoder (Constrained Baseline, I and P frames,
 * constant quantiser). Colours are converted here with BT.601 limited range ({@link Bt601}), the
 * convention every decoder assumes for such a stream, so frames read back, by this package or by
 * ffmpeg, keep their colours.
 */
public final class Mp4Writer {
    private Mp4Writer() {}

    /**
     * Writes {@code frames} (all of one even size) to {@code file} at {@code fps} frames per second.
     *
     * @param file   the MP4 file, replaced if it exists
     * @param frames at least one frame, width and height even
     * @param fps    frame rate, frames per second
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<RgbImage> frames, int fps) throws IOException {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames to write to " + file);
        int w = frames.getFirst().width(), h = frames.getFirst().height();
        if (w % 2 != 0 || h % 2 != 0) throw new IllegalArgumentException("4:2:0 video needs an even size, got " + w + "x" + h);
        H264Encoder encoder = H264Encoder.createH264Encoder();
        try (FileChannelWrapper out = NIOUtils.writableChannel(file.toFile())) {
            MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(out);
            MuxerTrack track = muxer.addVideoTrack(Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(new Size(w, h), ColorSpace.YUV420J));
            ByteBuffer buffer = ByteBuffer.allocate(3 * w * h + 4096);
            for (int i = 0; i < frames.size(); i++) {
                RgbImage frame = frames.get(i);
                if (frame.width() != w || frame.height() != h)
                    throw new IllegalArgumentException("frame " + i + " is " + frame.width() + "x" + frame.height() + ", frame 0 is " + w + "x" + h);
                Picture yuv = Bt601.toYuv420(frame);
                buffer.clear();
                VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(yuv, buffer);
                track.addFrame(Packet.createPacket(NIOUtils.clone(encoded.getData()), i, fps, 1, i,
                        encoded.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
            }
            muxer.finish();
        }
    }
}
