package mdlora.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import mdlora.launcher.model.MultiDomainModel;
import mdlora.lora.BaseFingerprint;
import mdlora.tensor.Tensor;

/**
 * The fingerprint of a model's frozen parameters (names, shapes, values): what an executor compares with
 * the driver's before it computes anything, so that a stale or different backbone file on some machine's
 * view of the shared filesystem fails loudly instead of training silently wrong.
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(MultiDomainModel model) {
        Map<String, Tensor> frozen = new LinkedHashMap<>();
        model.classifier().namedParameters().forEach((name, p) -> {
            if (!p.requiresGrad()) frozen.put(name, p.data());
        });
        return BaseFingerprint.of(frozen);
    }
}
