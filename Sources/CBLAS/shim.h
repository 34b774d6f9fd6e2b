// OpenBLAS's CBLAS interface (Debian libopenblas-dev).
#include <cblas.h>

// Two LAPACK routines OpenBLAS also ships (Fortran calling convention: every argument by
// pointer, the hidden lengths of character arguments at the end). Used by Linear/Decompositions.swift.
#include <stddef.h>
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t uplo_len);
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
             int *iwork, int *info, size_t jobz_len);
