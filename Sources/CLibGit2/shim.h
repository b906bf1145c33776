#ifndef TOLLGATE_CLIBGIT2_SHIM_H
#define TOLLGATE_CLIBGIT2_SHIM_H
#include <git2.h>
/* GitKit reads loose objects itself, through an object database backend of its own
   (LooseObjectGuard): libgit2 1.5 loops forever on a truncated one (libgit2 issue 7342). */
#include <git2/sys/odb_backend.h>
#include <zlib.h>

/* The version of the libgit2 headers this binary was compiled against (LIBGIT2_VERSION),
   as a function: `policy --version` reports it beside the library found at run time. */
static inline const char *tollgate_libgit2_header_version(void) {
    return LIBGIT2_VERSION;
}

/* libgit2 hashes every object it reads and compares it with the id (strict hash verification).
   GitKit turns that off for the objects libgit2 reads on its own — the trees of history walks,
   where it was 42 % of a pull request's check — and checks the objects it uses as evidence
   itself: every blob and raw commit (Repository+Objects.swift) and every loose object
   (LooseObjectGuard). A variadic C function, so Swift reaches it through this wrapper. */
static inline int tollgate_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/* libgit2 caches parsed trees only up to 4 KiB by default: a directory of thousands of documents
   was inflated and parsed again for every path looked up in it (thousands of times per check).
   GitKit raises the limit for trees and bounds what the caches hold together. */
static inline int tollgate_set_tree_cache_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, bytes);
}

/* How much of the pack files libgit2 keeps mapped, in windows of `window` bytes: mapped pages
   count in a process's resident memory, and a walk through 100,000 commits touches most of a pack. */
static inline int tollgate_set_pack_windows(size_t window, size_t limit) {
    int rc = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window);
    return rc < 0 ? rc : git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, limit);
}

/* The bytes all of libgit2's object caches may hold together (every repository handle). */
static inline int tollgate_set_cache_max_size(ssize_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}
#endif
