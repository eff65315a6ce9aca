package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek grade`: list, starter, grading a correct, an unfinished and a broken file, exit codes.
class GradeCommandTest {

    @Test
    void helpAndListNameEveryExercise() {
        MainTest.Result h = MainTest.run("grade", "--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).startsWith("usage: tinyseek grade FILE").contains("--starter NAME");
        MainTest.Result l = MainTest.run("grade", "--list");
        assertThat(l.code()).isZero();
        assertThat(l.out()).contains("softmax", "rmsnorm-backward", "rope", "moe-gate", "mla-absorbed", "e4m3",
                "grpo-advantages", "grpo-k3", "MySoftmax.java");
    }

    @Test
    void starterThenGradeThenASolution(@TempDir Path dir) throws Exception {
        MainTest.Result s = MainTest.run("grade", "--starter", "grpo-k3", "--out", dir.toString());
        assertThat(s.code()).as(s.err()).isZero();
        Path starter = dir.resolve("MyK3.java");
        assertThat(starter).exists();
        MainTest.Result again = MainTest.run("grade", "--starter", "grpo-k3", "--out", dir.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("exists already").contains("--force");

        MainTest.Result todo = MainTest.run("grade", starter.toString());
        assertThat(todo.code()).isEqualTo(1);
        assertThat(todo.out()).contains("FAIL").contains("TODO: write MyK3.k3").contains("hint:").contains("Result: FAIL");

        Path sol = dir.resolve("K3Solution.java");
        Files.copy(Path.of("src/test/resources/exercises/solutions/K3Solution.java"), sol);
        MainTest.Result ok = MainTest.run("grade", sol.toString());
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("Result: PASS").doesNotContain("FAIL");

        Files.writeString(sol, Files.readString(sol).replace("return Math.exp(d) - d - 1;", "return Math.exp(d) - d - 1"));
        MainTest.Result broken = MainTest.run("grade", sol.toString());
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("K3Solution.java does not compile").containsPattern("K3Solution\\.java:\\d+:\\d+: error");
    }

    @Test
    void badCommandLinesExit2AndMissingFilesExit1(@TempDir Path dir) {
        assertThat(MainTest.run("grade").code()).isEqualTo(2);
        MainTest.Result name = MainTest.run("grade", "--starter", "sofmax");
        assertThat(name.code()).isEqualTo(2);
        assertThat(name.err()).contains("valid: softmax, rmsnorm-backward");
        assertThat(MainTest.run("grade", "notes.txt").code()).isEqualTo(2);
        MainTest.Result missing = MainTest.run("grade", dir.resolve("Nope.java").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
    }
}
