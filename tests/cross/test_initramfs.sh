#!/bin/sh
# Unpacks atlwho-initramfs.cpio.gz (make initramfs) and checks what is in it, then
# runs `atlwho --version` and busybox from the unpacked tree with chroot (as root;
# else `unshare -r` + chroot; else those checks are skipped, saying why).
#
# usage: sh tests/cross/test_initramfs.sh [atlwho-initramfs.cpio.gz]
# Ends with one line "N passed, N failed[, N skipped]"; exits 1 if any failed.
set -u

img=${1:-atlwho-initramfs.cpio.gz}
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_initramfs.sh: $*"; }
check() { # check LABEL COMMAND...: passes when COMMAND succeeds
	label=$1; shift
	if "$@" >/dev/null 2>&1; then ok; else bad "$label"; fi
}

if [ ! -f "$img" ]; then
	echo "test_initramfs.sh: no $img (make initramfs)"
	echo "0 passed, 1 failed"
	exit 1
fi
case $img in /*) ;; *) img=$PWD/$img ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/atlwho-initramfs-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
mkdir "$r"

check "gzip -t: the archive is intact gzip" gzip -t "$img"
magic=$(gzip -dc "$img" | head -c 6)
[ "$magic" = 070701 ] && ok || bad "cpio format: expected newc (070701), got '$magic'"
(cd "$r" && gzip -dc "$img" | cpio -idm --quiet --no-absolute-filenames) && ok || bad "cpio -i failed"

# Exactly these paths (EXTRA trees given to make initramfs add to them).
want="bin bin/atlwho bin/busybox bin/sh dev etc etc/hosts init lib lib/modules proc root run
sbin sys tmp usr usr/share usr/share/udhcpc usr/share/udhcpc/default.script"
got=$(cd "$r" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
for p in $want; do
	case " $got " in *" $p "*) ok ;; *) bad "missing $p (archive has: $got)" ;; esac
done
check "/init is an executable file" test -f "$r/init" -a -x "$r/init"
check "/init starts with #!/bin/sh" sh -c 'head -n 1 "$1" | grep -qx "#!/bin/sh"' sh "$r/init"
check "/bin/sh is a symlink to busybox" sh -c '[ "$(readlink "$1")" = busybox ]' sh "$r/bin/sh"
for b in bin/atlwho bin/busybox; do
	check "$b is executable" test -x "$r/$b"
	check "$b is statically linked" sh -c 'file -L "$1" | grep -q "statically linked"' sh "$r/$b"
done
check "udhcpc's script is executable" test -x "$r/usr/share/udhcpc/default.script"
check "/etc/hosts names localhost" grep -q '^127\.0\.0\.1[[:space:]]*localhost$' "$r/etc/hosts"
check "/tmp is sticky and world-writable" sh -c '[ "$(stat -c %a "$1")" = 1777 ]' sh "$r/tmp"
owners=$(gzip -dc "$img" | cpio -tv --quiet 2>/dev/null | awk '{ print $3 ":" $4 }' | sort -u | tr '\n' ' ')
[ "$owners" = "root:root " ] && ok || bad "owners: expected only root:root, got '$owners'"

# Running from the tree: chroot as root, else a user namespace, else skip.
if [ "$(id -u)" = 0 ]; then
	run="chroot $r"
elif unshare -r chroot "$r" /bin/busybox true 2>/dev/null; then
	run="unshare -r chroot $r"
else
	run=
fi
# A foreign archive (make initramfs INITRAMFS_ARCH=aarch64) runs through binfmt_misc
# only; say so rather than fail.
why="not root, and unshare -r + chroot does not work"
if [ -n "$run" ] && ! $run /bin/busybox true 2>/dev/null; then
	why="the tree's busybox does not run here (another architecture?)"
	run=
fi
if [ -n "$run" ]; then
	v=$($run /bin/atlwho --version 2>&1); rc=$?
	[ $rc = 0 ] && ok || bad "chroot: atlwho --version exited $rc: $v"
	case $v in "atlwho "*mbedTLS*) ok ;; *) bad "atlwho --version printed: $v" ;; esac
	check "chroot: busybox sh -n /init (syntax)" $run /bin/busybox sh -n /init
	check "chroot: udhcpc's script parses" $run /bin/busybox sh -n /usr/share/udhcpc/default.script
	check "chroot: busybox has every applet /init uses" $run /bin/busybox sh -c \
		'for a in mount ip udhcpc ipcalc insmod hwclock rdate date setsid cttyhack poweroff reboot tr grep sleep hostname sync; do busybox --list | busybox grep -qx "$a" || exit 1; done'
	# The check itself from the tree: no network needed for a usage error, and the
	# exit code and message must come from atlwho, not from a missing library.
	out=$($run /bin/atlwho 2>&1); rc=$?
	[ $rc = 2 ] && ok || bad "chroot: atlwho with no URL exited $rc (expected 2): $out"
else
	echo "SKIP test_initramfs.sh: $why: 6 checks skipped"
	skip=6
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail = 0 ]
