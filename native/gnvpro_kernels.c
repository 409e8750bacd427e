/*
 * gnvpro native kernels: a thin Node-API layer over the system OpenBLAS (cblas) and LAPACKE.
 *
 * Every function works in place on the caller's typed arrays (the data pointer napi hands out
 * already includes the view's byteOffset), column-major, through the *_work LAPACKE entry points
 * with LAPACK_COL_MAJOR, which call LAPACK directly: no copies. Full argument validation (shapes,
 * aliasing, finiteness) happens in TypeScript before the call (src/kernels/validate.ts); the checks
 * here are a last line of defence against out-of-bounds access if the addon is called directly.
 *
 * Flags are passed as small integers: trans 0 = "N", 1 = "T"; uplo 0 = "U", 1 = "L";
 * side 0 = "L", 1 = "R"; diag 0 = "N", 1 = "U".
 *
 * Besides BLAS/LAPACK, kernels of our own, each with an AVX2+FMA path chosen at run time and a
 * portable path: dtanhBias (fused bias + tanh + tanh'), the RK4 stage sweeps (rk4FwdStage,
 * rk4JvpStage, rk4VjpStage, rk4VjpStage1), the dense layer's derivative sweeps (derivScaleBias, derivScaleSum),
 * softmax cross-entropy (softmaxCE, softmaxHessApply) and dgemmSmall (a direct small-matrix dgemm); see their sections below.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <cblas.h>
#include <lapacke.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GNV_X86 1
#else
#define GNV_X86 0
#endif

/* OpenBLAS extensions (declared in its cblas.h, repeated here in case another cblas.h is found first). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);

#define MAXARGS 14

#define CHECK(call)                                                                            \
  do {                                                                                         \
    if ((call) != napi_ok) {                                                                   \
      napi_throw_error(env, NULL, "gnvpro native: Node-API call failed: " #call);              \
      return NULL;                                                                             \
    }                                                                                          \
  } while (0)

#define FAIL(msg)                                                                              \
  do {                                                                                         \
    napi_throw_error(env, NULL, msg);                                                          \
    return NULL;                                                                               \
  } while (0)

typedef struct {
  napi_env env;
  napi_value argv[MAXARGS];
  size_t argc;
  int bad; /* set when an argument conversion failed; an exception is pending */
} Args;

static int get_args(napi_env env, napi_callback_info info, Args *a, size_t want) {
  a->env = env;
  a->argc = MAXARGS;
  a->bad = 0;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok || a->argc < want) {
    napi_throw_error(env, NULL, "gnvpro native: wrong number of arguments");
    return 0;
  }
  return 1;
}

static int arg_int(Args *a, size_t i) {
  int32_t v = 0;
  if (a->bad) return 0;
  if (napi_get_value_int32(a->env, a->argv[i], &v) != napi_ok || v < 0) {
    napi_throw_type_error(a->env, NULL, "gnvpro native: expected a non-negative integer argument");
    a->bad = 1;
  }
  return v;
}

static double arg_double(Args *a, size_t i) {
  double v = 0;
  if (a->bad) return 0;
  if (napi_get_value_double(a->env, a->argv[i], &v) != napi_ok) {
    napi_throw_type_error(a->env, NULL, "gnvpro native: expected a number argument");
    a->bad = 1;
  }
  return v;
}

/* The data pointer of a typed array of the given type holding at least `need` elements. */
static void *arg_array(Args *a, size_t i, napi_typedarray_type want, size_t need) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (a->bad) return NULL;
  if (napi_get_typedarray_info(a->env, a->argv[i], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != want) {
    napi_throw_type_error(a->env, NULL, "gnvpro native: wrong typed-array type");
    a->bad = 1;
    return NULL;
  }
  if (length < need) {
    napi_throw_range_error(a->env, NULL, "gnvpro native: typed array too short");
    a->bad = 1;
    return NULL;
  }
  return data;
}

/* Elements a rows×cols column-major matrix with leading dimension ld occupies. */
static size_t extent(int rows, int cols, int ld) {
  return (rows == 0 || cols == 0) ? 0 : (size_t)(cols - 1) * (size_t)ld + (size_t)rows;
}

static napi_value ret_int(napi_env env, int v) {
  napi_value r;
  if (napi_create_int32(env, v, &r) != napi_ok) return NULL;
  return r;
}

static int ld_ok(int rows, int ld) { return ld >= (rows > 1 ? rows : 1); }

/* dgemm / sgemm(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) */
static napi_value gemm(napi_env env, napi_callback_info info, int single) {
  Args a;
  if (!get_args(env, info, &a, 13)) return NULL;
  int tA = arg_int(&a, 0), tB = arg_int(&a, 1);
  int m = arg_int(&a, 2), n = arg_int(&a, 3), k = arg_int(&a, 4);
  double alpha = arg_double(&a, 5);
  int lda = arg_int(&a, 7), ldb = arg_int(&a, 9), ldc = arg_int(&a, 12);
  double beta = arg_double(&a, 10);
  if (a.bad) return NULL;
  int ar = tA ? k : m, ac = tA ? m : k, br = tB ? n : k, bc = tB ? k : n;
  if (!ld_ok(ar, lda) || !ld_ok(br, ldb) || !ld_ok(m, ldc)) FAIL("gnvpro native gemm: bad leading dimension");
  napi_typedarray_type ty = single ? napi_float32_array : napi_float64_array;
  void *A = arg_array(&a, 6, ty, extent(ar, ac, lda));
  void *B = arg_array(&a, 8, ty, extent(br, bc, ldb));
  void *C = arg_array(&a, 11, ty, extent(m, n, ldc));
  if (a.bad) return NULL;
  if (m == 0 || n == 0) return NULL;
  enum CBLAS_TRANSPOSE ta = tA ? CblasTrans : CblasNoTrans, tb = tB ? CblasTrans : CblasNoTrans;
  if (single)
    cblas_sgemm(CblasColMajor, ta, tb, m, n, k, (float)alpha, (const float *)A, lda, (const float *)B, ldb,
                (float)beta, (float *)C, ldc);
  else
    cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, (const double *)A, lda, (const double *)B, ldb, beta,
                (double *)C, ldc);
  return NULL;
}
static napi_value Dgemm(napi_env env, napi_callback_info info) { return gemm(env, info, 0); }
static napi_value Sgemm(napi_env env, napi_callback_info info) { return gemm(env, info, 1); }

/* dsyrk(uplo, trans, n, k, alpha, A, lda, beta, C, ldc) */
static napi_value Dsyrk(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 10)) return NULL;
  int uplo = arg_int(&a, 0), tr = arg_int(&a, 1), n = arg_int(&a, 2), k = arg_int(&a, 3);
  double alpha = arg_double(&a, 4), beta = arg_double(&a, 7);
  int lda = arg_int(&a, 6), ldc = arg_int(&a, 9);
  if (a.bad) return NULL;
  int ar = tr ? k : n, ac = tr ? n : k;
  if (!ld_ok(ar, lda) || !ld_ok(n, ldc)) FAIL("gnvpro native dsyrk: bad leading dimension");
  double *A = arg_array(&a, 5, napi_float64_array, extent(ar, ac, lda));
  double *C = arg_array(&a, 8, napi_float64_array, extent(n, n, ldc));
  if (a.bad || n == 0) return NULL;
  cblas_dsyrk(CblasColMajor, uplo ? CblasLower : CblasUpper, tr ? CblasTrans : CblasNoTrans, n, k, alpha, A, lda,
              beta, C, ldc);
  return NULL;
}

/* dpotrf(uplo, n, A, lda) → info */
static napi_value Dpotrf(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 4)) return NULL;
  int uplo = arg_int(&a, 0), n = arg_int(&a, 1), lda = arg_int(&a, 3);
  if (a.bad) return NULL;
  if (!ld_ok(n, lda)) FAIL("gnvpro native dpotrf: bad leading dimension");
  double *A = arg_array(&a, 2, napi_float64_array, extent(n, n, lda));
  if (a.bad) return NULL;
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, (int)LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, uplo ? 'L' : 'U', n, A, lda));
}

/* dpotrs(uplo, n, nrhs, A, lda, B, ldb) → info */
static napi_value Dpotrs(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 7)) return NULL;
  int uplo = arg_int(&a, 0), n = arg_int(&a, 1), nrhs = arg_int(&a, 2), lda = arg_int(&a, 4), ldb = arg_int(&a, 6);
  if (a.bad) return NULL;
  if (!ld_ok(n, lda) || !ld_ok(n, ldb)) FAIL("gnvpro native dpotrs: bad leading dimension");
  double *A = arg_array(&a, 3, napi_float64_array, extent(n, n, lda));
  double *B = arg_array(&a, 5, napi_float64_array, extent(n, nrhs, ldb));
  if (a.bad) return NULL;
  if (n == 0 || nrhs == 0) return ret_int(env, 0);
  return ret_int(env, (int)LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, uplo ? 'L' : 'U', n, nrhs, A, lda, B, ldb));
}

