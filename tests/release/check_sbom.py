#!/usr/bin/env python3
"""tests/release/check_sbom.py: checks a release directory (make release).

usage: python3 tests/release/check_sbom.py [--no-run] DIST [SBOM]

- The SBOM (DIST/atlwho-VERSION.spdx.json, or SBOM) has what the SPDX 2.3
  JSON schema requires (spdx-spec v2.3, schemas/spdx-schema.json): the
  document's spdxVersion, dataLicense CC0-1.0, SPDXID, name,
  documentNamespace (a URI without "#"), creationInfo.created (UTC, to the
  second) and creators (Person:, Organization: or Tool:); every package's
  SPDXID, name and downloadLocation (a URL, NONE or NOASSERTION); every
  file's SPDXID, fileName and a SHA1 checksum; relationships between
  elements the document has, with a type the spec defines; SPDXIDs unique.
- What the release promises: the document DESCRIBES atlwho and atlwho
  CONTAINS every binary; mbedTLS has vendor/mbedtls.sh's version and
  tarball SHA-256; every carried patch in vendor/mbedtls/patches/ is a file
  with its SHA-256, applied to mbedTLS (PATCH_APPLIED); every binary's
  SHA-256 is the file's; every binary CONTAINS mbedTLS and a musl package;
  SHA256SUMS covers every other file of DIST, each sum right.
- The binary that runs here (x86_64) says with -V what the SBOM says: the
  source commit, the mbedTLS version and every carried patch (not with
  --no-run: tests/test_sbom.sh's fake release has no real binaries).
Ends with "N passed, N failed".
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)
    return ok


# SPDX 2.3 section 11 (RelationshipType), the ones a build SBOM may use.
REL_TYPES = {
    "DESCRIBES", "DESCRIBED_BY", "CONTAINS", "CONTAINED_BY", "DEPENDS_ON", "DEPENDENCY_OF",
    "BUILD_TOOL_OF", "DEV_TOOL_OF", "STATIC_LINK", "DYNAMIC_LINK", "GENERATED_FROM", "GENERATES",
    "PATCH_FOR", "PATCH_APPLIED", "VARIANT_OF", "DISTRIBUTION_ARTIFACT", "PACKAGE_OF", "OTHER",
    "DOCUMENTATION_OF", "COPY_OF", "FILE_ADDED", "FILE_MODIFIED", "BUILD_DEPENDENCY_OF",
    "DEPENDENCY_MANIFEST_OF", "RUNTIME_DEPENDENCY_OF", "PREREQUISITE_FOR", "HAS_PREREQUISITE",
}
ID = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")
LOCATION = re.compile(r"^(NONE|NOASSERTION|(git\+)?(https?|ftp|sftp)://\S+)$")


def sha(path, algo="sha256"):
    return hashlib.new(algo, open(path, "rb").read()).hexdigest()


def pin(key):
    m = re.search(r"^%s=(\S+)$" % key, open(os.path.join(ROOT, "vendor/mbedtls.sh")).read(), re.M)
    return m.group(1) if m else None


def schema(doc):
    """The SPDX 2.3 JSON schema's required fields, and identifiers that resolve."""
    check(doc.get("spdxVersion") == "SPDX-2.3", "spdxVersion is %r, not SPDX-2.3" % doc.get("spdxVersion"))
    check(doc.get("dataLicense") == "CC0-1.0", "dataLicense is %r, not CC0-1.0" % doc.get("dataLicense"))
    check(doc.get("SPDXID") == "SPDXRef-DOCUMENT", "document SPDXID is %r" % doc.get("SPDXID"))
    check(isinstance(doc.get("name"), str) and doc.get("name"), "document has no name")
    ns = doc.get("documentNamespace")
    check(isinstance(ns, str) and re.match(r"^[a-z][a-z0-9+.-]*://\S+$", ns) and "#" not in ns,
          "documentNamespace %r is not a URI without '#'" % ns)
    ci = doc.get("creationInfo") or {}
    check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", str(ci.get("created"))),
          "creationInfo.created %r is not YYYY-MM-DDThh:mm:ssZ" % ci.get("created"))
    cr = ci.get("creators")
    check(isinstance(cr, list) and cr and all(re.match(r"^(Person|Organization|Tool): \S", c) for c in cr),
          "creationInfo.creators %r" % cr)
    ids = {"SPDXRef-DOCUMENT"}
    for p in doc.get("packages") or []:
        pid = p.get("SPDXID", "")
        check(ID.match(pid) and pid not in ids, "package SPDXID %r missing, malformed or repeated" % pid)
        ids.add(pid)
        check(isinstance(p.get("name"), str) and p["name"], "package %s has no name" % pid)
        check(LOCATION.match(str(p.get("downloadLocation"))),
              "package %s downloadLocation %r" % (pid, p.get("downloadLocation")))
        if p.get("filesAnalyzed", True):
            check("packageVerificationCode" in p, "package %s: files analysed but no verification code" % pid)
    for f in doc.get("files") or []:
        fid = f.get("SPDXID", "")
        check(ID.match(fid) and fid not in ids, "file SPDXID %r missing, malformed or repeated" % fid)
        ids.add(fid)
        check(isinstance(f.get("fileName"), str) and f["fileName"], "file %s has no fileName" % fid)
        algos = {c.get("algorithm") for c in f.get("checksums") or []}
        check("SHA1" in algos, "file %s has no SHA1 checksum (SPDX 2.3 section 8.4)" % fid)
    rels = doc.get("relationships")
    check(isinstance(rels, list) and rels, "no relationships")
    for r in rels or []:
        a, t, b = r.get("spdxElementId"), r.get("relationshipType"), r.get("relatedSpdxElement")
        check(a in ids and b in ids and t in REL_TYPES, "relationship %s %s %s" % (a, t, b))
    return ids


