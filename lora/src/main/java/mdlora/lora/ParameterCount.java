package mdlora.lora;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter counts of a model with LoRAs attached.
 *
 * @param total every parameter, frozen backbone included
 * @param trainable the parameters that train (LoRAs and anything unfrozen)
 * @param shared the shared LoRAs' parameters
 * @param perDomain each domain's LoRA parameters, by domain name
 */
public record ParameterCount(long total, long trainable, long shared, Map<String, Long> perDomain) {
    /** Copies {@code perDomain}, keeping its order. */
    public ParameterCount {
        perDomain = Collections.unmodifiableMap(new LinkedHashMap<>(perDomain));
    }

    /**
     * All LoRA parameters: shared plus every domain's.
     *
     * @return the LoRA parameter count
     */
    public long lora() {
        return shared + perDomain.values().stream().mapToLong(Long::longValue).sum();
    }
}