/* dtrsm(side, uplo, trans, diag, m, n, alpha, A, lda, B, ldb) */
static napi_value Dtrsm(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 11)) return NULL;
  int side = arg_int(&a, 0), uplo = arg_int(&a, 1), tr = arg_int(&a, 2), diag = arg_int(&a, 3);
  int m = arg_int(&a, 4), n = arg_int(&a, 5), lda = arg_int(&a, 8), ldb = arg_int(&a, 10);
  double alpha = arg_double(&a, 6);
  if (a.bad) return NULL;
  int na = side ? n : m;
  if (!ld_ok(na, lda) || !ld_ok(m, ldb)) FAIL("gnvpro native dtrsm: bad leading dimension");
  double *A = arg_array(&a, 7, napi_float64_array, extent(na, na, lda));
  double *B = arg_array(&a, 9, napi_float64_array, extent(m, n, ldb));
  if (a.bad || m == 0 || n == 0) return NULL;
  cblas_dtrsm(CblasColMajor, side ? CblasRight : CblasLeft, uplo ? CblasLower : CblasUpper,
              tr ? CblasTrans : CblasNoTrans, diag ? CblasUnit : CblasNonUnit, m, n, alpha, A, lda, B, ldb);
  return NULL;
}

/* dgesvd(m, n, A, lda, S, U, ldu, VT, ldvt) → info (thin: jobu = jobvt = 'S') */
static napi_value Dgesvd(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 9)) return NULL;
  int m = arg_int(&a, 0), n = arg_int(&a, 1), lda = arg_int(&a, 3), ldu = arg_int(&a, 6), ldvt = arg_int(&a, 8);
  if (a.bad) return NULL;
  int p = m < n ? m : n;
  if (!ld_ok(m, lda) || !ld_ok(m, ldu) || !ld_ok(p, ldvt)) FAIL("gnvpro native dgesvd: bad leading dimension");
  double *A = arg_array(&a, 2, napi_float64_array, extent(m, n, lda));
  double *S = arg_array(&a, 4, napi_float64_array, (size_t)p);
  double *U = arg_array(&a, 5, napi_float64_array, extent(m, p, ldu));
  double *VT = arg_array(&a, 7, napi_float64_array, extent(p, n, ldvt));
  if (a.bad) return NULL;
  if (p == 0) return ret_int(env, 0);
  double q = 0;
  lapack_int r = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', m, n, A, lda, S, U, ldu, VT, ldvt, &q, -1);
  if (r != 0) return ret_int(env, (int)r);
  lapack_int lwork = (lapack_int)q;
  double *work = malloc(sizeof(double) * (size_t)(lwork > 1 ? lwork : 1));
  if (work == NULL) FAIL("gnvpro native dgesvd: out of memory for the workspace");
  r = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', m, n, A, lda, S, U, ldu, VT, ldvt, work, lwork);
  free(work);
  return ret_int(env, (int)r);
}

/* dpbtrf(uplo, n, kd, AB, ldab) → info */
static napi_value Dpbtrf(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 5)) return NULL;
  int uplo = arg_int(&a, 0), n = arg_int(&a, 1), kd = arg_int(&a, 2), ldab = arg_int(&a, 4);
  if (a.bad) return NULL;
  if (ldab < kd + 1) FAIL("gnvpro native dpbtrf: bad ldab");
  double *AB = arg_array(&a, 3, napi_float64_array, extent(kd + 1, n, ldab));
  if (a.bad) return NULL;
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, (int)LAPACKE_dpbtrf_work(LAPACK_COL_MAJOR, uplo ? 'L' : 'U', n, kd, AB, ldab));
}

/* dpbtrs(uplo, n, kd, nrhs, AB, ldab, B, ldb) → info */
static napi_value Dpbtrs(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 8)) return NULL;
  int uplo = arg_int(&a, 0), n = arg_int(&a, 1), kd = arg_int(&a, 2), nrhs = arg_int(&a, 3);
  int ldab = arg_int(&a, 5), ldb = arg_int(&a, 7);
  if (a.bad) return NULL;
  if (ldab < kd + 1 || !ld_ok(n, ldb)) FAIL("gnvpro native dpbtrs: bad leading dimension");
  double *AB = arg_array(&a, 4, napi_float64_array, extent(kd + 1, n, ldab));
  double *B = arg_array(&a, 6, napi_float64_array, extent(n, nrhs, ldb));
  if (a.bad) return NULL;
  if (n == 0 || nrhs == 0) return ret_int(env, 0);
  return ret_int(env, (int)LAPACKE_dpbtrs_work(LAPACK_COL_MAJOR, uplo ? 'L' : 'U', n, kd, nrhs, AB, ldab, B, ldb));
}

/* dgbtrf(n, kl, ku, AB, ldab, ipiv) → info (square: m = n) */
static napi_value Dgbtrf(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 6)) return NULL;
  int n = arg_int(&a, 0), kl = arg_int(&a, 1), ku = arg_int(&a, 2), ldab = arg_int(&a, 4);
  if (a.bad) return NULL;
  if (ldab < 2 * kl + ku + 1) FAIL("gnvpro native dgbtrf: bad ldab");
  double *AB = arg_array(&a, 3, napi_float64_array, extent(2 * kl + ku + 1, n, ldab));
  int32_t *ipiv = arg_array(&a, 5, napi_int32_array, (size_t)n);
  if (a.bad) return NULL;
  if (n == 0) return ret_int(env, 0);
  return ret_int(env, (int)LAPACKE_dgbtrf_work(LAPACK_COL_MAJOR, n, n, kl, ku, AB, ldab, (lapack_int *)ipiv));
}

/* dgbtrs(trans, n, kl, ku, nrhs, AB, ldab, ipiv, B, ldb) → info */
static napi_value Dgbtrs(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 10)) return NULL;
  int tr = arg_int(&a, 0), n = arg_int(&a, 1), kl = arg_int(&a, 2), ku = arg_int(&a, 3), nrhs = arg_int(&a, 4);
  int ldab = arg_int(&a, 6), ldb = arg_int(&a, 9);
  if (a.bad) return NULL;
  if (ldab < 2 * kl + ku + 1 || !ld_ok(n, ldb)) FAIL("gnvpro native dgbtrs: bad leading dimension");
  double *AB = arg_array(&a, 5, napi_float64_array, extent(2 * kl + ku + 1, n, ldab));
  int32_t *ipiv = arg_array(&a, 7, napi_int32_array, (size_t)n);
  double *B = arg_array(&a, 8, napi_float64_array, extent(n, nrhs, ldb));
  if (a.bad) return NULL;
  if (n == 0 || nrhs == 0) return ret_int(env, 0);
  for (int j = 0; j < n; j++) /* pivots outside their window would index out of bounds */
    if (ipiv[j] < j + 1 || ipiv[j] > (j + 1 + kl < n ? j + 1 + kl : n)) FAIL("gnvpro native dgbtrs: bad ipiv");
  return ret_int(env, (int)LAPACKE_dgbtrs_work(LAPACK_COL_MAJOR, tr ? 'T' : 'N', n, kl, ku, nrhs, AB, ldab,
                                               (const lapack_int *)ipiv, B, ldb));
}

/* ---------------------------------------------------------------------------------------------
 * Fused bias + tanh: Z ← tanh(Z + b1ᵀ) in place (m×n column-major, ld = m; b may be NULL) and,
 * when D is not NULL, D ← 1 − tanh²(Z + b1ᵀ).
 *
 * Branch-free formulation (both forms are computed for every entry, then selected):
 *   |x| < 1:  tanh = |x| + |x|·u·P(u), u = x², P of degree 15 (the coefficients of fastTanh,
 *             src/kernels/js/tanh.ts, Chebyshev-fitted, truncation below 5e-18), D = 1 − tanh²;
 *   |x| ≥ 1:  tanh = 1 − q, q = 2e/(1 + e), e = exp(−2a), a = min(|x|, 350); D = q(2 − q), which
 *             keeps D's relative accuracy where tanh rounds to ±1.
 * exp: −2a = k·ln2 + r, |r| ≤ ln2/2, k rounded by adding 1.5·2⁵² (the integer lands in the low
 * mantissa bits), ln2 split as fdlibm's ln2_hi (32 bits, so k·ln2_hi is exact) + ln2_lo; e^r by a
 * degree-11 polynomial (error 3.2e-18); 2^k written into the exponent field with integer
 * operations (no table). The sign of x is put back at the end: ±0 keep their sign, and NaN
 * propagates (the clamp returns its NaN operand, every later step keeps it).
 * Measured: at most 1.14 ulp from the exact tanh (40 000 points against 40-digit mpmath), within
 * 2 ulp of Math.tanh (test/kernels/tanh.test.ts, both paths; V8's Math.tanh is itself up to 2 ulp off).
 * Two paths: AVX2 + FMA (4 doubles per step, chosen at run time with __builtin_cpu_supports) and a
 * portable scalar one (plain C the compiler may vectorise; no FMA contraction, so its results may
 * differ from the AVX2 path's in the last bit).
 * --------------------------------------------------------------------------------------------- */

