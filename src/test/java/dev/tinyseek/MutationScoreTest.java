package dev.tinyseek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The mutation score check (`src/test/mutation/MutationScore.java`, run by `.ci/mutation`) on
/// small made-up PIT reports and sources: how it counts, how an equivalent-list entry finds its
/// mutant by a piece of code rather than a line number (so edits elsewhere leave it valid), and
/// that an entry matching no mutant, or several without saying which, fails. Also checks the
/// committed list against today's sources, so that a stale entry shows up in the default suite
/// and not only in a mutation run.
class MutationScoreTest {
    static final Path SCRIPT = Path.of("src/test/mutation/MutationScore.java");

    static Object checker;
    static Method run;

    @TempDir
    Path dir;

    @BeforeAll
    static void compile(@TempDir Path classes) throws Exception {
        var javac = ToolProvider.getSystemJavaCompiler();
        var err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-d", classes.toString(), SCRIPT.toString());
        assertThat(rc).as("javac %s: %s", SCRIPT, err).isZero();
        var loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, MutationScoreTest.class.getClassLoader());
        Class<?> c = loader.loadClass("MutationScore");
        var ctor = c.getDeclaredConstructor();
        ctor.setAccessible(true);
        checker = ctor.newInstance();
        run = c.getDeclaredMethod("run", String[].class, PrintStream.class);
        run.setAccessible(true);
    }

    record Result(int status, String out) {}

    /// A source file `dev/tinyseek/demo/Demo.java` of `lines`, the PIT report of package `demo`
    /// with `mutants`, and the two lists; returns what the check prints and its status.
    Result check(List<String> lines, List<String> mutants, String equivalents, String thresholds) throws Exception {
        Path src = dir.resolve("src/dev/tinyseek/demo");
        Files.createDirectories(src);
        Files.write(src.resolve("Demo.java"), lines);
        Path report = dir.resolve("reports/demo");
        Files.createDirectories(report);
        Files.writeString(report.resolve("mutations.xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutations partial=\"true\">\n"
                        + String.join("\n", mutants) + "\n</mutations>\n");
        Path config = dir.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("equivalent-mutants.txt"), equivalents);
        Files.writeString(config.resolve("thresholds.txt"), thresholds);
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            int status = (int) run.invoke(checker, new Object[] {new String[] {
                    "--config", config.toString(), "--sources", dir.resolve("src").toString(),
                    dir.resolve("reports").toString(), "demo"}, out});
            return new Result(status, bytes.toString(StandardCharsets.UTF_8));
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    static String mutant(boolean detected, String method, int line, int index, String mutator, String description) {
        return "<mutation detected='" + detected + "' status='" + (detected ? "KILLED" : "SURVIVED")
                + "' numberOfTestsRun='1'><sourceFile>Demo.java</sourceFile>"
                + "<mutatedClass>dev.tinyseek.demo.Demo</mutatedClass><mutatedMethod>" + method
                + "</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>" + line
                + "</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators." + mutator
                + "</mutator><indexes><index>" + index + "</index></indexes><blocks><block>0</block></blocks>"
                + "<killingTest/><description>" + description + "</description></mutation>";
    }

    static final String MUL = "Replaced long multiplication with division";

    /// Demo.java with `above` blank lines before its body: moving code down must not matter.
    static List<String> source(int above) {
        List<String> l = new ArrayList<>();
        l.add("package dev.tinyseek.demo;");
        for (int i = 0; i < above; i++) l.add("");
        l.add("class Demo {");
        l.add("  void f(float[] x, int n) {");
        l.add("    Parallel.forRange(n, Parallel.grainFor(4L   *  n), (a, b) -> {});");
        l.add("    x[0] = x[0] * n * n;");
        l.add("  }");
        l.add("}");
        return l;
    }

    /// Line of `f`'s body lines in `source(above)`: the grain line, then the arithmetic line.
    static int grainLine(int above) { return above + 4; }
    static int mathLine(int above) { return above + 5; }

    List<String> mutants(int above) {
        return List.of(
                mutant(false, "f", grainLine(above), 7, "MathMutator", MUL),
                mutant(true, "f", mathLine(above), 12, "MathMutator", "Replaced float multiplication with division"),
                mutant(true, "f", mathLine(above), 14, "MathMutator", "Replaced float multiplication with division"),
                mutant(false, "f", mathLine(above), 3, "ArrayIndexMutator", "changed array index"));
    }

    static final String GRAIN = "dev.tinyseek.demo.Demo.f MathMutator " + MUL + " @ `grainFor(4L * n)` | grain size only\n";

    @Test
    void scoreIsDetectedOverGeneratedLessEquivalentAndAnEntryFindsItsMutantWhereverTheLineMoved() throws Exception {
        for (int above : new int[] {0, 1, 37}) {
            Result r = check(source(above), mutants(above), GRAIN, "demo 66\n");
            // 4 mutants, 1 equivalent, 2 detected of 3: 66.7%
            assertThat(r.out()).as("%d lines above", above).contains("66.7%");
            assertThat(r.status()).as(r.out()).isZero();
            assertThat(r.out()).contains("SURVIVED dev.tinyseek.demo.Demo.f ArrayIndexMutator changed array index @ `x[0] = x[0] * n * n;` (line " + mathLine(above) + ")");
        }
    }

    @Test
    void belowTheFloorFails() throws Exception {
        Result r = check(source(0), mutants(0), GRAIN, "demo 67\n");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("BELOW");
        Result missing = check(source(0), mutants(0), "", "demo 50\n"); // 2 of 4 = 50%, passes at 50
        assertThat(missing.out()).contains("50.0%");
        assertThat(missing.status()).isZero();
    }

    @Test
    void anEntryWhoseCodeChangedOrWhoseMutantWasKilledAwayIsStaleAndFails() throws Exception {
        List<String> edited = new ArrayList<>(source(2));
        edited.set(grainLine(2) - 1, "    Parallel.forRange(n, Parallel.grainFor(8L * n), (a, b) -> {});");
        Result r = check(edited, mutants(2), GRAIN, "demo 0\n");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("equivalent-mutants.txt:1: stale entry (matches no mutant");

        String wrongMethod = GRAIN.replace("Demo.f ", "Demo.g ");
        assertThat(check(source(0), mutants(0), wrongMethod, "demo 0\n").status()).isEqualTo(1);
        String wrongMutator = GRAIN.replace(MUL, "Replaced long division with multiplication");
        assertThat(check(source(0), mutants(0), wrongMutator, "demo 0\n").status()).isEqualTo(1);
    }

    @Test
    void severalMatchesNeedHashKOrAllN() throws Exception {
        String two = "dev.tinyseek.demo.Demo.f MathMutator Replaced float multiplication with division @ `x[0] * n * n`";
        Result ambiguous = check(source(0), mutants(0), two + " | both\n", "demo 0\n");
        assertThat(ambiguous.status()).isEqualTo(1);
        assertThat(ambiguous.out()).contains("ambiguous entry (matches 2 mutants, on lines 5, 5");

        Result second = check(source(0), mutants(0), two + " #2 | the second\n", "demo 0\n");
        assertThat(second.status()).as(second.out()).isZero();
        assertThat(second.out()).contains("33.3%"); // one detected mutant left out: 1 of 3

        Result all = check(source(0), mutants(0), two + " all 2 | both\n", "demo 0\n");
        assertThat(all.status()).as(all.out()).isZero();
        assertThat(all.out()).contains(" 0.0%"); // both detected mutants left out: 0 of 2

        assertThat(check(source(0), mutants(0), two + " all 3 | three\n", "demo 0\n").out())
                .contains("stale entry (`all 3` but it matches 2");
        assertThat(check(source(0), mutants(0), two + " #3 | third\n", "demo 0\n").out())
                .contains("stale entry (#3 asked for, but it matches 2");
        assertThat(check(source(0), mutants(0), two + " #1 | one\n" + two + " all 2 | again\n", "demo 0\n").out())
                .contains("equivalent-mutants.txt:2: entry names the same mutant");
    }

    @Test
    void aLambdaIsNamedWithoutJavacsCounter() throws Exception {
        List<String> m = List.of(mutant(false, "lambda$f$3", grainLine(0), 2, "MathMutator", MUL));
        String entry = "dev.tinyseek.demo.Demo.lambda$f MathMutator " + MUL + " @ `grainFor(4L * n)` | in a lambda\n";
        Result r = check(source(0), m, entry, "demo 100\n");
        assertThat(r.status()).as(r.out()).isZero();
        Result counted = check(source(0), m, entry.replace("lambda$f ", "lambda$f$3 "), "demo 100\n");
        assertThat(counted.status()).as(counted.out()).isZero();
    }

    @Test
    void entriesOfPackagesThatDidNotRunAreNotChecked() throws Exception {
        String other = "dev.tinyseek.other.X.f MathMutator " + MUL + " @ `nothing like this` | another package\n";
        assertThat(check(source(0), mutants(0), other, "demo 0\n").status()).isZero();
    }

    @Test
    void malformedEntriesAreRejectedWithTheLineAndTheFormat() {
        assertThatThrownBy(() -> check(source(0), mutants(0), "dev.tinyseek.demo.Demo.f MathMutator " + MUL + " @ `grainFor`\n", "demo 0\n"))
                .hasMessageContaining("equivalent-mutants.txt:1: entry without a reason");
        assertThatThrownBy(() -> check(source(0), mutants(0), "dev.tinyseek.demo.Demo.f:4 MathMutator " + MUL + " | old form\n", "demo 0\n"))
                .hasMessageContaining("entry without a piece of the mutated line").hasMessageContaining("not a line number");
        assertThatThrownBy(() -> check(source(0), mutants(0), "dev.tinyseek.demo.Demo.f MathMutator " + MUL + " @ `grainFor` line 4 | x\n", "demo 0\n"))
                .hasMessageContaining("only `#k` (the k-th match) or `all N`");
    }

    /// The committed list, against today's sources: every entry is well formed and its piece of
    /// code is in its class's file (the full check, per method and mutant, needs a PIT run).
    @Test
    void everyCommittedEntryNamesCodeThatExists() throws Exception {
        Method read = checker.getClass().getDeclaredMethod("readEquivalents", Path.class);
        read.setAccessible(true);
        List<?> entries = (List<?>) read.invoke(null, Path.of("src/test/mutation/equivalent-mutants.txt"));
        assertThat(entries).isNotEmpty();
        for (Object e : entries) {
            var r = (Record) e;
            String cls = (String) field(r, "cls");
            String piece = (String) field(r, "piece");
            Path file = Path.of("src/main/java", cls.replaceFirst("\\$.*", "").replace('.', '/') + ".java");
            assertThat(file).as("class of entry %s", field(r, "key")).exists();
            boolean found = Files.readAllLines(file).stream()
                    .anyMatch(l -> l.strip().replaceAll("\\s+", " ").contains(piece));
            assertThat(found).as("the piece of code `%s` of entry `%s` is on a line of %s", piece, field(r, "key"), file).isTrue();
        }
    }

    static Object field(Record r, String name) throws Exception {
        Method m = r.getClass().getDeclaredMethod(name);
        m.setAccessible(true);
        return m.invoke(r);
    }
}
