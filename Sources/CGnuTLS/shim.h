#ifndef MPOP_CGNUTLS_SHIM_H
#define MPOP_CGNUTLS_SHIM_H
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/crypto.h>
#include <gnutls/abstract.h>

/* Function-like macros of GnuTLS that Swift cannot import. */
static inline int cgnutls_e_again(void) { return GNUTLS_E_AGAIN; }
#endif