#define TP0 -0.3333333333333333
#define TP1 0.1333333333333309
#define TP2 -0.05396825396804637
#define TP3 0.02186948852912909
#define TP4 -0.008863235404578283
#define TP5 0.003592126679366341
#define TP6 -0.0014558246920964941
#define TP7 0.0005899792946300052
#define TP8 -0.00023895705228738225
#define TP9 9.646277743313181e-5
#define TP10 -3.8389607893147334e-5
#define TP11 1.4606131676715378e-5
#define TP12 -4.987760317520347e-6
#define TP13 1.3791814499083342e-6
#define TP14 -2.6330772232959337e-7
#define TP15 2.5155023659382105e-8
#define TANH_CLAMP 350.0
#define T_LOG2E 1.4426950408889634
#define T_MAGIC 6755399441055744.0 /* 1.5·2⁵² */
#define T_LN2HI 6.93147180369123816490e-01
#define T_LN2LO 1.90821492927058770002e-10
/* e^r ≈ Σ EMi rⁱ on |r| ≤ ln2/2: degree-11 Chebyshev interpolant (50-digit arithmetic), error 3.2e-18 */
#define EM0 1.0
#define EM1 1.0
#define EM2 0.5000000000000019
#define EM3 0.1666666666666668
#define EM4 0.0416666666664881
#define EM5 0.008333333333319601
#define EM6 0.0013888888952314775
#define EM7 0.00019841269890047113
#define EM8 2.4801485482328494e-05
#define EM9 2.755724091857897e-06
#define EM10 2.763263963904103e-07
#define EM11 2.5110037605963777e-08

#define TANH_PATH_SCALAR 1
#define TANH_PATH_AVX2 2

static inline double tanh_scalar(double x, double *d) {
  double ax = fabs(x);
  /* |x| < 1: P(u) as even + u·odd parts, each by Horner in u² */
  double u = ax * ax, u2 = u * u;
  double pe = ((((((TP14 * u2 + TP12) * u2 + TP10) * u2 + TP8) * u2 + TP6) * u2 + TP4) * u2 + TP2) * u2 + TP0;
  double po = ((((((TP15 * u2 + TP13) * u2 + TP11) * u2 + TP9) * u2 + TP7) * u2 + TP5) * u2 + TP3) * u2 + TP1;
  double small = ax + (ax * u) * (po * u + pe);
  /* |x| ≥ 1 */
  double a = ax > TANH_CLAMP ? TANH_CLAMP : ax; /* NaN stays NaN */
  double t = a * (-2.0 * T_LOG2E) + T_MAGIC;
  double k = t - T_MAGIC;
  double r = (-(a + a) - k * T_LN2HI) - k * T_LN2LO;
  double r2 = r * r;
  double ee = ((((EM10 * r2 + EM8) * r2 + EM6) * r2 + EM4) * r2 + EM2) * r2 + EM0;
  double eo = ((((EM11 * r2 + EM9) * r2 + EM7) * r2 + EM5) * r2 + EM3) * r2 + EM1;
  double e = eo * r + ee;
  uint64_t tb, sb;
  double s;
  memcpy(&tb, &t, sizeof tb);
  sb = (tb + 1023u) << 52;
  memcpy(&s, &sb, sizeof s);
  e *= s;
  double q = 2.0 * e / (1.0 + e);
  double big = 1.0 - q;
  double dsmall = 1.0 - small * small, dbig = q * (2.0 - q);
  int isSmall = ax < 1.0;
  *d = isSmall ? dsmall : dbig;
  return copysign(isSmall ? small : big, x);
}

/* One column, or the whole array when there is no bias; one loop per case so that it vectorises. */
static void tanh_run_scalar(size_t len, double *restrict z, const double *restrict bias, double *restrict d) {
  double dd;
  if (bias && d)
    for (size_t i = 0; i < len; i++) z[i] = tanh_scalar(z[i] + bias[i], d + i);
  else if (bias)
    for (size_t i = 0; i < len; i++) z[i] = tanh_scalar(z[i] + bias[i], &dd);
  else if (d)
    for (size_t i = 0; i < len; i++) z[i] = tanh_scalar(z[i], d + i);
  else
    for (size_t i = 0; i < len; i++) z[i] = tanh_scalar(z[i], &dd);
}

static void tanh_bias_scalar(size_t m, size_t n, double *Z, const double *b, double *D) {
  if (b == NULL) {
    tanh_run_scalar(m * n, Z, NULL, D);
    return;
  }
  for (size_t j = 0; j < n; j++) tanh_run_scalar(m, Z + j * m, b, D ? D + j * m : NULL);
}

#if GNV_X86
#define TV(c) _mm256_set1_pd(c)
/* |x| < 1 for ax = |x|: ax + ax·u·P(u), P as even + u·odd parts, each by Horner in u² (fewer
   operations than Estrin); *dsmall = 1 − result². */
__attribute__((target("avx2,fma"))) static inline __m256d tanh_small_avx2(__m256d ax, __m256d *dsmall) {
  const __m256d one = TV(1.0);
  __m256d u = _mm256_mul_pd(ax, ax), u2 = _mm256_mul_pd(u, u);
  __m256d pe = _mm256_fmadd_pd(TV(TP14), u2, TV(TP12)), po = _mm256_fmadd_pd(TV(TP15), u2, TV(TP13));
  pe = _mm256_fmadd_pd(pe, u2, TV(TP10));
  po = _mm256_fmadd_pd(po, u2, TV(TP11));
  pe = _mm256_fmadd_pd(pe, u2, TV(TP8));
  po = _mm256_fmadd_pd(po, u2, TV(TP9));
  pe = _mm256_fmadd_pd(pe, u2, TV(TP6));
  po = _mm256_fmadd_pd(po, u2, TV(TP7));
  pe = _mm256_fmadd_pd(pe, u2, TV(TP4));
  po = _mm256_fmadd_pd(po, u2, TV(TP5));
  pe = _mm256_fmadd_pd(pe, u2, TV(TP2));
  po = _mm256_fmadd_pd(po, u2, TV(TP3));
  pe = _mm256_fmadd_pd(pe, u2, TV(TP0));
  po = _mm256_fmadd_pd(po, u2, TV(TP1));
  __m256d small = _mm256_fmadd_pd(_mm256_mul_pd(ax, u), _mm256_fmadd_pd(po, u, pe), ax);
  *dsmall = _mm256_fnmadd_pd(small, small, one);
  return small;
}

/* exp(x) for x in [−708.39, 0] (NaN → NaN): k = round(x/ln2) by the 1.5·2⁵² trick, r = x − k·ln2 with
   ln2 split hi/lo, e^r by the degree-11 polynomial, 2^k built in the exponent field. Shared by the
   tanh kernel (x = −2·min(|x|, 350)) and the softmax kernel. */
__attribute__((target("avx2,fma"))) static inline __m256d exp_core_avx2(__m256d x) {
  __m256d t = _mm256_fmadd_pd(x, TV(T_LOG2E), TV(T_MAGIC));
  __m256d k = _mm256_sub_pd(t, TV(T_MAGIC));
  __m256d r = _mm256_fnmadd_pd(k, TV(T_LN2LO), _mm256_fnmadd_pd(k, TV(T_LN2HI), x));
  __m256i sb = _mm256_slli_epi64(_mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(1023)), 52);
  __m256d r2 = _mm256_mul_pd(r, r);
  __m256d ee = _mm256_fmadd_pd(TV(EM10), r2, TV(EM8)), eo = _mm256_fmadd_pd(TV(EM11), r2, TV(EM9));
  ee = _mm256_fmadd_pd(ee, r2, TV(EM6));
  eo = _mm256_fmadd_pd(eo, r2, TV(EM7));
  ee = _mm256_fmadd_pd(ee, r2, TV(EM4));
  eo = _mm256_fmadd_pd(eo, r2, TV(EM5));
  ee = _mm256_fmadd_pd(ee, r2, TV(EM2));
  eo = _mm256_fmadd_pd(eo, r2, TV(EM3));
  ee = _mm256_fmadd_pd(ee, r2, TV(EM0));
  eo = _mm256_fmadd_pd(eo, r2, TV(EM1));
  return _mm256_mul_pd(_mm256_fmadd_pd(eo, r, ee), _mm256_castsi256_pd(sb));
}

