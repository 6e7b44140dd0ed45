package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mdlora.launcher.model.HubConfig;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;
import mdlora.nn.VideoClassifier;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsWriter;

/**
 * {@code mdlora export --run RUN_DIR --domain D --out FILE.safetensors}: the run's model for one domain
 * as a plain ViT in timm's layout (LoRAs merged into the weights, the domain's head as {@code head}),
 * with a Hugging Face style {@code config.json} beside it: loadable with no LoRA code.
 */
public final class ExportCommand implements Command {
    /** The options, each taking a value. */
    private static final Set<String> OPTIONS = Set.of("run", "domain", "out");

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a domain's merged model as a plain timm-layout ViT with its config.json";
    }

    @Override
    public String usage() {
        return """
                usage: mdlora export --run RUN_DIR --domain D --out FILE.safetensors

                Merges the shared and D's LoRAs into the frozen weights and writes the ViT with D's head in timm's layout
                (patch_embed.proj, cls_token, pos_embed, blocks.N..., norm, head), and beside it config.json (Hugging Face
                ViTConfig's names, D's label names as id2label, the normalisation as image_mean/image_std) and
                preprocessor_config.json. The video model is this ViT applied to every frame, the class-token features
                averaged over the frames before the head.""";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args args = Args.parse(name(), argv, OPTIONS, Set.of());
        RunDir run = RunDir.open(args.existingPath("run"));
        String domain = args.require("domain");
        Path out = Path.of(args.require("out")).toAbsolutePath();
        if (!out.getFileName().toString().endsWith(".safetensors")) throw new UserError("--out must name a .safetensors file, got " + out);
        Files.createDirectories(out.getParent());
        TrainedRun trained = TrainedRun.load(run);
        int d = trained.domainIndex(domain);
        var writer = new SafetensorsWriter().metadata("format", "pt").metadata("mdlora_domain", domain);
        merged(trained, domain, d).forEach(writer::put);
        writer.write(out);
        List<String> labels = trained.classes().get(domain);
        HubConfig.write(out.getParent(), trained.model().backboneConfig().withNumClasses(labels.size()), labels);
        System.out.println("exported " + domain + " (" + labels.size() + " classes) -> " + out + " (+ config.json, preprocessor_config.json)");
        return 0;
    }

    /** The merged weights in timm's layout; for a head-only run, the backbone as it is and the domain's head. */
    private static Map<String, Tensor> merged(TrainedRun trained, String domain, int d) {
        if (trained.model().lora() != null) return trained.model().lora().mergedStateDict(domain);
        VideoClassifier classifier = trained.model().classifier();
        Map<String, Tensor> out = new LinkedHashMap<>(classifier.backbone().stateDict());
        classifier.module("heads." + d).stateDict().forEach((k, v) -> out.put("head." + k, v));
        return out;
    }
}
