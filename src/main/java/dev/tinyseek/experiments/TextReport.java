package dev.tinyseek.experiments;

import dev.tinyseek.chart.Plot;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.PromptContinuation;
import dev.tinyseek.generate.SpeculativeDecoder;
import dev.tinyseek.io.SafetensorsFile;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tokenizer.Tokenizer;
import dev.tinyseek.train.TextCorpus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/// `tinyseek text-experiments report`: the figures of the runs that `text-experiments run` saved.
///
/// 1. FP8 against fp32 (DeepSeek-V3 Figure 10's comparison): at every evaluation, the relative gap
///    `(L_fp8 − L_fp32) / L_fp32` of held-out loss, for each seed (same seed: same initial weights
///    and the same batches) and of the means, beside the fp32 seed-to-seed spread
///    `(max − min) / mean`; and one chart of both mean curves.
/// 2. The MTP ablation (Table 4's form): held-out loss and next-token accuracy of the main head,
///    without and with one MTP module, per seed and mean.
/// 3. Speculative decoding with the MTP model on held-out text: acceptance of the drafted token,
///    tokens per main-model step, tokens/s against plain greedy decoding, and the cost model.
public final class TextReport {

    private TextReport() {
    }

    /// One run's held-out curve and final figures.
    public record Run(String variant, long seed, int[] steps, double[] heldOut, Map<String, String> meta) {
        double last(String key) {
            return Double.parseDouble(meta.get(key));
        }
    }

    public static void report(Path dir, int prompts, int rounds, PrintStream out) throws IOException {
        Map<String, List<Run>> runs = read(dir);
        out.printf("runs in %s: %s%n", dir, runs.entrySet().stream().map(e -> e.getKey() + " seeds "
                + e.getValue().stream().map(r -> String.valueOf(r.seed())).toList()).toList());
        if (runs.containsKey("fp32") && runs.containsKey("fp8")) {
            fp8(runs.get("fp32"), runs.get("fp8"), dir, out);
        }
        if (runs.containsKey("fp32") && runs.containsKey("mtp")) {
            mtp(runs.get("fp32"), runs.get("mtp"), out);
        }
        if (runs.containsKey("mtp")) {
            Run first = runs.get("mtp").get(0);
            speculative(dir.resolve("mtp-seed" + first.seed()), prompts, rounds, out);
        }
    }