def release(doc, dist):
    pk = {p["SPDXID"]: p for p in doc.get("packages") or []}
    fl = {f["SPDXID"]: f for f in doc.get("files") or []}
    rel = {(r.get("spdxElementId"), r.get("relationshipType"), r.get("relatedSpdxElement"))
           for r in doc.get("relationships") or []}
    atl = [i for i, p in pk.items() if p.get("name") == "atlwho"]
    mbed = [i for i, p in pk.items() if p.get("name") == "mbedtls"]
    if not check(len(atl) == 1 and len(mbed) == 1, "one atlwho and one mbedtls package, not %s, %s" % (atl, mbed)):
        return None
    atl, mbed = atl[0], mbed[0]
    check(("SPDXRef-DOCUMENT", "DESCRIBES", atl) in rel, "the document does not DESCRIBE atlwho")
    m = pk[mbed]
    check(m.get("versionInfo") == pin("VERSION"), "mbedtls version %r, vendor/mbedtls.sh %r" % (m.get("versionInfo"), pin("VERSION")))
    check({"algorithm": "SHA256", "checksumValue": pin("SHA256")} in (m.get("checksums") or []),
          "mbedtls lacks the tarball's SHA-256 %s" % pin("SHA256"))
    for path in sorted(glob.glob(os.path.join(ROOT, "vendor/mbedtls/patches/*.patch"))):
        name = os.path.basename(path)
        f = [i for i, x in fl.items() if x.get("fileName", "").endswith("/patches/" + name)]
        if not check(len(f) == 1, "carried patch %s is not in the SBOM" % name):
            continue
        check({"algorithm": "SHA256", "checksumValue": sha(path)} in fl[f[0]].get("checksums", []),
              "patch %s: SBOM's SHA-256 is not the file's" % name)
        check((f[0], "PATCH_APPLIED", mbed) in rel, "patch %s is not PATCH_APPLIED to mbedtls" % name)
        check(re.search(r"addresses: \S", fl[f[0]].get("comment", "")), "patch %s names no advisory or issue (or none)" % name)
    version = pk[atl].get("versionInfo")
    bins = sorted(glob.glob(os.path.join(dist, "atlwho-%s-*" % version)))
    bins = [b for b in bins if not b.endswith(".spdx.json")]
    check(bins, "no atlwho-%s-ARCH binary in %s" % (version, dist))
    for b in bins:
        name = os.path.basename(b)
        f = [i for i, x in fl.items() if x.get("fileName") in (name, "./" + name)]
        if not check(len(f) == 1, "binary %s is not in the SBOM" % name):
            continue
        check({"algorithm": "SHA256", "checksumValue": sha(b)} in fl[f[0]].get("checksums", []),
              "%s: SBOM's SHA-256 is not the file's" % name)
        check((atl, "CONTAINS", f[0]) in rel, "atlwho does not CONTAIN %s" % name)
        check((f[0], "CONTAINS", mbed) in rel, "%s does not CONTAIN mbedtls" % name)
        musl = [b2 for a, t, b2 in rel if a == f[0] and t == "CONTAINS" and pk.get(b2, {}).get("name") == "musl"]
        check(len(musl) == 1 and pk[musl[0]].get("versionInfo"), "%s: no musl package with a version" % name)
        tool = [a for a, t, b2 in rel if b2 == f[0] and t == "BUILD_TOOL_OF" and a in pk]
        check(len(tool) == 1 and pk[tool[0]].get("versionInfo"), "%s: no compiler package with a version" % name)
    return pk[atl]


