package mdlora.cluster;

import java.io.Serializable;

/**
 * What an executor needs to rebuild the driver's job: the run's resolved config (as JSON), the
 * fingerprint of the frozen backbone the driver trains on, and the engine threads of one task.
 */
record RunSpec(String configJson, String fingerprint, int threads) implements Serializable {}