__attribute__((target("avx2,fma"))) static inline __m256d tanh_avx2(__m256d x, __m256d *dout) {
  const __m256d sgn = TV(-0.0), one = TV(1.0), two = TV(2.0);
  __m256d sx = _mm256_and_pd(sgn, x);
  __m256d ax = _mm256_andnot_pd(sgn, x);
  __m256d dsmall;
  __m256d small = tanh_small_avx2(ax, &dsmall);
  /* |x| ≥ 1: e = exp(−2a), a = min(|x|, 350) */
  __m256d a = _mm256_min_pd(TV(TANH_CLAMP), ax); /* min returns its second operand (NaN) on NaN */
  __m256d e = exp_core_avx2(_mm256_mul_pd(a, TV(-2.0)));
  __m256d q = _mm256_div_pd(_mm256_add_pd(e, e), _mm256_add_pd(one, e));
  __m256d isSmall = _mm256_cmp_pd(ax, one, _CMP_LT_OQ);
  __m256d th = _mm256_blendv_pd(_mm256_sub_pd(one, q), small, isSmall);
  *dout = _mm256_blendv_pd(_mm256_mul_pd(q, _mm256_sub_pd(two, q)), dsmall, isSmall);
  return _mm256_or_pd(th, sx);
}

/* Lanes [0, rem) of a 4-lane mask (rem in 0..3). */
__attribute__((target("avx2,fma"))) static inline __m256i lane_mask(size_t rem) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)rem), _mm256_setr_epi64x(0, 1, 2, 3));
}

/* One column (len entries with the bias) or the whole array (bias NULL); the tail by masked loads. */
__attribute__((target("avx2,fma"))) static void tanh_run_avx2(size_t len, double *z, const double *bias, double *d) {
  __m256d dv, x;
  size_t i = 0;
  const __m256d sgn = TV(-0.0), one = TV(1.0);
  for (; i + 4 <= len; i += 4) {
    x = _mm256_loadu_pd(z + i);
    if (bias) x = _mm256_add_pd(x, _mm256_loadu_pd(bias + i));
    __m256d ax = _mm256_andnot_pd(sgn, x);
    if (_mm256_movemask_pd(_mm256_cmp_pd(ax, one, _CMP_LT_OQ)) == 0xF) /* all four |x| < 1: no exp */
      x = _mm256_or_pd(tanh_small_avx2(ax, &dv), _mm256_and_pd(sgn, x));
    else
      x = tanh_avx2(x, &dv);
    _mm256_storeu_pd(z + i, x);
    if (d) _mm256_storeu_pd(d + i, dv);
  }
  if (i < len) {
    __m256i mk = lane_mask(len - i);
    x = _mm256_maskload_pd(z + i, mk);
    if (bias) x = _mm256_add_pd(x, _mm256_maskload_pd(bias + i, mk));
    x = tanh_avx2(x, &dv);
    _mm256_maskstore_pd(z + i, mk, x);
    if (d) _mm256_maskstore_pd(d + i, mk, dv);
  }
}

__attribute__((target("avx2,fma"))) static void tanh_bias_avx2(size_t m, size_t n, double *Z, const double *b,
                                                               double *D) {
  if (b == NULL) {
    tanh_run_avx2(m * n, Z, NULL, D);
    return;
  }
  for (size_t j = 0; j < n; j++) tanh_run_avx2(m, Z + j * m, b, D ? D + j * m : NULL);
}
#endif

static int tanh_best_path = 0; /* set once in Init */

static int tanh_detect_path(void) {
#if GNV_X86 && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return TANH_PATH_AVX2;
#endif
  return TANH_PATH_SCALAR;
}

/* dtanhBias(m, n, Z, b | null, D | null, path) → the path used (1 scalar, 2 AVX2+FMA).
   path 0 = the best for this CPU, 1 = force the portable scalar path (tests, benchmarks). */
static napi_value DtanhBias(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 6)) return NULL;
  int m = arg_int(&a, 0), n = arg_int(&a, 1), path = arg_int(&a, 5);
  if (a.bad) return NULL;
  size_t len = (size_t)m * (size_t)n;
  double *Z = arg_array(&a, 2, napi_float64_array, len);
  double *b = NULL, *D = NULL;
  napi_valuetype tb, td;
  if (napi_typeof(env, a.argv[3], &tb) != napi_ok || napi_typeof(env, a.argv[4], &td) != napi_ok)
    FAIL("gnvpro native dtanhBias: Node-API typeof failed");
  if (tb != napi_null) b = arg_array(&a, 3, napi_float64_array, (size_t)m);
  if (td != napi_null) D = arg_array(&a, 4, napi_float64_array, len);
  if (a.bad) return NULL;
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
  if (len == 0) return ret_int(env, use);
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    tanh_bias_avx2((size_t)m, (size_t)n, Z, b, D);
    return ret_int(env, use);
  }
#endif
  tanh_bias_scalar((size_t)m, (size_t)n, Z, b, D);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* ---------------------------------------------------------------------------------------------
 * Fused sweeps of a linearised RK4 stage (the antisymmetric ResNet's JVP and VJP; see
 * Kernels.rk4JvpStage / rk4VjpStage / rk4VjpStage1 in src/kernels/types.ts). Plain loops over
 * restrict pointers that the compiler vectorises: once for AVX2+FMA (chosen at run time, as
 * dtanhBias) and once portable. In V8 the same loops cost ~2.5 ns per entry (bounds checks on five
 * arrays); here ~0.3.
 */
/* Forward stage combination on a w×c block (Kernels.rk4FwdStage): Ya, Ys with leading dimension w+1
   and a row of ones, k with w, next with ldN (w or w+1). */
#define RK4_FWD_BODY                                                                           \
  size_t L = w + 1;                                                                            \
  for (size_t j = 0; j < c; j++) {                                                             \
    const double *restrict kk = k + j * w;                                                     \
    double *restrict nx = next + j * ldN;                                                      \
    if (mode == 2) {                                                                           \
      for (size_t i = 0; i < w; i++) nx[i] += cN * kk[i];                                      \
      continue;                                                                                \
    }                                                                                          \
    const double *restrict ya = Ya + j * L;                                                    \
    double *restrict ys = Ys + j * L;                                                          \
    if (mode == 0) {                                                                           \
      for (size_t i = 0; i < w; i++) {                                                         \
        double a = ya[i], v = kk[i];                                                           \
        nx[i] = a + cN * v;                                                                    \
        ys[i] = a + cS * v;                                                                    \
      }                                                                                        \
      if (ldN != w) nx[w] = 1.0;                                                               \
    } else {                                                                                   \
      for (size_t i = 0; i < w; i++) {                                                         \
        double v = kk[i];                                                                      \
        nx[i] += cN * v;                                                                       \
        ys[i] = ya[i] + cS * v;                                                                \
      }                                                                                        \
    }                                                                                          \
    ys[w] = 1.0;                                                                               \
  }
#define RK4_FWD_ARGS                                                                           \
  int mode, size_t w, size_t c, const double *restrict Ya, const double *restrict k,           \
      double *restrict next, double *restrict Ys, double cN, double cS, size_t ldN
static void rk4_fwd_scalar(RK4_FWD_ARGS) { RK4_FWD_BODY }
#if GNV_X86
__attribute__((target("avx2,fma"))) static void rk4_fwd_avx2(RK4_FWD_ARGS) { RK4_FWD_BODY }
#endif

#define RK4_JVP_BODY                                                                           \
  if (mode == 2) {                                                                             \
    for (size_t q = 0; q < len; q++) next[q] += cN * (D[q] * dk[q]);                           \
  } else if (mode == 0) {                                                                      \
    for (size_t q = 0; q < len; q++) {                                                         \
      double v = D[q] * dk[q], c = cur[q];                                                     \
      next[q] = c + cN * v;                                                                    \
      dYs[q] = c + cS * v;                                                                     \
    }                                                                                          \
  } else {                                                                                     \
    for (size_t q = 0; q < len; q++) {                                                         \
      double v = D[q] * dk[q];                                                                 \
      next[q] += cN * v;                                                                       \
      dYs[q] = cur[q] + cS * v;                                                                \
    }                                                                                          \
  }
#define RK4_JVP_ARGS                                                                           \
  int mode, size_t len, const double *restrict dk, const double *restrict D,                   \
      const double *restrict cur, double *restrict next, double *restrict dYs, double cN, double cS
