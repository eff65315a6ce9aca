package dev.tinyseek.cli;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.experiments.BackendBench;
import dev.tinyseek.experiments.Bench;
import dev.tinyseek.experiments.MtpBench;
import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/// `tinyseek bench`: the speed figures of `docs/design.md#speed-targets` ([Bench]), the GEMM
/// backends side by side ([BackendBench], `--backend LIST`) or speculative decoding with MTP
/// ([MtpBench], `--mtp`).
final class BenchCommand implements Main.Command {

    @Override
    public String summary() {
        return "measure GEMM GFLOP/s, training and decoding tokens/s";
    }

    static Args spec() {
        return new Args("bench", "Measures the default Java path: GEMM at 512^3 and at the model's shapes, training and\n"
                + "decoding throughput, and model-FLOPs utilisation. --json prints one JSON object instead.")
                .option("preset", "NAME", "small", "model: tiny | small")
                .option("arch", "NAME", "deepseek", "deepseek | mla | dense (see 'tinyseek train --help')")
                .flag("no-long-context", "skip the MLA cache and long-context decoding figures")
                .option("batch", "N", "8", "training sequences per step")
                .option("seq-len", "N", "0", "training tokens per sequence (0 = 64 for tiny, 128 for small)")
                .option("seconds", "X", "3", "target seconds per measurement")
                .option("threads", "N", String.valueOf(Runtime.getRuntime().availableProcessors()), "worker threads")
                .flag("json", "print the figures as one JSON object")
                .option("backend", "LIST", null, "compare GEMM backends instead, e.g. java,vector,blas (GEMM GFLOP/s, C OpenBLAS baseline, training tokens/s)")
                .flag("mtp", "speculative decoding with MTP instead (see 'tinyseek bench --mtp --help')");
    }

    static Args mtpSpec() {
        return new Args("bench --mtp", "Speculative decoding with the MTP modules on a trained addition model: acceptance per\n"
                + "draft depth, answer tokens/s with and without speculation (interleaved in one run), and the\n"
                + "cost model that explains the ratio.")
                .option("model", "DIR", "tiny-models/deepseek-v3-addition", "checkpoint with MTP modules (tinyseek train --mtp-depth N)")
                .option("digits", "N", "auto", "digits of the addition problems (auto: the run's trainer_state.json, else 2)")
                .option("problems", "N", "200", "held-out problems")
                .option("rounds", "N", "5", "interleaved timing rounds (best of each variant)")
                .flag("no-train", "skip the training-cost figures (tokens/s with D = 0, 1, 2)")
                .option("threads", "N", "1", "worker threads (1: decoding batch 1 is too small to split)");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        if (List.of(argv).contains("--mtp")) {
            return mtp(Arrays.stream(argv).filter(s -> !s.equals("--mtp")).toArray(String[]::new), out);
        }
        Args a = spec().parseOrHelp(argv, out);
        String preset = a.choice("preset", "tiny", "small");
        String arch = a.choice("arch", Architectures.NAMES);
        int batch = a.integer("batch", 1, 4096);
        int seqLen = a.integer("seq-len", 0, Architectures.config(preset, arch).maxPositionEmbeddings());
        Bench.Settings s = new Bench.Settings(preset, arch, batch, seqLen == 0 ? (preset.equals("tiny") ? 64 : 128) : seqLen,
                a.number("seconds", 0.1, 600), !a.isSet("no-long-context"));
        Parallel.setThreads(a.integer("threads", 1, 1024));
        boolean json = a.isSet("json");
        PrintStream log = json ? new PrintStream(OutputStream.nullOutputStream()) : out;
        Map<String, Object> figures = a.string("backend") != null
                ? BackendBench.run(Args.usage(() -> BackendBench.parse(a.string("backend"))), s, log).figures()
                : Bench.run(s, log).figures();
        if (json) {
            out.println(Json.write(figures, false));
        }
        return 0;
    }

    private static int mtp(String[] argv, PrintStream out) throws Exception {
        Args a = mtpSpec().parseOrHelp(argv, out);
        Path dir = Path.of(a.string("model"));
        MtpBench.Settings s = MtpBench.Settings.defaults().withProblems(a.integer("problems", 1, 100_000))
                .withRounds(a.integer("rounds", 1, 1000)).withTrainingCost(!a.isSet("no-train"));
        Parallel.setThreads(a.integer("threads", 1, 1024));
        Transformer model = Checkpoint.load(dir);
        if (model.mtp.isEmpty()) {
            throw new Args.UsageException(dir + " has no MTP module (num_nextn_predict_layers = 0); "
                    + "give --model a run trained with --mtp-depth 1 or more");
        }
        s = a.string("digits").equals("auto") ? s.trainedIn(dir)
                : new MtpBench.Settings(a.integer("digits", 1, 9), true, s.problems(), s.rounds(), s.trainingCost());
        MtpBench.run(dir, model, s, out);
        return 0;
    }
}
