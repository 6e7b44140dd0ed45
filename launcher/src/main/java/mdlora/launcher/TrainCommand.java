package mdlora.launcher;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import mdlora.launcher.config.Settings;
import mdlora.launcher.data.ClipPipeline;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.FineTuning;
import mdlora.launcher.train.Scores;
import mdlora.launcher.train.StepCompute;
import mdlora.launcher.train.StopSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mdlora train}: multi-domain fine-tuning of an image-pretrained ViT on video, with shared and
 * domain LoRAs, from a config file and command-line overrides, into a run folder.
 */
@Command(name = "train", header = "fine-tune shared + domain LoRAs on several video datasets (config file + overrides)",
        customSynopsis = "mdlora train --domain NAME=LAYOUT:PATH [--domain ...] [OPTIONS]",
        description = {"Fine-tunes the backbone with a shared LoRA and one LoRA and head per domain on batches drawn over the domains "
                + "(by default every domain equally often: --domain-sampling uniform; see also --domain-loss-weights and --domain-batches), "
                + "evaluating every domain as it goes. The run folder gets config.json, metrics.jsonl, checkpoint.safetensors, adapters/ "
                + "(PEFT layout, each domain's head as modules_to_save), eval.json and report.html. Ctrl-C saves a checkpoint at the next step and exits; --resume RUN_DIR "
                + "continues exactly where it stopped. Every option is also a config-file key (section.name, '_' for '-')."})
final class TrainCommand implements Callable<Integer> {
    final Settings settings = new Settings();
    @Mixin RunFlags run;
    @Mixin Settings.Model model = settings.model;
    @Mixin Settings.Data data = settings.data;
    @Mixin Settings.Lora lora = settings.lora;
    @Mixin Settings.Train train = settings.train;
    /** Where the steps are computed, given the run's settings and its stop signal: this process unless {@link Main#run(BiFunction, String...)} says otherwise. */
    BiFunction<Settings, StopSignal, StepCompute> compute = (settings, stop) -> StepCompute.LOCAL;

    @Override
    public Integer call() throws IOException {
        RunFlags.Session session = run.session(settings);
        FineTuning fineTuning = session.fineTuning();
        RunDir dir = session.open();
        if (session.resumed() == null) System.err.println("mdlora train: run folder " + dir.path());
        try (StopSignal stop = StopSignal.install(); StepCompute steps = compute.apply(session.settings(), stop)) {
            FineTuning.Outcome outcome = fineTuning.train(dir, run.stopAfter(), stop, steps);
            if (outcome.result().stopped()) {
                System.out.println("stopped after step " + outcome.result().steps() + "; checkpoint saved. Continue with: mdlora train --resume " + dir.path());
                return stop.requested() ? 130 : 0;
            }
            if (outcome.scores() != null) {
                System.out.println(Scores.protocol(ClipPipeline.testViews(session.settings().train.testClips, session.settings().train.testCrops)) + ":");
                System.out.print(Scores.table(outcome.scores()).toText());
            }
            String missing = fineTuning.missingNotice(dir);
            if (!missing.isEmpty()) System.out.println(missing);
            System.out.println("report: " + dir.file("report.html"));
            return 0;
        }
    }
}
