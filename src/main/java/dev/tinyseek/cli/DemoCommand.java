package dev.tinyseek.cli;

import dev.tinyseek.experiments.Demo;

import java.io.PrintStream;
import java.nio.file.Path;

/// `tinyseek demo`: the whole story on one shipped model ([Demo]) — the latent KV cache, the
/// experts a sum is routed to, speculative decoding with the MTP module, the FP8 error of the
/// model's own weights, and a short GRPO run.
final class DemoCommand implements Main.Command {

    @Override
    public String summary() {
        return "the whole story on a shipped model: MLA cache, experts, MTP speculation, FP8, GRPO";
    }

    static Args spec() {
        return new Args("demo", "Walks through what made DeepSeek-V3 work, on a small model this project trained:\n"
                + "MLA's cache, MoE routing, MTP speculative decoding, FP8 quantisation, and GRPO.")
                .option("model", "DIR", Demo.MODEL, "a checkpoint with MLA, MoE and an MTP module")
                .option("plots", "DIR", "runs/demo", "where the PNG charts go")
                .option("problems", "N", "200", "held-out problems for the decoding comparison")
                .option("weak", "DIR", Demo.WEAK_MODEL, "the weak model GRPO starts from")
                .option("grpo-steps", "N", "300", "GRPO steps in part 5 (0 = skip it)");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        Demo.run(new Demo.Settings(Path.of(a.string("model")), Path.of(a.string("plots")), a.integer("problems", 1, 100_000),
                Path.of(a.string("weak")), a.integer("grpo-steps", 0, 100_000)), out);
        return 0;
    }
}