def sums(dist):
    path = os.path.join(dist, "SHA256SUMS")
    if not check(os.path.isfile(path), "no SHA256SUMS in %s" % dist):
        return
    listed = {}
    for line in open(path):
        h, _, name = line.rstrip("\n").partition("  ")
        listed[name] = h
    files = {n for n in os.listdir(dist) if os.path.isfile(os.path.join(dist, n)) and n != "SHA256SUMS"}
    check(set(listed) == files, "SHA256SUMS lists %s; DIST has %s" % (sorted(listed), sorted(files)))
    for n in sorted(files & set(listed)):
        check(listed[n] == sha(os.path.join(dist, n)), "SHA256SUMS: %s's sum is wrong" % n)


def dash_v(doc, atl, dist):
    b = os.path.join(dist, "atlwho-%s-x86_64" % atl.get("versionInfo"))
    if os.uname().machine != "x86_64" or not os.path.isfile(b):
        return
    out = subprocess.run([b, "-V"], capture_output=True, text=True, timeout=30).stdout
    commit = atl.get("sourceInfo", "").split()[-1]
    check(re.search(r"^source commit %s$" % re.escape(commit), out, re.M), "-V does not say commit %s:\n%s" % (commit, out))
    mver = [p for p in doc["packages"] if p["name"] == "mbedtls"][0]["versionInfo"]
    check(re.search(r"^mbedTLS %s " % re.escape(mver), out, re.M), "-V does not say mbedTLS %s" % mver)
    names = [re.sub(r".*/", "", f["fileName"])[:-len(".patch")] for f in doc.get("files", [])
             if f["fileName"].endswith(".patch")]
    listed = re.findall(r"^  (\S+)", out, re.M)
    check(listed == names, "-V lists patches %s; the SBOM %s" % (listed, names))


def main():
    args = sys.argv[1:]
    norun = args[:1] == ["--no-run"]
    args = args[1:] if norun else args
    dist = args[0]
    sb = args[1] if len(args) > 1 else (glob.glob(os.path.join(dist, "atlwho-*.spdx.json")) or [None])[0]
    if check(sb and os.path.isfile(sb), "no atlwho-VERSION.spdx.json in %s" % dist):
        doc = json.load(open(sb))
        schema(doc)
        atl = release(doc, dist)
        if atl and not norun:
            dash_v(doc, atl, dist)
    if len(args) <= 1:
        sums(dist)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
