/* buildinfo.h: what -V says about the build beyond its version: the source
 * commit and the carried mbedTLS patches, the facts the release's SBOM gives. */
#ifndef ATLWHO_BUILDINFO_H
#define ATLWHO_BUILDINFO_H

/* Lines of text, each ending in LF: "source commit HEX" ("-dirty" for
 * uncommitted changes, "unknown" outside a git checkout), then the carried
 * patches, one indented line each with the advisory or upstream issue it
 * addresses. Made from build/gen/buildinfo.txt (vendor/buildinfo.sh), which
 * vendor/sbom.py reads too. */
extern const char bi_text[];

#endif
