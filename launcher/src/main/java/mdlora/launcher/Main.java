package mdlora.launcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mdlora.launcher.config.ConfigException;

/** Entry point of the {@code mdlora} command: dispatches to the registered {@link Command}s. */
public final class Main {
    private static final List<Command> COMMANDS = List.of(
            new DemoCommand(),
            new TrainCommand(),
            new EvalCommand(),
            new PredictCommand(),
            new ExportCommand(),
            new AnalyzeCommand(),
            new ExperimentCommand(),
            new PretrainCommand(),
            new DecodeCommand(),
            new VideoInfoCommand()
    );

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : COMMANDS) byName.put(c.name(), c);
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printHelp(byName);
            return args.length == 0 ? 2 : 0;
        }
        Command command = byName.get(args[0]);
        if (command == null) {
            System.err.println("mdlora: unknown command '" + args[0] + "' (mdlora --help lists them)");
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (rest.length == 1 && (rest[0].equals("--help") || rest[0].equals("-h"))) {
            System.out.println(command.usage());
            return 0;
        }
        try {
            return command.run(rest);
        } catch (UserError | ConfigException e) {
            System.err.println("mdlora " + command.name() + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("mdlora " + command.name() + ": failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static void printHelp(Map<String, Command> commands) {
        StringBuilder sb = new StringBuilder("""
                mdlora: multi-domain LoRA fine-tuning of Vision Transformers on video, in pure Java.

                usage: ./mdlora COMMAND [options]     (./mdlora COMMAND --help for its options)

                commands:
                """);
        for (Command c : commands.values()) sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
        sb.append(String.format("  %-12s %s%n", "test", "run the whole test suite"));
        sb.append(String.format("  %-12s %s%n", "bench", "reference workloads W1-W5 side by side with PyTorch (--json)"));
        sb.append(String.format("  %-12s %s%n", "jmh", "JMH kernel benchmarks (JMH's own options)"));
        System.out.print(sb);
    }
}
