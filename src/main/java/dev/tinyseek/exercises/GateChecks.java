package dev.tinyseek.exercises;

import dev.tinyseek.moe.Gate;
import dev.tinyseek.tensor.Rng;

import java.util.Arrays;
import java.util.List;

/// How `moe-gate` is graded: against tinyseek's [Gate] (fed the logits through an identity
/// router matrix), on random tokens and on the cases where the rules matter: a large bias,
/// negative selection scores, groups that a max would rank differently from a top-2 sum, ties.
final class GateChecks {

    private GateChecks() {
    }

    record Token(int groups, int perGroup, int topkGroups, int topK, float routeScale, float[] logits, float[] bias) {
    }

    private static final String EQ = "s = sigmoid(logits); pick with s + bias: group score = sum of its top-2, "
            + "keep the top topk_group groups (others −∞), then top-K; weights = routed_scaling_factor · s_i / Σ_chosen s "
            + "(no bias) (DeepSeek-V3 eq. 13-16; moe/Gate.java; docs/moe.md#the-router-step-by-step)";

    /// A random token: groups of 2 to 4 experts (a group of one has no "second best").
    static Token make(Cases.Gen g, double biasMean, double biasStd, boolean forceGroups) {
        int groups = forceGroups ? g.dim(2, 4) : g.dim(1, 4), per = g.dim(2, 4);
        int keep = forceGroups ? g.intIn(1, groups - 1) : g.intIn(1, groups);
        int k = g.intIn(1, keep * per);
        float[] bias = g.normals(groups * per, biasStd);
        for (int i = 0; i < bias.length; i++) {
            bias[i] += (float) biasMean;
        }
        return new Token(groups, per, keep, k, 2.5f, g.normals(groups * per, 1), bias);
    }

    static Exercise<GateExercise> exercise() {
        return new Exercise<>("moe-gate", "the MoE router: sigmoid, group-limited top-k, selection-only bias", GateExercise.class,
                "MyGate", "moe/Gate.java", List.of(
                new Check<>("chooses the same experts as tinyseek's Gate, best first",
                        EQ,
                        s -> Cases.sweep("gate-experts", g -> make(g, 0, 0.05, false), c -> experts(s, c))),
                new Check<>("weights = routed_scaling_factor · s_i / Σ_chosen s_k, from the scores without the bias",
                        "the bias steers the choice only; gather the plain sigmoid scores of the chosen experts, divide "
                                + "by their sum, multiply by routed_scaling_factor. " + EQ,
                        s -> Cases.sweep("gate-weights", g -> make(g, 0, 0.05, false), c -> weights(s, c))),
                new Check<>("a large bias picks an expert but never enters its weight",
                        "weights come from s_i, never from s_i + bias_i. " + EQ,
                        s -> Cases.sweep("gate-big-bias", g -> {
                            Token t = make(g, 0, 0.05, false);
                            t.bias()[g.intIn(0, t.bias().length - 1)] += 3f;
                            return t;
                        }, c -> {
                            experts(s, c);
                            weights(s, c);
                        })),
                new Check<>("only experts of the topk_group best groups (group score = sum of the two best)",
                        "with the bias (V3), a group scores the SUM of its two best selection scores, not its max; "
                                + "keep topk_group groups and give every expert of the others −∞. " + EQ,
                        s -> Cases.sweep("gate-groups", g -> make(g, 0, 0.3, true), c -> experts(s, c))),
                new Check<>("negative selection scores: an expert of a dropped group never wins",
                        "mask the dropped groups to −∞, not 0: with a negative bias every kept score is below 0 and a "
                                + "0 would win. " + EQ,
                        s -> Cases.sweep("gate-negative", g -> make(g, -3, 0.2, true), c -> experts(s, c))),
                new Check<>("equal scores: the lower group and the lower index win",
                        "break ties toward the lower index, for groups and for experts (a strict > while scanning "
                                + "upward does it). " + EQ,
                        s -> Cases.sweep("gate-ties", g -> {
                            Token t = make(g, 0, 0, false);
                            Arrays.fill(t.logits(), (float) g.normal());
                            Arrays.fill(t.bias(), 0f);
                            return t;
                        }, c -> experts(s, c)))));
    }

    /// tinyseek's routing of the token.
    static Gate.Routing ours(Token c) {
        int e = c.logits().length;
        Gate gate = Gate.Config.defaults().withDim(e).withExperts(e).withTopK(c.topK()).withGroups(c.groups())
                .withTopkGroups(c.topkGroups()).withRouteScale(c.routeScale()).withInitStd(0.0).build("g", new Rng(1));
        Arrays.fill(gate.weight.data, 0f);
        for (int i = 0; i < e; i++) {
            gate.weight.data[i * e + i] = 1f; // identity router: the logits are the input
        }
        System.arraycopy(c.bias(), 0, gate.bias.data, 0, e);
        return gate.route(c.logits().clone(), 1);
    }

    static GateExercise.Choice run(GateExercise s, Token c) {
        GateExercise.Choice got = s.route(c.logits().clone(), c.bias().clone(), c.groups(), c.topkGroups(), c.topK(), c.routeScale());
        Mismatch.check(got != null && got.experts() != null && got.weights() != null, "route returned null (or null arrays)");
        Mismatch.check(got.experts().length == c.topK() && got.weights().length == c.topK(),
                "expected " + c.topK() + " experts and weights, got " + got.experts().length + " and " + got.weights().length);
        return got;
    }

    static void experts(GateExercise s, Token c) {
        int[] want = ours(c).experts();
        int[] got = run(s, c).experts();
        Mismatch.check(Arrays.equals(want, got), "experts: expected " + Arrays.toString(want) + ", got " + Arrays.toString(got)
                + "\n    (expert i is in group i / " + c.perGroup() + "; selection scores " + Arrays.toString(selection(c)) + ")");
    }

    static void weights(GateExercise s, Token c) {
        Gate.Routing r = ours(c);
        GateExercise.Choice got = run(s, c);
        Mismatch.check(Arrays.equals(r.experts(), got.experts()), "experts: expected " + Arrays.toString(r.experts())
                + ", got " + Arrays.toString(got.experts()) + " (the weights are compared expert by expert)");
        Mismatch.close("weights of experts " + Arrays.toString(r.experts()), r.weights(), got.weights(), 1e-5, 1e-7);
    }

    /// `sigmoid(logits) + bias`, for messages.
    static float[] selection(Token c) {
        float[] sel = new float[c.logits().length];
        for (int i = 0; i < sel.length; i++) {
            sel[i] = (float) (1 / (1 + Math.exp(-c.logits()[i]))) + c.bias()[i];
        }
        return sel;
    }
}
