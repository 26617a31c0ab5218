#!/bin/sh
# tests/test_ct.sh: constant-flow check of the elliptic-curve code that
# handles secrets, on atlwho's patched mbedTLS. tests/crypto/ct_check.c runs
# ECDH key generation and agreement (P-256, P-384, X25519; legacy API and
# PSA's psa_generate_key + psa_raw_key_agreement, as a TLS 1.3 key share)
# and ECDSA signing (P-256, P-384) under valgrind memcheck with every secret
# marked undefined (every RNG byte, PSA's external RNG included, and the
# private scalars); memcheck then reports every conditional jump and every
# use of a value that depends on a secret ("Conditional jump or move depends
# on uninitialised value", "Use of uninitialised value"), which
# tests/crypto/ct_report.py judges.
#
# Libraries (build/ct/VARIANT/libmbed.a, rebuilt when their sources, the
# configuration, the flags or the compiler change): every file of library/
# compiled as atlwho compiles its mbedTLS for the host (-Os,
# atlwho_config.h; the static build's LTO is not reproduced) plus -g:
#   patched, unpatched                  every carried patch / the same
#                                       verified tarball without them
#   patched-limb32, unpatched-limb32    32-bit limbs, as on armv7 and mipsel
#                                       (no bignum assembly, no AES-NI)
#   patched-jpake, unpatched-jpake      with MBEDTLS_ECJPAKE_C, which patch
#                                       0100 must keep constant-time; ct_check
#                                       then also runs an EC J-PAKE exchange,
#                                       whose secrets reach mbedtls_ecp_muladd()
#                                       and mbedtls_ecp_mul()
#
# Verdicts, per configuration. A report is attributed to its first stack
# frame in library/ (a memset or __udivti3 that received a secret is charged
# to its caller). The touched files are those the carried patches name in
# "+++ b/library/..." lines, so a new patch is covered without editing this
# script. FAILED:
#   - any report in a function a carried patch changes (a function holding a
#     changed line; new functions included);
#   - any report elsewhere in a touched file that the unpatched library does
#     not show (same function and source line text).
#   Reports in touched files, in functions no patch changes, that the
#   unpatched library shows too are upstream's: listed by function, not
#   failed (patch 0100's files carry some: ecp_modp() for Curve25519, the
#   key checks of mbedtls_ecp_check_privkey()). This refines "fail on any
#   report in a touched file", which upstream's own would fail for ever.
#   Reports in untouched files are listed with their functions and compared
#   with the unpatched library's (same file, function and line): the line
#   says "no new secret-dependent branch" or names the new ones. Not failed.
# Also checked: memcheck reports no other error; the unpatched library shows
# reports at all (the secrets reach the library, so a clean patched run
# means something); ct_check's own results (both sides of every agreement
# equal, signatures verify) and limb size; that ecp.o holds patch 0100's
# variable-time inversion in atlwho's configuration and not with
# MBEDTLS_ECJPAKE_C; and that patch 0100's unrolled multiplication compiles
# to straight-line code for x86-64 and aarch64 (memcheck sees only this
# machine's code). Last line "N passed, N failed".
#
# usage: sh tests/test_ct.sh   (after make: needs build/src's patched tree
#                               and verified tarball; valgrind)
set -u
cd "$(dirname "$0")/.."
ver=$(sed -n 's/^VERSION=//p' vendor/mbedtls.sh)
src=build/src/mbedtls-$ver
tarball=build/src/mbedtls_$ver.orig.tar.bz2
out=build/ct
CC=${CC:-cc}
jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0
t_start=$(date +%s)

no() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$src/.atlwho-patches" ] || no "no patched mbedTLS tree at $src (run make first)"
[ -f "$tarball" ] || no "no verified tarball at $tarball (vendor/mbedtls.sh keeps it there)"
command -v valgrind >/dev/null 2>&1 || no "valgrind is not installed (vendor/deps.sh test)"
[ -f /usr/include/valgrind/memcheck.h ] || no "no valgrind/memcheck.h (Debian package valgrind)"

