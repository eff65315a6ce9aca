/// Exercises that grade themselves: a student re-implements one piece of tinyseek behind a small
/// interface, and `tinyseek grade FILE.java` runs on it the properties and gradient checks that
/// the test suite runs on tinyseek's own piece.
///
/// - The pieces, one interface each: [SoftmaxExercise], [RmsNormBackwardExercise],
///   [RopeExercise], [GateExercise], [AbsorbedMlaExercise], [E4m3Exercise],
///   [AdvantageExercise], [KlExercise]; the catalogue is [Exercises].
/// - How each is graded: `SoftmaxChecks`, `RmsNormChecks`, ... (one file per piece): a list of
///   [Check]s, each a property, an oracle (tinyseek's own code, a `double` re-derivation, or
///   the library's `rl` classes) and a hint that names the equation and the file.
/// - The machinery: [StudentCompiler] compiles a file in memory (`javax.tools`) against the
///   exercise interfaces alone ([ClassPath]); [Grader] finds the interface and runs the checks;
///   the student's class runs in its own short-lived JVM ([Submission] here, [SubmissionHost] there,
///   [Wire] between them), in bubblewrap where it works ([Sandbox]), under [Limits]; [Cases] draws
///   cases from small to large, so the first failure is the smallest; [Diagnosis] names the likely
///   bug (a flipped sign, a constant factor, truncation); [FiniteDifferences] is the gradient check
///   (the test suite's `testkit` is test code, not in the jar).
/// - Starter files (the bodies left for the student) are resources of this package,
///   `starters/My*.java`, written out by `tinyseek grade --starter NAME`. Reference solutions
///   and deliberately wrong ones live with the tests (`src/test/resources/exercises/`).
///
/// This package sits at the top of the dependency graph beside `cli`: it may use every package
/// (the checks use tinyseek's own pieces as oracles), but a submission sees none of it.
package dev.tinyseek.exercises;
