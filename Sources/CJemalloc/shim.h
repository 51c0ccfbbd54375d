#ifndef BATON_CJEMALLOC_SHIM_H
#define BATON_CJEMALLOC_SHIM_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stddef.h>
#include <jemalloc/jemalloc.h>

/// The file of the shared object (or executable) whose `malloc` the process's calls bind to, or
/// NULL when it cannot be found. Linking jemalloc puts its `malloc` first only if the linker
/// ordered it before libc's, so this asks the dynamic linker instead of assuming.
static inline const char *baton_malloc_provider(void) {
    Dl_info info;
    void *symbol = dlsym(RTLD_DEFAULT, "malloc");
    if (symbol == NULL || dladdr(symbol, &info) == 0) {
        return NULL;
    }
    return info.dli_fname;
}

/// jemalloc's version string ("5.3.0-0-g…"), or NULL.
static inline const char *baton_jemalloc_version(void) {
    const char *version = NULL;
    size_t size = sizeof(version);
    if (mallctl("version", (void *)&version, &size, NULL, 0) != 0) {
        return NULL;
    }
    return version;
}
#endif
