#!/bin/sh
# test_vendor.sh: the mbedTLS pin. A tarball whose SHA-256 differs is refused
# with a clear message and nothing is unpacked or deleted; the genuine one
# is accepted. Debian's source package is found in any revision of the
# pinned version (against a fake apt: no network). The advisory ledger
# (vendor/mbedtls/ADVISORIES.md) holds: an option named as the reason an
# advisory does not apply is off in atlwho's configuration, and a patch
# named as its fix exists. Uses the verified tarball that vendor/mbedtls.sh
# keeps in build/src/.
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

# 4. Debian's source package, any revision of the pinned version, through a
#    fake apt-get and apt-cache (and a curl and wget that fail: no network).
#    Each suite's offer is a file $t/apt/SUITE.showsrc ("Version:" lines);
#    SUITE.update-fails makes `apt-get update` fail for it.
mkdir -p "$t/bin" "$t/apt"
cat > "$t/bin/apt-cache" <<'FAKE'
#!/bin/sh
# fake apt-cache: `showsrc mbedtls` prints the suite's offer.
for a; do case $a in Dir::Etc::SourceList=*) list=${a#*=} ;; esac; done
suite=$(sed -n 's/^Suites: //p' "$list")
[ "$*" != "${*%showsrc mbedtls}" ] && cat "$FAKE_APT/$suite.showsrc" 2>/dev/null
exit 0
FAKE
cat > "$t/bin/apt-get" <<'FAKE'
#!/bin/sh
# fake apt-get: update (or fail), and source --download-only mbedtls=REV for
# a revision the suite offers (the verified tarball stands in for its orig).
for a; do case $a in Dir::Etc::SourceList=*) list=${a#*=} ;; mbedtls=*) want=${a#mbedtls=} ;; esac; done
suite=$(sed -n 's/^Suites: //p' "$list")
echo "$suite ${want:-update}" >> "$FAKE_APT/calls"
case " $* " in
*" update "*) [ ! -f "$FAKE_APT/$suite.update-fails" ] ;;
*" source "*)
	grep -qx "Version: $want" "$FAKE_APT/$suite.showsrc" 2>/dev/null || { echo "E: no $want" >&2; exit 100; }
	cp "$FAKE_APT_ORIG" ./mbedtls_3.6.7.orig.tar.bz2 ;;
*) exit 1 ;;
esac
FAKE
printf '#!/bin/sh\nexit 6\n' > "$t/bin/curl"
cp "$t/bin/curl" "$t/bin/wget"
chmod 755 "$t/bin/"*
# A copy of vendor/ (so that no tarball a developer placed there is used).
mkdir -p "$t/v/mbedtls"
cp vendor/mbedtls.sh "$t/v/"
cp -r vendor/mbedtls/patches "$t/v/mbedtls/"
# fake_fetch NAME: run the copy with the fake apt into a fresh destination.
fake_fetch() {
	rm -rf "$t/d" "$t/apt/calls"
	PATH="$t/bin:$PATH" FAKE_APT="$t/apt" FAKE_APT_ORIG="$PWD/$orig" MBEDTLS_APT_MIRROR=file:///nonexistent \
	    TMPDIR="$t" sh "$t/v/mbedtls.sh" "$t/d" 2>"$t/err"
}
offer() { printf 'Package: mbedtls\nVersion: %s\n\n' "$@" > "$t/apt/$suite.showsrc"; }
reset_apt() { rm -f "$t/apt/"*.showsrc "$t/apt/"*.update-fails; }

# 4a. sid offers 3.6.7-4 (3.6.7-3 is gone) and 3.6.8-1: 3.6.7-4 is used.
reset_apt; suite=sid; offer 3.6.7-4 3.6.8-1
if fake_fetch; then ok; else bad "a fresh build with only 3.6.7-4 offered failed: $(cat "$t/err")"; fi
grep -q "mbedtls=3.6.7-4 (sid)" "$t/err" && ok || bad "3.6.7-4 not chosen: $(cat "$t/err")"
[ -f "$t/d/mbedtls-3.6.7/include/mbedtls/ssl.h" ] && [ -f "$t/d/mbedtls-3.6.7/.atlwho-patches" ] && ok ||
    bad "3.6.7-4: no patched tree"
