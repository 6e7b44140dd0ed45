package mdlora.video;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A video file that mdlora decodes: H.264 in MP4 or Matroska ({@link VideoReader}), MPEG-4 Part 2
 * (Xvid, DivX) in AVI or MP4 ({@link Mpeg4Reader}). Anything else is refused on open with a
 * {@link VideoFormatException} naming the file, what it holds and what to do.
 */
public sealed interface VideoFile extends Clip permits DecodingReader {
    /** {@return container, codec, profile, features, size, frame count and frame rate} */
    VideoInfo info();

    /**
     * Checks the headers of every frame for features that cannot be decoded exactly, without
     * decoding ({@link #open} checks the stream headers only, {@link #read} the frames it decodes).
     *
     * @throws VideoFormatException naming the first unsupported feature found
     */
    void verify() throws IOException;

    /**
     * Opens a video file by what it holds, whatever its name.
     *
     * @param file an MP4, Matroska or AVI file
     * @return the opened file; close it when done
     * @throws VideoFormatException when it is no video mdlora decodes
     */
    static VideoFile open(Path file) throws IOException {
        return switch (ContainerProbe.identify(file)) {
            case MP4 -> VideoReader.openMp4(file);
            case MATROSKA -> VideoReader.openMatroska(file);
            case AVI -> openAvi(file);
        };
    }

    private static VideoFile openAvi(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file);
        try {
            AviFile avi = AviFile.read(file, ch);
            avi.requireMpeg4();
            return new Mpeg4Reader(file, new Mpeg4Reader.Packets() {
                @Override
                public int count() {
                    return avi.chunks.size();
                }

                @Override
                public java.nio.ByteBuffer read(int index) throws IOException {
                    return avi.data(avi.chunks.get(index));
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            }, null, "AVI (" + avi.compression.strip() + ", " + avi.index + ")", avi.fps());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
