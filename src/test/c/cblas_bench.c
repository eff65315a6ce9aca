/*
 * cblas_bench.c: the C baseline of `tinyseek bench --backend blas`. It times OpenBLAS's
 * cblas_sgemm called straight from C, on the shapes the Java bench gives it, so that the Java
 * binding (FFM downcall, heap arrays passed in place) can be compared with no binding at all.
 *
 * Build (no -dev package needed: the two prototypes are declared here and the library is linked
 * by its versioned file name):
 *   gcc -O2 -o target/cblas_bench src/test/c/cblas_bench.c -l:libopenblas.so.0
 * Run:
 *   target/cblas_bench THREADS SECONDS M,N,K [M,N,K ...]
 * For each shape it prints one line "M,N,K GFLOPS": C[M,N] = A[M,K] * B[N,K]^T (row-major, B
 * transposed: the layout of y = x W^T), after a warm-up, over about SECONDS seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* from OpenBLAS's cblas.h: CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112 */
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
                 const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int n);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* a float in [-1, 1) from a small linear congruential generator: any data will do for timing */
static float next(unsigned long long *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float) ((*s >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s THREADS SECONDS M,N,K [M,N,K ...]\n", argv[0]);
        return 2;
    }
    openblas_set_num_threads(atoi(argv[1]));
    double seconds = atof(argv[2]);
    for (int s = 3; s < argc; s++) {
        int m, n, k;
        if (sscanf(argv[s], "%d,%d,%d", &m, &n, &k) != 3 || m < 1 || n < 1 || k < 1) {
            fprintf(stderr, "bad shape '%s': expected M,N,K with positive integers\n", argv[s]);
            return 2;
        }
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
        if (!a || !b || !c) {
            fprintf(stderr, "out of memory for shape %s\n", argv[s]);
            return 1;
        }
        unsigned long long seed = 7;
        for (long i = 0; i < (long) m * k; i++) a[i] = next(&seed);
        for (long i = 0; i < (long) n * k; i++) b[i] = next(&seed);
        /* warm-up: a third of the time, as in the Java bench */
        double end = now() + seconds * 0.3;
        do {
            cblas_sgemm(101, 111, 112, m, n, k, 1.0f, a, k, b, k, 0.0f, c, n);
        } while (now() < end);
        long reps = 0;
        double t0 = now();
        end = t0 + seconds * 0.7;
        do {
            cblas_sgemm(101, 111, 112, m, n, k, 1.0f, a, k, b, k, 0.0f, c, n);
            reps++;
        } while (now() < end);
        double t = now() - t0;
        printf("%d,%d,%d %.3f\n", m, n, k, 2.0 * m * n * (double) k * reps / t / 1e9);
        fflush(stdout);
        free(a);
        free(b);
        free(c);
    }
    return 0;
}
