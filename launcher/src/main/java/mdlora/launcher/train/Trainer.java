package mdlora.launcher.train;

import java.io.IOException;
import java.nio.file.Files;
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

    /** Trains from the run's checkpoint if it has one, else from step 0, until the end or a stop. */
    public Result run() throws IOException {
        boolean fresh = !Files.exists(run.checkpoint());
        int step = fresh ? 0 : Checkpoint.load(run.checkpoint(), job.trainable(), optimizer, scheduler);
        metrics.truncateAfter(step);
        if (step >= settings.steps()) return finished(step);
        // the accuracy before any update, so the curves start where training does
        if (fresh && settings.evalEvery() > 0) evaluate(0, false);
        try (Progress progress = Progress.start("train", settings.steps(), "steps", step)) {
            while (step < settings.steps()) {
                if (stop.requested() || (settings.stopAfter() > 0 && step >= settings.stopAfter())) {
                    save(step);
                    return new Result(step, true, Map.of());
                }
                Map<String, Object> record = trainStep(step);
                step++;
                metrics.append(record);
                progress.advance(1, String.format(Locale.ROOT, "loss %.4f", (Float) record.get("loss")));
                if (settings.evalEvery() > 0 && step % settings.evalEvery() == 0 && step < settings.steps()) evaluate(step, false);
                if (step % settings.checkpointEvery() == 0) save(step);
            }
        }
        Map<String, Double> accuracy = evaluate(step, true);
        save(step);
        return new Result(step, false, accuracy);
    }

    /** A run resumed after it had already finished: its result is its last evaluation. */
    private Result finished(int step) throws IOException {
        var evals = metrics.read("eval");
        return new Result(step, false, evals.isEmpty() ? evaluate(step, true) : RunReport.accuracies(evals.getLast()));
    }

    private Map<String, Object> trainStep(int step) {
        double lr = optimizer.groups().getFirst().lr();
        TrainingJob.StepLoss loss = job.lossWithGradients(step);
        float total = loss.total().item();
        if (!Float.isFinite(total)) throw new ArithmeticException("the loss is " + total + " at step " + (step + 1) + "; lower --lr or check the data");
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

    private void save(int step) throws IOException {
        Checkpoint.save(run.checkpoint(), step, job.trainable(), optimizer, scheduler);
    }
}
