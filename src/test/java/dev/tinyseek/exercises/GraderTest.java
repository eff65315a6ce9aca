package dev.tinyseek.exercises;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/// The grader graded: every reference solution passes every check of its exercise; every
/// deliberately wrong solution fails the check that its mistake breaks, and the report shows
/// that check's hint (and the likely bug, where the mistake leaves its pattern); every starter
/// compiles and fails as "TODO". All the files are compiled in one `javax.tools` task (about a
/// second for all of them); each graded class runs in its own process, as `tinyseek grade` runs it.
class GraderTest {

    static final Path DIR = Path.of("src/test/resources/exercises");

    static StudentCompiler.Compiled compiled;

    static Sandbox sandbox;

    /// What each wrong solution must fail: a check (by a part of its name), and a part of the hint
    /// the report must print for it.
    static final Map<String, String[]> WRONG = Map.ofEntries(
            Map.entry("SoftmaxNoMaxShift", new String[] {"large logits", "subtract the row max"}),
            Map.entry("SoftmaxBackwardNoDot", new String[] {"backward equals finite differences", "dx_i = y_i (dy_i − Σ_j y_j dy_j)"}),
            Map.entry("RmsNormMissingTerm", new String[] {"dx equals finite differences", "r's dependence on every x_j"}),
            Map.entry("RmsNormAssigns", new String[] {"accumulates", "dx[i] += ..."}),
            Map.entry("RopeFrequencyOffByOne", new String[] {"equals tinyseek's Rope", "f_j = θ^(−2j/Dr)"}),
            Map.entry("RopeRotateHalf", new String[] {"keeps its length", "a rotation of the pair (x[2j], x[2j+1])"}),
            Map.entry("GateBiasInWeights", new String[] {"from the scores without the bias", "the bias steers the choice only"}),
            Map.entry("GateGroupMax", new String[] {"sum of the two best", "SUM of its two best"}),
            Map.entry("GateMaskZero", new String[] {"negative selection scores", "−∞, not 0"}),
            Map.entry("MlaKeyRowsFirst", new String[] {"equals the naive form", "W^UK_h = rows [h·(Dn+Dv)"}),
            Map.entry("MlaNoRopeScore", new String[] {"equals the naive form", "q_pe·k_pe_j"}),
            Map.entry("E4m3TiesAway", new String[] {"midpoints between neighbouring codes", "not away from zero"}),
            Map.entry("E4m3OverflowFirst", new String[] {"overflow: up to 464 gives 448", "round first, then overflow"}),
            Map.entry("AdvantagesPopulationStd", new String[] {"worked values", "the std is the sample std"}),
            Map.entry("AdvantagesNoEpsilon", new String[] {"worked values", "add ε = 1e-4"}),
            Map.entry("AdvantagesFloatSums", new String[] {"adding b (up to 1e4)", "accumulate in double"}),
            Map.entry("K3SwappedRatio", new String[] {"its mean under π is KL", "only with x = π_ref/π_θ"}),
            Map.entry("K3GradientSign", new String[] {"gradient equals finite differences", "∂k3/∂logp = 1 − x"}),
            Map.entry("SoftmaxBackwardFlippedSign", new String[] {"backward equals finite differences", "dx_i = y_i (dy_i − Σ_j y_j dy_j)"}),
            Map.entry("GateNoRouteScale", new String[] {"weights = routed_scaling_factor", "multiply by routed_scaling_factor"}),
            Map.entry("E4m3Truncates", new String[] {"midpoints between neighbouring codes", "round the exact value to the nearest"}));

    /// What the report must name as the likely bug of a wrong solution (in the check of [#WRONG]).
    static final Map<String, String[]> LIKELY = Map.of(
            "K3GradientSign", new String[] {"got ≈ −expected", "flipped sign"},
            "SoftmaxBackwardFlippedSign", new String[] {"got ≈ −expected in every entry", "flipped sign"},
            "GateNoRouteScale", new String[] {"× expected in every entry (1/0.4 = 2.5)", "constant factor"},
            "E4m3Truncates", new String[] {"neighbour toward zero", "truncation"});

    @ParameterizedTest
    @MethodSource("likelyOnes")
    void theLikelyBugIsNamed(String name) {
        Grader.Graded g = grade(name);
        Grader.Entry failed = g.results().getFirst().entries().stream().filter(e -> e.name().contains(WRONG.get(name)[0]))
                .findFirst().orElseThrow();
        assertThat(failed.outcome().message()).as(g.report()).contains("likely bug").contains(LIKELY.get(name));
        assertThat(g.report()).contains("likely bug");
    }

