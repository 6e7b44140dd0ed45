package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import mdlora.video.VideoFormatException;
import mdlora.video.VideoInfo;
import mdlora.video.VideoReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mdlora video-info CLIP}: what a video file holds and whether it can be decoded. */
@Command(name = "video-info", header = "container, codec, profile, size, frame count and fps of a video file",
        description = {"Prints the container, codec, profile, size, frame count and frame rate of CLIP (an MP4/H.264 file), after checking "
                + "every frame's headers. A file that cannot be decoded gets one line saying what it holds and what to do, and a non-zero exit code."})
final class VideoInfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CLIP", description = "an MP4/H.264 file")
    Path clip;

    @Override
    public Integer call() throws IOException {
        VideoInfo info;
        try (VideoReader reader = VideoReader.open(clip)) {
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
