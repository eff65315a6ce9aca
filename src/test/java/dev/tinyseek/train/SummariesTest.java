package dev.tinyseek.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// Training's results print their numbers in jshell, not `[I@5b37e0d2`.
class SummariesTest {

    @Test
    void stepHistoryAndBatchPrintTheirNumbers() {
        Trainer.Step first = new Trainer.Step(1, 5.25, 1.5, 1e-3, 1200, new int[][] {{3, 5}, {8, 0}}, 0.002, 0);
        Trainer.Step last = new Trainer.Step(2, 0.125, 0.5, 5e-4, 1300, new int[0][], 0, 0.75);
        assertThat(first.toString()).isEqualTo("Step 1: loss 5.2500, grad norm 1.50, lr 0.00100, 1200 tokens/s, "
                + "balance loss 0.002000, expert loads [3, 5] [8, 0]");
        assertThat(last.toString()).contains("loss 0.1250").contains("MTP loss 0.7500").doesNotContain("expert loads");
        Trainer.History h = new Trainer.History(List.of(first, last), List.of(Map.of("exact_match", 0.5)), 12.34, 4096);
        assertThat(h.toString()).isEqualTo("History: 2 steps, loss 5.2500 → 0.1250, 1 evaluations (last {exact_match=0.5}), "
                + "12.3 s, 4,096 tokens");
        Batch b = new Batch(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {2, 3, 4, -1, 6, 7, 8, -1}, 2, 4);
        assertThat(b.toString()).isEqualTo("Batch of 2 × 4 tokens: inputs int[8] [1, 2, 3, 4, 5, 6, …], "
                + "targets int[8] [2, 3, 4, -1, 6, 7, …]");
    }
}
