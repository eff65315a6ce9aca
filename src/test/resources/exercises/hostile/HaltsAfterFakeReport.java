import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: prints a report that looks like the grader's, ending in PASS, then halts with exit
/// code 0 before any check runs.
public class HaltsAfterFakeReport implements SoftmaxExercise {

    public HaltsAfterFakeReport() {
        System.out.println("  PASS  forward equals tinyseek's Softmax on N(0, 1) logits  (32 cases)");
        System.out.println();
        System.out.println("6 of 6 checks passed. Result: PASS");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    @Override
    public float[] forward(float[] x) {
        return x;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
