#!/bin/sh
# tests/test_mbedtls_suites.sh: mbedTLS's own test suites for every file a
# carried patch touches, built from the patched tree, so that the patched
# code is exercised by upstream's tests, server side included. Each patch
# names its suites in a header line "Test-suites: test_suite_x test_suite_y".
# Every test case that passes counts as one check; the last line is
# "N passed, N failed".
#
# Configurations: upstream's default configuration (mbedtls_config.h) edited
# with scripts/config.py, which ships in the tarball:
#   hooks   MBEDTLS_TEST_HOOKS (the raw-reduction vectors and every other
#           invasive test; the patches' test-build assertions, which fail the
#           running case), MBEDTLS_ECP_RESTARTABLE (the restartable ECP, ECDSA
#           and ECDH cases), MBEDTLS_ECP_WITH_MPI_UINT (the ecp_mod_* cases:
#           bignum_mod arithmetic over the patched mbedtls_ecp_mod_p256_raw()
#           and _p384_raw()), and no MBEDTLS_ECJPAKE_C (so that ECDSA
#           verification takes patch 0100's variable-time inversion, as in
#           atlwho's build). Every suite a patch names runs here.
#   limb32  hooks with 32-bit limbs (MBEDTLS_HAVE_INT32, hence no
#           MBEDTLS_HAVE_ASM, AES-NI or PadLock): the arithmetic of the armv7
#           and mipsel builds, and the 32-bit raw-reduction vectors.
#   jpake   hooks with upstream's MBEDTLS_ECJPAKE_C (patch 0100 then inverts
#           in constant time everywhere) and without P-256, Curve25519 and
#           Curve448: the "curve not supported" cases need them off.
#   limb32 and jpake run only the suites of the elliptic-curve patches,
#   without TLS and X.509 (config.py crypto), which those suites do not use.
# A case counts once: failed if it failed in any configuration, passed if it
# passed in one, skipped if it ran in none.
#
# Skips. Each suite's summary line names every skip with its reason: the
# configuration macros its unmet dependencies need (read from the outcome
# file, MBEDTLS_TEST_OUTCOME_FILE, and the suite's generated dependency
# checks). A skipped case counts as FAILED when
#   - its suite is one of test_suite_ecp*, test_suite_ecdsa*, test_suite_ecdh*
#     (the suites of the elliptic-curve patches): every case must run;
#   - or one of its unmet dependencies is a macro under which a line that a
#     patch naming the suite changes is compiled (the #if conditions around
#     the changed lines in the patched file, and both settings of a macro
#     that a changed #if line itself tests): the case would have exercised
#     patched code;
#   - or its test function calls, by name, a function that such a patch
#     changes (a function holding a changed line).
# Other skips (features that the patched code does not depend on, such as
# DTLS or PSA-only cases in test_suite_ssl) are listed and allowed. The full
# list, case by case, is in build/mbedtls-tests/SUITE.skips.
#
# usage: sh tests/test_mbedtls_suites.sh   (after vendor/mbedtls.sh build/src)
set -u
cd "$(dirname "$0")/.."
ver=$(sed -n 's/^VERSION=//p' vendor/mbedtls.sh)
src=build/src/mbedtls-$ver
work=build/mbedtls-tests
pass=0 fail=0 skip=0
t_start=$(date +%s)

