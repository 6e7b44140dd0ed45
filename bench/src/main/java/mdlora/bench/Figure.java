package mdlora.bench;

/**
 * One measured number. {@code torchKey} names the figure of torch_reference.py it is compared with
 * (null when PyTorch has none); {@code higherIsBetter} says which way the comparison goes.
 */
public record Figure(String key, double value, String torchKey, boolean higherIsBetter) {

    /** A rate, such as GFLOPS or frames/s. */
    public static Figure rate(String key, double value, String torchKey) {
        return new Figure(key, value, torchKey, true);
    }

    /** A cost, such as milliseconds or an error. */
    public static Figure cost(String key, double value, String torchKey) {
        return new Figure(key, value, torchKey, false);
    }

    /** How many times better than PyTorch's {@code torch}: above 1 means mdlora does better. */
    public double ratioTo(double torch) {
        return higherIsBetter ? value / torch : torch / value;
    }
}