# conf NAME LINE...: a configuration header in build/ct/config, rewritten
# only when its text changes
conf() {
	f=$out/config/$1
	shift
	printf '%s\n' "/* tests/test_ct.sh: atlwho_config.h and the lines below */" '#include "atlwho_config.h"' "$@" > "$f.new"
	cmp -s "$f.new" "$f" || mv "$f.new" "$f"
	rm -f "$f.new"
}
mkdir -p "$out/config"
conf ct_jpake_config.h '#define MBEDTLS_ECJPAKE_C'
# 32-bit limbs on this machine, as armv7 and mipsel have them: forcing them
# needs the bignum assembly off (bignum.h), and AES-NI then too (aesni.h)
conf ct_limb32_config.h '#undef MBEDTLS_HAVE_ASM' '#undef MBEDTLS_AESNI_C' '#define MBEDTLS_HAVE_INT32'

# The unpatched tree: the verified tarball unpacked once (vendor/mbedtls.sh
# checked its SHA-256 before keeping it beside the patched tree).
usrc=$out/unpatched-src/mbedtls-$ver
if [ ! -f "$usrc/.ct-unpacked" ]; then
	rm -rf "$out/unpatched-src"
	mkdir -p "$out/unpatched-src"
	tar -xjf "$tarball" -C "$out/unpatched-src" || no "cannot unpack $tarball"
	touch "$usrc/.ct-unpacked"
fi

