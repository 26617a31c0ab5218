#!/bin/sh
# vendor/mbedtls.sh: obtain the pinned mbedTLS release, verify its SHA-256
# and unpack it into DEST (an ignored build folder). Never modifies the
# system's apt configuration; never names a mirror (it reads the one apt uses).
#
# usage: vendor/mbedtls.sh DEST
# Sources, in order: $MBEDTLS_TARBALL; a tarball placed under vendor/;
# Debian's source package (temporary deb-src list and apt state): any
# Debian revision of VERSION (3.6.7-3, 3.6.7-4, 3.6.7-3+deb13u1...) from the
# first of DEBIAN_SUITES that has one, since every revision ships the same
# upstream tarball, which is checked by its SHA-256 whatever its source;
# the upstream release tarball.
# MBEDTLS_APT_MIRROR=URI overrides the mirror read from apt's configuration
# (tests/test_vendor.sh points it at a fake apt).
set -eu

VERSION=3.6.7
# Debian suites asked in order; the first with a revision of VERSION wins.
DEBIAN_SUITES="sid forky trixie"
SHA256=a7e8bcbec0e6f761b4af24f25677626b35f762f68eef79c08677a363212d11f6
ORIG=mbedtls_$VERSION.orig.tar.bz2
UPSTREAM=https://github.com/Mbed-TLS/mbedtls/releases/download/mbedtls-$VERSION/mbedtls-$VERSION.tar.bz2

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: vendor/mbedtls.sh DEST}
tree=$dest/mbedtls-$VERSION
# Carried patches, applied in name order after the checksum check; the tree
# records which ones (by content) in .atlwho-patches, and a tree made with
# another set is unpacked again from the verified tarball kept beside it.
patches=$(ls "$here"/mbedtls/patches/*.patch 2>/dev/null | LC_ALL=C sort || true)
want_stamp() {
	for p in $patches; do sha256sum "$p" | sed "s|  .*/|  |"; done
}
stamp_ok() {
	[ -f "$tree/include/mbedtls/ssl.h" ] && [ -f "$tree/.atlwho-patches" ] &&
	    [ "$(want_stamp)" = "$(cat "$tree/.atlwho-patches")" ]
}
stamp_ok && exit 0

say() { echo "mbedtls: $*" >&2; }

apply_patches() {
	for p in $patches; do
		if ! patch -d "$tree" -p1 --batch --forward --no-backup-if-mismatch -s < "$p" >&2; then
			say "patch ${p##*/} does not apply to mbedTLS $VERSION: drop or refresh it (README, carried patches)"
			rm -rf "$tree"
			exit 1
		fi
		say "applied ${p##*/}"
	done
	want_stamp > "$tree/.atlwho-patches"
}

verify() { # file -> 0 if the checksum matches
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$SHA256" ] && return 0
	say "CHECKSUM MISMATCH for $1"
	say "  expected $SHA256"
	say "  got      $got"
	say "  refusing to build from it (nothing was deleted; remove or replace the file)"
	return 1
}

unpack() {
	mkdir -p "$dest"
	tmp=$(mktemp -d "$dest/.unpack.XXXXXX")
	tar -xjf "$1" -C "$tmp"
	[ -d "$tmp/mbedtls-$VERSION" ] || { say "$1 does not contain mbedtls-$VERSION/"; rm -rf "$tmp"; exit 1; }
	rm -rf "$dest/mbedtls-$VERSION"
	mv "$tmp/mbedtls-$VERSION" "$dest/"
	rmdir "$tmp"
	# Keep the verified tarball beside the tree (offline rebuilds, tests).
	[ "$1" -ef "$dest/$ORIG" ] || cp "$1" "$dest/$ORIG"
	say "verified $ORIG (sha256 $SHA256) and unpacked it into $dest"
	apply_patches
}

# 1. A tarball the user names, one already placed under vendor/, or the one
#    kept beside an earlier tree (verified again: it is only a file).
for f in "${MBEDTLS_TARBALL:-}" "$here/$ORIG" "$here/mbedtls-$VERSION.tar.bz2" "$dest/$ORIG"; do
	[ -n "$f" ] || continue
	if [ -f "$f" ]; then
		verify "$f" || exit 1
		unpack "$f"
		exit 0
	elif [ "$f" = "${MBEDTLS_TARBALL:-}" ]; then
		say "MBEDTLS_TARBALL=$f: no such file"; exit 1
	fi
