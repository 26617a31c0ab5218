#!/bin/sh
# vendor/deps.sh: every Debian package the build and the tests need, by group.
# Installs the missing ones with apt-get when run as root on a Debian-like
# system; otherwise prints the exact command to run and fails. Quick (no
# apt-get at all) when nothing is missing.
#
# usage: vendor/deps.sh GROUP...   groups: build static test fuzz lint bench cross crossbench boot interop
#                                  release deb debcheck
set -eu

# "command-or-file package" pairs per group. A path is checked with -e.
build="cc:gcc make:make bzip2:bzip2 patch:patch /usr/include/stdio.h:libc6-dev"
static="musl-gcc:musl-tools file:file"
test="python3:python3 openssl:openssl nginx:nginx-light sh:dash /bin/busybox:busybox-static curl:curl /etc/ssl/certs/ca-certificates.crt:ca-certificates /usr/lib/python3/dist-packages/cryptography/__init__.py:python3-cryptography valgrind:valgrind /usr/include/valgrind/memcheck.h:valgrind"
fuzz="clang:clang /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"
lint="cppcheck:cppcheck clang-tidy:clang-tidy valgrind:valgrind"
bench="curl:curl go:golang-go"
# make test-interop (tests/interop/): the real server stacks atlwho is proved
# against, curl as the reference client, and what builds the C, Java and Go
# responders at test time.
interop="python3:python3 openssl:openssl curl:curl /usr/sbin/nginx:nginx-light /usr/sbin/apache2:apache2 /usr/sbin/haproxy:haproxy cc:gcc pkg-config:pkg-config /usr/include/gnutls/gnutls.h:libgnutls28-dev javac:openjdk-17-jdk-headless go:golang-go"
# musl for the targets comes through multiarch (musl-dev:arm64/armhf/mipsel/s390x
# ship /usr/lib/<triplet>/musl-gcc.specs); /bin/busybox must be the static one.
boot="qemu-system-x86_64:qemu-system-x86 dpkg-deb:dpkg apt-get:apt"
cross="aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf qemu-aarch64-static:qemu-user-static qemu-arm-static:qemu-user-static /bin/busybox:busybox-static faketime:faketime cpio:cpio gzip:gzip /usr/lib/aarch64-linux-musl/musl-gcc.specs:musl-dev:arm64 /usr/lib/arm-linux-musleabihf/musl-gcc.specs:musl-dev:armhf mipsel-linux-gnu-gcc:gcc-mipsel-linux-gnu qemu-mipsel-static:qemu-user-static /usr/lib/mipsel-linux-musl/musl-gcc.specs:musl-dev:mipsel s390x-linux-gnu-gcc:gcc-s390x-linux-gnu qemu-s390x-static:qemu-user-static /usr/lib/s390x-linux-musl/musl-gcc.specs:musl-dev:s390x"
# make release (vendor/release.sh, vendor/sbom.py: the commit, dpkg's record
# of the toolchain and musl); make deb (vendor/deb.sh); make test-release's
# lintian.
release="python3:python3 git:git dpkg-query:dpkg sha256sum:coreutils"
deb="dpkg-deb:dpkg gzip:gzip"
debcheck="lintian:lintian"
# The dynamic qemu-user: unlike qemu-user-static it loads TCG plugins
# (make bench-cross counts instructions with tests/bench/insn_count.c).
crossbench="qemu-mipsel:qemu-user qemu-arm:qemu-user qemu-aarch64:qemu-user qemu-s390x:qemu-user qemu-x86_64:qemu-user"

missing=""
for g in "$@"; do
	eval "list=\${$g:?unknown group $g}"
	for pair in $list; do
		what=${pair%%:*} pkg=${pair#*:}   # pkg may carry an :arch
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue ;;
		esac
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	done
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# Foreign architectures for multiarch packages (pkg:arch), added once.
	for pkg in $missing; do
		case $pkg in *:*)
			arch=${pkg#*:}
			[ "$arch" = "$(dpkg --print-architecture)" ] && continue
			dpkg --print-foreign-architectures | grep -qx "$arch" && continue
			echo "deps: dpkg --add-architecture $arch" >&2
			dpkg --add-architecture "$arch"
		esac
	done
	# A partly failed update (one mirror index mid-sync) still leaves usable
	# lists; the install below is what must succeed.
	apt-get update -qq >&2 || echo "deps: apt-get update reported errors; installing anyway" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi
echo "deps: missing packages:$missing" >&2
archs=""
for pkg in $missing; do
	case $pkg in *:*)
		arch=${pkg#*:}
		case " $archs " in *" $arch "*) ;; *) archs="$archs $arch" ;; esac
	esac
done
pre=""
for arch in $archs; do
	command -v dpkg >/dev/null 2>&1 && dpkg --print-foreign-architectures | grep -qx "$arch" && continue
	pre="${pre}sudo dpkg --add-architecture $arch && "
done
echo "deps: run:  ${pre}sudo apt-get update && sudo apt-get install -y$missing" >&2
exit 1
