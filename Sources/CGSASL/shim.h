#ifndef MPOP_CGSASL_SHIM_H
#define MPOP_CGSASL_SHIM_H
#include <gsasl.h>
#endif
