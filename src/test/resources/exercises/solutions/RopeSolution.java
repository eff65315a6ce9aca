import dev.tinyseek.exercises.RopeExercise;

/// Reference solution of `rope`.
public class RopeSolution implements RopeExercise {

    @Override
    public void forward(float[] x, int t, int dr, int pos0, double theta) {
        turn(x, t, dr, pos0, theta, 1);
    }

    @Override
    public void backward(float[] dx, int t, int dr, int pos0, double theta) {
        turn(dx, t, dr, pos0, theta, -1);
    }

    private static void turn(float[] x, int t, int dr, int pos0, double theta, int sign) {
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < dr / 2; j++) {
                double angle = sign * (pos0 + i) * Math.pow(theta, -2.0 * j / dr);
                float c = (float) Math.cos(angle), s = (float) Math.sin(angle);
                int k = i * dr + 2 * j;
                float a = x[k], b = x[k + 1];
                x[k] = a * c - b * s;
                x[k + 1] = a * s + b * c;
            }
        }
    }
}
