package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.scratchnet.optimizers.OptimizerKind;
import io.github.scratchnet.trainer.Augmentation;
import io.github.scratchnet.trainer.Recipe;
import io.github.scratchnet.trainer.TrainConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A recipe gives every setting; an option given on the command line replaces just its own. */
class TrainOptionsTest {

    private static TrainConfig parse(String... args) {
        Train train = new Train();
        new CommandLine(train).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return train.config();
    }

    @Test
    void withoutOptionsARecipeIsItself() {
        assertEquals(TrainConfig.DEFAULT, parse());
        assertEquals(Recipe.BEST.config, parse("--recipe", "best"));
    }

    @Test
    void anOptionReplacesOnlyItsOwnSetting() {
        TrainConfig c = parse("--recipe", "best", "--epochs", "3", "--optimizer", "adamw", "--weight-decay", "0.01",
                "--augment", "shift=1", "--label-smoothing", "0.1", "--schedule", "onecycle", "--warmup-epochs", "0");
        TrainConfig best = Recipe.BEST.config;
        assertEquals(new TrainConfig(3, best.batchSize(), OptimizerKind.ADAMW, best.lr(), TrainConfig.ScheduleKind.ONECYCLE, 0,
                0.01, 0.1, best.sampling(), new Augmentation(1, 0, 0, 0, 0), best.validation(), best.evalSamples(),
                best.trainSize(), best.testSize()), c);
    }

    @Test
    void everySettingGoesIntoACheckpointAndComesBack() {
        TrainConfig c = parse("--recipe", "best", "--optimizer", "adamw", "--label-smoothing", "0.05", "--augment",
                "shift=1.5,elastic=8:3");
        Properties p = new Properties();
        c.store(p);
        assertEquals(c, TrainConfig.load(p));
        // a checkpoint written before these settings existed gets their defaults
        for (String key : new String[] {"warmup_epochs", "label_smoothing", "augment", "validation"}) {
            p.remove(key);
        }
        TrainConfig old = TrainConfig.load(p);
        assertEquals(0, old.warmupEpochs());
        assertEquals(Augmentation.NONE, old.augmentation());
        assertEquals(0, old.validation());
    }

    @Test
    void withoutOutARunGoesIntoTheNextNumberedFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path runs = dir.resolve("runs");
        assertEquals(runs.resolve("resnet-1"), Train.newRunFolder(runs, io.github.scratchnet.trainer.NetworkSpec.Preset.RESNET));
        for (String name : new String[] {"deepconvnet-1", "deepconvnet-7", "vgg-9", "deepconvnet-x"}) {
            java.nio.file.Files.createDirectories(runs.resolve(name));
        }
        assertEquals(runs.resolve("deepconvnet-8"),
                Train.newRunFolder(runs, io.github.scratchnet.trainer.NetworkSpec.Preset.DEEPCONVNET));
    }
}
