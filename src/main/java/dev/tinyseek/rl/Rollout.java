package dev.tinyseek.rl;

import dev.tinyseek.tasks.Problem;

/// One sampled completion of a prompt: the tokens the model wrote (with its end token when it
/// wrote one), the text before the end token, whether it ended, its reward, and the index of its
/// group (the completions of one prompt share it: advantages never cross groups).
public record Rollout(Problem problem,
                      int[] prompt,     // [P] prompt tokens
                      int[] completion, // [n] sampled tokens, the end token included when produced
                      String text, boolean ended, double reward, boolean correct, int group) {

    /// A copy with another reward (for the shuffled-reward control).
    public Rollout withReward(double r) {
        return new Rollout(problem, prompt, completion, text, ended, r, correct, group);
    }

    @Override
    public String toString() {
        return "Rollout (group " + group + ") of \"" + problem.prompt() + "\": \"" + text + "\"" + (ended ? "" : " (no end token)")
                + ", reward " + reward + (correct ? ", correct" : ", wrong") + ", " + completion.length + " tokens after "
                + prompt.length + " of prompt";
    }
}
