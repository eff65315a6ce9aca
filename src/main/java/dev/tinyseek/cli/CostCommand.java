package dev.tinyseek.cli;

import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.ConfigJson;
import dev.tinyseek.model.CostAccelerator;
import dev.tinyseek.model.CostModel;
import dev.tinyseek.model.ModelConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/// `tinyseek cost CONFIG|PRESET`: what a model of this shape costs — parameters (total and per
/// token), FLOPs per token, KV-cache and weight memory, GPU-hours and dollars for a training run,
/// and with `--gpu-hours` the utilisation a reported figure implies. See [CostModel].
final class CostCommand implements Main.Command {

    @Override
    public String summary() {
        return "parameters, FLOPs, memory, GPU-hours and dollars of a config (no weights needed)";
    }

    static Args spec() {
        return new Args("cost", "Prices a model from its config alone: parameters (total and activated per token), FLOPs\n"
                + "per token, KV cache and weight memory, and the GPU-hours and dollars of training it on --tokens tokens.\n"
                + "With --gpu-hours, also the utilisation (MFU) that a reported GPU-hour figure implies.\n"
                + "DeepSeek-V3's own figures: --tokens 14.8e12 --gpu-hours 2.788e6 --price 2 (H800: 989 BF16, 1979 FP8).")
                .positional("CONFIG|PRESET", "a config.json, a checkpoint directory holding one, or a preset: tiny | small | deepseek-v3")
                .option("tokens", "N", "14.8e12", "training tokens")
                .option("context", "L", "4096", "context length; attention FLOPs count all L positions")
                .option("gpu-tflops", "X", "989", "dense peak TFLOPS per GPU (H800/H100 SXM: 989 BF16, 1979 FP8)")
                .option("mfu", "F", "0.4", "model-FLOPs utilisation, in (0, 1]")
                .option("price", "D", "2", "dollars per GPU-hour")
                .option("gpu-hours", "H", null, "a reported GPU-hour figure: print the MFU it implies")
                .flag("json", "print every figure as one JSON object");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        ModelConfig cfg = config(a.positional(0, "CONFIG|PRESET"));
        double tokens = a.number("tokens", 0, 1e18);
        int context = a.integer("context", 1, Integer.MAX_VALUE);
        double peak = a.number("gpu-tflops", 1e-9, 1e9);
        double mfu = a.number("mfu", 1e-9, 1);
        double price = a.number("price", 0, 1e9);
        double reported = a.has("gpu-hours") ? a.number("gpu-hours", 1e-9, 1e15) : Double.NaN;
        CostAccelerator acc = new CostAccelerator(peak, mfu, price);
        CostModel m = new CostModel(cfg);
        if (a.isSet("json")) {
            out.println(Json.write(m.toJson(tokens, context, acc, reported), true));
        } else {
            out.print(m.table(tokens, context, acc, reported));
        }
        return 0;
    }

    /// A preset by name, else a `config.json` file or a checkpoint directory holding one.
    static ModelConfig config(String arg) throws java.io.IOException {
        if (arg.equals("tiny") || arg.equals("small")) {
            return ModelConfig.preset(arg);
        }
        if (arg.equals("deepseek-v3")) {
            return ModelConfig.deepseekV3();
        }
        Path p = Path.of(arg);
        Path file = Files.isDirectory(p) ? p.resolve(Checkpoint.CONFIG) : p;
        if (!Files.isRegularFile(file)) {
            throw new Args.UsageException("CONFIG|PRESET " + arg + " is not valid; expected a preset (tiny, small, deepseek-v3), a "
                    + "config.json file or a checkpoint directory holding one (" + file + " does not exist)");
        }
        return ConfigJson.read(Files.readString(file), file.toString());
    }
}
