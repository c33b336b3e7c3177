#include <curl/curl.h>

/* curl_easy_setopt is variadic, which Swift cannot call: one typed door per argument kind. */
static inline CURLcode pp_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pp_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pp_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pp_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*pp_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);
static inline CURLcode pp_curl_setopt_callback(CURL *handle, CURLoption option, pp_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode pp_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