done

dl=$(mktemp -d "${TMPDIR:-/tmp}/atlwho-mbedtls.XXXXXX")
trap 'rm -rf "$dl"' EXIT

# 2. Debian's source package, from the mirror this machine's apt already uses.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN{IGNORECASE=1}
		     /^[ \t]*$/ { if (t ~ /deb/ && u != "" && s !~ /security/) { print u; exit } t=u=s=""; next }
		     /^Types:/ { t=$0 } /^URIs:/ { u=$2 } /^Suites:/ { s=$0 }
		     END { if (t ~ /deb/ && u != "" && s !~ /security/) print u }' "$f"
	done
	[ -f /etc/apt/sources.list ] &&
	    awk '$1 == "deb" || $1 == "deb-src" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i+1) !~ /security/) print $i; break } }' /etc/apt/sources.list
	return 0
}

# The newest Debian revision of VERSION among the "Version:" lines of
# `apt-cache showsrc` on stdin (an optional epoch; no repacked "+dfsg"
# tarball, whose checksum would differ): 3.6.7-4 over 3.6.7-3, never 3.6.8-1.
pick_revision() {
	sed -n 's/^Version: *//p' | grep -E "^([0-9]+:)?$(echo "$VERSION" | sed 's/\./\\./g')-[0-9A-Za-z.~+]+\$" |
	    sort -V | tail -n 1
}

try_debian() {
	command -v apt-get >/dev/null 2>&1 || return 1
	mirror=${MBEDTLS_APT_MIRROR:-$(apt_mirror | head -n 1)}
	[ -n "$mirror" ] || { say "no Debian mirror in apt's configuration"; return 1; }
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	for suite in $DEBIAN_SUITES; do
		st=$dl/apt-$suite
		mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$st/src"
		{
			echo "Types: deb-src"
			echo "URIs: $mirror"
			echo "Suites: $suite"
			echo "Components: main"
			[ -f "$keyring" ] && echo "Signed-By: $keyring"
		} > "$st/src.sources"
		set -- -o Dir::Etc::SourceList="$st/src.sources" -o Dir::Etc::SourceParts=/dev/null \
		    -o Dir::State::Lists="$st/lists" -o Dir::Cache="$st/cache" -o APT::Sandbox::User=root
		apt-get "$@" -qq update >"$st/log" 2>&1 || { say "apt-get update for $suite failed (see below)"; tail -n 3 "$st/log" >&2; continue; }
		rev=$(apt-cache "$@" showsrc mbedtls 2>>"$st/log" | pick_revision)
		if [ -z "$rev" ]; then
			say "Debian $suite has no mbedtls $VERSION-* source package"
			continue
		fi
		say "fetching Debian source package mbedtls=$rev ($suite)"
		(cd "$st/src" && apt-get "$@" -qq source --download-only "mbedtls=$rev") >>"$st/log" 2>&1 ||
		    { say "apt-get source mbedtls=$rev failed in $suite (see below)"; tail -n 3 "$st/log" >&2; continue; }
		if [ -f "$st/src/$ORIG" ]; then
			cp "$st/src/$ORIG" "$dl/$ORIG"
			return 0
		fi
		say "mbedtls=$rev from $suite has no $ORIG"
	done
	return 1
}

try_upstream() {
	say "trying the upstream release tarball"
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --max-time 60 -o "$dl/$ORIG" "$UPSTREAM" 2>/dev/null
	elif command -v wget >/dev/null 2>&1; then
		wget -q -T 60 -O "$dl/$ORIG" "$UPSTREAM" 2>/dev/null
	else
		return 1
	fi
}

if try_debian || try_upstream; then
	verify "$dl/$ORIG" || exit 1
	unpack "$dl/$ORIG"
	exit 0
fi
say "could not obtain mbedTLS $VERSION: no Debian suite ($DEBIAN_SUITES) has a $VERSION-* source package"
say "and the upstream release could not be downloaded. Give the tarball by hand:"
say "  1. on any machine, get mbedtls-$VERSION.tar.bz2 from the upstream release page or"
say "     ${ORIG} from any Debian mirror's pool/main/m/mbedtls/ (any $VERSION-* revision);"
say "  2. check: sha256sum must print $SHA256;"
say "  3. run  make MBEDTLS_TARBALL=/path/to/that/file  (or copy it to vendor/$ORIG)."
exit 1
