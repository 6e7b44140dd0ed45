package mdlora.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import mdlora.launcher.config.ConfigException;
import mdlora.launcher.config.Settings;
import mdlora.launcher.config.Suggest;
import mdlora.launcher.train.Diverged;
import mdlora.launcher.train.StepCompute;
import mdlora.launcher.train.StopSignal;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code mdlora} command: a picocli command tree, one annotated class per
 * subcommand. picocli parses and converts every option, writes {@code --help} (with defaults) and the
 * bash completion script from the same model; a mistake on the command line is one line naming it,
 * with the nearest real command or option, and exit code 2; a {@link UserError} while running is one
 * line and exit code 1.
 */
@Command(name = "mdlora", scope = ScopeType.INHERIT, showDefaultValues = true, sortOptions = false, abbreviateSynopsis = true, usageHelpAutoWidth = true,
        description = "multi-domain LoRA fine-tuning of Vision Transformers on video, in pure Java.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class, AnalyzeCommand.class,
                ExperimentCommand.class, PretrainCommand.class, DecodeCommand.class, VideoInfoCommand.class, Main.Completion.class},
        footer = {"", "The mdlora script also runs:",
                "  test         run the whole test suite",
                "  bench        reference workloads W1-W5 side by side with PyTorch (--json)",
                "  jmh          JMH kernel benchmarks (JMH's own options)"})
public final class Main implements Callable<Integer> {
    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "show this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * Runs one command line as {@link #run(String...)} does, with {@code train}'s steps computed where
     * {@code trainCompute} says (the cluster module's entry point passes Spark executors).
     */
    public static int run(BiFunction<Settings, StopSignal, StepCompute> trainCompute, String... args) {
        CommandLine cl = commandLine();
        ((TrainCommand) cl.getSubcommands().get("train").getCommand()).compute = trainCompute;
        return cl.execute(args);
    }

    /** The command tree with its converters and handlers, for {@link #run} (and tests that only parse). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setOverwrittenOptionsAllowed(true); // the last value given wins, so a script's flags can be overridden by appending
        for (CommandLine sub : cl.getSubcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) if (o.type().isEnum()) choiceWords(cl, o.type());
            for (PositionalParamSpec p : sub.getCommandSpec().positionalParameters()) if (p.type().isEnum()) choiceWords(cl, p.type());
        }
        cl.setOut(new PrintWriter(System.out, true));
        cl.setErr(new PrintWriter(System.err, true));
        cl.setParameterExceptionHandler((e, argv) -> {
            System.err.println(e.getCommandLine().getCommandSpec().qualifiedName() + ": " + describe(e));
            return 2;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            String name = command.getCommandSpec().qualifiedName();
            if (e instanceof UserError || e instanceof ConfigException || e instanceof Diverged) {
                System.err.println(name + ": " + e.getMessage());
            } else if (e instanceof IOException io) {
                System.err.println(name + ": " + describe(io)); // a full or read-only disk, a missing file: not a bug
            } else {
                System.err.println(name + ": failed: " + e);
                e.printStackTrace();
            }
            return 1;
        });
        return cl;
    }

    /**
     * Reads a choice by its word (each enum's {@code toString}: {@code upper-heavy}, {@code kaiming}), the
     * same word help and completion show, instead of picocli's default that also takes the constant's name.
     */
    @SuppressWarnings("unchecked")
    private static void choiceWords(CommandLine cl, Class<?> enumType) {
        Class<Object> type = (Class<Object>) enumType;
        List<String> words = Arrays.stream(type.getEnumConstants()).map(Object::toString).toList();
        cl.registerConverter(type, text -> {
            for (Object choice : type.getEnumConstants()) if (choice.toString().equals(text)) return choice;
            throw new CommandLine.TypeConversionException("'" + text + "' is not one of " + String.join(", ", words)
                    + Suggest.nearest(text, words, " (did you mean %s?)"));
        });
    }

    /** {@code mdlora} alone: the list of commands, as an error (a command was expected). */
    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 2;
    }

    /** One line for a failed read or write, naming the file and the cause. */
    static String describe(IOException e) {
        if (!(e instanceof FileSystemException f)) return e.getMessage() != null ? e.getMessage() : e.toString();
        String cause = f.getReason() != null ? f.getReason()
                : f.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + cause;
    }

    /** One line for a command line picocli refused: the word it could not place, and the nearest real one. */
    private static String describe(CommandLine.ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        // a mistyped option also leaves a required one missing: the mistyped word is the news
        List<String> unmatched = e instanceof CommandLine.UnmatchedArgumentException u ? u.getUnmatched() : e.getCommandLine().getUnmatchedArguments();
        if (unmatched.isEmpty()) return e.getMessage();
        String word = unmatched.getFirst();
        if (spec.parent() == null)
            return "unknown command '" + word + "'" + Suggest.nearest(word, spec.subcommands().keySet(), " (did you mean %s?)") + " (mdlora --help lists them)";
        if (word.startsWith("-")) {
            String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            List<String> options = spec.options().stream().map(OptionSpec::longestName).toList();
            return "unknown option " + name + Suggest.nearest(name, options, " (did you mean %s?)") + " (" + spec.qualifiedName() + " --help lists the options)";
        }
        return "unexpected argument '" + word + "' (" + spec.qualifiedName()
                + (spec.positionalParameters().isEmpty() ? " takes only options; --help lists them)" : " --help shows the usage)");
    }

    /** {@code mdlora completion}: the bash completion script of this very command tree. */
    @Command(name = "completion", header = "print a bash completion script (README: Shell completion)",
            description = "Prints a bash script that completes mdlora's commands, options and choices; install it with "
                    + "./mdlora completion > ~/.local/share/bash-completion/completions/mdlora")
    static final class Completion implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            System.out.print(AutoComplete.bash("mdlora", spec.root().commandLine()));
            return 0;
        }
    }
}