    public static Map<String, List<Run>> read(Path dir) throws IOException {
        Map<String, List<Run>> runs = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is not a directory; run 'tinyseek text-experiments run' first");
        }
        try (var list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.matches("(fp32|fp8|mtp)-seed\\d+") || !Files.isRegularFile(p.resolve(TextRuns.CURVE))) {
                    continue;
                }
                String variant = name.substring(0, name.indexOf("-seed"));
                runs.computeIfAbsent(variant, k -> new ArrayList<>())
                        .add(readRun(p, variant, Long.parseLong(name.substring(name.indexOf("-seed") + 5))));
            }
        }
        runs.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(Run::seed)));
        return runs;
    }

    /// The run saved in `p`: its held-out curve and its weights' metadata.
    public static Run readRun(Path p, String variant, long seed) throws IOException {
        List<String> lines = Files.readAllLines(p.resolve(TextRuns.CURVE));
        int n = lines.size() - 1;
        int[] steps = new int[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            steps[i] = Integer.parseInt(f[0]);
            loss[i] = Double.parseDouble(f[2]);
        }
        try (SafetensorsFile f = SafetensorsFile.open(p.resolve(Checkpoint.WEIGHTS))) {
            return new Run(variant, seed, steps, loss, f.metadata());
        }
    }

    public static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(Double.NaN);
    }

    public static void fp8(List<Run> fp32, List<Run> fp8, Path dir, PrintStream out) throws IOException {
        int[] steps = fp32.get(0).steps();
        List<Long> paired = fp8.stream().map(Run::seed).filter(s -> fp32.stream().anyMatch(r -> r.seed() == s)).toList();
        out.printf("%nFP8 vs fp32, held-out loss (nats/token) on the evaluation windows; gap = (fp8 - fp32) / fp32; "
                + "paired = same seed; spread = (max - min) / mean of fp32 over %d seeds%n", fp32.size());
        out.printf("%6s %10s %10s %10s %14s %14s%n", "step", "fp32 mean", "fp8 mean", "gap", "paired gaps", "fp32 spread");
        double[] m32 = new double[steps.length], m8 = new double[steps.length];
        double maxGapLate = 0, maxSpreadLate = 0, maxPairedLate = 0, maxOnePairedLate = 0, spreadSum = 0;
        int late = 0;
        for (int i = 0; i < steps.length; i++) {
            int k = i;
            double[] a = fp32.stream().mapToDouble(r -> r.heldOut()[k]).toArray();
            double[] b = fp8.stream().mapToDouble(r -> r.heldOut()[k]).toArray();
            m32[i] = mean(a);
            m8[i] = mean(b);
            double gap = (m8[i] - m32[i]) / m32[i];
            double spread = (Arrays.stream(a).max().orElseThrow() - Arrays.stream(a).min().orElseThrow()) / m32[i];
            StringBuilder pg = new StringBuilder();
            double pairedSum = 0, onePaired = 0;
            for (long s : paired) {
                double x32 = fp32.stream().filter(r -> r.seed() == s).findFirst().orElseThrow().heldOut()[k];
                double x8 = fp8.stream().filter(r -> r.seed() == s).findFirst().orElseThrow().heldOut()[k];
                pg.append(String.format("%s%+.2f%%", pg.isEmpty() ? "" : " ", 100 * (x8 - x32) / x32));
                pairedSum += (x8 - x32) / x32;
                onePaired = Math.max(onePaired, Math.abs((x8 - x32) / x32));
            }
            if (steps[i] >= steps[steps.length - 1] / 5) {
                maxGapLate = Math.max(maxGapLate, Math.abs(gap));
                maxSpreadLate = Math.max(maxSpreadLate, spread);
                maxPairedLate = Math.max(maxPairedLate, Math.abs(pairedSum / paired.size()));
                maxOnePairedLate = Math.max(maxOnePairedLate, onePaired);
                spreadSum += spread;
                late++;
            }
            out.printf("%6d %10.4f %10.4f %+9.3f%% %14s %13.3f%%%n", steps[i], m32[i], m8[i], 100 * gap, pg, 100 * spread);
        }
        double[] f32 = fp32.stream().mapToDouble(r -> r.last("heldout_loss")).toArray();
        double[] f8 = fp8.stream().mapToDouble(r -> r.last("heldout_loss")).toArray();
        out.printf("whole held-out split after %d steps: fp32 %.4f (bits per byte %.4f), fp8 %.4f (%.4f): gap %+.3f%%%n",
                steps[steps.length - 1], mean(f32), mean(fp32.stream().mapToDouble(r -> r.last("heldout_bits_per_byte")).toArray()),
                mean(f8), mean(fp8.stream().mapToDouble(r -> r.last("heldout_bits_per_byte")).toArray()), 100 * (mean(f8) - mean(f32)) / mean(f32));
        out.printf("from step %d on (%d evaluations): largest |mean of the paired gaps| %.3f%%, largest |paired gap| of one seed %.3f%%, "
                        + "largest |gap of the means| %.3f%%; fp32 seed-to-seed spread %.3f%% on average, %.3f%% at most%n",
                steps[steps.length - 1] / 5, late, 100 * maxPairedLate, 100 * maxOnePairedLate, 100 * maxGapLate,
                100 * spreadSum / late, 100 * maxSpreadLate);
        out.printf("DeepSeek-V3's relative error below 0.25%%: %s for the mean paired gap, %s for every single seed%n",
                maxPairedLate < 0.0025 ? "holds" : "does not hold", maxOnePairedLate < 0.0025 ? "holds" : "does not hold");
        double[] x = Arrays.stream(steps).asDoubleStream().toArray();
        Path png = dir.resolve("fp8-vs-fp32.png");
        Plot.lines(png, "held-out loss, Tiny Shakespeare, tiny shape (mean of " + fp32.size() + " seeds)", "step",
                "held-out loss (nats/token)", List.of(new Plot.Series("fp32", x, m32), new Plot.Series("fp8 (DeepSeek-V3 recipe)", x, m8)));
        out.println("wrote " + png);
    }

    public static void mtp(List<Run> fp32, List<Run> mtp, PrintStream out) {
        out.printf("%nMTP ablation (same steps, batches and seeds; main head on the whole held-out split: loss in nats "
                + "per token / next-token accuracy; bpb = bits per byte)%n");
        out.printf("%6s %22s %22s%n", "seed", "baseline: loss / acc", "w/ MTP (D=1): loss / acc");
        for (Run m : mtp) {
            Run b = fp32.stream().filter(r -> r.seed() == m.seed()).findFirst().orElse(null);
            out.printf("%6d %22s %22s%n", m.seed(), b == null ? "-" : String.format("%.4f / %.2f%%", b.last("heldout_loss"),
                    100 * b.last("heldout_accuracy")), String.format("%.4f / %.2f%%", m.last("heldout_loss"), 100 * m.last("heldout_accuracy")));
        }
        out.printf("%6s %22s %22s%n", "mean", String.format("%.4f / %.2f%%", mean(fp32.stream().mapToDouble(r -> r.last("heldout_loss")).toArray()),
                        100 * mean(fp32.stream().mapToDouble(r -> r.last("heldout_accuracy")).toArray())),
                String.format("%.4f / %.2f%%", mean(mtp.stream().mapToDouble(r -> r.last("heldout_loss")).toArray()),
                        100 * mean(mtp.stream().mapToDouble(r -> r.last("heldout_accuracy")).toArray())));
        out.printf("%6s %22s %22s%n", "bpb", String.format("%.4f", mean(fp32.stream().mapToDouble(r -> r.last("heldout_bits_per_byte")).toArray())),
                String.format("%.4f", mean(mtp.stream().mapToDouble(r -> r.last("heldout_bits_per_byte")).toArray())));
    }

    /// Greedy speculative decoding on `prompts` held-out passages of 32 tokens, 32 new tokens each.
    public static void speculative(Path modelDir, int prompts, int rounds, PrintStream out) throws IOException {
        Transformer model = Checkpoint.load(modelDir);
        Tokenizer tok = PromptContinuation.tokenizer(modelDir, model);
        int[] held = tok.encode(TextCorpus.shakespeare().heldOut());
        int promptLen = 32, maxNew = 32;
        int[][] ps = new int[prompts][];
        for (int i = 0; i < prompts; i++) {
            int start = (int) ((long) i * (held.length - promptLen) / prompts);
            ps[i] = Arrays.copyOfRange(held, start, start + promptLen);
        }
        int[] checked = new int[1], accepted = new int[1];
        int steps = 0, tokens = 0;
        for (int[] p : ps) {
            int[] plain = Generator.greedy(model, p, maxNew, -1);
            SpeculativeDecoder.Result r = SpeculativeDecoder.greedy(model, p, maxNew, -1, 1);
            if (!Arrays.equals(plain, r.tokens())) {
                throw new IllegalStateException("speculative output differs from greedy: a bug; please report it");
            }
            checked[0] += r.checkedAt()[0];
            accepted[0] += r.acceptedAt()[0];
            steps += r.rounds();
            tokens += r.tokens().length;
        }
        double perStep = (double) (tokens - ps.length) / steps; // the first token comes from the prefill
        out.printf("%nspeculative decoding, %s (MTP depth %d; one drafted token a round, so no second-token acceptance): "
                        + "%d held-out prompts of %d tokens, %d new tokens greedy; output = greedy for every prompt%n",
                modelDir, model.mtp.size(), ps.length, promptLen, maxNew);
        out.printf("acceptance of the drafted token %.3f (%d/%d); %.2f tokens per main-model step (plain: 1)%n",
                (double) accepted[0] / checked[0], accepted[0], checked[0], perStep);
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (int r = -1; r < rounds; r++) { // round -1 warms the JIT up
            for (int j = 0; j < 2; j++) {
                int v = (j + Math.max(0, r)) % 2;
                long t0 = System.nanoTime();
                for (int[] p : ps) {
                    if (v == 0) {
                        Generator.greedy(model, p, maxNew, -1);
                    } else {
                        SpeculativeDecoder.greedy(model, p, maxNew, -1, 1);
                    }
                }
                if (r >= 0) {
                    best[v] = Math.min(best[v], (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        out.printf("tokens/s (best of %d interleaved rounds, prefill included): plain %.0f, speculative %.0f: speed ratio %.2fx%n",
                rounds, tokens / best[0], tokens / best[1], best[0] / best[1]);
        double[] perRound = new double[model.mtp.size() + 1];
        Arrays.fill(perRound, Double.NaN);
        perRound[1] = perStep;
        MtpBench.costModel(model, ps[0], rounds, perRound, out);
    }
}
