package mdlora.launcher;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import mdlora.launcher.config.Config;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.Scores;
import mdlora.launcher.train.StepCompute;
import mdlora.launcher.train.StopSignal;

/**
 * {@code mdlora train}: multi-domain fine-tuning of an image-pretrained ViT on video, with shared and
 * domain LoRAs, from a config file and command-line overrides, into a run folder.
 */
public final class TrainCommand implements Command {
    static final RunOptions OPTIONS = new RunOptions("train", List.of("model", "data", "lora", "train"));

    private final BiFunction<Config, StopSignal, StepCompute> compute;

    /** Trains in this process. */
    public TrainCommand() {
        this((config, stop) -> StepCompute.LOCAL);
    }

    /**
     * Trains with the steps computed where {@code compute} says, given the run's resolved config and its
     * stop signal (the cluster module's entry point passes Spark executors); closed when the run ends.
     */
    public TrainCommand(BiFunction<Config, StopSignal, StepCompute> compute) {
        this.compute = compute;
    }

    @Override
    public Set<String> options() {
        return OPTIONS.valued();
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "fine-tune shared + domain LoRAs on several video datasets (config file + overrides)";
    }

    @Override
    public String usage() {
        return OPTIONS.usage("--domain NAME=LAYOUT:PATH [--domain ...] [options]", """
                Fine-tunes the backbone with a shared LoRA and one LoRA and head per domain on batches mixed over the
                domains, evaluating every domain as it goes. The run folder gets config.json, metrics.jsonl,
                checkpoint.safetensors, adapters/ (PEFT layout), eval.json and report.html. Ctrl-C saves a checkpoint
                at the next step and exits; --resume RUN_DIR continues exactly where it stopped. With --cluster MASTER
                --workers N the steps run data-parallel on Apache Spark (README: Training on a cluster).""", Config.defaults());
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = OPTIONS.parse(argv);
        RunOptions.Session session = OPTIONS.session(args, Config.defaults());
        FineTuning fineTuning = FineTuning.prepare(session.config());
        RunDir run = session.open();
        if (session.resumed() == null) System.err.println("mdlora train: run folder " + run.path());
        try (StopSignal stop = StopSignal.install(); StepCompute steps = compute.apply(session.config(), stop)) {
            FineTuning.Outcome outcome = fineTuning.train(run, RunOptions.stopAfter(args), stop, steps);
            if (outcome.result().stopped()) {
                System.out.println("stopped after step " + outcome.result().steps() + "; checkpoint saved. Continue with: mdlora train --resume " + run.path());
                return stop.requested() ? 130 : 0;
            }
            if (outcome.scores() != null) System.out.print(Scores.table(outcome.scores()).toText());
            System.out.println("report: " + run.file("report.html"));
            return 0;
        }
    }
}
