package dev.tinyseek.rl;

import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PassAtKTest {

    record Case(int n, int c, int k) {
    }

    /// The estimator against enumerating every k-subset of n samples, c of them right.
    @Test
    void passAtKIsTheShareOfKSubsetsWithARightSample() {
        Property.forAll("pass@k = share of k-subsets holding a right sample",
                g -> {
                    int n = g.intIn(1, 10);
                    return new Case(n, g.intIn(0, n), g.intIn(1, n));
                },
                c -> {
                    int subsets = 0, hit = 0;
                    for (int mask = 0; mask < 1 << c.n(); mask++) {
                        if (Integer.bitCount(mask) != c.k()) {
                            continue;
                        }
                        subsets++;
                        // samples 0..c-1 are the right ones
                        if ((mask & ((1 << c.c()) - 1)) != 0) {
                            hit++;
                        }
                    }
                    assertThat(PassAtK.passAtK(c.n(), c.c(), c.k())).isCloseTo((double) hit / subsets, within(1e-12));
                });
    }

    @Test
    void passAtOneIsTheShareRight() {
        assertThat(PassAtK.passAtK(8, 3, 1)).isCloseTo(3 / 8.0, within(1e-15));
        assertThat(PassAtK.passAtK(8, 0, 8)).isEqualTo(0.0);
        assertThat(PassAtK.passAtK(8, 1, 8)).isEqualTo(1.0);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> PassAtK.passAtK(4, 5, 1)).hasMessageContaining("c = 5");
        assertThatThrownBy(() -> PassAtK.passAtK(4, 1, 5)).hasMessageContaining("k = 5");
    }

    record Votes(List<String> answers) {
    }

    /// Majority voting against a brute-force count: the winner has the largest count, and of
    /// the answers tied at that count it is the one whose count got there first.
    @Test
    void majorityAgainstCounting() {
        Property.forAll("cons@k majority = the most frequent answer, earliest to reach it on ties",
                g -> {
                    int k = g.intIn(0, 9);
                    List<String> a = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        a.add(g.chance(0.2) ? null : String.valueOf(g.intIn(0, 3)));
                    }
                    return new Votes(a);
                },
                v -> {
                    Map<String, Integer> count = new HashMap<>();
                    for (String a : v.answers()) {
                        if (a != null) {
                            count.merge(a, 1, Integer::sum);
                        }
                    }
                    String got = PassAtK.majority(v.answers());
                    if (count.isEmpty()) {
                        assertThat(got).isNull();
                        return;
                    }
                    int max = count.values().stream().max(Integer::compare).orElseThrow();
                    assertThat(count.get(got)).isEqualTo(max);
                    // where each tied answer reached `max`
                    Map<String, Integer> seen = new HashMap<>();
                    int firstAt = Integer.MAX_VALUE;
                    String first = null;
                    for (int i = 0; i < v.answers().size(); i++) {
                        String a = v.answers().get(i);
                        if (a != null && seen.merge(a, 1, Integer::sum) == max && i < firstAt) {
                            firstAt = i;
                            first = a;
                        }
                    }
                    assertThat(got).isEqualTo(first);
                });
    }

    @Test
    void majorityIgnoresMissingAnswers() {
        assertThat(PassAtK.majority(Arrays.asList(null, null, "7", null))).isEqualTo("7");
        assertThat(PassAtK.majority(Arrays.asList("1", "2", "2", "1"))).isEqualTo("2");
        assertThat(PassAtK.majority(Arrays.asList(null, null))).isNull();
    }
}
