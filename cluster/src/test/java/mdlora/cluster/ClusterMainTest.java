package mdlora.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mdlora.video.SyntheticVideos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mdlora train ... --cluster MASTER --workers N} from the command line: a whole run, and the mistakes it names. */
class ClusterMainTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream out = System.out, err = System.err;
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Result(ClusterMain.run(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void trainsARunOnTheClusterFromTheCommandLine() throws Exception {
        TinyRun.Workspace w = TinyRun.Workspace.make(dir);
        Path out = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--backbone", w.backbone().toString(), "--image-size", "32", "--frames", "2",
                "--batch", "4", "--steps", "2", "--eval-every", "0", "--rank-shared", "2", "--rank-domain", "2", "--threads", "2",
                "--cache", "", "--cluster", "local[2]", "--workers", "2", "--out", out.toString()));
        for (String d : SyntheticVideos.domainNames()) args.addAll(List.of("--domain", d + "=synthetic:" + w.data()));
        Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(Files.exists(out.resolve("eval.json")), "no eval.json");
        assertTrue(r.out().contains("report:"), r.out());
    }

    @Test
    void namesWhatTheClusterCommandLineLacks() {
        Result noWorkers = run("train", "--cluster", "local[2]");
        assertEquals(2, noWorkers.code());
        assertTrue(noWorkers.err().contains("--workers N is missing"), noWorkers.err());
        Result badMaster = run("train", "--cluster", "mesos://x", "--workers", "2");
        assertEquals(2, badMaster.code());
        assertTrue(badMaster.err().contains("unknown --cluster master 'mesos://x'"), badMaster.err());
        Result tooFew = run("train", "--cluster", "local-cluster[1,1,1024]", "--workers", "2");
        assertTrue(tooFew.err().contains("fewer than --workers 2"), tooFew.err());
        assertEquals(2, run("eval", "--run", "x").code());
    }
}
