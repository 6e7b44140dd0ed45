package mdlora.bench;

import java.util.function.DoubleUnaryOperator;

/**
 * One measured number. {@code torchKey} names the figure of torch_reference.py it is compared with
 * (null when PyTorch has none), and {@code fromTorch} turns that figure into this one's unit (the identity
 * but for derived figures such as MFU, which PyTorch's script reports as a time); {@code higherIsBetter}
 * says which way the comparison goes.
 */
public record Figure(String key, double value, String torchKey, DoubleUnaryOperator fromTorch, boolean higherIsBetter) {

    /** A rate, such as GFLOPS or frames/s. */
    public static Figure rate(String key, double value, String torchKey) {
        return new Figure(key, value, torchKey, DoubleUnaryOperator.identity(), true);
    }

    /** A cost, such as milliseconds or an error. */
    public static Figure cost(String key, double value, String torchKey) {
        return new Figure(key, value, torchKey, DoubleUnaryOperator.identity(), false);
    }

    /**
     * Model FLOPs utilisation as a fraction: {@code flops} of useful work done in {@code seconds}, over the
     * machine's peak measured in this run; PyTorch's from its time in ms under {@code torchMsKey}.
     */
    public static Figure mfu(String key, double flops, double seconds, String torchMsKey) {
        double peak = PeakFlops.gflops() * 1e9;
        return new Figure(key, flops / seconds / peak, torchMsKey, ms -> flops / (ms * 1e-3) / peak, true);
    }

    /** PyTorch's figure {@code torch} (as its script reports it) in this figure's unit. */
    public double torchValue(double torch) {
        return fromTorch.applyAsDouble(torch);
    }

    /** How many times better than PyTorch's {@code torch} (in this figure's unit): above 1 means mdlora does better. */
    public double ratioTo(double torch) {
        return higherIsBetter ? value / torch : torch / value;
    }
}
