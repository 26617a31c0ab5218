#!/bin/sh
# tests/release/test_reproducible.sh: a release is the same bytes wherever
# and whenever it is built. DIST (make test-release has just made it here,
# with its .deb packages) is compared file by file with a second build of
# the same commit: a fresh `git clone` in another, deeper directory, built
# later, under another time zone, locale and umask, with the mbedTLS
# tarball kept in build/src/ copied in (nothing is downloaded). Fails
# naming every file that differs or exists on one side only
# (`diffoscope A B` shows how; not installed by the suites).
#
# usage: sh tests/release/test_reproducible.sh DIST
# Costs one whole make release (and make deb): about 6 minutes on two
# busy cores. Ends with "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
dist=${1:-dist}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

[ -f "$dist/SHA256SUMS" ] || { bad "no $dist/SHA256SUMS: run make release first"; finish; }
# A tree that differs from its commit cannot be built again from it.
if [ -n "$(git status --porcelain)" ]; then
	bad "uncommitted changes (git status): the second build, from the commit, would differ; commit first"
	finish
fi
ok
tarball=$(ls build/src/mbedtls_*.orig.tar.bz2 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { bad "no kept mbedTLS tarball in build/src/"; finish; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/atlwho-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
other=$tmp/somewhere/else/atlwho-second-build
git clone -q --no-local . "$other" || { bad "git clone failed"; finish; }
git -C "$other" checkout -q "$(git rev-parse HEAD)" || { bad "checkout failed"; finish; }
mkdir -p "$other/build/src" && cp "$tarball" "$other/build/src/"
target=release
ls "$dist"/*.deb >/dev/null 2>&1 && target=deb
# Not this make's jobserver (the suite runs from a recipe): a make of its own.
unset MAKEFLAGS MFLAGS MAKELEVEL
t0=$(date +%s)
echo "   second build: make $target in $other"
if (cd "$other" && umask 077 && TZ=America/St_Johns LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    make -j2 "$target") > "$tmp/log" 2>&1; then
	ok
else
	tail -n 30 "$tmp/log"
	bad "the second make $target failed"
	finish
fi
echo "   ($(( $(date +%s) - t0 )) s)"

(cd "$dist" && find . -type f | sort) > "$tmp/a"
(cd "$other/dist" && find . -type f | sort) > "$tmp/b"
for f in $(sort -u "$tmp/a" "$tmp/b"); do
	f=${f#./}
	if [ ! -f "$dist/$f" ] || [ ! -f "$other/dist/$f" ]; then
		bad "$f is in one build only"
	elif cmp -s "$dist/$f" "$other/dist/$f"; then
		ok
	else
		bad "$f differs between $dist and the second build ($(cmp "$dist/$f" "$other/dist/$f" 2>&1 | head -n 1))"
	fi
done
finish