#define RK4_VJP_BODY                                                                           \
  if (mu == NULL) {                                                                            \
    for (size_t q = 0; q < len; q++) G[q] = D[q] * (cL * lam[q]);                              \
  } else {                                                                                     \
    for (size_t q = 0; q < len; q++) G[q] = D[q] * (cL * lam[q] + cM * mu[q]);                 \
  }
#define RK4_VJP_ARGS                                                                           \
  size_t len, const double *restrict lam, const double *restrict mu, const double *restrict D, \
      double *restrict G, double cL, double cM
#define RK4_VJP1_BODY                                                                          \
  for (size_t q = 0; q < len; q++) {                                                           \
    double l = lam[q], m2 = mu2[q];                                                            \
    lamNew[q] = l + mu4[q] + mu3[q] + m2;                                                      \
    G[q] = D[q] * (cL * l + cM * m2);                                                          \
  }
#define RK4_VJP1_ARGS                                                                          \
  size_t len, const double *restrict lam, const double *restrict mu4, const double *restrict mu3, \
      const double *restrict mu2, const double *restrict D, double *restrict G,                \
      double *restrict lamNew, double cL, double cM

static void rk4_jvp_scalar(RK4_JVP_ARGS) { RK4_JVP_BODY }
static void rk4_vjp_scalar(RK4_VJP_ARGS) { RK4_VJP_BODY }
static void rk4_vjp1_scalar(RK4_VJP1_ARGS) { RK4_VJP1_BODY }
#if GNV_X86
__attribute__((target("avx2,fma"))) static void rk4_jvp_avx2(RK4_JVP_ARGS) { RK4_JVP_BODY }
__attribute__((target("avx2,fma"))) static void rk4_vjp_avx2(RK4_VJP_ARGS) { RK4_VJP_BODY }
__attribute__((target("avx2,fma"))) static void rk4_vjp1_avx2(RK4_VJP1_ARGS) { RK4_VJP1_BODY }
#endif

/* A Float64Array argument, or NULL for a JavaScript null (a->bad set on a failed conversion). */
static double *arg_array_or_null(Args *a, size_t i, size_t need) {
  napi_valuetype t;
  if (a->bad) return NULL;
  if (napi_typeof(a->env, a->argv[i], &t) != napi_ok) {
    napi_throw_error(a->env, NULL, "gnvpro native: Node-API typeof failed");
    a->bad = 1;
    return NULL;
  }
  if (t == napi_null) return NULL;
  return arg_array(a, i, napi_float64_array, need);
}

/* rk4FwdStage(mode, w, c, Ya | null, k, next, Ys | null, cN, cS, ldN, path) → path used. */
static napi_value Rk4FwdStage(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 11)) return NULL;
  int mode = arg_int(&a, 0), w = arg_int(&a, 1), c = arg_int(&a, 2), ldN = arg_int(&a, 9),
      path = arg_int(&a, 10);
  double cN = arg_double(&a, 7), cS = arg_double(&a, 8);
  if (a.bad) return NULL;
  if (mode > 2) FAIL("gnvpro native rk4FwdStage: mode must be 0, 1 or 2");
  if (ldN != w && ldN != w + 1) FAIL("gnvpro native rk4FwdStage: ldN must be w or w + 1");
  size_t lenK = (size_t)w * (size_t)c, lenY = (size_t)(w + 1) * (size_t)c;
  size_t lenN = extent(mode == 0 && ldN != w ? w + 1 : w, c, ldN);
  double *k = arg_array(&a, 4, napi_float64_array, lenK);
  double *next = arg_array(&a, 5, napi_float64_array, lenN);
  double *Ya = arg_array_or_null(&a, 3, lenY);
  double *Ys = arg_array_or_null(&a, 6, lenY);
  if (a.bad) return NULL;
  if (mode != 2 && (Ya == NULL || Ys == NULL)) FAIL("gnvpro native rk4FwdStage: Ya and Ys are needed");
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    rk4_fwd_avx2(mode, (size_t)w, (size_t)c, Ya, k, next, Ys, cN, cS, (size_t)ldN);
    return ret_int(env, use);
  }
#endif
  rk4_fwd_scalar(mode, (size_t)w, (size_t)c, Ya, k, next, Ys, cN, cS, (size_t)ldN);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* rk4JvpStage(mode, len, dk, D, cur | null, next, dYs | null, cN, cS, path) → path used. */
static napi_value Rk4JvpStage(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 10)) return NULL;
  int mode = arg_int(&a, 0), ilen = arg_int(&a, 1), path = arg_int(&a, 9);
  double cN = arg_double(&a, 7), cS = arg_double(&a, 8);
  if (a.bad) return NULL;
  if (mode > 2) FAIL("gnvpro native rk4JvpStage: mode must be 0, 1 or 2");
  size_t len = (size_t)ilen;
  double *dk = arg_array(&a, 2, napi_float64_array, len);
  double *D = arg_array(&a, 3, napi_float64_array, len);
  double *cur = arg_array_or_null(&a, 4, len);
  double *next = arg_array(&a, 5, napi_float64_array, len);
  double *dYs = arg_array_or_null(&a, 6, len);
  if (a.bad) return NULL;
  if (mode != 2 && (cur == NULL || dYs == NULL)) FAIL("gnvpro native rk4JvpStage: cur and dYs are needed");
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    rk4_jvp_avx2(mode, len, dk, D, cur, next, dYs, cN, cS);
    return ret_int(env, use);
  }
#endif
  rk4_jvp_scalar(mode, len, dk, D, cur, next, dYs, cN, cS);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* rk4VjpStage(len, lam, mu | null, D, G, cL, cM, path) → path used. */
static napi_value Rk4VjpStage(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 8)) return NULL;
  int ilen = arg_int(&a, 0), path = arg_int(&a, 7);
  double cL = arg_double(&a, 5), cM = arg_double(&a, 6);
  if (a.bad) return NULL;
  size_t len = (size_t)ilen;
  double *lam = arg_array(&a, 1, napi_float64_array, len);
  double *mu = arg_array_or_null(&a, 2, len);
  double *D = arg_array(&a, 3, napi_float64_array, len);
  double *G = arg_array(&a, 4, napi_float64_array, len);
  if (a.bad) return NULL;
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    rk4_vjp_avx2(len, lam, mu, D, G, cL, cM);
    return ret_int(env, use);
  }
#endif
  rk4_vjp_scalar(len, lam, mu, D, G, cL, cM);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* rk4VjpStage1(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM, path) → path used. */
static napi_value Rk4VjpStage1(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 11)) return NULL;
  int ilen = arg_int(&a, 0), path = arg_int(&a, 10);
  double cL = arg_double(&a, 8), cM = arg_double(&a, 9);
  if (a.bad) return NULL;
  size_t len = (size_t)ilen;
  double *lam = arg_array(&a, 1, napi_float64_array, len);
  double *mu4 = arg_array(&a, 2, napi_float64_array, len);
  double *mu3 = arg_array(&a, 3, napi_float64_array, len);
  double *mu2 = arg_array(&a, 4, napi_float64_array, len);
  double *D = arg_array(&a, 5, napi_float64_array, len);
  double *G = arg_array(&a, 6, napi_float64_array, len);
  double *lamNew = arg_array(&a, 7, napi_float64_array, len);
  if (a.bad) return NULL;
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    rk4_vjp1_avx2(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM);
    return ret_int(env, use);
  }
#endif
  rk4_vjp1_scalar(len, lam, mu4, mu3, mu2, D, G, lamNew, cL, cM);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* ---------------------------------------------------------------------------------------------
 * A dense layer's derivative sweeps (Kernels.derivScaleBias / derivScaleSum): σ′ = 1 − Z² (tanh,
 * from the layer's output) or Z (a stored derivative); X ← σ′ ⊙ (X + db1ᵀ), and G ← σ′ ⊙ U with the
 * bias gradient gb ← β·gb + G·1 in the same pass. Compiled twice like the RK4 sweeps.
 */
#define DERIV_BIAS_BODY                                                                        \
  for (size_t j = 0; j < n; j++) {                                                             \
    double *restrict x = X + j * m;                                                            \
    const double *restrict z = Z + j * m;                                                      \
    if (db == NULL) {                                                                          \
      if (is_tanh)                                                                                \
        for (size_t i = 0; i < m; i++) x[i] = (1.0 - z[i] * z[i]) * x[i];                      \
      else                                                                                     \
        for (size_t i = 0; i < m; i++) x[i] = z[i] * x[i];                                     \
    } else {                                                                                   \
      if (is_tanh)                                                                                \
        for (size_t i = 0; i < m; i++) x[i] = (1.0 - z[i] * z[i]) * (x[i] + db[i]);            \
      else                                                                                     \
        for (size_t i = 0; i < m; i++) x[i] = z[i] * (x[i] + db[i]);                           \
    }                                                                                          \
  }
