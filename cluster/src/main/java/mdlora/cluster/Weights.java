package mdlora.cluster;

import java.io.Serializable;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.tensor.Tensor;

/**
 * The values of a job's trainable parameters, in their map order, as Spark ships them: what the driver
 * broadcasts each step (LoRA factors, mixers and heads; never the frozen backbone), and what a share
 * returns as its gradients (null for a parameter the share's rows did not reach, as in one process).
 */
record Weights(float[][] values) implements Serializable {
    /** The parameters' current values. */
    static Weights of(Map<String, Variable> trainable) {
        return new Weights(trainable.values().stream().map(p -> p.data().toArray()).toArray(float[][]::new));
    }

    /** The parameters' gradients (null where a parameter has none). */
    static Weights gradients(Map<String, Variable> trainable) {
        return new Weights(trainable.values().stream().map(p -> p.grad() == null ? null : p.grad().toArray()).toArray(float[][]::new));
    }

    /** Copies these values into the parameters. */
    void applyTo(Map<String, Variable> trainable) {
        if (trainable.size() != values.length)
            throw new IllegalStateException(values.length + " trainable tensors arrived for a model with " + trainable.size() + "; driver and executor built different models");
        int i = 0;
        for (Variable p : trainable.values()) p.data().copyFromInPlace(Tensor.of(values[i++], p.shape()));
    }

    /** Bytes of the values (what a broadcast or a share moves, before Spark's compression). */
    long bytes() {
        long n = 0;
        for (float[] v : values) if (v != null) n += 4L * v.length;
        return n;
    }
}
