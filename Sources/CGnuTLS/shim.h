#ifndef MPOP_CGNUTLS_SHIM_H
#define MPOP_CGNUTLS_SHIM_H
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/crypto.h>
#include <gnutls/abstract.h>
#include <gnutls/pkcs11.h>

/* Function-like macros of GnuTLS that Swift cannot import. */
static inline int cgnutls_e_again(void) { return GNUTLS_E_AGAIN; }

/* Cast macros, which Swift does not import. */
static inline unsigned int cgnutls_indefinite_timeout(void) { return GNUTLS_INDEFINITE_TIMEOUT; }

/*
 * gnutls_free is a mutable global function pointer; calling it from Swift 6
 * would be a reference to shared mutable state.
 */
static inline void cgnutls_free(void *pointer) { gnutls_free(pointer); }

#endif
