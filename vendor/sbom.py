#!/usr/bin/env python3
"""vendor/sbom.py: the release's SBOM, SPDX 2.3 JSON, on stdout.

usage: python3 vendor/sbom.py BUILDINFO DIST ARCH...

What atlwho is built from, per shipped binary: atlwho itself (version,
source commit), mbedTLS (the pin's version and tarball SHA-256, and every
carried patch as a file with its SHA-256 and the advisory or issue its
header names, related to mbedTLS by PATCH_APPLIED), Debian's musl-dev that
was linked and the compiler that built it (dpkg's record: package, version,
source package). BUILDINFO (build/gen/buildinfo.txt, vendor/buildinfo.sh)
is the one source of the facts -V prints too. The output depends only on
its inputs and SOURCE_DATE_EPOCH (the commit's time): created, and the
namespace (the commit), are the same for every build of a commit.
SPDX 2.3: https://spdx.github.io/spdx-spec/v2.3/
"""
import hashlib
import json
import os
import subprocess
import sys
import time

# Debian's toolchain for each product target (the Makefile's
# CROSS_DEFAULT_*, MUSL_TRIPLET_*) and Debian's name for its architecture.
TARGETS = {
    "x86_64": ("amd64", "gcc"),
    "aarch64": ("arm64", "aarch64-linux-gnu-gcc"),
    "armv7": ("armhf", "arm-linux-gnueabihf-gcc"),
    "mipsel": ("mipsel", "mipsel-linux-gnu-gcc"),
    "s390x": ("s390x", "s390x-linux-gnu-gcc"),
}
MBEDTLS_LICENCE = "Apache-2.0 OR GPL-2.0-or-later"   # mbedTLS 3.6's LICENSE
MUSL_LICENCE = "MIT"                                 # musl's COPYRIGHT
GCC_LICENCE = "GPL-3.0-or-later WITH GCC-exception-3.1"


def facts(path):
    f = {"patch": []}
    with open(path) as fh:
        for line in fh:
            k, *v = line.rstrip("\n").split("\t")
            if k == "patch":
                f["patch"].append(dict(zip(("name", "sha256", "ref", "title"), v)))
            else:
                f[k] = v[0]
    return f


def sums(path):
    data = open(path, "rb").read()
    return [{"algorithm": "SHA1", "checksumValue": hashlib.sha1(data).hexdigest()},
            {"algorithm": "SHA256", "checksumValue": hashlib.sha256(data).hexdigest()}]


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL="C")).stdout.strip()


def dpkg(pkg):
    """(version, source package, source version) of an installed package."""
    v = run("dpkg-query", "-W", "-f", "${Version}\t${source:Package}\t${source:Version}", pkg)
    return v.split("\t")


def ident(s):
    # SPDX 2.3 section 3.2: SPDXRef- then letters, digits, "." and "-".
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in s)


def snapshot(src, ver):
    return "https://snapshot.debian.org/package/%s/%s/" % (src, ver)


