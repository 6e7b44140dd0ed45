package mdlora.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./mdlora bench [W1|W2|W3|W4|W5|W6|all] [--json] [--no-torch] [--rounds N]}: runs the reference workloads
 * and, when the system Python has PyTorch, its yardstick in the same sitting, and prints both side by side;
 * with {@code --rounds N} both sides run N times in turn and each keeps its best figures ({@link Rounds}).
 */
public final class Bench {
    /** Every workload, in the order {@code all} runs them. */
    private static final List<Workload> WORKLOADS = List.of(
            new MatmulWorkload(), new SvdWorkload(), new TrainStepWorkload(), new InferenceWorkload(), new DecodeWorkload(), new VitBaseWorkload());

    private static final String USAGE = "usage: ./mdlora bench [W1|W2|W3|W4|W5|W6|all]... [--json] [--no-torch] [--rounds N]";

    private Bench() {}

    /** A mistake on the command line: printed as one line with the usage, no stack trace. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (UsageError e) {
            System.err.println("mdlora bench: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(String[] args) {
        boolean json = false, torch = true;
        int rounds = 1;
        Set<Workload> selected = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json" -> json = true;
                case "--no-torch" -> torch = false;
                case "--rounds" -> rounds = rounds(i + 1 < args.length ? args[++i] : null);
                case "all" -> selected.addAll(WORKLOADS);
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (a.startsWith("-")) throw new UsageError("unknown option '" + a + "' (" + USAGE + ")");
                    selected.add(workload(a));
                }
            }
        }
        if (selected.isEmpty()) selected.addAll(WORKLOADS);
        List<Map<Workload, List<Figure>>> ours = new ArrayList<>();
        List<Map<String, Double>> theirs = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Map<Workload, List<Figure>> results = new LinkedHashMap<>();
            for (Workload w : selected) {
                System.err.println("mdlora bench: " + (rounds > 1 ? "round " + r + " of " + rounds + ": " : "") + "running " + w.id() + " (" + w.description() + ")");
                results.put(w, w.run());
            }
            ours.add(results);
            if (torch) theirs.add(torchFigures(selected));
        }
        Map<Workload, List<Figure>> results = Rounds.best(ours);
        Map<String, Double> reference = theirs.isEmpty() ? Map.of() : Rounds.bestReference(theirs, results.values());
        if (json) Report.json(System.out, results, reference);
        else Report.table(System.out, results, reference);
        return 0;
    }

    private static int rounds(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // the message below says what is wanted
        }
        throw new UsageError("--rounds needs a positive whole number, got " + (value == null ? "nothing" : "'" + value + "'"));
    }

    private static Workload workload(String id) {
        for (Workload w : WORKLOADS) if (w.id().equalsIgnoreCase(id)) return w;
        List<String> ids = WORKLOADS.stream().map(Workload::id).toList();
        throw new UsageError("unknown workload '" + id + "' (implemented: " + String.join(", ", ids) + ", or all)");
    }

    private static Map<String, Double> torchFigures(Set<Workload> selected) {
        System.err.println("mdlora bench: running PyTorch's yardstick " + TorchReference.script());
        try {
            return TorchReference.measure(selected.stream().map(Workload::id).toList());
        } catch (TorchReference.Unavailable e) {
            System.err.println("mdlora bench: PyTorch was not found (" + e.getMessage() + "); mdlora's figures alone");
        } catch (IOException e) {
            System.err.println("mdlora bench: PyTorch's yardstick failed (" + e.getMessage() + "); mdlora's figures alone");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Map.of();
    }
}