[ -f "$src/.atlwho-patches" ] || { echo "no patched mbedTLS tree at $src (run make first)"; echo "0 passed, 1 failed"; exit 1; }
suites=$(sed -n 's/^Test-suites: *//p' vendor/mbedtls/patches/*.patch 2>/dev/null | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')
if [ -z "$suites" ]; then
	echo "no carried patches name a test suite: nothing to run"
	echo "0 passed, 0 failed"
	exit 0
fi
strict_re='^test_suite_(ecp|ecdsa|ecdh)([.]|$)'
strict=$(for s in $suites; do echo "$s"; done | grep -E "$strict_re" | tr '\n' ' ')

hooks="set MBEDTLS_TEST_HOOKS; set MBEDTLS_ECP_RESTARTABLE; set MBEDTLS_ECP_WITH_MPI_UINT; unset MBEDTLS_ECJPAKE_C"
# (config.py's "crypto": no TLS or X.509, which these suites do not use:
# a third of the library's build time)
limb32="crypto; $hooks; unset MBEDTLS_HAVE_ASM; unset MBEDTLS_AESNI_C; unset MBEDTLS_PADLOCK_C; append #define MBEDTLS_HAVE_INT32"
jpake="crypto; set MBEDTLS_TEST_HOOKS; set MBEDTLS_ECP_RESTARTABLE; set MBEDTLS_ECP_WITH_MPI_UINT; unset MBEDTLS_ECP_DP_SECP256R1_ENABLED; unset MBEDTLS_ECP_DP_CURVE25519_ENABLED; unset MBEDTLS_ECP_DP_CURVE448_ENABLED"

mkdir -p "$work"
# Old layout (one copy of the tree at $work itself): start afresh.
[ -d "$work/library" ] && { rm -rf "$work"; mkdir -p "$work"; }
runs=$work/runs.txt
: > "$runs"
jobs=$(nproc 2>/dev/null || echo 2)
top=$(pwd)

# prepare NAME RECIPE: a copy of the patched tree with the configuration
# edited, made again when the patch set or the recipe changes.
prepare() {
	d=$work/$1
	stamp=$(cat "$src/.atlwho-patches"; echo "$2")
	[ "$stamp" = "$(cat "$d/.atlwho-suites" 2>/dev/null)" ] && return 0
	rm -rf "$d"
	cp -a "$src" "$d" || return 1
	echo "$2" | tr ';' '\n' | while read -r op arg; do
		[ -n "$op" ] || continue
		case $op in
		append) echo "$arg" >> "$d/include/mbedtls/mbedtls_config.h" ;;
		*) (cd "$d" && python3 scripts/config.py "$op" ${arg:+"$arg"}) || exit 1 ;;
		esac
	done || return 1
	echo "$stamp" > "$d/.atlwho-suites"
}

# build NAME SUITE...: one make for all (each make reads the tests'
# Makefile, whose data-file lists run four Python generators); when it
# fails, one make per suite tells which did not build (not run: stale).
build() {
	d=$work/$1
	shift
	make -s -j"$jobs" -C "$d/tests" "$@" > "$d/build.log" 2>&1 && return 0
	for s in "$@"; do
		if ! make -s -j"$jobs" -C "$d/tests" "$s" > "$d/$s.build.log" 2>&1; then
			tail -n 20 "$d/$s.build.log"
			echo "$s ($cfg): build failed"
			fail=$((fail + 1))
			rm -f "$d/tests/$s"
		fi
	done
}

# run NAME SUITE: run one suite in one configuration.
run() {
	d=$work/$1 s=$2
	[ -x "$d/tests/$s" ] || return 0
	rm -f "$d/$s.outcome"
	(cd "$d/tests" && MBEDTLS_TEST_OUTCOME_FILE="$top/$d/$s.outcome" "./$s") > "$d/$s.log" 2>&1
	rc=$?
	# the macros the suite was compiled with, to name unmet dependencies
	(cd "$d/tests" && ${CC:-cc} -E -dM -I./include -I../framework/tests/include -I../include \
	    -I../library -D_POSIX_C_SOURCE=200809L "$s.c") > "$d/$s.macros" 2>/dev/null
	if [ ! -s "$d/$s.outcome" ] || [ ! -s "$d/$s.macros" ]; then
		tail -n 20 "$d/$s.log"
		echo "$s ($1): no outcome (exit $rc)"
		fail=$((fail + 1))
		return
	fi
	if [ "$rc" != 0 ] && ! grep -q ';FAIL;' "$d/$s.outcome"; then
		tail -n 20 "$d/$s.log"
		echo "$s ($1): exit $rc without a failed case: counted as 1 failed"
		fail=$((fail + 1))
	fi
	grep -E 'FAILED$' -A3 "$d/$s.log" | head -n 20
	echo "$s $1 $d/tests $d/$s.outcome $d/$s.macros" >> "$runs"
}

for cfg in hooks limb32 jpake; do
	case $cfg in hooks) recipe=$hooks ;; limb32) recipe=$limb32 ;; jpake) recipe=$jpake ;; esac
	if [ "$cfg" = hooks ]; then list=$suites; else list=$strict; fi
	[ -n "$list" ] || continue
	t0=$(date +%s)
	if ! prepare "$cfg" "$recipe"; then
		echo "mbedTLS $ver: could not make the $cfg configuration"
		fail=$((fail + 1))
		continue
	fi
	echo "== mbedTLS $ver, carried patches applied, configuration $cfg: $list"
	build "$cfg" $list
	for s in $list; do
		run "$cfg" "$s"
	done
	echo "   ($cfg: $(($(date +%s) - t0)) s)"
done

out=$(python3 tests/crypto/suite_outcomes.py "$runs" vendor/mbedtls/patches "$src" "$strict_re" "$work")
rc=$?
echo "$out" | grep -v '^SUITES '
set -- $(echo "$out" | sed -n 's/^SUITES //p')
if [ "$rc" != 0 ] || [ $# != 3 ]; then
	echo "tests/crypto/suite_outcomes.py failed (exit $rc)"
	fail=$((fail + 1))
else
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
fi
echo "($skip skipped cases allowed; $(($(date +%s) - t_start)) s)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