grep -q "verified" "$t/err" && ok || bad "3.6.7-4: the tarball was not verified"

# 4b. sid's update fails, forky has only 3.6.8-1, trixie a stable update of
#     3.6.7: trixie's is used, and no 3.6.8 was asked for.
reset_apt; touch "$t/apt/sid.update-fails"
suite=forky; offer 3.6.8-1
suite=trixie; offer 3.6.7-3+deb13u1 3.6.7-2
if fake_fetch; then ok; else bad "the trixie revision was not found: $(cat "$t/err")"; fi
grep -q "mbedtls=3.6.7-3+deb13u1 (trixie)" "$t/err" && ok || bad "3.6.7-3+deb13u1 not chosen: $(cat "$t/err")"
grep -q "3.6.8" "$t/apt/calls" && bad "a 3.6.8 source was requested: $(cat "$t/apt/calls")" || ok

# 4c. No suite has 3.6.7: a clear failure that says how to give the tarball.
reset_apt; suite=sid; offer 3.6.8-1
if fake_fetch; then bad "succeeded without any 3.6.7 source"; else ok; fi
grep -q "MBEDTLS_TARBALL=" "$t/err" && grep -q "$(sed -n 's/^SHA256=//p' vendor/mbedtls.sh)" "$t/err" && ok ||
    bad "no instructions for giving the tarball by hand: $(cat "$t/err")"
[ ! -d "$t/d/mbedtls-3.6.7" ] && ok || bad "4c: something was unpacked"

# 5. The advisory ledger: every MBEDTLS_* option in the Option column is a
#    real option of the pinned release and is off in atlwho's configuration
#    (after mbedTLS's own adjustments), and every patch named is carried.
ledger=vendor/mbedtls/ADVISORIES.md
src=build/src/mbedtls-3.6.7
rows=$(grep -c '^| CVE-' "$ledger")
[ "$rows" -ge 9 ] && ok || bad "the ledger has $rows advisory rows, expected the 9 of 16 November 2026 at least"
printf '#include <mbedtls/build_info.h>\n' > "$t/cfg.c"
if ${CC:-cc} -E -dM -isystem "$src/include" -Ivendor/mbedtls -DMBEDTLS_CONFIG_FILE='"atlwho_config.h"' \
    "$t/cfg.c" > "$t/defs" 2>"$t/err"; then ok; else bad "cannot preprocess atlwho's configuration: $(cat "$t/err")"; fi
opts=$(grep '^| CVE-' "$ledger" | awk -F'|' '{ print $6 }' | grep -o 'MBEDTLS_[A-Z0-9_]*' | sort -u)
[ -n "$opts" ] && ok || bad "no option named in the ledger's Option column"
for o in $opts; do
	grep -Eq "^(//)?#define $o\b" "$src/include/mbedtls/mbedtls_config.h" && ok ||
	    bad "ledger names $o, which is not an option of mbedTLS 3.6.7"
	grep -Eq "^#define $o( |$)" "$t/defs" && bad "ledger says an advisory does not apply because $o is off, but atlwho_config.h turns it on" || ok
done
for n in $(grep '^| CVE-' "$ledger" | awk -F'|' '{ print $7 }' | grep -o 'patch [0-9][0-9][0-9][0-9]' | cut -d' ' -f2); do
	ls vendor/mbedtls/patches/"$n"-*.patch >/dev/null 2>&1 && ok || bad "ledger names patch $n, which is not carried"
done
# ...and the check catches a turned-on option (the configuration with one added).
printf '#include "atlwho_config.h"\n#define MBEDTLS_SSL_SRV_C\n' > "$t/on.h"
${CC:-cc} -E -dM -isystem "$src/include" -Ivendor/mbedtls -I"$t" -DMBEDTLS_CONFIG_FILE='"on.h"' "$t/cfg.c" 2>/dev/null |
    grep -Eq "^#define MBEDTLS_SSL_SRV_C( |$)" && ok || bad "a turned-on option is not seen by the check"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