#define DERIV_BIAS_ARGS                                                                        \
  size_t m, size_t n, double *restrict X, const double *restrict Z, const double *restrict db, int is_tanh
#define DERIV_SUM_BODY                                                                         \
  if (gb != NULL && beta == 0)                                                                 \
    for (size_t i = 0; i < m; i++) gb[i] = 0.0;                                                \
  for (size_t j = 0; j < n; j++) {                                                             \
    const double *restrict u = U + j * m;                                                      \
    const double *restrict z = Z + j * m;                                                      \
    double *restrict g = G + j * m;                                                            \
    if (is_tanh)                                                                                  \
      for (size_t i = 0; i < m; i++) g[i] = (1.0 - z[i] * z[i]) * u[i];                        \
    else                                                                                       \
      for (size_t i = 0; i < m; i++) g[i] = z[i] * u[i];                                       \
    if (gb != NULL)                                                                            \
      for (size_t i = 0; i < m; i++) gb[i] += g[i];                                            \
  }
#define DERIV_SUM_ARGS                                                                         \
  size_t m, size_t n, const double *restrict U, const double *restrict Z, double *restrict G,  \
      double *restrict gb, int beta, int is_tanh

static void deriv_bias_scalar(DERIV_BIAS_ARGS) { DERIV_BIAS_BODY }
static void deriv_sum_scalar(DERIV_SUM_ARGS) { DERIV_SUM_BODY }
#if GNV_X86
__attribute__((target("avx2,fma"))) static void deriv_bias_avx2(DERIV_BIAS_ARGS) { DERIV_BIAS_BODY }
__attribute__((target("avx2,fma"))) static void deriv_sum_avx2(DERIV_SUM_ARGS) { DERIV_SUM_BODY }
#endif

/* derivScaleBias(m, n, X, Z, db | null, is_tanh, path) → path used. */
static napi_value DerivScaleBias(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 7)) return NULL;
  int m = arg_int(&a, 0), n = arg_int(&a, 1), is_tanh = arg_int(&a, 5), path = arg_int(&a, 6);
  if (a.bad) return NULL;
  size_t len = (size_t)m * (size_t)n;
  double *X = arg_array(&a, 2, napi_float64_array, len);
  double *Z = arg_array(&a, 3, napi_float64_array, len);
  double *db = arg_array_or_null(&a, 4, (size_t)m);
  if (a.bad) return NULL;
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    deriv_bias_avx2((size_t)m, (size_t)n, X, Z, db, is_tanh != 0);
    return ret_int(env, use);
  }
#endif
  deriv_bias_scalar((size_t)m, (size_t)n, X, Z, db, is_tanh != 0);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* derivScaleSum(m, n, U, Z, G, gb | null, beta, is_tanh, path) → path used. */
static napi_value DerivScaleSum(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 9)) return NULL;
  int m = arg_int(&a, 0), n = arg_int(&a, 1), beta = arg_int(&a, 6), is_tanh = arg_int(&a, 7),
      path = arg_int(&a, 8);
  if (a.bad) return NULL;
  if (beta > 1) FAIL("gnvpro native derivScaleSum: beta must be 0 or 1");
  size_t len = (size_t)m * (size_t)n;
  double *U = arg_array(&a, 2, napi_float64_array, len);
  double *Z = arg_array(&a, 3, napi_float64_array, len);
  double *G = arg_array(&a, 4, napi_float64_array, len);
  double *gb = arg_array_or_null(&a, 5, (size_t)m);
  if (a.bad) return NULL;
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
#if GNV_X86
  if (use == TANH_PATH_AVX2) {
    deriv_sum_avx2((size_t)m, (size_t)n, U, Z, G, gb, beta, is_tanh != 0);
    return ret_int(env, use);
  }
#endif
  deriv_sum_scalar((size_t)m, (size_t)n, U, Z, G, gb, beta, is_tanh != 0);
  return ret_int(env, TANH_PATH_SCALAR);
}

/* ---------------------------------------------------------------------------------------------
 * Softmax cross-entropy (Kernels.softmaxCE / softmaxHessApply). Per column: the maximum; x = s − max
 * is written to P; e = exp(x) over the whole block (vectorised on the AVX2 path with the range
 * reduction and polynomial of the tanh kernel, for arguments ≤ 0; below −708.39 the result is 0 where
 * libm returns subnormals); then the sums, one log per column, p = e/Σe and g = p − c. The portable
 * path uses libm's exp. NaN handling as the TypeScript version: a column whose maximum is not finite
 * gives NaN; a NaN among finite entries propagates through its exp.
 */
#define EXP_MIN (-708.3964185322641) /* below: 2^k would leave the normal range */

static void exp_block_scalar(size_t len, double *x) {
  for (size_t i = 0; i < len; i++) x[i] = exp(x[i]);
}

#if GNV_X86
/* exp(x) for x ≤ 0 (NaN → NaN; x < EXP_MIN → 0). */
__attribute__((target("avx2,fma"))) static inline __m256d exp_neg_avx2(__m256d x) {
  __m256d under = _mm256_cmp_pd(x, TV(EXP_MIN), _CMP_LT_OQ);
  __m256d a = _mm256_max_pd(x, TV(EXP_MIN)); /* max returns its second operand on NaN: keep x's NaN */
  a = _mm256_blendv_pd(a, x, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
  __m256d e = exp_core_avx2(a);
  return _mm256_blendv_pd(e, _mm256_setzero_pd(), under);
}

__attribute__((target("avx2,fma"))) static void exp_block_avx2(size_t len, double *x) {
  size_t i = 0;
  for (; i + 4 <= len; i += 4) _mm256_storeu_pd(x + i, exp_neg_avx2(_mm256_loadu_pd(x + i)));
  if (i < len) {
    __m256i mk = lane_mask(len - i);
    _mm256_maskstore_pd(x + i, mk, exp_neg_avx2(_mm256_maskload_pd(x + i, mk)));
  }
}
#endif

/* Sum of the per-column losses; P, G as Kernels.softmaxCE. `avx` selects the exp. */
static double softmax_ce(size_t q, size_t n, const double *S, const double *C, double *P, double *G, int avx) {
  size_t len = q * n;
  /* pass 1: x = s − max into P, and the exp-free part of each loss, max·(1 − Σc) − cᵀx; a column whose
     maximum is not finite gets x = NaN, which the exps and the log below carry into its loss, P and G */
  double total = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double *s = S + i * q, *c = C + i * q;
    double *p = P + i * q;
    double mx = -INFINITY;
    for (size_t a = 0; a < q; a++)
      if (s[a] > mx) mx = s[a];
    if (!isfinite(mx)) {
      for (size_t a = 0; a < q; a++) p[a] = NAN;
      continue;
    }
    double cs = 0.0, csum = 0.0;
    for (size_t a = 0; a < q; a++) {
      p[a] = s[a] - mx;
      cs += c[a] * p[a];
      csum += c[a];
    }
    total += mx * (1.0 - csum) - cs;
  }
  /* pass 2: the exps */
#if GNV_X86
  if (avx)
    exp_block_avx2(len, P);
  else
#endif
    exp_block_scalar(len, P);
  (void)avx;
  /* pass 3: + log Σe per column; p = e/Σe, g = p − c */
  for (size_t i = 0; i < n; i++) {
    const double *c = C + i * q;
    double *p = P + i * q;
    double se = 0.0;
    for (size_t a = 0; a < q; a++) se += p[a];
    total += log(se);
    if (G) {
      double inv = 1.0 / se;
      for (size_t a = 0; a < q; a++) {
        double pa = p[a] * inv;
        p[a] = pa;
        G[i * q + a] = pa - c[a];
      }
    }
  }
  return total;
}

/* softmaxCE(q, n, S, C, P, G | null, path) → the sum of the losses. */
static napi_value SoftmaxCE(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 7)) return NULL;
  int q = arg_int(&a, 0), n = arg_int(&a, 1), path = arg_int(&a, 6);
  if (a.bad) return NULL;
  size_t len = (size_t)q * (size_t)n;
  double *S = arg_array(&a, 2, napi_float64_array, len);
  double *C = arg_array(&a, 3, napi_float64_array, len);
  double *P = arg_array(&a, 4, napi_float64_array, len);
  double *G = arg_array_or_null(&a, 5, len);
  if (a.bad) return NULL;
  int use = (path == TANH_PATH_SCALAR) ? TANH_PATH_SCALAR : tanh_best_path;
  double total = softmax_ce((size_t)q, (size_t)n, S, C, P, G, use == TANH_PATH_AVX2);
  napi_value r;
  CHECK(napi_create_double(env, total, &r));
  return r;
}

