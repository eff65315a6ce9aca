package dev.tinyseek.backend;

import org.junit.jupiter.api.Assumptions;

/// How tests of a native backend behave when its library is missing: they skip themselves with
/// the loader's message, unless the environment says the library must be there
/// (`TINYSEEK_REQUIRE_BLAS=1`, which `.ci/run` sets once it has installed OpenBLAS), in which case
/// they fail, so that CI cannot go green by skipping the BLAS parity tests.
public final class NativeTests {

    private NativeTests() {
    }

    /// Skips (or, when required, fails) the calling test if OpenBLAS cannot be loaded.
    public static OpenBlas requireBlas() {
        try {
            return OpenBlas.load();
        } catch (BackendUnavailableException e) {
            if ("1".equals(System.getenv("TINYSEEK_REQUIRE_BLAS"))) {
                throw new AssertionError("TINYSEEK_REQUIRE_BLAS=1 but " + e.getMessage(), e);
            }
            Assumptions.abort("skipped, no BLAS here: " + e.getMessage());
            throw e; // not reached
        }
    }
}
