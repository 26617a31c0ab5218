/* buildinfo.c: the build's facts for -V (buildinfo.h), from the header that
 * vendor/buildinfo.sh makes at build time (build/gen/buildinfo-gen.h). */
#include <mbedtls/build_info.h>

#include "buildinfo.h"

/* Builds outside the Makefile (a fuzzer, clang-tidy) have no generated
 * header: their -V says "unknown". */
#if defined(__has_include)
#if __has_include("buildinfo-gen.h")
#include "buildinfo-gen.h"
#endif
#endif

#ifdef BI_COMMIT
/* One pin: the headers compiled against are vendor/mbedtls.sh's version. */
#if BI_MBEDTLS_VERSION_NUMBER != MBEDTLS_VERSION_NUMBER
#error "mbedTLS headers differ from vendor/mbedtls.sh's VERSION"
#endif
const char bi_text[] = "source commit " BI_COMMIT "\n"
    "carried mbedTLS patches: " BI_PATCH_COUNT "\n" BI_PATCHES;
#else
const char bi_text[] = "source commit unknown\ncarried mbedTLS patches: unknown\n";
#endif
