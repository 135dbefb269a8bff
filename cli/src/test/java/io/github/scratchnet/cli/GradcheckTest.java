package io.github.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** scratchnet gradcheck: the book's gradient check as a command, passing on the presets and failing above its tolerance. */
class GradcheckTest {
    @Test
    void thePresetsPassAndATighterToleranceFails() {
        for (String network : new String[] {"simpleconvnet", "multilayernet", "resnet"}) {
            Cli r = Cli.run("gradcheck", "--network", network, "--images", "2", "--samples", "6");
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.contains("W1 ") && r.out.lines().anyMatch(l -> l.startsWith("all ") && l.contains("keys within 1.0e-06")),
                    r.out);
        }
        Cli strict = Cli.run("gradcheck", "--network", "simpleconvnet", "--images", "2", "--samples", "6", "--tolerance", "1e-14");
        assertEquals(1, strict.exit, strict.toString());
        assertTrue(strict.err.contains("relative error") && strict.err.contains("above the tolerance 1.0e-14"), strict.err);
    }
}
