#!/bin/sh
# test_vendor.sh: the mbedTLS pin. A tarball whose SHA-256 differs is refused
# with a clear message and nothing is unpacked or deleted; the genuine one
# is accepted. Uses the verified tarball that vendor/mbedtls.sh keeps in
# build/src/ (no network).
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "tests/test_vendor.sh: FAIL: $*" >&2; }

orig=build/src/mbedtls_3.6.7.orig.tar.bz2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
if [ ! -f "$orig" ]; then
	bad "no verified tarball at $orig (run make first)"
	echo "$pass passed, $fail failed"
	exit 1
fi

# 1. A corrupted copy: one byte flipped in the middle.
cp "$orig" "$t/bad.tar.bz2"
size=$(wc -c < "$t/bad.tar.bz2")
printf '\377' | dd of="$t/bad.tar.bz2" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
if MBEDTLS_TARBALL="$t/bad.tar.bz2" vendor/mbedtls.sh "$t/out" 2>"$t/err"; then
	bad "a corrupted tarball was accepted"
else ok; fi
grep -q "CHECKSUM MISMATCH" "$t/err" && ok || bad "no CHECKSUM MISMATCH message: $(cat "$t/err")"
grep -q "a7e8bcbec0e6f761b4af24f25677626b35f762f68eef79c08677a363212d11f6" "$t/err" && ok || bad "expected hash not shown"
[ ! -d "$t/out/mbedtls-3.6.7" ] && ok || bad "something was unpacked from a bad tarball"
[ -f "$t/bad.tar.bz2" ] && ok || bad "the bad tarball was deleted"

# 2. A named tarball that does not exist.
if MBEDTLS_TARBALL="$t/nope.tar.bz2" vendor/mbedtls.sh "$t/out" 2>"$t/err"; then
	bad "a missing MBEDTLS_TARBALL was accepted"
else ok; fi
grep -q "no such file" "$t/err" && ok || bad "missing-file message: $(cat "$t/err")"

# 3. The genuine tarball is verified and unpacked.
if MBEDTLS_TARBALL="$orig" vendor/mbedtls.sh "$t/good" 2>"$t/err"; then ok; else bad "genuine tarball refused: $(cat "$t/err")"; fi
[ -f "$t/good/mbedtls-3.6.7/include/mbedtls/ssl.h" ] && ok || bad "genuine tarball not unpacked"
grep -q "verified" "$t/err" && ok || bad "no 'verified' message"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
