package mdlora.nn;

/**
 * A module whose computation depends on the domain of each input row (domain-specific adapters).
 * Before a forward pass the model calls {@link #routeDomains} on every such module with the domain of
 * each row along axis 0 of the inputs that will reach it.
 */
public interface DomainAware {
    /** {@code domainOfRow[i]} is the domain index of row i of the coming inputs. */
    void routeDomains(int[] domainOfRow);
}
