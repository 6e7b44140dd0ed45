package mdlora.launcher.train;

import java.util.Map;
import mdlora.autograd.Variable;

/**
 * What a {@link Trainer} trains: the parameters, the loss of each step, and the held-out evaluation.
 * Pretraining on still images and multi-domain fine-tuning on clips are both jobs; the loop, the
 * checkpoints, the metrics and Ctrl-C handling are the trainer's.
 */
public interface TrainingJob {
    /** The trainable parameters by name; their order fixes the layout of the optimiser state. */
    Map<String, Variable> trainable();

    /**
     * The loss of training step {@code step} (0-based) with its graph recorded. The batch, and any
     * randomness of the step, must be a function of the seed and {@code step} alone: that is what lets a
     * resumed run repeat the uninterrupted one exactly. Steps are asked for in increasing order, from
     * where the run starts or resumes.
     */
    StepLoss loss(int step);

    /**
     * The loss of step {@code step} with its gradient accumulated into the trainable parameters' grads:
     * in one process the backward pass of {@link #loss}; a data-parallel job assembles it from its
     * workers' shares instead.
     */
    default StepLoss lossWithGradients(int step) {
        StepLoss loss = loss(step);
        loss.total().backward();
        return loss;
    }

    /**
     * Accuracy on held-out data, by domain name, after {@code step} steps; {@code last} is the
     * evaluation at the end of training (periodic ones may look at a subset to save time).
     */
    Map<String, Double> evaluate(int step, boolean last) throws java.io.IOException;

    /** The loss of one step: the total to minimise, and its named parts (cross-entropy, separation terms) for the log. */
    record StepLoss(Variable total, Map<String, Float> parts) {}
}
