package mdlora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mdlora.launcher.model.HubConfig;
import mdlora.launcher.run.RunDir;
import mdlora.launcher.train.TrainedRun;
import mdlora.lora.MultiDomainLora;
import mdlora.lora.PeftNames;
import mdlora.lora.video.VideoClassifier;
import mdlora.tensor.Tensor;
import mdlora.tensor.io.Json;
import mdlora.tensor.io.SafetensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mdlora export --run RUN_DIR --adapters [--names timm|hf] --out DIR}: the run's adapters in PEFT's layout (one
 * folder per adapter, each domain's head as {@code modules_to_save}), under timm's layer names or Hugging Face
 * ViT's (qkv split exactly into query, key and value) so that PEFT loads them onto a {@code transformers} ViT.
 *
 * <p>{@code mdlora export --run RUN_DIR --domain D --out DIR}: the run's model for one domain as a plain ViT
 * in timm's layout (LoRAs merged into the weights, the domain's head as {@code head}) in a self-contained
 * folder, as Hugging Face keeps one: {@code model.safetensors}, {@code config.json} and
 * {@code preprocessor_config.json}, loadable with no LoRA code. It never writes over a file without
 * {@code --force}, and never into a run folder (whose config.json it would replace).
 */
@Command(name = "export", header = "write a domain's merged model as a plain timm-layout ViT folder (model.safetensors + config.json)",
        description = {"Merges the shared and D's LoRAs into the frozen weights and writes into the folder DIR: model.safetensors, the ViT "
                + "with D's head in timm's layout (patch_embed.proj, cls_token, pos_embed, blocks.N..., norm, head); config.json (Hugging "
                + "Face ViTConfig's names, D's label names as id2label, the normalisation as image_mean/image_std); and "
                + "preprocessor_config.json. The video model is this ViT applied to every frame, the class-token features averaged over "
                + "the frames before the head. Existing files are refused unless --force; a run folder is always refused.",
                "With --adapters, writes instead the run's adapters in PEFT's layout into DIR: one folder per adapter (shared, then each "
                + "domain), adapter_config.json + adapter_model.safetensors, each domain's head saved in its adapter as modules_to_save; "
                + "--names hf names the layers as Hugging Face's ViTForImageClassification does (query/key/value split exactly from qkv, "
                + "the head as classifier) for PeftModel.from_pretrained on a transformers ViT."})
final class ExportCommand implements Callable<Integer> {
    /** The files of an exported model, as a Hugging Face model folder names them. */
    static final List<String> FILES = List.of("model.safetensors", "config.json", "preprocessor_config.json");

    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "the run folder")
    Path run;
    @Option(names = "--domain", paramLabel = "D", description = "the domain to export (merged model)")
    String domain;
    @Option(names = "--adapters", description = "write the run's adapters (PEFT's layout, heads as modules_to_save) instead of a domain's merged model")
    boolean adapters;
    @Option(names = "--names", paramLabel = "N", description = "layer names of --adapters: timm (blocks.N.attn.qkv, head) or hf "
            + "(vit.encoder.layer.N.attention.attention.query|key|value, ..., classifier)")
    String names = "timm";
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder the model goes into (made if missing)")
    Path out;
    @Option(names = "--force", description = "write over the files of an earlier export in DIR")
    boolean force;

    @Override
    public Integer call() throws IOException {
        RunDir dir = RunDir.open(UserError.existing(run, "--run"));
        Path folder = out.toAbsolutePath().normalize();
        if (adapters) return exportAdapters(dir, folder);
        if (!names.equals("timm")) throw new UserError("--names applies to --adapters (a merged model is written in timm's layout)");
        if (domain == null) throw new UserError("give --domain D (the domain whose merged model to write) or --adapters");
        if (folder.getFileName().toString().endsWith(".safetensors"))
            throw new UserError("--out names the folder the model goes into (" + String.join(", ", FILES) + "), got a file name: " + out);
        if (Files.exists(folder) && !Files.isDirectory(folder)) throw new UserError("--out must be a folder, " + out + " is a file");
        if (!exported(folder.resolve("config.json")))
            throw new UserError(out + " holds a config.json that is not an exported model's (a run folder?); exporting there would replace it: choose another --out");
        for (String name : FILES)
            if (!force && Files.exists(folder.resolve(name)))
                throw new UserError(folder.resolve(name) + " already exists (use --force to write over it, or another --out)");
        TrainedRun trained = TrainedRun.load(dir);
        int d = trained.domainIndex(domain);
        List<String> labels = trained.classes().get(domain);
        Files.createDirectories(folder);
        var writer = new SafetensorsWriter().metadata("format", "pt").metadata("mdlora_domain", domain);
        merged(trained, domain, d).forEach(writer::put);
        writer.write(folder.resolve(FILES.getFirst()));
        HubConfig.write(folder, trained.model().backboneConfig().withNumClasses(labels.size()), labels);
        System.out.println("exported " + domain + " (" + labels.size() + " classes) -> " + folder + " (" + String.join(", ", FILES) + ")");
        return 0;
    }
    private int exportAdapters(RunDir dir, Path folder) throws IOException {
        PeftNames peftNames = switch (names) {
            case "timm" -> PeftNames.TIMM;
            case "hf" -> PeftNames.HF_VIT;
            default -> throw new UserError("--names must be timm or hf, got '" + names + "'");
        };
        if (domain != null) throw new UserError("--adapters writes every adapter (shared and each domain); leave out --domain");
        if (folder.equals(dir.path().toAbsolutePath().normalize())) throw new UserError("--out is the run folder; choose another folder for the adapters");
        TrainedRun trained = TrainedRun.load(dir);
        MultiDomainLora lora = trained.model().lora();
        if (lora == null) throw new UserError(dir.path() + " trained only the heads (head-only): it has no LoRA adapters to export");
        for (String adapter : lora.adapterNames())
            if (!force && Files.exists(folder.resolve(adapter)))
                throw new UserError(folder.resolve(adapter) + " already exists (use --force to write over it, or another --out)");
        try {
            trained.model().classifier().saveAdapters(lora, folder, peftNames);
        } catch (IllegalArgumentException e) {
            throw new UserError("cannot write the adapters with " + names + " names: " + e.getMessage());
        }
        System.out.println("exported adapters " + String.join(", ", lora.adapterNames()) + " (" + names + " names) -> " + folder);
        return 0;
    }

    /** Whether {@code config} is absent or a model config an earlier export wrote (the only config.json --force may replace). */
    private static boolean exported(Path config) throws IOException {
        if (!Files.exists(config)) return true;
        try {
            return Json.parseObject(Files.readString(config)).containsKey("model_type");
        } catch (IllegalArgumentException notJson) {
            return false;
        }
    }

    /** The merged weights in timm's layout; for a head-only run, the backbone as it is and the domain's head. */
    private static Map<String, Tensor> merged(TrainedRun trained, String domain, int d) {
        VideoClassifier classifier = trained.model().classifier();
        MultiDomainLora lora = trained.model().lora();
        return classifier.deployedStateDict(lora != null ? lora.mergedStateDict(domain) : classifier.backbone().stateDict(), d);
    }
}
