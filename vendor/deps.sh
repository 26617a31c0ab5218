#!/bin/sh
# vendor/deps.sh: every Debian package the build and the tests need, by group.
# Installs the missing ones with apt-get when run as root on a Debian-like
# system; otherwise prints the exact command to run and fails. Quick (no
# apt-get at all) when nothing is missing.
#
# usage: vendor/deps.sh GROUP...   groups: build static test fuzz lint bench cross
set -eu

# "command-or-file package" pairs per group. A path is checked with -e.
build="cc:gcc make:make bzip2:bzip2 /usr/include/stdio.h:libc6-dev"
static="musl-gcc:musl-tools file:file"
test="python3:python3 openssl:openssl nginx:nginx-light sh:dash /etc/ssl/certs/ca-certificates.crt:ca-certificates"
fuzz="clang:clang /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"
lint="cppcheck:cppcheck clang-tidy:clang-tidy valgrind:valgrind"
bench="curl:curl go:golang-go /usr/bin/time:time"
cross="aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf qemu-aarch64-static:qemu-user-static busybox:busybox-static faketime:faketime"

missing=""
for g in "$@"; do
	eval "list=\${$g:?unknown group $g}"
	for pair in $list; do
		what=${pair%:*} pkg=${pair##*:}
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
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi
echo "deps: missing packages:$missing" >&2
echo "deps: run:  sudo apt-get update && sudo apt-get install -y$missing" >&2
exit 1
