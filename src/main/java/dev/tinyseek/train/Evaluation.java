package dev.tinyseek.train;

import dev.tinyseek.generate.Generator;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Problem;
import dev.tinyseek.tasks.Task;

import java.util.List;

/// Exact-match accuracy: the model continues each prompt greedily until the end-of-answer token,
/// and the task's verifier judges the text.
public final class Evaluation {

    private Evaluation() {
    }

    /// The model's greedy answer to one prompt (the text before the end token).
    public static String answer(Transformer model, String prompt, int maxNew) {
        int[] out = Generator.greedy(model, TaskData.encode(prompt), maxNew, TaskData.END);
        int n = out.length;
        if (n > 0 && out[n - 1] == TaskData.END) {
            n--;
        }
        return TaskData.decode(java.util.Arrays.copyOf(out, n));
    }

    /// The fraction of problems answered correctly.
    public static double exactMatch(Transformer model, Task task, List<Problem> problems, int maxNew) {
        int right = 0;
        for (Problem p : problems) {
            if (task.verify(p, answer(model, p.prompt(), maxNew))) {
                right++;
            }
        }
        return problems.isEmpty() ? 0 : (double) right / problems.size();
    }
}
