#!/usr/bin/env python3
"""The static binary in an empty root: no library, no NSS module, no file it
was not given.

    ATLWHO=./atlwho-static-x86_64 python3 tests/e2e/test_emptyroot.py [-v]
    ATLWHO_BIN=./atlwho-static-aarch64 ATLWHO_EMU=qemu-aarch64-static python3 ...

For each row a fresh empty directory receives the binary as /atlwho and only the files
the row names, then `chroot DIR /atlwho ...` runs a full HTTPS check against a fake Jira
on loopback (the token travels in ATLWHO_TOKEN, so no token file either). As root the
test uses chroot directly; otherwise `unshare -r` (a user namespace) plus chroot; if
neither works every row is skipped with the reason. ATLWHO_EMPTYROOT_MODE=unshare forces
the second way (to test it as root).

A foreign binary (ATLWHO_BIN, with ATLWHO_EMU naming qemu-user) runs as `/emu /atlwho`:
the emulator is the one other file in the root, and it must be static too.

The binary must be static: musl reads /etc/hosts itself and needs no NSS module, so the
rows that use a host name get a one-line /etc/hosts (a given file); the IP-literal row has
no /etc/hosts and no /etc/resolv.conf at all. After each run the root must hold exactly
what was put there: atlwho wrote nothing.

Ends with one line "N passed, N failed[, N skipped]"; exits 1 if any failed.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import F, PKI, Row

ATLWHO = H.ATLWHO_BIN
EMU = H.EMU
MODE = os.environ.get("ATLWHO_EMPTYROOT_MODE", "")
# Under qemu-user a TLS handshake with ECDSA takes well under a second; a bound keeps
# a broken emulator or chroot from hanging the run.
RUN_TIMEOUT = 60.0
HOSTS = "127.0.0.1 localhost\n"
PT_INTERP = 3


def elf_interp(path):
    """None if path is an ELF file without a program interpreter (static), else a reason."""
    with open(path, "rb") as fh:
        h = fh.read(64)
        if len(h) < 52 or h[:4] != b"\x7fELF":
            return "not an ELF file"
        cls, data = h[4], h[5]
        end = "<" if data == 1 else ">"
        if cls == 2:
            phoff, = struct.unpack(end + "Q", h[32:40])
            phentsize, phnum = struct.unpack(end + "HH", h[54:58])
        else:
            phoff, = struct.unpack(end + "I", h[28:32])
            phentsize, phnum = struct.unpack(end + "HH", h[42:46])
        for i in range(phnum):
            fh.seek(phoff + i * phentsize)
            ptype, = struct.unpack(end + "I", fh.read(4))
            if ptype == PT_INTERP:
                return "dynamically linked (it has a program interpreter)"
    return None


def sbin(name):
    return shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def chroot_prefix():
    """(argv up to and including 'chroot', None) or (None, reason to skip)."""
    chroot, unshare = sbin("chroot"), sbin("unshare")
    if not chroot:
        return None, "no chroot command"
    if os.geteuid() == 0 and MODE != "unshare":
        return [chroot], None
    if not unshare:
        return None, "not root, and no unshare command for a user namespace"
    d = tempfile.mkdtemp(prefix="atlwho-er-probe-")
    try:
        r = subprocess.run([unshare, "-r", chroot, d, "/x"], capture_output=True, timeout=10)
        # chroot succeeded if the failure is only the missing /x (exit 127)
        if r.returncode == 127 and b"chroot" in r.stderr:
            return [unshare, "-r", chroot], None
        return None, "not root, and unshare -r + chroot failed: %s" % r.stderr.decode(
            errors="replace").strip()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def listing(root):
    out = []
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            out.append(os.path.relpath(os.path.join(dp, n), root))
    return sorted(out)


# Row(name, args, rc, root=..., out=..., err=..., host=, tls=): root {path in the root:
# 'ca' | 'hosts'}; args may use {url} {pin}; host is the URL's host, tls the served leaf.
ROWS = [
    Row("--cacert, the CA file the only file besides the binary and /etc/hosts",
        ["--cacert", "/ca.pem", "{url}"], 0, root={"ca.pem": "ca", "etc/hosts": "hosts"},
        out=["name: fred"]),
    Row("--pin alone: no CA certificate anywhere in the root",
        ["--pin", "{pin}", "-v", "{url}"], 0, root={"etc/hosts": "hosts"},
        out=["name: fred"], err=["pin-only trust"]),
    Row("IP literal, no /etc/hosts, no /etc/resolv.conf, nothing but the binary",
        ["--pin", "{pin}", "{url}"], 0, root={}, out=["name: fred"], host="127.0.0.1"),
    Row("no trust given: a clear error, not a search of files that are not there",
        ["{url}"], 2, root={}, err=["no CA certificates found", "--cacert", "--pin"], host="127.0.0.1"),
]


def run_row(row, pk, prefix, work):
    root = tempfile.mkdtemp(prefix="root-", dir=work)
    shutil.copy(ATLWHO, os.path.join(root, "atlwho"))
    os.chmod(os.path.join(root, "atlwho"), 0o755)
    cmd = prefix + [root]
    if EMU:
        shutil.copy(shutil.which(EMU), os.path.join(root, "emu"))
        cmd.append("/emu")
    cmd.append("/atlwho")
    for rel, what in row.root.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if what == "ca":
            shutil.copy(pk.ca, p)
        else:
            with open(p, "w") as fh:
                fh.write(HOSTS)
    before = listing(root)
    tls = getattr(row, "tls", "ecdsa")
    srv = F.FakeServer(F.jira(), tls=F.TLS(pk.leaf[tls].cert, pk.leaf[tls].key), host="127.0.0.1").start()
    try:
        url = "https://%s:%d" % (getattr(row, "host", "localhost"), srv.port)
        args = ["-m", "30"] + [a.format(url=url, pin=pk.leaf[tls].pin) for a in row.args]
        r = H.spawn(cmd + args, env={"ATLWHO_TOKEN": F.GOOD_TOKEN}, timeout=RUN_TIMEOUT)
        servers = [("srv", srv)]
        fails = H.expect(r, row.rc, row.out, row.err) + H.invariants(r, args, [F.GOOD_TOKEN], servers)
        if row.rc == 0 and len(srv.requests_with_token(F.GOOD_TOKEN)) != 1:
            fails.append("the server saw %d request(s) with the token, expected 1"
                         % len(srv.requests_with_token(F.GOOD_TOKEN)))
        after = listing(root)
        if after != before:
            fails.append("the root changed: before %r, after %r" % (before, after))
        if fails:
            fails += H.describe(r, servers, limit=800)
    finally:
        srv.stop()
        shutil.rmtree(root, ignore_errors=True)
    return fails


def main(argv):
    S = H.Suite(__file__, argv)
    if not S.need(ATLWHO, valgrind=False):
        return S.finish()
    why = elf_interp(ATLWHO)
    if not why and EMU:
        if not shutil.which(EMU):
            why = "the emulator %s is not installed" % EMU
        else:
            w = elf_interp(shutil.which(EMU))
            why = w and "the emulator %s is %s" % (EMU, w)
    elif why:
        why = "%s is %s: build a static one (make static) and set ATLWHO to it; " \
              "make test-cross runs this test for every target" % (ATLWHO, why)
    prefix, reason = chroot_prefix() if not why else (None, why)
    if prefix is None:
        S.skip("every row", reason, n=len(ROWS))
        return S.finish()
    work = tempfile.mkdtemp(prefix="atlwho-emptyroot-")
    try:
        pk = PKI.make_pki(os.path.join(work, "pki"), demo=True)
        S.run_rows(ROWS, lambda row: run_row(row, pk, prefix, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if S.verbose:
        print("%s: %s%s" % (S.me, " ".join(os.path.basename(x) for x in prefix), " under " + EMU if EMU else ""))
    return S.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