    static Stream<String> likelyOnes() {
        return LIKELY.keySet().stream().sorted();
    }

    @Test
    void aBugWithoutAPatternIsNotGivenALikelyName() {
        // NaN from an overflow says nothing of a sign or a factor: the report names no likely bug
        Grader.Graded g = grade("SoftmaxNoMaxShift");
        assertThat(g.passed()).isFalse();
        assertThat(g.report()).as(g.report()).doesNotContain("likely bug");
    }

    @BeforeAll
    static void compileEverything() throws IOException {
        List<StudentCompiler.Source> sources = new ArrayList<>();
        for (String sub : List.of("solutions", "wrong")) {
            try (Stream<Path> s = Files.list(DIR.resolve(sub))) {
                for (Path p : s.sorted().toList()) {
                    sources.add(new StudentCompiler.Source(p.getFileName().toString(), Files.readString(p)));
                }
            }
        }
        for (Exercise<?> ex : Exercises.all()) {
            sources.add(new StudentCompiler.Source(ex.starterClass() + ".java", ex.starter()));
        }
        compiled = StudentCompiler.compile(sources);
        assertThat(compiled.errors()).as("the solutions, wrong solutions and starters compile").isEmpty();
        sandbox = Sandbox.choose(Sandbox.Mode.AUTO);
        // every class is graded once, two at a time (each in its own process); the tests read the reports
        List<String> names = new ArrayList<>(WRONG.keySet());
        names.addAll(solutions().toList());
        Exercises.all().forEach(ex -> names.add(ex.starterClass()));
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (String n : names) {
                pool.submit(() -> grade(n));
            }
        }
    }

    static final Map<String, Grader.Graded> GRADED = new ConcurrentHashMap<>();

    static Grader.Graded grade(String className) {
        return GRADED.computeIfAbsent(className,
                n -> Grader.gradeCompiled(n + ".java", compiled.only(List.of(n)), sandbox, GENEROUS));
    }

    /// None of these files loops or hangs: limits far above what they need, so that a busy machine
    /// cannot turn a slow check into a failure.
    static final Limits GENEROUS = new Limits(300_000, 300_000, 600_000, 120_000, 256, 1 << 20, 1 << 22);

    static Stream<String> solutions() throws IOException {
        try (Stream<Path> s = Files.list(DIR.resolve("solutions"))) {
            return s.map(p -> p.getFileName().toString().replace(".java", "")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("solutions")
    void everyReferenceSolutionPassesEveryCheck(String name) throws Exception {
        Grader.Graded g = grade(name);
        assertThat(g.results()).as(g.report()).hasSize(1);
        assertThat(g.passed()).as(g.report()).isTrue();
        assertThat(g.report()).doesNotContain("FAIL").contains("Result: PASS");
    }

    @Test
    void everyExerciseHasAReferenceSolutionAndAWrongOne() throws Exception {
        List<String> sols = solutions().toList();
        for (Exercise<?> ex : Exercises.all()) {
            List<String> implementing = compiled.implementing(ex.api());
            assertThat(sols.stream().anyMatch(implementing::contains)).as("a solution of " + ex.name()).isTrue();
            assertThat(WRONG.keySet().stream().anyMatch(implementing::contains)).as("a wrong solution of " + ex.name()).isTrue();
        }
    }

    static Stream<String> wrongOnes() {
        return WRONG.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("wrongOnes")
    void everyWrongSolutionFailsTheCheckItBreaksWithItsHint(String name) throws Exception {
        assertThat(Files.exists(DIR.resolve("wrong/" + name + ".java"))).isTrue();
        Grader.Graded g = grade(name);
        String check = WRONG.get(name)[0], hint = WRONG.get(name)[1];
        assertThat(g.passed()).as(g.report()).isFalse();
        Grader.Entry failed = g.results().getFirst().entries().stream().filter(e -> e.name().contains(check)).findFirst().orElseThrow();
        assertThat(failed.outcome().passed()).as(g.report()).isFalse();
        assertThat(failed.hint()).contains(hint);
        String block = g.report().substring(g.report().indexOf("FAIL  " + failed.name()));
        assertThat(block).as(g.report()).contains("smallest failing case").contains("hint:");
        assertThat(block.replaceAll("\\s+", " ")).as(g.report()).contains(hint.replaceAll("\\s+", " "));
        assertThat(g.report()).contains("Result: FAIL");
    }

    @Test
    void theSmallestFailingCaseIsReported() throws Exception {
        // a wrong head offset only shows with two heads or more: the case reported has exactly 2
        Grader.Graded g = grade("MlaKeyRowsFirst");
        assertThat(g.report()).as(g.report()).contains("h = 2,");
        // ties away from zero: the smallest midpoint, 2^-10 (between 0 and 0x01), is the case reported
        Grader.Graded e = grade("E4m3TiesAway");
        assertThat(e.report()).as(e.report()).contains("x = 9.765625E-4 ");
    }

    @Test
    void floatSumsFailOnlyWhereTheyMatter() throws Exception {
        // float accumulation is within rounding of the reference for rewards near 1, and wrong only
        // with a large common offset: the shift check alone fails, so its hint is the one printed
        Grader.Graded g = grade("AdvantagesFloatSums");
        assertThat(g.results().getFirst().entries()).filteredOn(e -> !e.outcome().passed())
                .extracting(Grader.Entry::name).as(g.report()).singleElement().asString().startsWith("adding b");
    }

    @Test
    void everyStarterCompilesAndFailsAsNotWrittenYet() throws Exception {
        for (Exercise<?> ex : Exercises.all()) {
            Grader.Graded g = grade(ex.starterClass());
            assertThat(g.results()).singleElement().extracting(r -> r.exercise().name()).isEqualTo(ex.name());
            assertThat(g.passed()).isFalse();
            assertThat(g.report()).contains("TODO: write " + ex.starterClass());
            assertThat(ex.starter()).contains("./tinyseek grade " + ex.starterClass() + ".java");
        }
    }

    @Test
    void compileErrorsAreReportedWithTheirLineAndColumn() {
        String code = """
                import dev.tinyseek.exercises.KlExercise;

                public class Broken implements KlExercise {
                    public double k3(double logp, double logpRef) {
                        return Math.exp(logpRef - logp) - (logpRef - logp) - 1
                    }
                    public double gradient(double logp, double logpRef) { return 0; }
                }
                """;
        Grader.Graded g = Grader.gradeSource(new StudentCompiler.Source("Broken.java", code));
        assertThat(g.passed()).isFalse();
        assertThat(g.report()).contains("Broken.java does not compile").contains("Broken.java:5:").contains("';' expected")
                .contains("return Math.exp(logpRef - logp)");
    }

    @Test
    void aClassThatImplementsNoExerciseIsToldWhichInterfacesExist() {
        Grader.Graded g = Grader.gradeSource(new StudentCompiler.Source("Nothing.java", "public class Nothing {}"));
        assertThat(g.passed()).isFalse();
        assertThat(g.report()).contains("no class in it implements an exercise interface")
                .contains("dev.tinyseek.exercises.SoftmaxExercise").contains("--starter");
    }

    @Test
    void everyNotebooksExercisesPointToARealGraderCommand() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(Path.of("notebooks"))) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        for (Path nb : notebooks) {
            String text = Files.readString(nb);
            if (!text.contains("## Exercises")) {
                continue;
            }
            assertThat(text).as(nb + " points to the grader").contains("./tinyseek grade");
            var m = java.util.regex.Pattern.compile("grade --starter ([a-z0-9-]+)").matcher(text);
            while (m.find()) {
                assertThat(Exercises.byName(m.group(1))).as(nb + ": --starter " + m.group(1)).isPresent();
            }
        }
    }

    @Test
    void aCheckThatRunsTooLongIsStoppedAndReported() {
        KlExercise endless = new KlExercise() {
            @Override
            public double k3(double logp, double logpRef) {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait();
                }
                throw new IllegalStateException("interrupted");
            }

            @Override
            public double gradient(double logp, double logpRef) {
                return 0;
            }
        };
        Grader.Result r = Grader.run(GrpoChecks.k3(), endless, "Endless", 200);
        assertThat(r.passed()).isFalse();
        assertThat(r.entries()).hasSize(1);
        assertThat(Grader.report("Endless.java", r)).contains("did not finish within 0.2 s").contains("remaining checks were skipped")
                .doesNotContain("(unknown)");
        assertThat(r.entries().getFirst().outcome().failingCase()).startsWith("size 0: logp = ").endsWith("(the case it was on)");
    }
}
