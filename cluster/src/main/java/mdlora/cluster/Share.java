package mdlora.cluster;

import java.io.Serializable;

/**
 * What task {@code rank} returns for one step: the summed cross-entropy of its rows, how many clips they
 * were, and the gradient of that sum (the separation terms are the driver's).
 */
record Share(int rank, int clips, float ceSum, Weights gradients) implements Serializable {}
