package dev.tinyseek.experiments;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.model.Architectures;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.train.AdamW;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/// `tinyseek bench --backend java,blas[,cuda]`: the GEMM backends side by side, in one process,
/// interleaved (round 1: every backend, round 2: every backend, ...), so that each ratio compares
/// runs under the same load. The best round counts (least disturbed by the machine's other work).
///
/// 1. GEMM GFLOP/s at 512³ and at the model's shapes (`y[N,out] = x[N,in]·Wᵀ`, N = batch × tokens);
/// 2. the same shapes through OpenBLAS called from C (`src/test/c/cblas_bench.c`, compiled with
///    gcc when there is one), run between the Java rounds: the cost of the FFM binding;
/// 3. training tokens/s of the model per backend, and the share of a step spent inside the GEMM,
///    which says how much any GEMM backend can speed training up at this size.
public final class BackendBench {

    private BackendBench() {
    }

    public static final int ROUNDS = 3;

    /// Parses `java,blas,cuda` into backends (each loaded now, so a missing library is reported first).
    public static List<Gemm> parse(String list) {
        List<Gemm> out = new ArrayList<>();
        for (String name : new LinkedHashSet<>(List.of(list.split(",")))) {
            String n = name.strip();
            if (!Backends.NAMES.contains(n)) {
                throw new IllegalArgumentException("unknown backend '" + n + "' in --backend " + list + "; valid: "
                        + String.join(", ", Backends.NAMES) + " (comma-separated, e.g. java,blas)");
            }
            out.add(Backends.byName(n));
        }
        return out;
    }

    /// The figures, under the keys of `tinyseek bench --backend LIST --json`: `backends`,
    /// `threads`, `preset`, `gemm_gflops` by shape and backend, `train_tokens_per_s` and
    /// `train_gemm_share` by backend.
    public record Result(Map<String, Object> figures) {
        @Override
        public String toString() {
            return dev.tinyseek.io.Json.write(figures, false);
        }
    }

