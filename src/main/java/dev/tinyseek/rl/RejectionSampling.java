package dev.tinyseek.rl;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/// Rejection sampling (R1 paper §2.3.3): sample several completions of training problems from a
/// reasoning model and keep only those a rule accepts — here, completions that ended, have the
/// template's shape, whose answer the verifier accepts, and whose thinking is exactly the column
/// addition of the problem ([R1Template.Thinking#consistent]), so a right answer reached by a
/// wrong or unreadable chain is dropped as well. The kept traces become SFT data.
///
/// Problems come from the training split only; a held-out problem can never be kept (checked
/// again for every trace, not just trusted to the sampler).
public final class RejectionSampling {

    /// The kept traces, and how many completions were sampled and kept.
    public record Result(List<SftData.Example> traces, int sampled, int kept, double seconds) {

        public double keptShare() {
            return sampled == 0 ? 0 : (double) kept / sampled;
        }
    }

    private RejectionSampling() {
    }

    /// `perProblem` completions at `temperature` for each of `problems` training problems drawn
    /// from `seed`; at most one kept trace per problem when `onePerProblem`.
    public static Result run(Transformer model, int problems, int perProblem, double temperature, int maxNew,
                             boolean onePerProblem, long seed) {
        long t0 = System.nanoTime();
        Rng r = new Rng(seed);
        List<Problem> ps = new ArrayList<>();
        long[] seeds = new long[problems];
        for (int i = 0; i < problems; i++) {
            ps.add(R1Template.TASK.sample(r, Split.TRAIN));
            seeds[i] = r.nextLong();
        }
        @SuppressWarnings("unchecked")
        List<SftData.Example>[] kept = new List[problems];
        Sampler sampler = new Sampler(temperature, 0, 1);
        Parallel.forRange(problems, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                Problem p = ps.get(i);
                kept[i] = new ArrayList<>();
                for (Completions.Sample s : Completions.sample(model, Codec.R1, p, perProblem, sampler, maxNew, new Rng(seeds[i]))) {
                    if (accept(p, s) && (!onePerProblem || kept[i].isEmpty())) {
                        kept[i].add(new SftData.Example(R1Template.prompt(p), s.text()));
                    }
                }
            }
        });
        List<SftData.Example> out = new ArrayList<>();
        for (List<SftData.Example> k : kept) {
            out.addAll(k);
        }
        return new Result(out, problems * perProblem, out.size(), (System.nanoTime() - t0) / 1e9);
    }

    /// Whether a completion of `p` is kept: ended, well-formed, right, consistent thinking, and
    /// `p` is not held out.
    public static boolean accept(Problem p, Completions.Sample s) {
        if (!s.ended() || isHeldOut(p)) {
            return false;
        }
        return R1Rewards.accuracy(R1Template.TASK).score(p, s.text(), true) > 0
                && R1Template.thinking(p, s.text()).consistent();
    }

    /// Whether `p` belongs to the held-out split of the template's task.
    public static boolean isHeldOut(Problem p) {
        String[] ab = R1Template.operands(p);
        return Addition.isTest(Long.parseLong(ab[0]), Long.parseLong(ab[1]));
    }
}
