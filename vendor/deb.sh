#!/bin/sh
# vendor/deb.sh: a Debian binary package per product target, made from the
# release's static binaries (vendor/release.sh's DIST), into DIST as
# atlwho_VERSION_DEBARCH.deb; then SHA256SUMS again. Run by `make deb`.
#
# usage: vendor/deb.sh BUILDINFO DIST ARCH...
# No fakeroot: dpkg-deb --root-owner-group. Every file's time is
# SOURCE_DATE_EPOCH (the commit's), compression single-threaded: the
# packages are as reproducible as the binaries. DEB_MAINTAINER overrides
# the Maintainer field.
set -eu
export LC_ALL=C TZ=UTC
umask 022

info=${1:?usage: vendor/deb.sh BUILDINFO DIST ARCH...}
dist=${2:?usage: vendor/deb.sh BUILDINFO DIST ARCH...}
shift 2
fact() { awk -F '\t' -v k="$1" '$1 == k { print $2; exit }' "$info"; }
version=$(fact version)
commit=$(fact commit)
mver=$(fact mbedtls_version)
patches=$(awk -F '\t' '$1 == "patch" { printf "%s%s", n++ ? ", " : "", $2 }' "$info")
epoch=${SOURCE_DATE_EPOCH:?the commit time, from the Makefile}
maintainer=${DEB_MAINTAINER:-atlwho maintainers <maintainers@atlwho.invalid>}
sbom=atlwho-$version.spdx.json
work=build/deb

debarch() {
	case $1 in
	x86_64) echo amd64 ;; aarch64) echo arm64 ;; armv7) echo armhf ;;
	mipsel) echo mipsel ;; *) echo "deb: no Debian architecture for $1" >&2; return 1 ;;
	esac
}

# The copyright file, machine-readable (DEP-5): atlwho's own code and the
# two libraries linked into its one binary.
copyright() { # musl-version
	cat <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: atlwho
Comment: /usr/bin/atlwho is one static executable: atlwho's code, mbedTLS
 $mver (with the carried patches $patches) and musl $1 (Debian's
 musl-dev) linked into it. The SBOM beside this file,
 $sbom, lists every component with its version and checksum.

Files: *
Copyright: the atlwho authors
License: atlwho-unstated

Files: build/src/mbedtls-$mver/*
Copyright: The Mbed TLS Contributors
License: Apache-2.0 or GPL-2+
Comment: mbedTLS $mver's release tarball, unpacked and patched by
 vendor/mbedtls.sh; the patches (vendor/mbedtls/patches/) are under the
 same terms.

Files: /usr/lib/*-linux-musl*/*
Copyright: 2005-2020 Rich Felker <dalias@aerifal.cx>
           2005-2020 Many other contributors
License: MIT
Comment: musl's static C library, from Debian's musl-dev $1, linked in.

License: atlwho-unstated
 atlwho's authors have not stated a licence for atlwho's own code (the SBOM
 says NOASSERTION). Until they do, no rights are granted beyond those the
 law allows.

License: Apache-2.0
 On Debian systems, the full text of the Apache License, Version 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

License: GPL-2+
 This program is free software; you can redistribute it and/or modify it
 under the terms of the GNU General Public License as published by the Free
 Software Foundation; either version 2 of the License, or (at your option)
 any later version.
 .
 On Debian systems, the full text of the GNU General Public License version
 2 is in /usr/share/common-licenses/GPL-2.

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a
 copy of this software and associated documentation files (the "Software"),
 to deal in the Software without restriction, including without limitation
 the rights to use, copy, modify, merge, publish, distribute, sublicense,
 and/or sell copies of the Software, and to permit persons to whom the
 Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included
 in all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
 OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
 MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
 IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
 CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
 TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
 SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
COPY
}

# A native package's changelog (Debian's format: version without a
# revision, changelog.gz). The release's date is the commit's.
changelog() {
	cat <<LOG
atlwho ($version) unstable; urgency=medium

  * Release $version (make deb), built from commit
    $commit.

 -- $maintainer  $(date -u -R -d "@$epoch")
LOG
}

