package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import mdlora.launcher.config.Preset;
import mdlora.launcher.config.Settings;
import mdlora.lora.LoraInit;
import mdlora.lora.MixerInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --preset}: each shipped recipe resolves to its source's values, under the config file and the flags. */
class PresetTest {
    /** {@code mdlora train ARGS} parsed and resolved as a run would be, without running it. */
    private static Settings resolve(String... args) {
        var cl = Main.commandLine();
        String[] line = new String[args.length + 1];
        line[0] = "train";
        System.arraycopy(args, 0, line, 1, args.length);
        cl.parseArgs(line);
        TrainCommand train = (TrainCommand) cl.getSubcommands().get("train").getCommand();
        return train.run.resolve(train.settings);
    }

    @Test
    void paperPresetIsSection41OfThePaper() {
        Settings s = resolve("--preset", "paper", "--backbone", "/models/vit_base_patch16_224.safetensors", "--domain", "ucf=ucf101:/d/ucf");
        // Takama et al. section 4.1.1: "the learning rate at 1e-4, the batch size at 8, the number of training iterations at 50000,
        // AdamW with a MultiStepLR ... The rank r of LoRA was fixed at 32, ... threshold ... 0.95. lambda1 and lambda2 ... 1 and 1e-7"
        assertEquals(1e-4, s.train.lr);
        assertEquals(8, s.train.batch);
        assertEquals(50000, s.train.steps);
        assertEquals(0, s.train.epochs, "iterations, not epochs");
        assertEquals(Settings.Optimizer.ADAMW, s.train.optimizer);
        assertEquals(Settings.Schedule.STEP, s.train.schedule, "MultiStepLR");
        assertEquals(32, s.lora.rankShared);
        assertEquals(32, s.lora.rankDomain);
        assertEquals(0.95, s.lora.tau);
        assertEquals(1.0, s.lora.lambda1);
        assertEquals(1e-7, s.lora.lambda2);
        // section 4.1.2 and Table 1: the upper-heavy structure (the one the paper goes on with), with sc and ds
        assertEquals(Settings.Structure.UPPER_HEAVY, s.lora.structure);
        assertTrue(s.lora.sc);
        assertTrue(s.lora.ds);
        // section 3.2: both LoRA matrices random, projected into their subspaces once at the start
        assertEquals(LoraInit.SUBSPACE_RANDOM, s.lora.init);
        assertEquals(MixerInit.NONE, s.lora.mixer);
        // the backbone is the user's; where the paper is silent, ours (README: Presets)
        assertEquals("/models/vit_base_patch16_224.safetensors", s.model.backbone);
        assertEquals(0, s.data.imageSize, "the backbone's own image size");
        assertEquals(8, s.data.frames);
        assertEquals(0, s.train.warmup, "plain MultiStepLR has no warmup");
        assertEquals(List.of("40%", "80%"), s.train.milestones);
        assertEquals(0.1, s.train.gamma);
        assertEquals(0.01, s.train.weightDecay, "PyTorch AdamW's default");
        assertEquals(32.0, s.lora.alphaShared);
        assertEquals(32.0, s.lora.alphaDomain);
        assertEquals(5000, s.train.evalEvery);
        assertEquals(1000, s.train.evalClips, "periodic evaluations on 1000 clips a domain; the final one on all");
        assertEquals(1000, s.train.checkpointEvery);
    }

    @Test
    void flagsAndTheConfigFileOverrideThePreset(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.json");
        Files.writeString(config, "{\"train\": {\"steps\": 1000, \"lr\": 0.5}}");
        Settings s = resolve("--preset", "paper", "--config", config.toString(), "--lr", "3e-4", "--milestones", "500,900");
        assertEquals(3e-4, s.train.lr, "a flag wins over the file and the preset");
        assertEquals(1000, s.train.steps, "the file wins over the preset");
        assertEquals(List.of("500", "900"), s.train.milestones);
        assertEquals(32, s.lora.rankShared, "the preset wins over the defaults");
        assertEquals(new Settings().train.lr, resolve().train.lr, "no preset: the defaults");
    }

    @Test
    void mtloraAndMosloraPresetsAreTheirPapersSettings() {
        Settings mt = resolve("--preset", "mtlora");
        assertEquals(4, mt.lora.rankDomain, "MTLoRA section 4: rank 4 for the task-specific matrices");
        assertEquals(32, mt.lora.rankShared, "MTLoRA Table 2: rank 32");
        assertEquals(4.0, mt.lora.alphaShared / mt.lora.rankShared, "MTLoRA: adapter output scale 4");
        assertEquals(4.0, mt.lora.alphaDomain / mt.lora.rankDomain);
        assertEquals(List.of("norms", "patch_embed"), mt.lora.unfreeze, "MTLoRA section 3.4: layer norms and patch embedding train too");
        assertEquals(LoraInit.LORA, mt.lora.init);
        assertTrue(!mt.lora.sc && !mt.lora.ds, "MTLoRA has neither subspace constraints nor separation");
        assertEquals(Settings.DomainBatches.PER_DOMAIN, mt.train.domainBatches, "MTLoRA trains every task each step");

        Settings mos = resolve("--preset", "moslora");
        assertEquals(MixerInit.KAIMING_UNIFORM, mos.lora.mixer, "MoSLoRA section 3.2: Kaiming-uniform mixer");
        assertEquals(LoraInit.LORA, mos.lora.init, "A Kaiming uniform, B zero");
        assertEquals(64, mos.lora.rankShared, "MoSLoRA Table 8: the visual encoder's rank 64, alpha 16");
        assertEquals(16.0, mos.lora.alphaShared);
        assertEquals(0.05, mos.lora.dropout, "MoSLoRA Table 7");
    }

    @Test
    void everyShippedPresetIsAValidConfigOfItsCommand() {
        for (String name : Preset.NAMES) Preset.named(name).applyTo(new Settings(), Set.of()).validate();
        Settings pretrain = Preset.named("pretrain").applyTo(Settings.forPretraining(), Set.of()).validate();
        assertEquals(pretrain.toJson(), PretrainCommand.preset().toJson());
        assertEquals(Preset.named("demo").applyTo(new Settings(), Set.of()).lora.rankShared, DemoCommand.preset().lora.rankShared);
    }

    @Test
    void anUnknownPresetIsOneLineWithTheNearestName() {
        var r = Launcher.run("train", "--preset", "papr");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown preset 'papr' (presets: paper, mtlora, moslora, demo); did you mean 'paper'?"), r.err());
        String help = Launcher.ok("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--preset=NAME start from a published recipe: paper, mtlora, moslora, demo"), help);
    }
}
