package mdlora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mdlora.launcher.config.Settings;
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
        assertEquals(2, r.code());
        assertEquals("mdlora train: unknown option --stop-afetr (did you mean --stop-after?) (mdlora train --help lists the options)", r.err().strip());
        r = Launcher.run("eval", "--rnu", "x");
        assertEquals("mdlora eval: unknown option --rnu (did you mean --run?) (mdlora eval --help lists the options)", r.err().strip());
    }

    @Test
    void completionScriptCompletesCommandsTheirOptionsAndChoices() {
        Launcher.Result r = Launcher.ok("completion");
        String script = r.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.lines().findFirst().orElse(""));
        assertTrue(script.contains("_complete_mdlora"), "defines the completion function");
        for (String command : new String[] {"demo", "train", "eval", "predict", "export", "analyze", "experiment", "pretrain", "decode", "video-info"})
            assertTrue(script.contains(command), "completes " + command);
        for (Settings.Setting s : new Settings().settings()) assertTrue(script.contains(s.flag()), "completes " + s.flag());
        assertTrue(script.contains("--stop-after") && script.contains("--resume") && script.contains("--config"));
        for (String option : new String[] {"--run", "--weights", "--input", "--eval-clips", "--seeds", "--values", "--size"})
            assertTrue(script.contains(option), "completes " + option);
        for (String choice : new String[] {"upper-heavy", "all-flat", "head-only", "kaiming", "orthogonal", "paper", "adamw", "sgd", "cosine", "table1"})
            assertTrue(script.contains(choice), "completes the choice " + choice);
        assertTrue(Launcher.run("completion", "zsh").code() != 0, "takes no arguments");
        assertTrue(Launcher.run("--help").out().contains("completion"), "listed in --help");
    }

    /** Every config key is a flag of train or pretrain (its longest name, '-' for '_'), and --help lists exactly those and the run options. */
    @Test
    void flagsAndConfigKeysAreOneToOne() {
        Settings defaults = new Settings();
        Set<String> fromKeys = new TreeSet<>();
        Map<String, Object> json = defaults.toJson();
        for (String section : json.keySet())
            for (Object name : ((Map<?, ?>) json.get(section)).keySet()) fromKeys.add("--" + name.toString().replace('_', '-'));
        Set<String> flags = new TreeSet<>();
        for (Settings.Setting s : defaults.settings()) assertTrue(flags.add(s.flag()), "one setting per flag: " + s.flag());
        assertEquals(fromKeys, flags, "flags vs keys of the config file");
        String help = Launcher.ok("train", "--help").out() + Launcher.ok("pretrain", "--help").out();
        Matcher m = Pattern.compile("--[a-z0-9-]+").matcher(help);
        Set<String> listed = new TreeSet<>();
        while (m.find()) listed.add(m.group());
        Set<String> missing = new TreeSet<>(flags);
        missing.removeAll(listed);
        assertEquals(Set.of(), missing, "--help lists every flag");
        assertTrue(help.contains("Default: 0.95") && help.contains("Default: upper-heavy"), "--help shows the defaults");
        assertTrue(Launcher.ok("demo", "--help").out().contains("Default: 1200"), "the demo's --help shows its preset");
    }

    /** A plain train is the library's defaults (the paper's); the demo keeps its own smaller LoRAs, so its numbers do not move. */
    @Test
    void libraryDefaultsAndTheDemoPreset() {
        assertEquals(LoraConfig.DEFAULTS, LoraSettings.of(new Settings()));
        LoraConfig demo = LoraSettings.of(DemoCommand.preset());
        assertEquals(LoraConfig.DEFAULTS.toBuilder().sharedRank(8).domainRank(8).sharedAlpha(16).domainAlpha(16).build(), demo);
    }

    /** The choice words are the enums' own; configs written with them keep reading, on the command line as in a file. */
    @Test
    void choiceWordsAreTheEnums(@TempDir Path dir) throws Exception {
        for (MixerInit m : MixerInit.values()) {
            Settings s = new Settings().withJson(Map.of("lora", Map.of("mixer", m.word())), Set.of());
            assertEquals(m, LoraSettings.of(s).mixer());
        }
        assertEquals(LoraInit.SUBSPACE_RANDOM, new Settings().withJson(Map.of("lora", Map.of("init", "paper")), Set.of()).lora.init);
        Launcher.Result r = Launcher.run("train", "--mixer", "kaimin");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("none, kaiming, orthogonal, identity"), r.err());
    }

    @Test
    void everyConfigKeyReadsBackFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("all.json");
        Settings demo = DemoCommand.preset();
        Files.writeString(file, Json.write(demo.toJson()));
        assertEquals(demo.toJson(), Settings.read(file).toJson());
        Files.writeString(file, "{\"train\": {\"stpes\": 3}}");
        Launcher.Result r = Launcher.run("train", "--config", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().endsWith("all.json: unknown config key 'train.stpes' (did you mean 'train.steps'?)"), r.err());
    }
}
