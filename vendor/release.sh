#!/bin/sh
# vendor/release.sh: the release directory from the stripped static binaries
# that `make static-all` left at the top (atlwho-static-ARCH): each as
# atlwho-VERSION-ARCH, the man page, the SPDX 2.3 SBOM (vendor/sbom.py) and
# SHA256SUMS over every other file. Run by `make release`.
#
# usage: vendor/release.sh BUILDINFO DIST ARCH...
#        vendor/release.sh --sums DIST
# BUILDINFO is build/gen/buildinfo.txt (vendor/buildinfo.sh); DIST is made
# anew. SOURCE_DATE_EPOCH (the commit's time, from the Makefile) dates the
# SBOM; nothing else here depends on the clock, the directory or the user.
set -eu
export LC_ALL=C TZ=UTC
umask 022

# --sums DIST: SHA256SUMS again over every file in DIST (make deb adds its
# packages and calls this).
if [ "${1:-}" = --sums ]; then
	cd "${2:?}"
	rm -f SHA256SUMS
	find . -maxdepth 1 -type f ! -name 'SHA256SUMS*' | sed 's|^\./||' | sort | xargs sha256sum > SHA256SUMS.tmp
	mv SHA256SUMS.tmp SHA256SUMS
	exit 0
fi

info=${1:?usage: vendor/release.sh BUILDINFO DIST ARCH...}
dist=${2:?usage: vendor/release.sh BUILDINFO DIST ARCH...}
shift 2
fact() { awk -F '\t' -v k="$1" '$1 == k { print $2; exit }' "$info"; }
version=$(fact version)
commit=$(fact commit)

case $commit in
unknown) echo "release: not a git checkout: the SBOM cannot name the source commit" >&2; exit 1 ;;
*-dirty) echo "release: WARNING: uncommitted changes; the binaries and SBOM say commit $commit" >&2 ;;
esac

rm -rf "$dist"
mkdir -p "$dist"
for a in "$@"; do
	cp "atlwho-static-$a" "$dist/atlwho-$version-$a"
	chmod 755 "$dist/atlwho-$version-$a"
done
cp src/atlwho.1 "$dist/atlwho.1"
chmod 644 "$dist/atlwho.1"
python3 vendor/sbom.py "$info" "$dist" "$@" > "$dist/atlwho-$version.spdx.json.tmp"
mv "$dist/atlwho-$version.spdx.json.tmp" "$dist/atlwho-$version.spdx.json"
vendor/release.sh --sums "$dist"
