package mdlora.launcher.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.launcher.report.RunReport;
import mdlora.launcher.run.Metrics;
import mdlora.launcher.run.Progress;
import mdlora.launcher.run.RunDir;
import mdlora.nn.optim.GradClipping;
import mdlora.nn.optim.LrScheduler;
import mdlora.nn.optim.Optimizer;

/**
 * The training loop shared by every command that trains: one optimiser step per batch, the loss of
 * every step and periodic per-domain accuracy into {@code metrics.jsonl}, a checkpoint every so many
 * steps, at the end, and when asked to stop (Ctrl-C or {@code --stop-after}). Started on a run whose
 * checkpoint exists, it resumes from it; with a fixed thread count the resumed run's metrics and
 * weights equal the uninterrupted run's exactly.
 */
public final class Trainer {
    /**
     * @param steps           optimiser steps in the whole run
     * @param evalEvery       evaluate every this many steps (0: only at the end)
     * @param checkpointEvery checkpoint every this many steps
     * @param gradClip        clip the global gradient norm to this (0: no clipping)
     * @param stopAfter       stop (as Ctrl-C would) once this many steps are done (0: run to the end)
     */
    public record Settings(int steps, int evalEvery, int checkpointEvery, double gradClip, int stopAfter) {}

    /** How a run ended: the steps done, whether it stopped early, and the final accuracy (empty when stopped). */
    public record Result(int steps, boolean stopped, Map<String, Double> accuracy) {}

    private final RunDir run;
    private final Settings settings;
    private final TrainingJob job;
    private final Optimizer optimizer;
    private final LrScheduler scheduler;
    private final StopSignal stop;
    private final Metrics metrics;
    private final List<Variable> params;
    /** The step of the last checkpoint written or loaded (-1: none). */
    private int saved = -1;

    public Trainer(RunDir run, Settings settings, TrainingJob job, Optimizer optimizer, LrScheduler scheduler, StopSignal stop) {
        this.run = run;
        this.settings = settings;
        this.job = job;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.stop = stop;
        this.metrics = run.metrics();
        this.params = new ArrayList<>(job.trainable().values());
    }

    /** What to do before the first step, once the checkpoint (if any) has loaded: given the step training continues from. */
    public interface OnResume {
        void resumed(int step) throws IOException;
    }

    /** Trains from the run's checkpoint if it has one, else from step 0, until the end or a stop. */
    public Result run() throws IOException {
        return run(step -> {});
    }

    /** As {@link #run()}, calling {@code onResume} once the checkpoint (if any) has loaded and proved usable, before the first step. */
    public Result run(OnResume onResume) throws IOException {
        boolean fresh = !Checkpoint.exists(run.checkpoint());
        int step = fresh ? 0 : Checkpoint.load(run.checkpoint(), job.trainable(), optimizer, scheduler);
        if (!fresh) saved = step;
        metrics.truncateAfter(fresh ? -1 : step); // a run killed before its first checkpoint starts afresh: so does its log
        onResume.resumed(step);
        if (step >= settings.steps()) return finished(step);
        // the accuracy before any update, so the curves start where training does
        if (fresh && settings.evalEvery() > 0) evaluate(0, false);
        try (Progress progress = Progress.start("train", settings.steps(), "steps", step)) {
            while (step < settings.steps()) {
                if (stop.requested() || (settings.stopAfter() > 0 && step >= settings.stopAfter())) {
                    if (saved != step) save(step);
                    return new Result(step, true, Map.of());
                }
                Map<String, Object> record = trainStep(step);
                step++;
                metrics.append(record);
                progress.advance(1, status(record));
                if (settings.evalEvery() > 0 && step % settings.evalEvery() == 0 && step < settings.steps()) evaluate(step, false);
                if (step % settings.checkpointEvery() == 0) save(step);
            }
        }
        // the final weights are safe before the final evaluation, which a crash or a bad clip may interrupt
        if (saved != step) save(step);
        FaultPoint.reach("final-evaluation", step);
        return new Result(step, false, evaluate(step, true));
    }

    /**
     * The progress line's account of a step's loss: the total, then its parts (cross-entropy and each separation
     * term) apart, e.g. {@code loss 2.3457 = ce 2.3012 + orth 0.0445 + ss -1.23e-07}; the {@code separation} part
     * is the sum of the last two and is left out.
     */
    static String status(Map<String, Object> record) {
        StringBuilder line = new StringBuilder("loss " + number((Float) record.get("loss")));
        String joint = " = ";
        for (String part : List.of("ce", "orth", "ss")) {
            if (!(record.get(part) instanceof Float v)) continue;
            line.append(joint).append(part).append(' ').append(number(v));
            joint = " + ";
        }
        return line.toString();
    }

    /** Four decimals, or scientific notation for a value too small to show that way (lambda2 L_ss is about 1e-7). */
    private static String number(float v) {
        return String.format(Locale.ROOT, v == 0 || Math.abs(v) >= 1e-3 ? "%.4f" : "%.2e", v);
    }

    /** A run resumed after it had finished training: its result is its final evaluation, made now if it is missing. */
    private Result finished(int step) throws IOException {
        var evals = metrics.read("eval");
        boolean evaluated = !evals.isEmpty() && ((Number) evals.getLast().get("step")).intValue() == step;
        return new Result(step, false, evaluated ? RunReport.accuracies(evals.getLast()) : evaluate(step, true));
    }

    private Map<String, Object> trainStep(int step) {
        double lr = optimizer.groups().getFirst().lr();
        TrainingJob.StepLoss loss = job.lossWithGradients(step);
        float total = loss.total().item();
        FaultPoint.reach("step", step + 1);
        if (!Float.isFinite(total)) throw new Diverged("the loss is " + total + " at step " + (step + 1) + "; " + kept());
        if (settings.gradClip() > 0) GradClipping.clipGradNorm(params, settings.gradClip());
        optimizer.step();
        scheduler.step();
        optimizer.zeroGrad();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step + 1);
        record.put("kind", "train");
        record.put("lr", lr);
        record.put("loss", total);
        record.putAll(loss.parts());
        return record;
    }

    private Map<String, Double> evaluate(int step, boolean last) throws IOException {
        Map<String, Double> accuracy = job.evaluate(step, last);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("step", step);
        record.put("kind", "eval");
        record.put("acc", accuracy);
        metrics.append(record);
        return accuracy;
    }

    /** Writes the checkpoint of {@code step}, unless the state has diverged: a non-finite checkpoint could never be resumed. */
    private void save(int step) throws IOException {
        String bad = Checkpoint.nonFinite(job.trainable(), optimizer);
        if (bad != null) throw new Diverged("after step " + step + " '" + bad + "' is not finite; " + kept());
        Checkpoint.save(run.checkpoint(), step, job.trainable(), optimizer, scheduler);
        saved = step;
    }

    /** What the user has left after a divergence, and how to go on. */
    private String kept() {
        return saved < 0 ? "no checkpoint was written; start again with a lower --lr"
                : "the checkpoint of step " + saved + " is kept; continue with a lower learning rate: mdlora train --resume " + run.path() + " --lr LR";
    }
}
