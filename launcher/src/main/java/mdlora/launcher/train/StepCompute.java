package mdlora.launcher.train;

import java.util.Map;
import mdlora.video.TestViews;

/**
 * Where a fine-tuning run computes its steps' gradients and its evaluations: {@link #LOCAL} in this
 * process, or spread over workers (the cluster module's Spark executors). Either way the optimiser, the
 * schedule, the checkpoints and the run folder stay with the caller; only these two computations move.
 */
public interface StepCompute extends AutoCloseable {
    /** Everything in this process. */
    StepCompute LOCAL = new StepCompute() {
        @Override
        public TrainingJob.StepLoss lossWithGradients(MultiDomainJob job, int step) {
            TrainingJob.StepLoss loss = job.loss(step);
            loss.total().backward();
            return loss;
        }

        @Override
        public Map<String, Evaluator.Predictions> predict(MultiDomainJob job, int limit, TestViews views) {
            return job.predictShare(0, 1, limit, views);
        }
    };

    /** The loss of step {@code step}, with its gradient accumulated into {@code job}'s trainable parameters' grads. */
    TrainingJob.StepLoss lossWithGradients(MultiDomainJob job, int step);

    /**
     * {@code job}'s model's predictions on every test video of each domain ({@code limit} > 0: an evenly
     * spaced subset of that many per domain), with {@code views} per video, in list order.
     */
    Map<String, Evaluator.Predictions> predict(MultiDomainJob job, int limit, TestViews views);

    /** Releases what computing took (a Spark application); nothing for {@link #LOCAL}. */
    @Override
    default void close() {}
}
