package dev.tinyseek.rl;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.generate.Sampler;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// The evaluation's metrics recomputed by hand from the same samples, and the sampling shared
/// with GRPO checked against plain generation.
class R1EvalTest {

    private static Transformer smallModel(long seed) {
        return new Transformer(R1Base.tinyConfig().dense().withNumHiddenLayers(1), seed);
    }

    @Test
    void metricsAreRecomputedFromTheSamples() {
        Transformer m = smallModel(3);
        // a few SFT steps so that the model writes a mix of direct, worked and malformed completions
        Sft.run(m, new SftData(R1Base.corpus(0.5), 1, 16, R1Base.SEQ_LEN), 60, 3e-3, 0);
        List<Problem> held = R1Template.TASK.heldOut(6, 9);
        int k = 4, maxNew = 40;
        long seed = 77;
        R1Eval.Metrics got = R1Eval.evaluate(m, R1Template.TASK, held, k, maxNew, seed);
        // the same draws, in the documented order: one generator per problem, seeded in order
        Rng r = new Rng(seed);
        long[] seeds = new long[held.size()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = r.nextLong();
        }
        double pass = 0, cons = 0, tokens = 0, thinks = 0, formed = 0, greedy = 0;
        Sampler s = new Sampler(0.6, 0, 0.95);
        for (int i = 0; i < held.size(); i++) {
            Problem p = held.get(i);
            List<String> answers = new ArrayList<>();
            for (Completions.Sample c : Completions.sample(m, Codec.R1, p, k, s, maxNew, new Rng(seeds[i]))) {
                tokens += c.tokens().length;
                boolean shaped = c.ended() && AnswerFormat.R1.wellFormed(c.text());
                formed += shaped ? 1 : 0;
                String a = shaped ? AnswerFormat.R1.extract(c.text()) : null;
                answers.add(a);
                pass += p.answer().equals(a) ? 1 : 0;
                thinks += R1Template.thinks(c.text()) ? 1 : 0;
            }
            String vote = PassAtK.majority(answers);
            cons += p.answer().equals(vote) ? 1 : 0;
            Completions.Sample g = Completions.greedy(m, Codec.R1, p, maxNew);
            greedy += R1Rewards.accuracy(R1Template.TASK).score(p, g.text(), g.ended());
        }
        int n = held.size();
        assertThat(got.pass1()).isCloseTo(pass / (n * k), within(1e-12));
        assertThat(got.consK()).isCloseTo(cons / n, within(1e-12));
        assertThat(got.greedy()).isCloseTo(greedy / n, within(1e-12));
        assertThat(got.meanTokens()).isCloseTo(tokens / (n * k), within(1e-12));
        assertThat(got.thinkShare()).isCloseTo(thinks / (n * k), within(1e-12));
        assertThat(got.wellFormedShare()).isCloseTo(formed / (n * k), within(1e-12));
    }

    @Test
    void evaluationDoesNotDependOnThreads() {
        Transformer m = smallModel(4);
        List<Problem> held = R1Template.TASK.heldOut(5, 2);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            R1Eval.Metrics one = R1Eval.evaluate(m, R1Template.TASK, held, 3, 20, 5);
            Parallel.setThreads(3);
            R1Eval.Metrics three = R1Eval.evaluate(m, R1Template.TASK, held, 3, 20, 5);
            assertThat(three).isEqualTo(one);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void greedyCompletionsAreGeneratorGreedy() {
        Transformer m = smallModel(5);
        for (Problem p : R1Template.TASK.heldOut(4, 3)) {
            Completions.Sample c = Completions.greedy(m, Codec.R1, p, 12);
            int[] g = dev.tinyseek.generate.Generator.greedy(m, Codec.R1.prompt(p), 12, R1Template.EOS);
            assertThat(c.tokens()).isEqualTo(g);
        }
    }

    @Test
    void lengthAndThinkShareOfAKnownModelOutput() {
        // a model trained only on worked solutions thinks in (nearly) every sample and writes 35 tokens
        Transformer m = smallModel(6);
        Sft.run(m, new SftData(R1Base.corpus(1.0), 2, 32, R1Base.SEQ_LEN), 150, 3e-3, 0);
        R1Eval.Metrics e = R1Eval.evaluate(m, R1Template.TASK, R1Template.TASK.heldOut(10, 1), 4, 48, 1);
        assertThat(e.thinkShare()).isGreaterThan(0.9);
        assertThat(e.meanTokens()).isCloseTo(35, within(2.0));
    }
}
