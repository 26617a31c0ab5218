#!/bin/sh
# tests/test_mbedtls_suites.sh: mbedTLS's own test suites for every file a
# carried patch touches, built from the patched tree with upstream's default
# (full) configuration, so that the patched code is exercised by upstream's
# tests, server side included. Each patch names its suites in a header line
# "Test-suites: test_suite_x test_suite_y". Every test case that passes
# counts as one check; the last line is "N passed, N failed".
#
# usage: sh tests/test_mbedtls_suites.sh   (after vendor/mbedtls.sh build/src)
set -u
cd "$(dirname "$0")/.."
ver=$(sed -n 's/^VERSION=//p' vendor/mbedtls.sh)
src=build/src/mbedtls-$ver
work=build/mbedtls-tests
pass=0 fail=0

[ -f "$src/.atlwho-patches" ] || { echo "no patched mbedTLS tree at $src (run make first)"; echo "0 passed, 1 failed"; exit 1; }
suites=$(sed -n 's/^Test-suites: *//p' vendor/mbedtls/patches/*.patch 2>/dev/null | tr ' ' '\n' | sort -u | tr '\n' ' ')
if [ -z "$suites" ]; then
	echo "no carried patches name a test suite: nothing to run"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

# A copy of the patched tree, made again when the patch set changes.
if ! cmp -s "$src/.atlwho-patches" "$work/.atlwho-patches"; then
	rm -rf "$work"
	cp -a "$src" "$work"
fi
jobs=$(nproc 2>/dev/null || echo 2)
for s in $suites; do
	echo "== mbedTLS $ver $s (default configuration, carried patches applied)"
	if ! make -s -j"$jobs" -C "$work/tests" "$s" > "$work/$s.build.log" 2>&1; then
		tail -n 20 "$work/$s.build.log"
		echo "$s: build failed"
		fail=$((fail + 1))
		continue
	fi
	(cd "$work/tests" && "./$s") > "$work/$s.log" 2>&1
	rc=$?
	line=$(grep -E '^(PASSED|FAILED) \(' "$work/$s.log" | tail -n 1)
	echo "$s: ${line:-no result line} (exit $rc)"
	# "PASSED (912 / 912 tests (182 skipped))": ran = 912 - 182 - failures
	ok=$(echo "$line" | sed -n 's/^[A-Z]* (\([0-9]*\) \/ \([0-9]*\) tests (\([0-9]*\) skipped)).*/\1 \2 \3/p')
	if [ -z "$ok" ]; then
		tail -n 20 "$work/$s.log"
		fail=$((fail + 1))
		continue
	fi
	set -- $ok
	good=$(($1 - $3)) bad=$(($2 - $1))
	[ "$rc" != 0 ] && [ "$bad" = 0 ] && bad=1
	[ "$bad" != 0 ] && grep -E 'FAILED$' "$work/$s.log" | head -n 20
	pass=$((pass + good)) fail=$((fail + bad))
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
