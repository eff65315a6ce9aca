package dev.tinyseek.cli;

import dev.tinyseek.exercises.Sandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/// Submissions that try to fool or break `tinyseek grade` (`src/test/resources/exercises/hostile/`):
/// each must end in FAIL, or a clear refusal, with exit code 1, in bounded time (the limits of
/// every phase; the `@Timeout` only guards the suite against a hang). What the submission prints
/// may appear in the report, but only behind `  | `, never as a line of the grader's own.
///
/// The isolation cheats (reading files, writing the working tree, starting a process that
/// writes outside, opening a connection, loading tinyseek from disk) can only fail where the
/// sandbox works: without bubblewrap they skip, with the reason, unless
/// `TINYSEEK_REQUIRE_SANDBOX=1` (set by CI once it installed bubblewrap) makes that a failure.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GradeHostileTest {

    static final Path DIR = Path.of("src/test/resources/exercises/hostile");

    /// Grades `name` (a resource, with `@KEY@` placeholders replaced) with `--time-limit seconds`.
    static MainTest.Result grade(Path dir, String name, String seconds, String... replacements) throws IOException {
        String code = Files.readString(DIR.resolve(name + ".java"));
        for (int i = 0; i < replacements.length; i += 2) {
            code = code.replace(replacements[i], replacements[i + 1]);
        }
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, code);
        return MainTest.run("grade", "--time-limit", seconds, file.toString());
    }

    /// Exit code 1, a FAIL of the grader's own, no PASS line that is not behind the output prefix.
    static void assertFailed(MainTest.Result r) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).as(r.err()).contains("Result: FAIL");
        assertThat(r.out().lines().filter(l -> l.startsWith("Result: PASS") || l.matches("\\d+ of \\d+ checks passed\\. Result: PASS.*")))
                .as(r.out()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            UnsafeSwapsChecks        ; 5  ; does not compile              ; package sun.misc is not visible
            CallsLibrarySoftmax      ; 5  ; does not compile              ; package dev.tinyseek.tensor does not exist
            SubmissionHost           ; 5  ; refused                       ; in tinyseek's own package
            ReflectsIntoGrader       ; 5  ; FAIL  forward equals          ; | could not reach the grader: java.lang.ClassNotFoundException
            LoadsLibraryByReflection ; 5  ; FAIL  forward equals          ; 6 checks passed
            HaltsAfterFakeReport     ; 5  ; could not create it           ; ended (exit code 0)
            ExitsInConstructor       ; 5  ; could not create it           ; ended (exit code 0)
            ShutdownHookExitsZero    ; 5  ; could not create it           ; | 1 of 6 checks passed. Result: FAIL
            LoopsInStaticInit        ; 3  ; could not create it           ; did not finish within 3 s
            LoopsInConstructor       ; 3  ; could not create it           ; did not finish within 3 s
            LoopsInForward           ; 3  ; did not finish within 3 s     ; (the case it was on)
            HaltsDuringCheck         ; 5  ; ended (exit code 0) while     ; the remaining checks were skipped
            AllocatesUntilOutOfMemory; 20 ; FAIL                          ; OutOfMemoryError
            FloodsOutput             ; 20 ; printed more than 1024 KB     ; | Result: PASS
            WritesRawStdout          ; 5  ; broke the grader's protocol   ; FileDescriptor.out
            ReturnsHugeArray         ; 5  ; a length of 5000000           ; broke the grader's protocol
            LoopingShutdownHook      ; 30 ; did not end within 5 s        ; shutdown hook
            """)
    void everyCheatFailsWithExitCode1(String name, String seconds, String first, String second, @TempDir Path dir) throws IOException {
        MainTest.Result r = grade(dir, name, seconds);
        assertFailed(r);
        // the report wraps long lines: compare with runs of white space made one space
        assertThat(r.out().replaceAll("\\s+", " ")).as(r.out()).contains(first.strip().replaceAll("\\s+", " ")).contains(second.strip().replaceAll("\\s+", " "));
    }

    @Test
    void aLoopNamesTheCaseItWasOn(@TempDir Path dir) throws IOException {
        MainTest.Result r = grade(dir, "LoopsInForward", "3");
        assertFailed(r);
        // the loop starts at rows of four entries: the case named is the first such row drawn
        assertThat(r.out()).as(r.out()).containsPattern("smallest failing case: size \\d+: x = float\\[([4-9]|\\d\\d)\\]\\{");
    }

    @Test
    void withoutASandboxTheProcessLimitsStillHold(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("LoopsInConstructor.java"), Files.readString(DIR.resolve("LoopsInConstructor.java")));
        MainTest.Result loop = MainTest.run("grade", "--sandbox", "none", "--time-limit", "3", dir.resolve("LoopsInConstructor.java").toString());
        assertFailed(loop);
        assertThat(loop.out()).startsWith("sandbox: none (--sandbox none)").contains("did not finish within 3 s");
        Files.writeString(dir.resolve("HaltsDuringCheck.java"), Files.readString(DIR.resolve("HaltsDuringCheck.java")));
        MainTest.Result halt = MainTest.run("grade", "--sandbox", "none", "--time-limit", "5", dir.resolve("HaltsDuringCheck.java").toString());
        assertFailed(halt);
        assertThat(halt.out()).contains("ended (exit code 0) while");
        assertThat(MainTest.run("grade", "--sandbox", "maybe", dir.resolve("HaltsDuringCheck.java").toString()).code()).isEqualTo(2);
    }

    /// Skips (or fails, where CI requires the sandbox) when bubblewrap does not work here.
    static void requireSandbox() {
        Sandbox s = Sandbox.choose(Sandbox.Mode.AUTO);
        if (s.kind() != Sandbox.Kind.BWRAP && "1".equals(System.getenv("TINYSEEK_REQUIRE_SANDBOX"))) {
            fail("TINYSEEK_REQUIRE_SANDBOX=1 but " + s);
        }
        assumeTrue(s.kind() == Sandbox.Kind.BWRAP, "no sandbox here, so a submission can read and write what the grader can: " + s);
    }

    @Test
    void theSandboxHidesFilesAndTheLibrary(@TempDir Path dir) throws IOException {
        requireSandbox();
        MainTest.Result secrets = grade(dir, "ReadsSecrets", "10", "@REPO@", Path.of("").toAbsolutePath().toString());
        assertFailed(secrets);
        assertThat(secrets.out()).contains("| could not read: java.nio.file.NoSuchFileException");
        MainTest.Result library = grade(dir, "LoadsLibraryFromDisk", "10", "@CLASSES@", Path.of("target/classes").toAbsolutePath().toString());
        assertFailed(library);
        assertThat(library.out()).contains("FAIL  forward equals");
    }

    @Test
    void theSandboxKeepsTheWorkingTreeAndTheDiskUnwritten(@TempDir Path dir) throws IOException {
        requireSandbox();
        Path tree = Files.createDirectories(Path.of("target/hostile-writes").toAbsolutePath());
        Path written = tree.resolve("written-by-a-submission.txt");
        Files.deleteIfExists(written);
        MainTest.Result w = grade(dir, "WritesWorkingTree", "10", "@OUT@", written.toString());
        assertFailed(w);
        assertThat(written).doesNotExist();
        Path started = dir.resolve("started-by-a-submission.txt");
        MainTest.Result p = grade(dir, "StartsProcess", "10", "@OUT@", started.toString());
        assertFailed(p);
        assertThat(started).doesNotExist();
    }

    @Test
    void theSandboxHasNoNetwork(@TempDir Path dir) throws Exception {
        requireSandbox();
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(200);
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try (var s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // poll again
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            MainTest.Result r = grade(dir, "OpensNetwork", "10", "@PORT@", Integer.toString(server.getLocalPort()));
            assertFailed(r);
            assertThat(r.out()).contains("| could not connect: java.net.ConnectException");
            server.close();
            t.join(2_000);
        }
        assertThat(accepted.get()).isZero();
    }
}
