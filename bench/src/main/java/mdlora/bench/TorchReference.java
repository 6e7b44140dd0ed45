package mdlora.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PyTorch's side of the comparison: shared/reference/torch_reference.py run by the system Python
 * with the selected workload ids, in the same sitting as mdlora's runs.
 */
final class TorchReference {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    /** The script prints one flat JSON object of numbers. */
    private static final Pattern ENTRY = Pattern.compile("\"([^\"]+)\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)");

    /** Why PyTorch could not be run; the figures are then mdlora's alone. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private TorchReference() {}

    /** The yardstick, found beside the repository as $MDLORA_ROOT/../shared/reference. */
    static Path script() {
        String root = System.getenv("MDLORA_ROOT");
        return Path.of(root == null ? "." : root).resolve("../shared/reference/torch_reference.py").normalize();
    }

    /** Runs the yardstick for {@code ids} and returns its figures by key. */
    static Map<String, Double> measure(List<String> ids) throws Unavailable, IOException, InterruptedException {
        Path script = script();
        if (!Files.isExecutable(PYTHON)) throw new Unavailable(PYTHON + " is not installed");
        if (!Files.isRegularFile(script)) throw new Unavailable("no yardstick at " + script);
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        if (probe.waitFor() != 0) throw new Unavailable(PYTHON + " cannot import torch");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(ids);
        Process run = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (run.waitFor() != 0) throw new IOException(script + " failed with exit code " + run.exitValue());
        return parse(out);
    }

    static Map<String, Double> parse(String json) {
        Map<String, Double> figures = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(json);
        while (m.find()) figures.put(m.group(1), Double.parseDouble(m.group(2)));
        return figures;
    }
}
