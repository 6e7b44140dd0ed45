package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mdlora.launcher.config.Config;
import mdlora.launcher.config.Knob;
import mdlora.launcher.model.LoraSettings;
import mdlora.lora.LoraConfig;
import mdlora.lora.LoraInit;
import mdlora.lora.MixerInit;
import mdlora.tensor.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command word, the completion script, and the one-to-one match of flags and config-file keys. */
class CommandLineTest {
    @Test
    void mistypedCommandGetsASuggestion() {
        Launcher.Result r = Launcher.run("trian");
        assertEquals(2, r.code());
        assertEquals("mdlora: unknown command 'trian' (did you mean train?) (mdlora --help lists them)", r.err().strip());
        r = Launcher.run("xyzzy");
        assertEquals(2, r.code());
        assertEquals("mdlora: unknown command 'xyzzy' (mdlora --help lists them)", r.err().strip());
    }

    @Test
    void mistypedOptionGetsASuggestion() {
        Launcher.Result r = Launcher.run("train", "--stop-afetr", "3");
        assertEquals(1, r.code());
        assertEquals("mdlora train: unknown option --stop-afetr (did you mean --stop-after?) (mdlora train --help lists the options)", r.err().strip());
    }

    @Test
    void completionScriptCompletesCommandsAndTheirOptions() {
        Launcher.Result r = Launcher.ok("completion");
        String script = r.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.lines().findFirst().orElse(""));
        assertTrue(script.contains("complete -F _complete_mdlora") || script.contains("_complete_mdlora"), "defines the completion function");
        for (String command : new String[] {"demo", "train", "eval", "predict", "export", "analyze", "experiment", "pretrain", "decode", "video-info"})
            assertTrue(script.contains(command), "completes " + command);
        for (Knob k : Knob.values()) if (!k.section().equals("pretrain")) assertTrue(script.contains("--" + k.flag()), "completes --" + k.flag());
        assertTrue(script.contains("--stop-after") && script.contains("--resume"));
        for (String option : new String[] {"--run", "--weights", "--input", "--eval-clips", "--seeds", "--values", "--size"})
            assertTrue(script.contains(option), "completes " + option);
        assertTrue(Launcher.run("completion", "zsh").code() != 0, "takes no arguments");
        assertTrue(Launcher.run("--help").out().contains("completion"), "listed in --help");
    }

    /** Every train flag is a config key (section.name, '-' for '_') and every config key a flag: none only in one place. */
    @Test
    void flagsAndConfigKeysAreOneToOne() {
        Set<String> flags = new TreeSet<>(TrainCommand.OPTIONS.valued());
        flags.addAll(PretrainCommand.OPTIONS.valued());
        flags.removeAll(RunOptions.RUN_FLAGS);
        Set<String> fromKeys = new TreeSet<>();
        for (String section : Config.defaults().toJson().keySet())
            for (String name : ((Map<?, ?>) Config.defaults().toJson().get(section)).keySet().stream().map(Object::toString).toList()) {
                Knob k = Knob.byKey(section + "." + name);
                assertTrue(k != null, "config key " + section + "." + name + " has a knob");
                fromKeys.add(k.flag());
                assertEquals(k == Knob.DOMAINS ? "domain" : name.replace('_', '-'), k.flag(), "flag of " + k.key());
            }
        assertEquals(fromKeys, flags, "flags of train and pretrain vs keys of the config file");
        String help = Launcher.ok("train", "--help").out() + Launcher.ok("pretrain", "--help").out();
        Matcher m = Pattern.compile("(?m)^\\s+--([a-z0-9-]+)").matcher(help);
        Set<String> listed = new TreeSet<>();
        while (m.find()) listed.add(m.group(1));
        listed.removeAll(RunOptions.RUN_FLAGS);
        assertEquals(flags, listed, "--help lists exactly the flags");
    }

    /** A plain train is the library's defaults (the paper's); the demo keeps its own smaller LoRAs, so its numbers do not move. */
    @Test
    void libraryDefaultsAndTheDemoPreset() {
        assertEquals(LoraConfig.DEFAULTS, LoraSettings.of(Config.defaults()));
        LoraConfig demo = LoraSettings.of(DemoCommand.preset());
        assertEquals(List.of(8, 8, 16f, 16f), List.of(demo.sharedRank(), demo.domainRank(), demo.sharedAlpha(), demo.domainAlpha()));
        assertEquals(LoraConfig.DEFAULTS.toBuilder().sharedRank(8).domainRank(8).sharedAlpha(16).domainAlpha(16).build(), demo);
    }

    /** The words of the choice knobs come from the library's enums; configs written with them must keep reading. */
    @Test
    void choiceWordsAreTheLibrarysEnums() {
        assertEquals(List.of("none", "kaiming", "orthogonal", "identity"), Knob.MIXER.choices());
        assertEquals(List.of("lora", "paper"), Knob.LORA_INIT.choices());
        for (MixerInit m : MixerInit.values()) assertEquals(m, LoraSettings.of(Config.defaults().with(Knob.MIXER, m.word())).mixer());
        assertEquals(LoraInit.SUBSPACE_RANDOM, LoraSettings.of(Config.defaults().with(Knob.LORA_INIT, "paper")).init());
    }

    @Test
    void everyConfigKeyReadsBackFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("all.json");
        Files.writeString(file, Json.write(Config.defaults().toJson()));
        assertEquals(Config.defaults(), Config.defaults().withFile(file));
        Files.writeString(file, "{\"train\": {\"stpes\": 3}}");
        Launcher.Result r = Launcher.run("train", "--config", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().endsWith("all.json: unknown config key 'train.stpes' (did you mean 'train.steps'?)"), r.err());
    }
}
