package mdlora.cluster;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import mdlora.autograd.Variable;
import mdlora.tensor.Shape;
import mdlora.tensor.Tensor;

/**
 * The values of a job's trainable parameters, in their map order, as Spark ships them: what the driver
 * broadcasts each step (LoRA factors, mixers and heads; never the frozen backbone), and what a share
 * returns as its gradients (absent for a parameter the share's rows did not reach, as in one process).
 * The values travel as one byte array: Java serialization copies a byte[] in bulk, but writes a float[]
 * value by value.
 *
 * @param lengths each parameter's number of values, -1 where it has none
 * @param bytes   the values present, little-endian float32, one parameter after another
 */
record Weights(int[] lengths, byte[] bytes) implements Serializable {
    /** The parameters' current values. */
    static Weights of(Map<String, Variable> trainable) {
        return pack(trainable.values().stream().map(Variable::data).toArray(Tensor[]::new));
    }

    /** The parameters' gradients (absent where a parameter has none). */
    static Weights gradients(Map<String, Variable> trainable) {
        return pack(trainable.values().stream().map(Variable::grad).toArray(Tensor[]::new));
    }

    private static Weights pack(Tensor[] tensors) {
        int[] lengths = new int[tensors.length];
        long total = 0;
        for (int i = 0; i < tensors.length; i++) {
            lengths[i] = tensors[i] == null ? -1 : Shape.numel(tensors[i].shape());
            total += Math.max(0, lengths[i]);
        }
        if (total > Integer.MAX_VALUE / Float.BYTES) throw new IllegalStateException(total + " trainable values do not fit one Spark message");
        ByteBuffer bytes = ByteBuffer.allocate((int) total * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (Tensor t : tensors) if (t != null) floats.put(t.toArray());
        return new Weights(lengths, bytes.array());
    }

    /** Parameter {@code index}'s values, or null where it has none. */
    float[] values(int index) {
        if (lengths[index] < 0) return null;
        int offset = 0;
        for (int i = 0; i < index; i++) offset += Math.max(0, lengths[i]);
        float[] out = new float[lengths[index]];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(offset, out);
        return out;
    }

    /** Copies these values into the parameters. */
    void applyTo(Map<String, Variable> trainable) {
        if (trainable.size() != lengths.length)
            throw new IllegalStateException(lengths.length + " trainable tensors arrived for a model with " + trainable.size() + "; driver and executor built different models");
        int i = 0;
        for (Variable p : trainable.values()) p.data().copyFromInPlace(Tensor.of(values(i++), p.shape()));
    }
}
