#ifndef MPOP_CCURL_H
#define MPOP_CCURL_H
#include <curl/curl.h>

/*
 * libcurl (the GnuTLS flavour) loaded on first use with dlopen: only OAuth
 * 2.0 needs HTTP, and linking libcurl would load it and its twenty-odd
 * libraries into every run (about 3.5 MB of memory and their start-up).
 *
 * ccurl_load() loads it once (thread-safe); it returns NULL when libcurl
 * is ready, otherwise a static message saying what is missing. Every other
 * function may only be called after ccurl_load() returned NULL.
 *
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
 * call: one typed wrapper per argument type.
 */
const char *ccurl_load(void);

CURLcode ccurl_global_init(long flags);
CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *curl);
CURLcode ccurl_easy_perform(CURL *curl);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text);
void ccurl_slist_free_all(struct curl_slist *list);

CURLcode ccurl_setopt_long(CURL *curl, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *curl, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *curl, CURLoption option, void *value);
CURLcode ccurl_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value);
typedef size_t (*ccurl_write_callback)(char *data, size_t size, size_t count, void *context);
CURLcode ccurl_setopt_write_function(CURL *curl, ccurl_write_callback callback);
CURLcode ccurl_response_code(CURL *curl, long *code);
/* Which TLS library this libcurl uses, for the check that it is GnuTLS. */
const char *ccurl_ssl_version(void);
#endif
