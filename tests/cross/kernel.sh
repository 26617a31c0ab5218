#!/bin/sh
# Puts a Linux kernel for booting atlwho's initramfs under qemu-system-x86_64 into
# DIR: DIR/vmlinuz and DIR/modules/*.ko (virtio-net and what it needs, in load
# order in DIR/modules/order). Debian's cloud kernel, fetched with
# `apt-get download` and unpacked with dpkg-deb (nothing is installed); once.
#
# usage: kernel.sh DIR
set -eu

dir=${1:?usage: kernel.sh DIR}
# virtio-net and its dependencies, in load order (modinfo depends=).
mods="failover net_failover virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_net"
[ -f "$dir/vmlinuz" ] && [ -f "$dir/modules/order" ] && exit 0

pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
if [ -z "$pkg" ]; then
	echo "kernel.sh: apt knows no linux-image-cloud-amd64 (run apt-get update)" >&2
	exit 1
fi
mkdir -p "$dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/atlwho-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "kernel.sh: apt-get download $pkg"
(cd "$tmp" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "kernel.sh: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb -x "$deb" "$tmp/x"
mkdir -p "$dir/modules"
cp "$tmp"/x/boot/vmlinuz-* "$dir/vmlinuz"
for m in $mods; do
	ko=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -n 1)
	[ -n "$ko" ] || { echo "kernel.sh: $pkg has no $m.ko" >&2; exit 1; }
	cp "$ko" "$dir/modules/"
done
echo "$mods" > "$dir/modules/order"
echo "$pkg" > "$dir/package"
echo "kernel.sh: $dir/vmlinuz from $pkg"
