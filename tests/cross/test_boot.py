#!/usr/bin/env python3
"""Boots atlwho's initramfs under qemu-system-x86_64 (software emulation) and runs real
checks from it against a fake Jira on this machine's loopback.

    ATLWHO=./atlwho-static-x86_64 KERNEL_DIR=build/kernel python3 tests/cross/test_boot.py [-v]

KERNEL_DIR holds vmlinuz and modules/*.ko + modules/order (tests/cross/kernel.sh puts
Debian's cloud kernel there). Each row builds an initramfs with tests/cross/mkinitramfs.sh
(busybox, the static atlwho, /init, plus the virtio-net modules, the test CA and an
/etc/hosts that names the host "localhost": the certificate's name), boots it with
user-mode networking, where 10.0.2.2 is this machine's 127.0.0.1, and reads the serial
console: /init prints "ATLWHO_EXIT=N" after the check and powers off.

This is where the static binary meets a real 1970 clock (-rtc base=1970-01-01) and a
real kernel whose random pool is not ready at boot (qemu's default CPU has no RDRAND;
with -cpu max the kernel trusts RDRAND and is ready at once).

Ends with one line "N passed, N failed[, N skipped]"; exits 1 if any failed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness as H  # noqa: E402
from harness import F, PKI, Row  # noqa: E402

ATLWHO = os.path.abspath(os.environ.get("ATLWHO", "./atlwho-static-x86_64"))
KERNEL_DIR = os.path.abspath(os.environ.get("KERNEL_DIR", "build/kernel"))
BUSYBOX = os.environ.get("BUSYBOX", "/bin/busybox")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
BOOT_TIMEOUT = 120.0        # seconds for one boot, check and power-off under TCG
HOST = "10.0.2.2"           # qemu user networking: this machine's loopback
NET = "ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off"
CHECK_MAX = 20              # -m for every check (seconds)


# Row(name, args, rc, out=..., cpu=, rtc=, cmdline=): rc is the ATLWHO_EXIT /init prints,
# out fragments of the console; cpu: qemu's -cpu (default max); rtc: its -rtc base;
# cmdline: more kernel parameters ({now}: the time now).
ROWS = [
    Row("--cacert by name, real clock: authenticated",
        ["--cacert", "/etc/atlwho/ca.pem", "{url}"], 0, out=["name: fred"]),
    Row("real-time clock at 1970, --cacert: fails, shows the time, says the clock may be unset",
        ["--cacert", "/etc/atlwho/ca.pem", "{url}"], 6, rtc="1970-01-01T00:00:00",
        out=["this system's time is 1970-01-01", "real-time clock"]),
    Row("real-time clock at 1970, --pin alone: authenticated, -v says dates were not checked",
        ["--pin", "{pin}", "-v", "{url}"], 0, rtc="1970-01-01T00:00:00",
        out=["name: fred", "pin-only trust", "validity dates were not checked"]),
    Row("real-time clock at 1970, atlwho.date= on the command line: --cacert authenticated",
        ["--cacert", "/etc/atlwho/ca.pem", "{url}"], 0, rtc="1970-01-01T00:00:00",
        cmdline=["atlwho.date=@{now}"], out=["name: fred"]),
    Row("no RDRAND, the kernel's random pool not ready at boot: the check completes within -m",
        ["--pin", "{pin}", "{url}"], 0, cpu="qemu64", out=["name: fred"]),
]


def build_image(row, pk, work):
    extra = os.path.join(work, "extra")
    shutil.rmtree(extra, ignore_errors=True)
    os.makedirs(os.path.join(extra, "lib", "modules"))
    os.makedirs(os.path.join(extra, "etc", "atlwho"))
    for ko in os.listdir(os.path.join(KERNEL_DIR, "modules")):
        if ko.endswith(".ko"):
            shutil.copy(os.path.join(KERNEL_DIR, "modules", ko), os.path.join(extra, "lib", "modules"))
    shutil.copy(pk.ca, os.path.join(extra, "etc", "atlwho", "ca.pem"))
    with open(os.path.join(extra, "etc", "hosts"), "w") as fh:
        fh.write("%s localhost\n" % HOST)
    img = os.path.join(work, "boot.cpio.gz")
    subprocess.run(["sh", os.path.join(HERE, "mkinitramfs.sh"), img, BUSYBOX, ATLWHO, extra],
                   check=True, capture_output=True, timeout=60)
    return img


def boot(row, pk, port, img):
    with open(os.path.join(KERNEL_DIR, "modules", "order")) as fh:
        mods = ",".join(fh.read().split())
    subst = {"url": "https://localhost:%d" % port, "pin": pk.leaf["ecdsa"].pin,
             "now": int(time.time())}
    args = ["-m", str(CHECK_MAX)] + [a.format(**subst) for a in row.args]
    cmdline = ["console=ttyS0", "panic=-1", "quiet", NET, "atlwho.modules=" + mods,
               "atlwho.url=" + args[-1], "atlwho.args=" + ",".join(args[:-1]),
               "atlwho.token=" + F.GOOD_TOKEN, "atlwho.then=poweroff"]
    cmdline += [c.format(**subst) for c in getattr(row, "cmdline", ())]
    cmd = [QEMU, "-accel", "tcg", "-cpu", getattr(row, "cpu", "max"), "-m", "256", "-nographic", "-no-reboot",
           "-kernel", os.path.join(KERNEL_DIR, "vmlinuz"), "-initrd", img,
           "-append", " ".join(cmdline), "-nic", "user,model=virtio-net-pci"]
    if getattr(row, "rtc", None):
        cmd += ["-rtc", "base=" + row.rtc]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=BOOT_TIMEOUT, stdin=subprocess.DEVNULL)
        console, rc = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        console, rc = (e.stdout or b"").decode(errors="replace"), None
    return console.replace("\r", ""), rc, cmd


def run_row(row, pk, work):
    fails = []
    img = build_image(row, pk, work)
    srv = F.FakeServer(F.jira(), tls=F.TLS(pk.leaf["ecdsa"].cert, pk.leaf["ecdsa"].key),
                       host="127.0.0.1").start()
    try:
        console, rc, cmd = boot(row, pk, srv.port, img)
    finally:
        srv.stop()
    exits = [ln.split("ATLWHO_EXIT=", 1)[1].strip() for ln in console.split("\n")
             if "atlwho-init: ATLWHO_EXIT=" in ln]
    if rc is None:
        fails.append("the VM did not power off within %d s" % BOOT_TIMEOUT)
    if exits != [str(row.rc)]:
        fails.append("ATLWHO_EXIT: expected %d, got %r" % (row.rc, exits))
    for frag in row.out:
        if frag.lower() not in console.lower():
            fails.append("console lacks %r" % frag)
    if F.GOOD_TOKEN in console.replace("atlwho.token=" + F.GOOD_TOKEN, ""):
        fails.append("the token appears on the console")
    if fails:
        tail = [ln for ln in console.split("\n") if ln.startswith(("atlwho", "*", "    inet"))]
        fails.append("qemu: %s" % " ".join(cmd[:9]) + " ...")
        fails.append("console (atlwho lines):\n      " + "\n      ".join(tail[-25:]))
    return fails


def main(argv):
    S = H.Suite(__file__, argv)
    why = None
    if not shutil.which(QEMU):
        why = "%s is not installed (vendor/deps.sh boot)" % QEMU
    elif not os.path.isfile(os.path.join(KERNEL_DIR, "vmlinuz")):
        why = "no kernel in %s (sh tests/cross/kernel.sh %s)" % (KERNEL_DIR, KERNEL_DIR)
    elif not os.path.isfile(ATLWHO):
        why = "no static atlwho at %s (make static)" % ATLWHO
    if why:
        S.skip("every row", why, n=len(ROWS))
        return S.finish()
    work = tempfile.mkdtemp(prefix="atlwho-boot-")
    try:
        pk = PKI.make_pki(os.path.join(work, "pki"), demo=True)
        S.run_rows(ROWS, lambda row: run_row(row, pk, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return S.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
