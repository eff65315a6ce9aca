package dev.tinyseek.tasks;

/// The held-out rule shared by the tasks: a problem belongs to the test split when a fixed
/// SplitMix64-style hash of its defining numbers is 0 mod 10, so about one problem in ten is
/// never seen in training, and the rule needs no stored list.
final class HeldOut {

    private HeldOut() {
    }

    /// Whether the problem defined by `parts` (in a fixed order) is held out.
    static boolean isTest(long salt, long... parts) {
        long z = salt;
        for (long p : parts) {
            z = z * 0x9E3779B97F4A7C15L + p + 0x632BE59BD9B4E019L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return Math.floorMod(z, 10) == 0;
    }
}
