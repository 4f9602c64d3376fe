#ifndef MPOP_CJSONC_SHIM_H
#define MPOP_CJSONC_SHIM_H
#include <json-c/json.h>
#endif