def main():
    info, dist, archs = sys.argv[1], sys.argv[2], sys.argv[3:]
    f = facts(info)
    version, commit = f["version"], f["commit"]
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or f["commit_time"])
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    here = os.path.dirname(os.path.abspath(__file__))

    packages, files, rels = [], [], []
    atl = "SPDXRef-Package-atlwho"
    mbed = "SPDXRef-Package-mbedtls"
    rels.append(("SPDXRef-DOCUMENT", "DESCRIBES", atl))
    packages.append({
        "SPDXID": atl, "name": "atlwho", "versionInfo": version,
        "downloadLocation": "NOASSERTION", "filesAnalyzed": False,
        "licenseConcluded": f["licence"], "licenseDeclared": f["licence"],
        "copyrightText": "NOASSERTION", "primaryPackagePurpose": "APPLICATION",
        "sourceInfo": "built from git commit %s" % commit,
        "comment": "Static musl binaries, one per target: %s" % ", ".join(archs),
    })

    cves = sorted({c for p in f["patch"] for c in p["ref"].split(",") if c.startswith("CVE-")})
    packages.append({
        "SPDXID": mbed, "name": "mbedtls", "versionInfo": f["mbedtls_version"],
        "downloadLocation": f["mbedtls_url"], "filesAnalyzed": False,
        "checksums": [{"algorithm": "SHA256", "checksumValue": f["mbedtls_sha256"]}],
        "licenseConcluded": MBEDTLS_LICENCE, "licenseDeclared": MBEDTLS_LICENCE,
        "copyrightText": "Copyright The Mbed TLS Contributors",
        "primaryPackagePurpose": "LIBRARY",
        "sourceInfo": "the release tarball (checksum above, vendor/mbedtls.sh) with %d carried "
                      "patches applied in name order: %s"
                      % (len(f["patch"]), ", ".join(p["name"] for p in f["patch"])),
        "externalRefs": [
            {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
             "referenceLocator": "cpe:2.3:a:arm:mbed_tls:%s:*:*:*:*:*:*:*" % f["mbedtls_version"]},
            {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
             "referenceLocator": "pkg:github/Mbed-TLS/mbedtls@mbedtls-%s" % f["mbedtls_version"]},
        ] + [{"referenceCategory": "SECURITY", "referenceType": "advisory",
              "referenceLocator": "https://www.cve.org/CVERecord?id=%s" % c,
              "comment": "fixed by a carried patch"} for c in cves],
    })
    for p in f["patch"]:
        pid = "SPDXRef-File-patch-" + ident(p["name"])
        path = os.path.join(here, "mbedtls", "patches", p["name"] + ".patch")
        ck = sums(path)
        if ck[1]["checksumValue"] != p["sha256"]:
            sys.exit("sbom: %s changed since %s was made" % (path, info))
        files.append({
            "SPDXID": pid, "fileName": "./vendor/mbedtls/patches/%s.patch" % p["name"],
            "fileTypes": ["SOURCE"], "checksums": ck,
            "licenseConcluded": "NOASSERTION", "copyrightText": "NOASSERTION",
            "comment": "carried patch: %s; addresses: %s" % (p["title"], p["ref"]),
        })
        rels.append((pid, "PATCH_APPLIED", mbed))

    tools = {}
    for a in archs:
        deb_arch, cc = TARGETS[a]
        name = "atlwho-%s-%s" % (version, a)
        fid = "SPDXRef-File-" + ident(name)
        files.append({
            "SPDXID": fid, "fileName": "./" + name, "fileTypes": ["BINARY"],
            "checksums": sums(os.path.join(dist, name)),
            "licenseConcluded": "NOASSERTION", "copyrightText": "NOASSERTION",
            "comment": "static, stripped; Debian architecture %s" % deb_arch,
        })
        rels.append((atl, "CONTAINS", fid))
        rels.append((fid, "CONTAINS", mbed))

        musl = "musl-dev:" + deb_arch
        mver, msrc, msver = dpkg(musl)
        mid = "SPDXRef-Package-musl-" + ident(deb_arch)
        packages.append({
            "SPDXID": mid, "name": "musl", "versionInfo": mver,
            "downloadLocation": snapshot(msrc, msver), "filesAnalyzed": False,
            "licenseConcluded": MUSL_LICENCE, "licenseDeclared": MUSL_LICENCE,
            "copyrightText": "NOASSERTION", "primaryPackagePurpose": "LIBRARY",
            "supplier": "Organization: Debian",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": "pkg:deb/debian/musl-dev@%s?arch=%s" % (mver, deb_arch)}],
            "comment": "Debian's %s (source %s %s), linked statically into %s" % (musl, msrc, msver, name),
        })
        rels.append((fid, "CONTAINS", mid))

        # The compiler: the package that owns the driver the Makefile runs.
        driver = os.path.realpath(run("sh", "-c", "command -v " + cc))
        gpkg = run("dpkg-query", "-S", driver).split(":")[0]
        gver, gsrc, gsver = dpkg(gpkg)
        gid = "SPDXRef-Package-" + ident(gpkg)
        if gid not in tools:
            tools[gid] = {
                "SPDXID": gid, "name": gpkg, "versionInfo": gver,
                "downloadLocation": snapshot(gsrc, gsver), "filesAnalyzed": False,
                "licenseConcluded": GCC_LICENCE, "licenseDeclared": GCC_LICENCE,
                "copyrightText": "NOASSERTION", "primaryPackagePurpose": "APPLICATION",
                "supplier": "Organization: Debian",
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                  "referenceLocator": "pkg:deb/debian/%s@%s?arch=amd64" % (gpkg, gver)}],
                "comment": "GCC %s (%s; source %s %s)" % (run(cc, "-dumpfullversion"), os.path.basename(driver), gsrc, gsver),
            }
        rels.append((gid, "BUILD_TOOL_OF", fid))

    man = "atlwho.1"
    files.append({
        "SPDXID": "SPDXRef-File-atlwho.1", "fileName": "./" + man, "fileTypes": ["DOCUMENTATION"],
        "checksums": sums(os.path.join(dist, man)),
        "licenseConcluded": "NOASSERTION", "copyrightText": "NOASSERTION",
    })
    rels.append((atl, "CONTAINS", "SPDXRef-File-atlwho.1"))

    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "atlwho-%s" % version,
        "documentNamespace": "https://spdx.org/spdxdocs/atlwho-%s-%s" % (version, commit),
        "creationInfo": {
            "created": created,
            "creators": ["Tool: atlwho-vendor-sbom.py-%s" % version],
            "comment": "created is the source commit's time (SOURCE_DATE_EPOCH): the same for every build of it",
        },
        "documentDescribes": [atl],
        "packages": packages + list(tools.values()),
        "files": files,
        "relationships": [{"spdxElementId": a, "relationshipType": t, "relatedSpdxElement": b}
                          for a, t, b in rels],
    }
    json.dump(doc, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
