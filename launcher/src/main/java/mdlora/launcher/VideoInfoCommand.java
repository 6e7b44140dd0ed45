package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import mdlora.video.VideoFormatException;
import mdlora.video.VideoInfo;
import mdlora.video.VideoReader;

/** {@code mdlora video-info CLIP}: what a video file holds and whether it can be decoded. */
public final class VideoInfoCommand implements Command {
    @Override
    public String name() {
        return "video-info";
    }

    @Override
    public String summary() {
        return "container, codec, profile, size, frame count and fps of a video file";
    }

    @Override
    public String usage() {
        return """
                usage: ./mdlora video-info CLIP

                Prints the container, codec, profile, size, frame count and frame rate of CLIP (an MP4/H.264
                file), after checking every frame's headers. A file that cannot be decoded gets one line saying
                what it holds and what to do, and a non-zero exit code.""";
    }

    @Override
    public int run(String[] args) throws IOException {
        if (args.length != 1) throw new UserError("expected one video file, got " + args.length + " arguments (see --help)");
        VideoInfo info;
        try (VideoReader reader = VideoReader.open(Path.of(args[0]))) {
            info = reader.info();
            reader.verify();
        } catch (VideoFormatException e) {
            throw new UserError(e.getMessage());
        }
        System.out.printf("""
                file       %s
                container  %s
                codec      %s
                profile    %s
                size       %dx%d
                frames     %d
                fps        %.3f
                """, info.file(), info.container(), info.codec(), info.profile(), info.width(), info.height(), info.frameCount(), info.fps());
        return 0;
    }
}