for a in "$@"; do
	da=$(debarch "$a")
	bin=$dist/atlwho-$version-$a
	[ -f "$bin" ] || { echo "deb: $bin missing (make release first)" >&2; exit 1; }
	musl=$(dpkg-query -W -f '${source:Version}' "musl-dev:$da")
	root=$work/$da
	rm -rf "$root"
	doc=$root/usr/share/doc/atlwho
	install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$doc" "$root/usr/share/lintian/overrides"
	install -m 755 "$bin" "$root/usr/bin/atlwho"
	gzip -9n < src/atlwho.1 > "$root/usr/share/man/man1/atlwho.1.gz"
	copyright "$musl" > "$doc/copyright"
	changelog | gzip -9n > "$doc/changelog.gz"
	# The SBOM names mbedTLS and every carried patch (see Built-Using
	# below); compressed as Debian Policy 12.3 asks of documentation.
	gzip -9n < "$dist/$sbom" > "$doc/$sbom.gz"
	# What lintian reports and is meant (lintian-overrides(5) syntax).
	cat > "$root/usr/share/lintian/overrides/atlwho" <<'OVR'
# Static by design: atlwho runs in FROM-scratch containers, initramfs images
# and gateways with no C library; only the C library atlwho was linked with
# (musl, named in Built-Using) is in it.
atlwho: statically-linked-binary [usr/bin/atlwho]
# Static-Built-Using names what a static link took in: deb-control(5),
# dpkg 1.21.3 and later (bookworm's dpkg is 1.21.22); bookworm's lintian
# (2.116) does not know the field yet.
atlwho: unknown-field Static-Built-Using
OVR
	chmod 644 "$doc"/* "$root/usr/share/man/man1/atlwho.1.gz" "$root/usr/share/lintian/overrides/atlwho"
	(cd "$root" && find usr -type f | sort | xargs md5sum) > "$root/DEBIAN/md5sums"
	size=$(du -k -s --apparent-size "$root/usr" | cut -f1)
	# Built-Using names the Debian source packages whose code is in the
	# binary (Debian Policy 7.8), each at its exact version: musl. The
	# static link is what Static-Built-Using says (deb-control(5), dpkg
	# 1.21.3), so musl is named there too. mbedTLS is not Debian's package
	# here: it is vendored, upstream's $mver tarball with atlwho's carried
	# patches, built from vendor/mbedtls.sh. Debian's mbedtls source package
	# (2.28 in bookworm) is not what is linked, so naming it in either field
	# would send whoever rebuilds or audits the package to the wrong source;
	# the Description, the copyright file and the SBOM in /usr/share/doc
	# name it and its patches instead.
	cat > "$root/DEBIAN/control" <<CTL
Package: atlwho
Version: $version
Architecture: $da
Maintainer: $maintainer
Installed-Size: $size
Built-Using: musl (= $musl)
Static-Built-Using: musl (= $musl)
Section: net
Priority: optional
Description: check whether a Jira or Confluence API token works, and whose
 atlwho asks Jira's /rest/api/2/myself or Confluence's
 /rest/api/user/current with the token, verifies TLS, prints whose token it
 is, and tells every failure apart by its exit code. The token never
 appears in any output and never reaches another origin.
 .
 One static executable for gateways, containers and rescue images:
 musl $musl and mbedTLS $mver with atlwho's carried patches
 (vendored; the SBOM /usr/share/doc/atlwho/$sbom.gz
 names each) are linked in.
CTL
	chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
	find "$root" -exec touch -h -d "@$epoch" {} +
	dpkg-deb --root-owner-group --threads-max=1 -Zxz --build "$root" "$dist/atlwho_${version}_$da.deb" >/dev/null
	echo "deb: $dist/atlwho_${version}_$da.deb"
done
vendor/release.sh --sums "$dist"
