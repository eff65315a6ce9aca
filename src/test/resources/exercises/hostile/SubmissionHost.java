package dev.tinyseek.exercises;

/// HOSTILE: a class in the grader's own package with the name of the grader's process entry
/// point, so that it would run in its place and answer whatever it likes.
public class SubmissionHost implements SoftmaxExercise {

    public static void main(String[] args) {
        System.out.println("6 of 6 checks passed. Result: PASS");
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
