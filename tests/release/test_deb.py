#!/usr/bin/env python3
"""tests/release/test_deb.py: the Debian packages of make deb.

usage: python3 tests/release/test_deb.py DIST

- lintian: every atlwho_VERSION_ARCH.deb in DIST, no error and no warning
  (the package's overrides file says why each overridden tag is meant);
- the control fields: Package, Version, Architecture, Maintainer,
  Built-Using and Static-Built-Using naming Debian's musl at the exact
  version installed here (dpkg-query), Installed-Size;
- the files: /usr/bin/atlwho, the man page gzip -9n (no name, no time),
  changelog.gz, a DEP-5 copyright file naming atlwho's, mbedTLS's
  (Apache-2.0 or GPL-2+) and musl's (MIT) terms, the SBOM;
- the amd64 package unpacked into a scratch root (dpkg -x): its binary
  runs -V (version, commit, every carried patch) and a real check against
  the fake Jira of tests/e2e (TLS, the demo's throw-away CA): exit 0 and
  the user's name; a wrong token: exit 3.
Ends with "N passed, N failed".
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.dont_write_bytecode = True
import fakeatl as F  # noqa: E402

RUN_TIMEOUT = 30
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7": "armhf", "mipsel": "mipsel"}
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def fields(deb):
    out = run(["dpkg-deb", "-f", deb]).stdout
    return dict(re.findall(r"^([A-Za-z-]+): *(.*)$", out, re.M))


def one(deb, tmp):
    name = os.path.basename(deb)
    m = re.match(r"^atlwho_([^_]+)_([a-z0-9]+)\.deb$", name)
    if not check(m, "%s: not atlwho_VERSION_ARCH.deb" % name):
        return None
    version, arch = m.groups()
    lint = run(["lintian", "--fail-on", "error,warning", "--no-tag-display-limit", deb])
    print("   lintian %s: exit %d%s" % (name, lint.returncode, (":\n" + lint.stdout.rstrip()) if lint.stdout.strip() else ", nothing reported"))
    check(lint.returncode == 0 and not re.search(r"^[EW]: ", lint.stdout, re.M), "%s: lintian reports errors or warnings" % name)

    f = fields(deb)
    musl = run(["dpkg-query", "-W", "-f", "${source:Version}", "musl-dev:" + arch]).stdout.strip()
    for k, want in (("Package", "atlwho"), ("Version", version), ("Architecture", arch),
                    ("Built-Using", "musl (= %s)" % musl), ("Static-Built-Using", "musl (= %s)" % musl)):
        check(f.get(k) == want, "%s: %s is %r, not %r" % (name, k, f.get(k), want))
    check(re.match(r"^.+ <[^@ ]+@[^ ]+>$", f.get("Maintainer", "")), "%s: Maintainer %r" % (name, f.get("Maintainer")))
    check(re.match(r"^\d+$", f.get("Installed-Size", "")), "%s: Installed-Size %r" % (name, f.get("Installed-Size")))

    root = os.path.join(tmp, arch)
    check(run(["dpkg", "-x", deb, root]).returncode == 0, "%s: dpkg -x failed" % name)
    exe = os.path.join(root, "usr/bin/atlwho")
    check(os.access(exe, os.X_OK), "%s: no executable /usr/bin/atlwho" % name)
    man = os.path.join(root, "usr/share/man/man1/atlwho.1.gz")
    if check(os.path.isfile(man), "%s: no man page" % name):
        head = open(man, "rb").read(10)
        # RFC 1952 section 2.3: FLG (no FNAME) and MTIME zero: gzip -n.
        check(head[:2] == b"\x1f\x8b" and head[3] & 0x08 == 0 and head[4:8] == b"\0\0\0\0",
              "%s: man page not gzip -n (name or time in the header)" % name)
    doc = os.path.join(root, "usr/share/doc/atlwho")
    check(os.path.isfile(os.path.join(doc, "changelog.gz")), "%s: no changelog.gz" % name)
    check(glob.glob(os.path.join(doc, "atlwho-%s.spdx.json.gz" % version)), "%s: no SBOM in the doc folder" % name)
    cp = os.path.join(doc, "copyright")
    text = open(cp).read() if os.path.isfile(cp) else ""
    check(text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"),
          "%s: copyright is not DEP-5" % name)
    for lic in ("License: Apache-2.0 or GPL-2+", "License: MIT", "License: atlwho-"):
        check(re.search(r"^%s" % re.escape(lic), text, re.M), "%s: copyright lacks %r" % (name, lic))
    # DEP-5: every short name a Files paragraph uses has a stand-alone paragraph.
    used = set()
    for para in text.split("\n\n"):
        if para.startswith("Files:"):
            used |= set(re.split(r" or | and ", re.search(r"^License: (.*)$", para, re.M).group(1)))
    for u in sorted(used):
        check(re.search(r"^License: %s\n " % re.escape(u), text, re.M), "%s: no License paragraph for %s" % (name, u))
    return arch, exe, version


def run_check(exe, version, tmp):
    v = run([exe, "-V"], timeout=RUN_TIMEOUT)
    check(v.returncode == 0 and v.stdout.startswith("atlwho %s\n" % version), "installed -V: %r" % v.stdout[:80])
    check(re.search(r"^source commit [0-9a-f]{40}$", v.stdout, re.M), "installed -V names no clean commit")
    for p in sorted(glob.glob(os.path.join(ROOT, "vendor/mbedtls/patches/*.patch"))):
        n = os.path.basename(p)[:-len(".patch")]
        check(re.search(r"^  %s\b" % re.escape(n), v.stdout, re.M), "installed -V does not list patch %s" % n)
    js, cs, info = F.demo_servers(os.path.join(tmp, "pki"))
    try:
        env = {"PATH": "/usr/bin:/bin", "ATLWHO_TOKEN": F.GOOD_TOKEN}
        r = run([exe, "--cacert", info["CACERT"], info["JIRA_URL"]], env=env, timeout=RUN_TIMEOUT)
        check(r.returncode == 0 and re.search(r"^name: %s$" % F.GOOD_USER, r.stdout, re.M),
              "installed binary, good token: exit %d, %r %r" % (r.returncode, r.stdout, r.stderr))
        env["ATLWHO_TOKEN"] = "tok-wrong-999"
        r = run([exe, "--cacert", info["CACERT"], info["JIRA_URL"]], env=env, timeout=RUN_TIMEOUT)
        check(r.returncode == 3, "installed binary, wrong token: exit %d, not 3: %r" % (r.returncode, r.stderr))
    finally:
        js.stop()
        cs.stop()


def main():
    dist = sys.argv[1]
    debs = sorted(glob.glob(os.path.join(dist, "atlwho_*.deb")))
    check(sorted(re.sub(r".*_", "", d)[:-4] for d in debs) == sorted(DEB_ARCH.values()),
          "packages in %s: %s, want one for each of %s" % (dist, debs, sorted(DEB_ARCH.values())))
    tmp = tempfile.mkdtemp(prefix="atlwho-deb-")
    try:
        host = DEB_ARCH.get(os.uname().machine)
        for deb in debs:
            got = one(deb, tmp)
            if got and got[0] == host:
                run_check(got[1], got[2], tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
