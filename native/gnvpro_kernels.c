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

/* OpenBLAS extensions (declared in its cblas.h, repeated here in case another cblas.h is found first). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);

#define MAXARGS 13

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
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
