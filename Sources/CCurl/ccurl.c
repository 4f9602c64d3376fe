#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/* The Debian name of libcurl's GnuTLS flavour (package libcurl3-gnutls). */
#define CCURL_LIBRARY "libcurl-gnutls.so.4"

static struct {
    __typeof__(curl_global_init) *global_init;
    __typeof__(curl_easy_init) *easy_init;
    __typeof__(curl_easy_cleanup) *easy_cleanup;
    __typeof__(curl_easy_perform) *easy_perform;
    __typeof__(curl_easy_strerror) *easy_strerror;
    __typeof__(curl_slist_append) *slist_append;
    __typeof__(curl_slist_free_all) *slist_free_all;
    __typeof__(curl_easy_setopt) *easy_setopt;
    __typeof__(curl_easy_getinfo) *easy_getinfo;
    __typeof__(curl_version_info) *version_info;
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure;

static void load(void)
{
    void *library = dlopen(CCURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        failure = "cannot load " CCURL_LIBRARY " (install the package libcurl3-gnutls)";
        return;
    }
#define CCURL_SYMBOL(field, name) \
    if (!(api.field = (__typeof__(api.field))dlsym(library, name))) { \
        failure = CCURL_LIBRARY " lacks " name; \
        return; \
    }
    CCURL_SYMBOL(global_init, "curl_global_init")
    CCURL_SYMBOL(easy_init, "curl_easy_init")
    CCURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    CCURL_SYMBOL(easy_perform, "curl_easy_perform")
    CCURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    CCURL_SYMBOL(slist_append, "curl_slist_append")
    CCURL_SYMBOL(slist_free_all, "curl_slist_free_all")
    CCURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    CCURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
    CCURL_SYMBOL(version_info, "curl_version_info")
#undef CCURL_SYMBOL
}

const char *ccurl_load(void)
{
    pthread_once(&once, load);
    return failure;
}

CURLcode ccurl_global_init(long flags) { return api.global_init(flags); }
CURL *ccurl_easy_init(void) { return api.easy_init(); }
void ccurl_easy_cleanup(CURL *curl) { api.easy_cleanup(curl); }
CURLcode ccurl_easy_perform(CURL *curl) { return api.easy_perform(curl); }
const char *ccurl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *text)
{
    return api.slist_append(list, text);
}
void ccurl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

CURLcode ccurl_setopt_long(CURL *curl, CURLoption option, long value)
{
    return api.easy_setopt(curl, option, value);
}
CURLcode ccurl_setopt_string(CURL *curl, CURLoption option, const char *value)
{
    return api.easy_setopt(curl, option, value);
}
CURLcode ccurl_setopt_pointer(CURL *curl, CURLoption option, void *value)
{
    return api.easy_setopt(curl, option, value);
}
CURLcode ccurl_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value)
{
    return api.easy_setopt(curl, option, value);
}
CURLcode ccurl_setopt_write_function(CURL *curl, ccurl_write_callback callback)
{
    return api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback);
}
CURLcode ccurl_response_code(CURL *curl, long *code)
{
    return api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
}
const char *ccurl_ssl_version(void)
{
    if (ccurl_load())
        return NULL;
    return api.version_info(CURLVERSION_NOW)->ssl_version;
}
