/* OpenBLAS dgemm/sgemm timed from C: the baseline the Node addon is compared against.
 * usage: gemm_c <n> <threads> <d|s> <min_seconds> <batches>   → prints the best seconds per call */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 6) return 2;
  int n = atoi(argv[1]), threads = atoi(argv[2]), single = argv[3][0] == 's', batches = atoi(argv[5]);
  double minTime = atof(argv[4]);
  openblas_set_num_threads(threads);
  size_t len = (size_t)n * (size_t)n;
  double *A = malloc(len * sizeof(double)), *B = malloc(len * sizeof(double)), *C = malloc(len * sizeof(double));
  float *As = malloc(len * sizeof(float)), *Bs = malloc(len * sizeof(float)), *Cs = malloc(len * sizeof(float));
  for (size_t i = 0; i < len; i++) {
    A[i] = (double)(i % 17) / 17.0 - 0.5;
    B[i] = (double)(i % 13) / 13.0 - 0.5;
    As[i] = (float)A[i];
    Bs[i] = (float)B[i];
  }
#define CALL()                                                                                         \
  do {                                                                                                 \
    if (single)                                                                                        \
      cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, As, n, Bs, n, 0.0f, Cs, n); \
    else                                                                                               \
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A, n, B, n, 0.0, C, n);     \
  } while (0)
  CALL();
  long reps = 1;
  for (;;) {
    double t0 = now();
    for (long r = 0; r < reps; r++) CALL();
    if (now() - t0 >= minTime || reps > (1L << 30)) break;
    reps *= 2;
  }
  double best = 1e300;
  for (int b = 0; b < batches; b++) {
    double t0 = now();
    for (long r = 0; r < reps; r++) CALL();
    double t = (now() - t0) / (double)reps;
    if (t < best) best = t;
  }
  printf("%.9e\n", best);
  return 0;
}
