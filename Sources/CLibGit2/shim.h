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
#endif