FLAGS="-Os -g -fPIE -ffunction-sections -fdata-sections -w"
# Headers identical in both trees (no patch touches one): then a source file
# that no patch changes compiles to the same object in both, and the
# unpatched variants take those objects from the patched ones.
same_headers=1
diff -rq "$src/include" "$usrc/include" >/dev/null 2>&1 || same_headers=0
for h in "$src"/library/*.h "$usrc"/library/*.h; do
	cmp -s "$src/library/${h##*/}" "$usrc/library/${h##*/}" || same_headers=0
done

# lib VARIANT TREE CONFIG [FROM]: build/ct/VARIANT/libmbed.a, made again when
# the sources, the configuration, the flags or the compiler change; with
# FROM (a patched variant of the same configuration), objects of source
# files identical in both trees are copied from it.
lib() {
	d=$out/$1 tree=$2 conf=$3 from=${4:+$out/$4}
	stamp=$( (cat "$tree"/library/*.[ch] "$tree"/include/*/*.h
		cat vendor/mbedtls/atlwho_config.h; cat "$out/config/$conf" 2>/dev/null
		[ -z "$from" ] || cat "$from/stamp"   # its objects' debug info names the patched tree
		echo "$conf $FLAGS"; $CC --version | head -n 1) | cksum)
	[ -f "$d/libmbed.a" ] && [ "$stamp" = "$(cat "$d/stamp" 2>/dev/null)" ] && return 0
	rm -rf "$d"
	mkdir -p "$d"
	for f in "$tree"/library/*.c; do
		b=${f##*/}
		if [ -n "$from" ] && [ "$same_headers" = 1 ] && [ -f "$from/${b%.c}.o" ] &&
		    cmp -s "$f" "$src/library/$b"; then
			cp "$from/${b%.c}.o" "$d/"
		else
			echo "$f"
		fi
	done > "$d/compile.txt"
	xargs -P "$jobs" -I{} sh -c '
		f={}; b=${f##*/}
		'"$CC $FLAGS"' -isystem "$1/include" -I"$1/library" -Ivendor/mbedtls -I"$2" \
		    -DMBEDTLS_CONFIG_FILE="\"$3\"" -c "$f" -o "$4/${b%.c}.o"' sh "$tree" "$out/config" "$conf" "$d" \
		< "$d/compile.txt" > "$d/build.log" 2>&1 || { tail -n 20 "$d/build.log"; return 1; }
	ar rcs "$d/libmbed.a" "$d"/*.o || return 1
	echo "$stamp" > "$d/stamp"
}

# prepare VARIANT TREE CONFIG [FROM]: the library and ct_check built
# against it.
prepare() {
	v=$1 tree=$2 conf=$3
	if ! lib "$v" "$tree" "$conf" "${4:-}"; then
		echo "$v: the library did not build"
		return 1
	fi
	[ "$out/$v/ct_check" -nt tests/crypto/ct_check.c ] &&
	    [ "$out/$v/ct_check" -nt "$out/$v/libmbed.a" ] && return 0
	$CC -std=c11 -D_DEFAULT_SOURCE -Os -g -Wall -Wextra -Werror -isystem "$tree/include" \
	    -Ivendor/mbedtls -I"$out/config" -DMBEDTLS_CONFIG_FILE="\"$conf\"" \
	    tests/crypto/ct_check.c "$out/$v/libmbed.a" -o "$out/$v/ct_check" && return 0
	echo "$v: ct_check did not build"
	return 1
}

# memcheck VARIANT: ct_check under valgrind (the XML report and the log).
memcheck() {
	rm -f "$out/$1/memcheck.xml"
	valgrind -q --track-origins=no --leak-check=no --num-callers=12 --xml=yes \
	    --xml-file="$out/$1/memcheck.xml" "$out/$1/ct_check" > "$out/$1/ct_check.log" 2>&1
	echo $? > "$out/$1/ct_check.rc"
}

# result VARIANT COUNT: 0 if ct_check finished; for COUNT=1, its own result
# line goes into the tally (the unpatched runs are the reference only).
result() {
	v=$1
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/$v/ct_check.log" | tail -n 1)
	rc=$(cat "$out/$v/ct_check.rc")
	grep '^FAIL' "$out/$v/ct_check.log"
	if [ -z "$line" ] || [ ! -s "$out/$v/memcheck.xml" ]; then
		tail -n 20 "$out/$v/ct_check.log"
		echo "$v: ct_check did not finish under valgrind (exit $rc)"
		fail=$((fail + 1))
		return 1
	fi
	[ "$2" = 1 ] || return 0
	p=${line%% passed*} f=${line#* passed, }; f=${f%% failed}
	# the limb size the variant was built for (32 only where forced)
	want=64; case $v in *limb32) want=32 ;; esac
	if grep -qx "limbs: $want bits" "$out/$v/ct_check.log"; then
		p=$((p + 1))
	else
		echo "FAIL: $v: not built with $want-bit limbs ($(grep '^limbs:' "$out/$v/ct_check.log"))"
		f=$((f + 1))
	fi
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	echo "   $v: ct_check $line (exit $rc)"
	pass=$((pass + p)) fail=$((fail + f))
}

judge() { # LABEL PATCHED-VARIANT TREE CONFIG UNPATCHED-VARIANT TREE
	prepare "$2" "$3" "$4" && prepare "$5" "$6" "$4" "$2" || { fail=$((fail + 1)); return; }
	# the unpatched reference changes only with its library or ct_check
	memcheck "$2" &
	[ "$out/$5/memcheck.xml" -nt "$out/$5/ct_check" ] && [ -s "$out/$5/ct_check.rc" ] ||
	    memcheck "$5" &
	wait
	result "$2" 1 && result "$5" 0 || return
	res=$(python3 tests/crypto/ct_report.py vendor/mbedtls/patches "$src" "$1" \
	    "$out/$2/memcheck.xml" "$out/$5/memcheck.xml")
	rc=$?
	echo "$res" | grep -v '^CT '
	set -- $(echo "$res" | sed -n 's/^CT //p')
	if [ "$rc" != 0 ] || [ $# != 2 ]; then
		echo "tests/crypto/ct_report.py failed (exit $rc)"
		fail=$((fail + 1))
	else
		pass=$((pass + $1)) fail=$((fail + $2))
	fi
}

# straight CC SPECS TARGET: patch 0100's unrolled multiplication ecp_mul_4
# (P-256 and Curve25519) is straight-line code; compiled for TARGET as the
# static build compiles ecp.c (-Os, musl, atlwho_config.h), kept out of line
# so that it can be found, it must hold no conditional branch. Memcheck sees
# only this machine's code: GCC 12 for aarch64 compiled the first version's
# double-width carry (acc < p) into branches on the operands.
straight() {
	tgt=$3 asm=$out/straight-$3.s
	if ! command -v "$1" >/dev/null 2>&1 || { [ -n "$2" ] && [ ! -f "$2" ]; }; then
		echo "   straight-line ecp_mul_4, $tgt: skipped (no $1${2:+ or $2}; vendor/deps.sh cross)"
		return
	fi
	sed 's/^static void ecp_mul_4(/__attribute__((noinline)) static void ecp_mul_4(/' \
	    "$src/library/ecp.c" > "$out/straight-ecp.c"
	if ! $1 ${2:+-specs=$2} -Os -fno-pie -w -isystem "$src/include" -I"$src/library" \
	    -Ivendor/mbedtls -DMBEDTLS_CONFIG_FILE='"atlwho_config.h"' -S "$out/straight-ecp.c" \
	    -o "$asm"; then
		echo "FAIL: straight-line ecp_mul_4, $tgt: ecp.c did not compile"
		fail=$((fail + 1))
		return
	fi
	body=$(awk '/^ecp_mul_4:/ { on = 1 } on && /\.size/ { on = 0 } on' "$asm")
	n=$(echo "$body" | grep -cE '^[[:space:]]+[a-z]')
	# x86-64 jcc (not jmp); aarch64 b.cond as GCC writes it (bhi, bne, ...),
	# cbz, cbnz, tbz, tbnz
	br=$(echo "$body" | grep -E '^[[:space:]]+(j[a-z]+|b\.?(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)|cbn?z|tbn?z)[[:space:]]' |
	    grep -cvE '^[[:space:]]+jmp')
	if [ "$n" -lt 50 ]; then
		echo "FAIL: straight-line ecp_mul_4, $tgt: not found in the compiled ecp.c"
		fail=$((fail + 1))
	elif [ "$br" != 0 ]; then
		echo "FAIL: straight-line ecp_mul_4, $tgt: $br conditional branches in $n instructions ($asm)"
		fail=$((fail + 1))
	else
		echo "   straight-line ecp_mul_4, $tgt: $n instructions, no conditional branch"
		pass=$((pass + 1))
	fi
}

echo "== constant flow, atlwho_config.h: patched (every carried patch) vs unpatched mbedTLS $ver"
judge atlwho patched "$src" atlwho_config.h unpatched "$usrc"
echo "== constant flow, atlwho_config.h with 32-bit limbs (armv7, mipsel)"
judge limb32 patched-limb32 "$src" ct_limb32_config.h unpatched-limb32 "$usrc"
echo "== constant flow, atlwho_config.h + MBEDTLS_ECJPAKE_C (with an EC J-PAKE exchange)"
judge jpake patched-jpake "$src" ct_jpake_config.h unpatched-jpake "$usrc"
# Patch 0100 compiles its variable-time inversion only without EC J-PAKE
# (see ECP_INV_VT_FOR_PUBLIC in the patched ecp.c); the objects say so.
echo "== the variable-time inversion and the configuration"
if grep -q '^static int ecp_mod_inv_vt(' "$src/library/ecp.c"; then
	a=$(nm "$out/patched/ecp.o" 2>/dev/null | grep -c ' ecp_mod_inv_vt')
	j=$(nm "$out/patched-jpake/ecp.o" 2>/dev/null | grep -c ' ecp_mod_inv_vt')
	if [ "$a" != 0 ] && [ "$j" = 0 ]; then
		echo "   ecp_mod_inv_vt: in atlwho's ecp.o, not in the MBEDTLS_ECJPAKE_C one"
		pass=$((pass + 1))
	else
		echo "FAIL: ecp_mod_inv_vt symbols: $a in atlwho's ecp.o (want some), $j with MBEDTLS_ECJPAKE_C (want none)"
		fail=$((fail + 1))
	fi
else
	echo "   skipped: the patched ecp.c has no ecp_mod_inv_vt"
fi
echo "== straight-line code for the 64-bit product targets"
if grep -q '^static void ecp_mul_4(' "$src/library/ecp.c"; then
	straight "$CC" "" x86_64
	straight aarch64-linux-gnu-gcc /usr/lib/aarch64-linux-musl/musl-gcc.specs aarch64
else
	echo "   skipped: the patched ecp.c has no ecp_mul_4"
fi
echo "($(($(date +%s) - t_start)) s)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
