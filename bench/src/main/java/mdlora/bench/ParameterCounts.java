package mdlora.bench;

import java.util.List;
import java.util.Locale;
import mdlora.lora.LoraConfig;
import mdlora.lora.ParameterCount;
import mdlora.lora.Placement;
import mdlora.lora.video.VideoClassifier;
import mdlora.nn.ViTConfig;
import mdlora.nn.VisionTransformer;
import mdlora.tensor.Rng;

/**
 * Prints the trainable parameters of the two placements of Takama et al. ("Separating Shared and
 * Domain-Specific LoRAs") on ViT-B/16 with heads for UCF101, Kinetics-400 and HMDB51:
 * {@code ParameterCounts [rank]} (default 32). The counts come from attaching the LoRAs to a real model,
 * without subspace constraints: those change no count, only the SVDs' start-up time.
 */
public final class ParameterCounts {
    private static final List<VideoClassifier.Domain> DOMAINS = List.of(
            new VideoClassifier.Domain("ucf101", 101), new VideoClassifier.Domain("k400", 400), new VideoClassifier.Domain("hmdb51", 51));

    private ParameterCounts() {}

    /** Prints the table; the optional argument is the rank. */
    public static void main(String[] args) {
        int rank = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        System.out.printf(Locale.ROOT, "ViT-B/16, r = %d, domains:", rank);
        for (VideoClassifier.Domain d : DOMAINS) System.out.printf(Locale.ROOT, " %s (%d classes)", d.name(), d.numClasses());
        System.out.println();
        System.out.printf(Locale.ROOT, "%-12s %12s %12s %12s %12s %12s %12s%n", "placement", "total", "shared LoRA", "per domain", "all LoRA", "heads", "trainable");
        for (Placement p : List.of(Placement.upperHeavy(), Placement.allFlat())) {
            ParameterCount c = count(ViTConfig.base16().withNumClasses(0), p, rank);
            long perDomain = c.perDomain().values().iterator().next();
            System.out.printf(Locale.ROOT, "%-12s %,12d %,12d %,12d %,12d %,12d %,12d%n",
                    p.name(), c.total(), c.shared(), perDomain, c.lora(), c.trainable() - c.lora(), c.trainable());
        }
    }

    /** The counts of a {@link VideoClassifier} (heads included) on a ViT of {@code vit}'s size with the three domains. */
    static ParameterCount count(ViTConfig vit, Placement placement, int rank) {
        Rng rng = new Rng(0);
        VideoClassifier model = new VideoClassifier(new VisionTransformer(vit, rng), DOMAINS, 0f, rng);
        LoraConfig config = LoraConfig.builder().placement(placement).rank(rank).subspaceConstraints(false).build();
        ParameterCount lora = model.attachLora(config, rng).parameterCount();
        return new ParameterCount(model.parameterCount(), model.trainableParameterCount(), lora.shared(), lora.perDomain());
    }
}
