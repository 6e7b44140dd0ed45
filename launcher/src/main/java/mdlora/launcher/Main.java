package mdlora.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Suggest;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Entry point of the {@code mdlora} command: picocli resolves the command word (a typo gets "did you
 * mean") and writes the bash completion script; the registered {@link Command}s parse their own options.
 */
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

    /** The command that prints the bash completion script. */
    private static final String COMPLETION = "completion";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printHelp();
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals(COMPLETION)) {
            if (args.length > 1) {
                System.err.println("mdlora completion: takes no arguments, got '" + args[1] + "'");
                return 2;
            }
            System.out.print(AutoComplete.bash("mdlora", commandLine(true)));
            return 0;
        }
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine(false).parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            // picocli offers a suggestion for any word; only a plausible typo is worth naming
            System.err.println("mdlora: unknown command '" + args[0] + "'" + Suggest.nearest(args[0], e.getSuggestions(), " (did you mean %s?)")
                    + " (mdlora --help lists them)");
            return 2;
        } catch (CommandLine.ParameterException e) {
            System.err.println("mdlora: " + e.getMessage());
            return 2;
        }
        return run(byName(parsed.subcommand().commandSpec().name()), parsed.subcommand().unmatched().toArray(String[]::new));
    }

    /**
     * Runs {@code command} on its arguments (the command word left out), with the same help and error
     * handling as {@link #run(String...)}: the cluster module's entry point runs its own train command so.
     */
    public static int run(Command command, String... rest) {
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

    private static Command byName(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The command tree as picocli sees it. For dispatch each subcommand keeps its arguments unparsed
     * (its own {@link Args} checks them against the knob table); for the completion script
     * ({@code withOptions}) each also lists its options, so that the shell completes them.
     */
    private static CommandLine commandLine(boolean withOptions) {
        CommandLine top = new CommandLine(CommandSpec.create().name("mdlora"));
        List<String> names = new ArrayList<>(COMMANDS.stream().map(Command::name).toList());
        names.add(COMPLETION);
        for (String name : names) {
            CommandSpec sub = CommandSpec.create().name(name);
            Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
            if (withOptions && command != null) {
                for (String option : new TreeSet<>(command.options())) sub.addOption(OptionSpec.builder("--" + option).arity("1").build());
                sub.addOption(OptionSpec.builder("--help").usageHelp(true).build());
            }
            top.addSubcommand(name, new CommandLine(sub));
            top.getSubcommands().get(name).setStopAtUnmatched(true);
        }
        return top;
    }

    private static void printHelp() {
        StringBuilder sb = new StringBuilder("""
                mdlora: multi-domain LoRA fine-tuning of Vision Transformers on video, in pure Java.

                usage: ./mdlora COMMAND [options]     (./mdlora COMMAND --help for its options)

                commands:
                """);
        for (Command c : COMMANDS) sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
        sb.append(String.format("  %-12s %s%n", COMPLETION, "print a bash completion script (README: Shell completion)"));
        sb.append(String.format("  %-12s %s%n", "test", "run the whole test suite"));
        sb.append(String.format("  %-12s %s%n", "bench", "reference workloads W1-W5 side by side with PyTorch (--json)"));
        sb.append(String.format("  %-12s %s%n", "jmh", "JMH kernel benchmarks (JMH's own options)"));
        System.out.print(sb);
    }
}
