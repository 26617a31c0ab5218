#!/bin/sh
# vendor/buildinfo.sh: the facts about a build that `atlwho -V` prints and the
# release's SBOM records, from one place: atlwho's version and source commit,
# the mbedTLS pin (vendor/mbedtls.sh) and every carried patch with its
# SHA-256 and the advisory or issue its header names.
#
# usage: vendor/buildinfo.sh VERSION          facts, one per line, tab-separated
#        vendor/buildinfo.sh --header FILE    the C header made from such a file
# Lines: version V | commit HEX[-dirty]|unknown | commit_time EPOCH|unknown |
# licence SPDX-EXPRESSION | mbedtls_version V | mbedtls_sha256 HEX |
# mbedtls_url URL | patch NAME SHA256 REFERENCE TITLE (one per patch, in the
# order vendor/mbedtls.sh applies them; REFERENCE is "none" when the header
# names no upstream issue or advisory).
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = --header ]; then
	# C string literals: the text is ours (file names, CVE and issue
	# numbers, hex), but quote and backslash are escaped all the same.
	awk -F '\t' '
	function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
	$1 == "commit" { commit = $2 }
	$1 == "mbedtls_version" { split($2, v, "."); num = sprintf("0x%02X%02X%02X00", v[1], v[2], v[3]) }
	$1 == "patch" { n++; p = p " \\\n\t\"  " q($2) ($4 == "none" ? "" : " (" q($4) ")") "\\n\"" }
	END {
		print "/* made by vendor/buildinfo.sh from build/gen/buildinfo.txt: do not edit */"
		print "#define BI_COMMIT \"" q(commit) "\""
		print "#define BI_MBEDTLS_VERSION_NUMBER " num
		print "#define BI_PATCH_COUNT \"" n + 0 "\""
		print "#define BI_PATCHES \"\"" p
	}' "${2:?usage: vendor/buildinfo.sh --header FILE}"
	exit 0
fi

version=${1:?usage: vendor/buildinfo.sh VERSION}
tab=$(printf '\t')

# atlwho's authors have not stated a licence (no LICENSE file, no notice in
# the sources): the SBOM says NOASSERTION (SPDX 2.3 section 7.15) rather
# than guess one. Set it here, once, when they do.
licence=NOASSERTION

# The source commit: HEAD, "-dirty" when the tree differs from it (a changed
# or an untracked file not ignored: a build of uncommitted changes is not
# that commit's build); "unknown"
# outside a git checkout (a source tarball). Its committer time is the
# release's SOURCE_DATE_EPOCH.
commit=unknown ctime=unknown
if top=$(git -C "$here/.." rev-parse --show-toplevel 2>/dev/null) && [ "$top" -ef "$here/.." ]; then
	commit=$(git -C "$top" rev-parse HEAD)
	ctime=$(git -C "$top" log -1 --format=%ct HEAD)
	[ -z "$(git -C "$top" status --porcelain 2>/dev/null)" ] || commit=$commit-dirty
fi

pin() { sed -n "s/^$1=//p" "$here/mbedtls.sh"; }
mver=$(pin VERSION)

printf 'version\t%s\n' "$version"
printf 'commit\t%s\n' "$commit"
printf 'commit_time\t%s\n' "$ctime"
printf 'licence\t%s\n' "$licence"
printf 'mbedtls_version\t%s\n' "$mver"
printf 'mbedtls_sha256\t%s\n' "$(pin SHA256)"
printf 'mbedtls_url\t%s\n' "$(pin UPSTREAM | sed "s/\$VERSION/$mver/g")"

# The patches vendor/mbedtls.sh applies (its list: *.patch in name order).
# A header's "Upstream:" paragraph names what the patch addresses: every
# CVE in it, else the "Mbed-TLS/mbedtls issue N" (or PR) it names, else
# none. Its first paragraph is "atlwho carried patch NNNN: title".
for p in $(ls "$here"/mbedtls/patches/*.patch 2>/dev/null | sort); do
	name=$(basename "$p" .patch)
	sum=$(sha256sum "$p" | cut -d' ' -f1)
	up=$(awk '/^Upstream:/ { on = 1 } on && /^$/ { exit } on { printf "%s ", $0 }' "$p")
	ref=$(printf '%s\n' "$up" | grep -oE 'CVE-[0-9]{4}-[0-9]+' | paste -sd, - || true)
	[ -n "$ref" ] || ref=$(printf '%s\n' "$up" | grep -oE 'Mbed-TLS/mbedtls (issue|PR) [0-9]+' | paste -sd, - || true)
	[ -n "$ref" ] || ref=none
	title=$(awk '/^$/ { exit } { printf "%s%s", (NR > 1 ? " " : ""), $0 }' "$p" |
	    sed -n 's/^atlwho carried patch [0-9]*: *//p' | tr "$tab" ' ')
	printf 'patch\t%s\t%s\t%s\t%s\n' "$name" "$sum" "$ref" "${title:-?}"
done
