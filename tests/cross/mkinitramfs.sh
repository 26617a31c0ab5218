#!/bin/sh
# Builds atlwho's diagnostic initramfs: a static busybox, the static atlwho, /init
# (initramfs-init beside this script) and udhcpc's script, as a gzip'd newc cpio.
#
# usage: mkinitramfs.sh OUT.cpio.gz BUSYBOX ATLWHO [EXTRA_DIR...]
#   EXTRA_DIR trees are copied over the root as they are (etc/atlwho/token,
#   a CA file, lib/modules/*.ko for atlwho.modules=...).
# Files are owned by root and dated SOURCE_DATE_EPOCH (default 0): the same
# inputs give the same archive.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 OUT.cpio.gz BUSYBOX ATLWHO [EXTRA_DIR...]" >&2; exit 2; }
out=$1 busybox=$2 atlwho=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)

for f in "$busybox" "$atlwho"; do
	[ -f "$f" ] || { echo "mkinitramfs: $f: no such file" >&2; exit 1; }
	# A dynamic binary would need a loader and libraries the image does not have.
	if ! file -L "$f" | grep -q 'statically linked'; then
		echo "mkinitramfs: $f is not statically linked (busybox: Debian's busybox-static)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/atlwho-initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
mkdir -p "$r/bin" "$r/sbin" "$r/dev" "$r/proc" "$r/sys" "$r/etc" "$r/tmp" "$r/run" \
	"$r/root" "$r/usr/share/udhcpc" "$r/lib/modules"
cp "$busybox" "$r/bin/busybox"
cp "$atlwho" "$r/bin/atlwho"
cp "$here/initramfs-init" "$r/init"
cp "$here/udhcpc.script" "$r/usr/share/udhcpc/default.script"
chmod 755 "$r/bin/busybox" "$r/bin/atlwho" "$r/init" "$r/usr/share/udhcpc/default.script"
chmod 1777 "$r/tmp"
# /init's interpreter; every other applet is linked by /init at boot.
ln -s busybox "$r/bin/sh"
# musl reads /etc/hosts itself: without it "localhost" would go to DNS.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$r/etc/hosts"
for x in "$@"; do
	[ -d "$x" ] || { echo "mkinitramfs: extra $x is not a directory" >&2; exit 1; }
	cp -R "$x/." "$r/"
done

find "$r" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9 -n > "$out.tmp"
mv -f "$out.tmp" "$out"
printf '%s: %s bytes (%s files)\n' "$out" "$(wc -c < "$out")" "$(cd "$r" && find . | wc -l)"
