package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mdlora.launcher.model.HubConfig;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;
import mdlora.nn.VideoClassifier;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mdlora export --run RUN_DIR --domain D --out FILE.safetensors}: the run's model for one domain
 * as a plain ViT in timm's layout (LoRAs merged into the weights, the domain's head as {@code head}),
 * with a Hugging Face style {@code config.json} beside it: loadable with no LoRA code.
 */
@Command(name = "export", header = "write a domain's merged model as a plain timm-layout ViT with its config.json",
        description = {"Merges the shared and D's LoRAs into the frozen weights and writes the ViT with D's head in timm's layout "
                + "(patch_embed.proj, cls_token, pos_embed, blocks.N..., norm, head), and beside it config.json (Hugging Face ViTConfig's "
                + "names, D's label names as id2label, the normalisation as image_mean/image_std) and preprocessor_config.json. The video "
                + "model is this ViT applied to every frame, the class-token features averaged over the frames before the head."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "the run folder")
    Path run;
    @Option(names = "--domain", required = true, paramLabel = "D", description = "the domain to export")
    String domain;
    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "the weights file (config files go beside it)")
    Path out;

    @Override
    public Integer call() throws IOException {
        RunDir dir = RunDir.open(UserError.existing(run, "--run"));
        Path file = out.toAbsolutePath();
        if (!file.getFileName().toString().endsWith(".safetensors")) throw new UserError("--out must name a .safetensors file, got " + file);
        Files.createDirectories(file.getParent());
        TrainedRun trained = TrainedRun.load(dir);
        int d = trained.domainIndex(domain);
        var writer = new SafetensorsWriter().metadata("format", "pt").metadata("mdlora_domain", domain);
        merged(trained, domain, d).forEach(writer::put);
        writer.write(file);
        List<String> labels = trained.classes().get(domain);
        HubConfig.write(file.getParent(), trained.model().backboneConfig().withNumClasses(labels.size()), labels);
        System.out.println("exported " + domain + " (" + labels.size() + " classes) -> " + file + " (+ config.json, preprocessor_config.json)");
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