    /// Runs the comparison on the model and batch of `s` (its `longContext` is not used),
    /// printing the tables to `out`; the backend in use before is restored after.
    public static Result run(List<Gemm> gemms, Bench.Settings s, PrintStream out) throws Exception {
        Gemm before = Backends.gemm();
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            runAll(gemms, Architectures.config(s.preset(), s.arch()), s.preset(), s.batch(), s.seqLen(), s.seconds(), out, r);
        } finally {
            Backends.use(before);
        }
        return new Result(r);
    }

    private static void runAll(List<Gemm> gemms, ModelConfig cfg, String preset, int batch, int seqLen, double seconds,
                               PrintStream out, Map<String, Object> json) throws Exception {
        json.put("backends", names(gemms));
        json.put("threads", Parallel.threads());
        json.put("preset", preset);
        json.put("train_batch", batch);
        json.put("train_seq_len", seqLen);
        int n = batch * seqLen;
        for (Gemm g : gemms) {
            out.println("backend: " + Backends.describe(g));
        }
        out.printf("backends %s, %d threads, preset %s, training batch %d x %d; best of %d interleaved rounds "
                        + "(absolute figures depend on the machine's load; ratios come from the same rounds)%n",
                names(gemms), Parallel.threads(), preset, batch, seqLen, ROUNDS);

        // 1-2. GEMM shapes: 512³ and each distinct linear layer of the model
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, String> labels = new HashMap<>();
        shapes.put("512^3", new int[]{512, 512, 512});
        for (Param p : new Transformer(cfg, 1).params()) {
            if (p.shape.length == 2 && !p.name.contains("embed_tokens")) {
                String layer = p.name.replaceAll("model\\.layers\\.\\d+\\.", "").replace(".weight", "");
                String key = n + "x" + p.shape[0] + "x" + p.shape[1];
                shapes.putIfAbsent(key, new int[]{n, p.shape[0], p.shape[1]});
                labels.putIfAbsent(key, layer);
            }
        }
        double per = Math.max(0.05, seconds / 6);
        Map<String, double[]> best = new LinkedHashMap<>(); // shape -> GFLOP/s per backend (+ C at the end)
        CBaseline c = CBaseline.find(out);
        for (String s : shapes.keySet()) {
            best.put(s, new double[gemms.size() + 1]);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (var e : shapes.entrySet()) {
                int[] sh = e.getValue();
                for (int g = 0; g < gemms.size(); g++) {
                    double r = Bench.gflops(gemms.get(g), sh[0], sh[1], sh[2], per);
                    best.get(e.getKey())[g] = Math.max(best.get(e.getKey())[g], r);
                }
            }
            if (c != null) {
                Map<String, Double> fromC = c.run(Parallel.threads(), per, shapes.values());
                for (var e : shapes.entrySet()) {
                    int[] sh = e.getValue();
                    Double r = fromC.get(sh[0] + "," + sh[1] + "," + sh[2]);
                    if (r != null) {
                        best.get(e.getKey())[gemms.size()] = Math.max(best.get(e.getKey())[gemms.size()], r);
                    }
                }
            }
        }
        out.println();
        out.printf("GEMM GFLOP/s, C[M,N] = A[M,K]·B[N,K]^T%n%-16s %-30s", "M x N x K", "layer");
        for (Gemm g : gemms) {
            out.printf(" %9s", g.name());
        }
        if (gemms.size() > 1) {
            out.printf(" %9s", gemms.get(1).name() + "/" + gemms.get(0).name());
        }
        boolean hasBlas = names(gemms).contains("blas");
        if (c != null) {
            out.printf(" %10s", "C OpenBLAS");
            if (hasBlas) {
                out.printf(" %10s", "blas / C");
            }
        }
        out.println();
        int blas = names(gemms).indexOf("blas");
        Map<String, Object> gemmJson = new LinkedHashMap<>();
        for (var e : best.entrySet()) {
            Map<String, Object> one = new LinkedHashMap<>();
            for (int g = 0; g < gemms.size(); g++) {
                one.put(gemms.get(g).name(), round(e.getValue()[g]));
            }
            if (c != null) {
                one.put("c_openblas", round(e.getValue()[gemms.size()]));
            }
            gemmJson.put(e.getKey(), one);
        }
        json.put("gemm_gflops", gemmJson);
        for (var e : best.entrySet()) {
            out.printf("%-16s %-30s", e.getKey(), labels.getOrDefault(e.getKey(), ""));
            double[] r = e.getValue();
            for (int g = 0; g < gemms.size(); g++) {
                out.printf(" %9.1f", r[g]);
            }
            if (gemms.size() > 1) {
                out.printf(" %8.2fx", r[1] / r[0]);
            }
            if (c != null) {
                out.printf(" %10.1f", r[gemms.size()]);
                if (blas >= 0 && r[gemms.size()] > 0) {
                    out.printf(" %9.0f%%", 100 * r[blas] / r[gemms.size()]);
                }
            }
            out.println();
        }

        // 3. training tokens/s per backend, interleaved, and the GEMM's share of a step
        out.println();
        List<Transformer> models = new ArrayList<>();
        List<Runnable> steps = new ArrayList<>();
        List<Timed> timed = new ArrayList<>();
        for (Gemm g : gemms) {
            Transformer m = new Transformer(cfg, 1);
            models.add(m);
            steps.add(trainingStep(m, batch, seqLen));
            timed.add(new Timed(g));
        }
        double[] tps = new double[gemms.size()];
        double[] gemmShare = new double[gemms.size()];
        for (int round = 0; round < ROUNDS; round++) {
            for (int g = 0; g < gemms.size(); g++) {
                Backends.use(timed.get(g));
                timed.get(g).reset();
                long t0 = System.nanoTime();
                double rate = Bench.rate(steps.get(g), n, Math.max(0.2, seconds / 2));
                double wall = (System.nanoTime() - t0) / 1e9;
                if (rate > tps[g]) {
                    tps[g] = rate;
                    gemmShare[g] = timed.get(g).seconds() / wall;
                }
            }
        }
        out.printf("training %s (batch %d x %d), tokens/s:%n", preset, batch, seqLen);
        for (int g = 0; g < gemms.size(); g++) {
            out.printf("  %-6s %8.0f tokens/s  (%.2fx %s)   GEMM running %2.0f%% of the run's time%n", gemms.get(g).name(), tps[g],
                    tps[g] / tps[0], gemms.get(0).name(), 100 * gemmShare[g]);
        }
        out.println("  (GEMM share: wall time during which a GEMM call was running, over the run's wall time. What is");
        out.println("   not GEMM - attention softmax, RMSNorm, RoPE, routing, SwiGLU, cross-entropy, AdamW, copies -");
        out.println("   runs in Java whatever the backend, and bounds the speed-up any GEMM backend can give.)");
        Map<String, Object> tpsJson = new LinkedHashMap<>(), shareJson = new LinkedHashMap<>();
        for (int g = 0; g < gemms.size(); g++) {
            tpsJson.put(gemms.get(g).name(), round(tps[g]));
            shareJson.put(gemms.get(g).name(), round(gemmShare[g]));
        }
        json.put("train_tokens_per_s", tpsJson);
        json.put("train_gemm_share", shareJson);
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }

    private static List<String> names(List<Gemm> gemms) {
        return gemms.stream().map(Gemm::name).toList();
    }

    /// One training step of the model (forward, cross-entropy, backward, AdamW), on random tokens.
    public static Runnable trainingStep(Transformer model, int batch, int seqLen) {
        Rng rng = new Rng(3);
        int n = batch * seqLen, v = model.config.vocabSize();
        int[] tokens = new int[n], targets = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = rng.nextInt(v);
            targets[i] = rng.nextInt(v);
        }
        AdamW opt = AdamW.deepseek(model.params());
        return () -> {
            Transformer.Saved s = model.forward(tokens, batch, seqLen);
            model.zeroGrad();
            float[] dl = new float[n * v];
            CrossEntropy.forwardBackward(dl, s.logits(), targets, CrossEntropy.IGNORE, n, v, 1f);
            model.backward(s, dl);
            opt.step(1e-4);
        };
    }

    /// A GEMM that measures the wall time during which at least one GEMM call was running (calls
    /// from parallel loops overlap; counting each would overstate the GEMM's share).
    public static final class Timed implements Gemm {
        final Gemm inner;
        private int active;
        private long since;
        private long nanos;

        Timed(Gemm inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public boolean naiveBits() {
            return inner.naiveBits();
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
            enter();
            try {
                inner.gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
            } finally {
                exit();
            }
        }

        private synchronized void enter() {
            if (active++ == 0) {
                since = System.nanoTime();
            }
        }

        private synchronized void exit() {
            if (--active == 0) {
                nanos += System.nanoTime() - since;
            }
        }

        synchronized void reset() {
            nanos = 0;
        }

        synchronized double seconds() {
            return nanos / 1e9;
        }
    }

    /// The C program of step 2: found beside the sources, compiled once into `target/`.
    public record CBaseline(Path binary) {

        static CBaseline find(PrintStream out) {
            Path src = null;
            for (Path root : roots()) {
                Path p = root.resolve("src/test/c/cblas_bench.c");
                if (Files.isRegularFile(p)) {
                    src = p;
                    break;
                }
            }
            if (src == null) {
                out.println("C baseline skipped: src/test/c/cblas_bench.c not found (run from the repository)");
                return null;
            }
            Path bin = src.getParent().getParent().getParent().getParent().resolve("target/cblas_bench");
            try {
                if (!Files.isExecutable(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
                    Files.createDirectories(bin.getParent());
                    Process p = new ProcessBuilder("gcc", "-O2", "-o", bin.toString(), src.toString(), "-l:libopenblas.so.0")
                            .redirectErrorStream(true).start();
                    String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        out.println("C baseline skipped: gcc could not build " + src + ": " + msg.strip());
                        return null;
                    }
                }
            } catch (IOException e) {
                out.println("C baseline skipped: no gcc to build " + src + " (apt-get install gcc): " + e.getMessage());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            return new CBaseline(bin);
        }

        private static List<Path> roots() {
            List<Path> r = new ArrayList<>();
            r.add(Path.of("").toAbsolutePath());
            try {
                Path jar = Path.of(BackendBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                r.add(jar.getParent().getParent()); // target/tinyseek.jar or target/classes -> the repository
            } catch (Exception ignored) {
                // no code source: the working directory is all we have
            }
            return r;
        }

        /// Runs the C program on the shapes; returns GFLOP/s by "M,N,K".
        Map<String, Double> run(int threads, double seconds, Iterable<int[]> shapes) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), String.valueOf(threads), String.valueOf(seconds)));
            for (int[] s : shapes) {
                cmd.add(s[0] + "," + s[1] + "," + s[2]);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Map<String, Double> r = new HashMap<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 2) {
                        try {
                            r.put(parts[0], Double.parseDouble(parts[1]));
                        } catch (NumberFormatException ignored) {
                            // not a result line
                        }
                    }
                }
            }
            p.waitFor();
            return r;
        }
    }
}