/* softmaxHessApply(q, n, P, V, out, scale): one path (the columns are short; the compiler's code is
   as fast as any vector variant here). */
static napi_value SoftmaxHessApply(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 6)) return NULL;
  int q = arg_int(&a, 0), n = arg_int(&a, 1);
  double scale = arg_double(&a, 5);
  if (a.bad) return NULL;
  size_t len = (size_t)q * (size_t)n;
  double *P = arg_array(&a, 2, napi_float64_array, len);
  double *V = arg_array(&a, 3, napi_float64_array, len);
  double *out = arg_array(&a, 4, napi_float64_array, len);
  if (a.bad) return NULL;
  for (size_t o = 0; o < len; o += (size_t)q) {
    double uv = 0.0;
    for (size_t k = o; k < o + (size_t)q; k++) uv += P[k] * V[k];
    for (size_t k = o; k < o + (size_t)q; k++) out[k] = scale * (P[k] * (V[k] - uv));
  }
  napi_value r;
  CHECK(napi_get_undefined(env, &r));
  return r;
}

/* ---------------------------------------------------------------------------------------------
 * Small-matrix dgemm (not through OpenBLAS): C ← α op(A) op(B) + β C, column-major, all four
 * transpose combinations, leading dimensions respected. For the width-8 products of the small
 * networks (8×8·8×400, 8×400·(8×400)ᵀ, …) OpenBLAS 0.3.21 packs both operands and has no
 * small-matrix kernel for this CPU, and ends up at ~4 GFLOP/s; this direct kernel reads A and B in
 * place and skips all set-up. The TypeScript layer (src/kernels/native/index.ts) decides which
 * products come here (measured rule, docs/DESIGN.md "Small GEMMs").
 *
 * op(A) is read as m×k columns of stride lda when A is not transposed and m is a multiple of 4;
 * otherwise it is first copied into a zero-padded buffer of ⌈m/4⌉·4 rows (op(A) is small here).
 * op(B)(p, j) = B[p·bp + j·bj] is broadcast where used: (bp, bj) = (1, ldb) for "N", (ldb, 1) for "T".
 * Blocks of C of 8 (or 4) rows × 4 (or fewer) columns accumulate over all of k in registers and are
 * written once: C = α·acc (β = 0: C's old contents, NaN included, are never read) or α·acc + β·C.
 * α = 0 or k = 0: C ← β C (β = 0 → zeros) with A and B not read, as the reference BLAS does.
 * AVX2 + FMA path chosen at run time (as dtanhBias), portable C path otherwise; both sum over p in
 * order, so results differ from OpenBLAS's only by rounding (FMA vs separate multiply and add).
 * --------------------------------------------------------------------------------------------- */

#define GEMM_PATH_SCALAR 1
#define GEMM_PATH_AVX2 2
#define SG_STACK 4096 /* doubles of packed op(A) kept on the stack (32 KB); larger ones are malloc'ed */

static int gemm_best_path = 0; /* set once in Init */

/* C ← β C on an m×n block (β = 0 writes zeros). */
static void sg_scale(int m, int n, double beta, double *C, size_t ldc) {
  if (beta == 1.0) return;
  for (int j = 0; j < n; j++) {
    double *c = C + (size_t)j * ldc;
    if (beta == 0.0)
      for (int i = 0; i < m; i++) c[i] = 0.0;
    else
      for (int i = 0; i < m; i++) c[i] *= beta;
  }
}

/* Copy op(A) (m×k) into P, ldp rows per column (ldp ≥ m; rows m..ldp−1 zeroed). */
static void sg_pack(int tA, int m, int k, const double *A, size_t lda, double *P, size_t ldp) {
  for (int p = 0; p < k; p++) {
    double *d = P + (size_t)p * ldp;
    if (tA)
      for (int i = 0; i < m; i++) d[i] = A[p + (size_t)i * lda];
    else
      memcpy(d, A + (size_t)p * lda, sizeof(double) * (size_t)m);
    for (size_t i = (size_t)m; i < ldp; i++) d[i] = 0.0;
  }
}

/* Portable path: op(A) columns of stride lda (m rows, any m), blocks of 8 rows × 4 columns. */
static void sg_scalar(int m, int n, int k, double alpha, const double *A, size_t lda, const double *B, size_t bp,
                      size_t bj, double beta, double *C, size_t ldc) {
  for (int j = 0; j < n; j += 4) {
    int nr = n - j < 4 ? n - j : 4;
    for (int i = 0; i < m; i += 8) {
      int mr = m - i < 8 ? m - i : 8;
      double acc[4][8] = {{0}};
      const double *a = A + i;
      const double *b = B + (size_t)j * bj;
      if (mr == 8 && nr == 4) {
        for (int p = 0; p < k; p++) {
          const double *ap = a + (size_t)p * lda, *bq = b + (size_t)p * bp;
          for (int jj = 0; jj < 4; jj++) {
            double bv = bq[(size_t)jj * bj];
            for (int ii = 0; ii < 8; ii++) acc[jj][ii] += ap[ii] * bv;
          }
        }
      } else {
        for (int p = 0; p < k; p++) {
          const double *ap = a + (size_t)p * lda, *bq = b + (size_t)p * bp;
          for (int jj = 0; jj < nr; jj++) {
            double bv = bq[(size_t)jj * bj];
            for (int ii = 0; ii < mr; ii++) acc[jj][ii] += ap[ii] * bv;
          }
        }
      }
      for (int jj = 0; jj < nr; jj++) {
        double *c = C + i + (size_t)(j + jj) * ldc;
        if (beta == 0.0)
          for (int ii = 0; ii < mr; ii++) c[ii] = alpha * acc[jj][ii];
        else
          for (int ii = 0; ii < mr; ii++) c[ii] = alpha * acc[jj][ii] + beta * c[ii];
      }
    }
  }
}

#if GNV_X86
/* Write one 4-row vector of a block: rows valid rows (1..4) of c. */
__attribute__((target("avx2,fma"), always_inline)) static inline void sg_put(__m256d acc, double *c, int rows,
                                                                             __m256d va, double beta) {
  if (rows >= 4) {
    __m256d r = _mm256_mul_pd(va, acc);
    if (beta != 0.0) r = _mm256_fmadd_pd(_mm256_set1_pd(beta), _mm256_loadu_pd(c), r);
    _mm256_storeu_pd(c, r);
  } else if (rows > 0) {
    __m256i mk = lane_mask((size_t)rows);
    __m256d r = _mm256_mul_pd(va, acc);
    if (beta != 0.0) r = _mm256_fmadd_pd(_mm256_set1_pd(beta), _mm256_maskload_pd(c, mk), r);
    _mm256_maskstore_pd(c, mk, r);
  }
}

/* One block of C: MV vectors of 4 rows (1 or 2) × NR columns (1..6), all of k in registers (at
   most 12 accumulators + 2 A vectors + 1 broadcast: the 16 ymm registers; 12 independent FMA chains
   hide the FMA latency even when k is small).
   A: the block's first row of op(A), columns of stride lda, 4·MV readable rows (padded if needed);
   rows: how many rows of C this block really has (≤ 4·MV). Called with constant MV and NR. */
#define SG_COL(J)                                                                                  \
  if (NR > J) {                                                                                    \
    bv = _mm256_broadcast_sd(B + q + J * bj);                                                      \
    c##J##0 = _mm256_fmadd_pd(a0, bv, c##J##0);                                                    \
    if (MV > 1) c##J##1 = _mm256_fmadd_pd(a1, bv, c##J##1);                                        \
  }
