#ifndef PARETOPILOT_CLINEARALGEBRA_SHIM_H
#define PARETOPILOT_CLINEARALGEBRA_SHIM_H

// Swift cannot import C's `_Complex` types; LAPACKE lets the includer pick the complex
// types, so give it plain structs (ParetoPilot uses only the real routines).
typedef struct { float real; float imag; } paretopilot_complex_float;
typedef struct { double real; double imag; } paretopilot_complex_double;
#define lapack_complex_float paretopilot_complex_float
#define lapack_complex_double paretopilot_complex_double

#include <cblas.h>
#include <lapacke.h>

#endif
