package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import mdlora.video.VideoInfo;
import mdlora.video.VideoFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mdlora video-info CLIP}: what a video file holds and whether it can be decoded. */
@Command(name = "video-info", header = "container, codec, profile, features, size, frame count and fps of a video file, and whether mdlora decodes it",
        description = {"Prints the container, codec, profile, features, size, frame count and frame rate of CLIP (H.264 in MP4 or Matroska, "
                + "MPEG-4 Part 2 such as Xvid or DivX in AVI or MP4), after checking every frame's headers, and that mdlora decodes it. "
                + "A file that cannot be decoded gets one line saying what it holds and what to do, and a non-zero exit code."})
final class VideoInfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CLIP", description = "a video file (MP4, Matroska, AVI)")
    Path clip;

    @Override
    public Integer call() throws IOException {
        VideoInfo info;
        try (VideoFile reader = VideoFile.open(clip)) { // a VideoFormatException is the one line Main prints
            info = reader.info();
            reader.verify();
        }
        System.out.printf("""
                file       %s
                container  %s
                codec      %s
                profile    %s
                features   %s
                size       %dx%d
                frames     %d
                fps        %.3f
                decodes    yes
                """, info.file(), info.container(), info.codec(), info.profile(), info.features().isEmpty() ? "-" : info.features(),
                info.width(), info.height(), info.frameCount(), info.fps());
        return 0;
    }
}