#define SG_OUT(J)                                                                                  \
  if (NR > J) {                                                                                    \
    sg_put(c##J##0, C + J * ldc, rows, va, beta);                                                  \
    if (MV > 1) sg_put(c##J##1, C + J * ldc + 4, rows - 4, va, beta);                              \
  }
__attribute__((target("avx2,fma"), always_inline)) static inline void sg_block_avx2(
    const int MV, const int NR, int k, const double *A, size_t lda, const double *B, size_t bp, size_t bj,
    double alpha, double beta, double *C, size_t ldc, int rows) {
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  __m256d c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int p = 0; p < k; p++) {
    const double *ap = A + (size_t)p * lda;
    size_t q = (size_t)p * bp;
    __m256d a0 = _mm256_loadu_pd(ap), a1 = MV > 1 ? _mm256_loadu_pd(ap + 4) : a0, bv;
    SG_COL(0)
    SG_COL(1)
    SG_COL(2)
    SG_COL(3)
    SG_COL(4)
    SG_COL(5)
  }
  __m256d va = _mm256_set1_pd(alpha);
  SG_OUT(0)
  SG_OUT(1)
  SG_OUT(2)
  SG_OUT(3)
  SG_OUT(4)
  SG_OUT(5)
}
#undef SG_COL
#undef SG_OUT

/* One block of C with MV vectors of rows and nr (1..6) columns (nr known only at run time). */
#define SG_BLOCK(MV)                                                                               \
  do {                                                                                             \
    const double *bb = B + (size_t)j * bj;                                                         \
    double *cc = C + i + (size_t)j * ldc;                                                          \
    switch (nr) {                                                                                  \
      case 6: sg_block_avx2(MV, 6, k, A + i, lda, bb, bp, bj, alpha, beta, cc, ldc, rows); break;  \
      case 5: sg_block_avx2(MV, 5, k, A + i, lda, bb, bp, bj, alpha, beta, cc, ldc, rows); break;  \
      case 4: sg_block_avx2(MV, 4, k, A + i, lda, bb, bp, bj, alpha, beta, cc, ldc, rows); break;  \
      case 3: sg_block_avx2(MV, 3, k, A + i, lda, bb, bp, bj, alpha, beta, cc, ldc, rows); break;  \
      case 2: sg_block_avx2(MV, 2, k, A + i, lda, bb, bp, bj, alpha, beta, cc, ldc, rows); break;  \
      default: sg_block_avx2(MV, 1, k, A + i, lda, bb, bp, bj, alpha, beta, cc, ldc, rows); break; \
    }                                                                                              \
  } while (0)

/* AVX2 path: op(A) columns of stride lda with ⌈m/4⌉·4 readable rows per column. Columns of C in
   blocks of 6 (outer loop: each k×6 slice of op(B) is read once and stays in cache while all row
   blocks of 8 (then 4) rows use it; op(A) is re-read once per column block, so it should be small). */
__attribute__((target("avx2,fma"))) static void sg_avx2(int m, int n, int k, double alpha, const double *A,
                                                        size_t lda, const double *B, size_t bp, size_t bj,
                                                        double beta, double *C, size_t ldc) {
  for (int j = 0; j < n; j += 6) {
    int nr = n - j < 6 ? n - j : 6;
    for (int i = 0; i < m; i += 8) {
      int rows = m - i < 8 ? m - i : 8;
      if (rows > 4)
        SG_BLOCK(2);
      else
        SG_BLOCK(1);
    }
  }
}
#undef SG_BLOCK
#endif

/* The whole small GEMM; returns the path used, or 0 when out of memory for the packed op(A). */
static int gemm_small(int tA, int tB, int m, int n, int k, double alpha, const double *A, int lda,
                      const double *B, int ldb, double beta, double *C, int ldc, int path) {
  if (m == 0 || n == 0) return path;
  if (alpha == 0.0 || k == 0) {
    sg_scale(m, n, beta, C, (size_t)ldc);
    return path;
  }
  size_t bp = tB ? (size_t)ldb : 1, bj = tB ? 1 : (size_t)ldb;
  int avx = GNV_X86 && path == GEMM_PATH_AVX2;
  int pack = tA || (avx && (m & 3) != 0);
  double stackbuf[SG_STACK];
  double *P = NULL, *heap = NULL;
  const double *a = A;
  size_t ld = (size_t)lda;
  if (pack) {
    size_t ldp = avx ? (size_t)((m + 3) & ~3) : (size_t)m;
    size_t need = ldp * (size_t)k;
    P = need <= SG_STACK ? stackbuf : (heap = malloc(sizeof(double) * need));
    if (P == NULL) return 0;
    sg_pack(tA, m, k, A, (size_t)lda, P, ldp);
    a = P;
    ld = ldp;
  }
#if GNV_X86
  if (avx)
    sg_avx2(m, n, k, alpha, a, ld, B, bp, bj, beta, C, (size_t)ldc);
  else
#endif
    sg_scalar(m, n, k, alpha, a, ld, B, bp, bj, beta, C, (size_t)ldc);
  free(heap);
  return avx ? GEMM_PATH_AVX2 : GEMM_PATH_SCALAR;
}

/* dgemmSmall(tA, tB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, path) → the path used (1 scalar,
   2 AVX2+FMA). path 0 = the best for this CPU, 1 = force the portable path (tests, benchmarks). */
static napi_value DgemmSmall(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 14)) return NULL;
  int tA = arg_int(&a, 0), tB = arg_int(&a, 1);
  int m = arg_int(&a, 2), n = arg_int(&a, 3), k = arg_int(&a, 4);
  double alpha = arg_double(&a, 5);
  int lda = arg_int(&a, 7), ldb = arg_int(&a, 9), ldc = arg_int(&a, 12), path = arg_int(&a, 13);
  double beta = arg_double(&a, 10);
  if (a.bad) return NULL;
  int ar = tA ? k : m, ac = tA ? m : k, br = tB ? n : k, bc = tB ? k : n;
  if (!ld_ok(ar, lda) || !ld_ok(br, ldb) || !ld_ok(m, ldc)) FAIL("gnvpro native dgemmSmall: bad leading dimension");
  double *A = arg_array(&a, 6, napi_float64_array, extent(ar, ac, lda));
  double *B = arg_array(&a, 8, napi_float64_array, extent(br, bc, ldb));
  double *C = arg_array(&a, 11, napi_float64_array, extent(m, n, ldc));
  if (a.bad) return NULL;
  int use = (path == GEMM_PATH_SCALAR) ? GEMM_PATH_SCALAR : gemm_best_path;
  int r = gemm_small(tA != 0, tB != 0, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, use);
  if (r == 0) FAIL("gnvpro native dgemmSmall: out of memory for the packed A");
  return ret_int(env, r);
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a;
  if (!get_args(env, info, &a, 1)) return NULL;
  int t = arg_int(&a, 0);
  if (a.bad) return NULL;
  if (t < 1) FAIL("gnvpro native setThreads: need at least one thread");
  openblas_set_num_threads(t);
  return NULL;
}

static napi_value GetThreads(napi_env env, napi_callback_info info) {
  (void)info;
  return ret_int(env, openblas_get_num_threads());
}

static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  const char *c = openblas_get_config();
  CHECK(napi_create_string_utf8(env, c ? c : "", NAPI_AUTO_LENGTH, &r));
  return r;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dgemm", NULL, Dgemm, NULL, NULL, NULL, napi_default, NULL},
      {"sgemm", NULL, Sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"dsyrk", NULL, Dsyrk, NULL, NULL, NULL, napi_default, NULL},
      {"dpotrf", NULL, Dpotrf, NULL, NULL, NULL, napi_default, NULL},
      {"dpotrs", NULL, Dpotrs, NULL, NULL, NULL, napi_default, NULL},
      {"dtrsm", NULL, Dtrsm, NULL, NULL, NULL, napi_default, NULL},
      {"dgesvd", NULL, Dgesvd, NULL, NULL, NULL, napi_default, NULL},
      {"dpbtrf", NULL, Dpbtrf, NULL, NULL, NULL, napi_default, NULL},
      {"dpbtrs", NULL, Dpbtrs, NULL, NULL, NULL, napi_default, NULL},
      {"dgbtrf", NULL, Dgbtrf, NULL, NULL, NULL, napi_default, NULL},
      {"dgbtrs", NULL, Dgbtrs, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_default, NULL},
      {"getThreads", NULL, GetThreads, NULL, NULL, NULL, napi_default, NULL},
      {"config", NULL, Config, NULL, NULL, NULL, napi_default, NULL},
      {"dtanhBias", NULL, DtanhBias, NULL, NULL, NULL, napi_default, NULL},
      {"dgemmSmall", NULL, DgemmSmall, NULL, NULL, NULL, napi_default, NULL},
      {"rk4FwdStage", NULL, Rk4FwdStage, NULL, NULL, NULL, napi_default, NULL},
      {"rk4JvpStage", NULL, Rk4JvpStage, NULL, NULL, NULL, napi_default, NULL},
      {"rk4VjpStage", NULL, Rk4VjpStage, NULL, NULL, NULL, napi_default, NULL},
      {"rk4VjpStage1", NULL, Rk4VjpStage1, NULL, NULL, NULL, napi_default, NULL},
      {"derivScaleBias", NULL, DerivScaleBias, NULL, NULL, NULL, napi_default, NULL},
      {"derivScaleSum", NULL, DerivScaleSum, NULL, NULL, NULL, napi_default, NULL},
      {"softmaxCE", NULL, SoftmaxCE, NULL, NULL, NULL, napi_default, NULL},
      {"softmaxHessApply", NULL, SoftmaxHessApply, NULL, NULL, NULL, napi_default, NULL},
  };
  tanh_best_path = tanh_detect_path();
  gemm_best_path = tanh_best_path == TANH_PATH_AVX2 ? GEMM_PATH_AVX2 : GEMM_PATH_SCALAR;
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
