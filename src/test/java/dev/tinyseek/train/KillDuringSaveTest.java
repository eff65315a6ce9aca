package dev.tinyseek.train;

import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/// A child JVM ([SaveLoop]) trains and saves a whole training checkpoint after every step; it is
/// killed (SIGKILL) at many points, most of them inside a save. After every kill the directory
/// holds one whole checkpoint, of the last step the child reported saved or the one after, and
/// resuming from it continues the run exactly: the weights equal those of a run that never
/// stopped, and the next steps give the same losses and weights, to the bit.
class KillDuringSaveTest {

    /// The run that never stopped, extended as far as a test needs: the loss of each step and a
    /// fingerprint of every weight after it.
    static final class Reference {
        final Transformer m = SaveLoop.model();
        final AdamW opt = AdamW.deepseek(m.params());
        final TaskData d = SaveLoop.data();
        final List<Double> losses = new ArrayList<>();
        final List<Long> prints = new ArrayList<>(List.of(fingerprint(m)));

        void extendTo(int steps) {
            while (losses.size() < steps) {
                int s = losses.size();
                losses.add(new Trainer(null).train(m, opt, d, SaveLoop.OPTIONS, null, s, s + 1, null).lastLoss());
                prints.add(fingerprint(m));
            }
        }
    }

    /// Every stored number of the model (parameters and router biases), bit for bit, in one long.
    static long fingerprint(Transformer m) {
        long h = 1;
        for (Param p : m.paramsByName().values()) {
            for (float x : p.data) {
                h = 31 * h + Float.floatToRawIntBits(x);
            }
        }
        return h;
    }

    @Test
    void everyCheckpointSurvivingAKillResumesExactly(@TempDir Path tmp) throws Exception {
        killAndResume(tmp, 4, 1);
    }

    @Test
    @Tag("slow")
    void everyCheckpointSurvivingFortyKillsResumesExactly(@TempDir Path tmp) throws Exception {
        killAndResume(tmp, 40, 2);
    }

    static void killAndResume(Path tmp, int kills, long seed) throws Exception {
        Reference ref = new Reference();
        Random random = new Random(seed);
        int interrupted = 0;
        for (int k = 0; k < kills; k++) {
            Path dir = tmp.resolve("run" + k);
            // 1. a child saving after every step, killed a random time after its first save
            Process child = start(dir);
            AtomicInteger lastSaved = new AtomicInteger();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("saved ")) {
                            lastSaved.set(Integer.parseInt(line.substring(6)));
                        }
                    }
                } catch (Exception ignored) {
                    // the pipe closes when the child dies
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (lastSaved.get() == 0 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(lastSaved.get()).as("the child saved a first checkpoint; its errors:\n%s",
                    child.isAlive() ? "" : new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isPositive();
            Thread.sleep(random.nextInt(250));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            int reported = lastSaved.get();
            boolean midSave = leftovers(tmp, "run" + k) > 0 || !Files.exists(dir);
            interrupted += midSave ? 1 : 0;

            // 2. the surviving checkpoint is whole and of the last reported step, or the one after
            TrainingState.Saved st = TrainingState.readState(dir); // finishes an interrupted swap
            assertThat(st.step()).as("kill %d: step on disk vs last reported saved", k).isBetween(reported, reported + 1);
            Transformer m = Checkpoint.load(dir);
            AdamW opt = AdamW.deepseek(m.params());
            TrainingState.load(dir, opt, m.params());
            TaskData d = SaveLoop.data().restore(st.dataRngState());
            ref.extendTo(st.step() + 3);
            assertThat(fingerprint(m)).as("kill %d: weights of step %d", k, st.step()).isEqualTo(ref.prints.get(st.step()));

            // 3. resuming gives the same next steps, to the bit
            for (int s = st.step(); s < st.step() + 3; s++) {
                double loss = new Trainer(null).train(m, opt, d, SaveLoop.OPTIONS, null, s, s + 1, null).lastLoss();
                assertThat(Double.doubleToRawLongBits(loss)).as("kill %d: loss of step %d", k, s)
                        .isEqualTo(Double.doubleToRawLongBits(ref.losses.get(s)));
                assertThat(fingerprint(m)).as("kill %d: weights after step %d", k, s + 1).isEqualTo(ref.prints.get(s + 1));
            }
        }
        System.out.printf("KillDuringSaveTest: %d kills, %d of them during a save (a staging directory left behind); "
                + "every surviving checkpoint resumed exactly%n", kills, interrupted);
    }

    static int leftovers(Path parent, String name) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return (int) s.filter(p -> p.getFileName().toString().startsWith("." + name + ".")).count();
        }
    }

    /// The child JVM, with this JVM's java, class path and flags (so it runs the same kernels).
    static Process start(Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-javaagent")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SaveLoop.class.getName());
        cmd.add(dir.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(false).start();
    }
}
