#!/bin/sh
# tests/test_sbom.sh: the release's SBOM generator (vendor/sbom.py) and its
# checker (tests/release/check_sbom.py) on a fake release, without the
# cross builds: a checker that passes the generator's document and fails
# each broken copy of it (a carried patch left out, a patch's checksum
# wrong, dataLicense not CC0-1.0, no creators, a package without
# downloadLocation, a relationship to no element, a wrong SHA256SUMS line).
# make test-release runs the checker on the real dist/.
# Ends with "N passed, N failed[, N skipped]".
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
# The generator reads dpkg's record of musl-dev and gcc (vendor/deps.sh static).
if ! dpkg-query -W musl-dev:amd64 >/dev/null 2>&1 || [ "$(uname -m)" != x86_64 ]; then
	echo "skipped: no musl-dev:amd64 (vendor/deps.sh static) or not x86-64"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/atlwho-sbom.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dist=$tmp/dist
mkdir -p "$dist"
vendor/buildinfo.sh 9.9.9 > "$tmp/info"
printf 'not a binary\n' > "$dist/atlwho-9.9.9-x86_64"
cp src/atlwho.1 "$dist/"
SOURCE_DATE_EPOCH=1700000000 python3 vendor/sbom.py "$tmp/info" "$dist" x86_64 > "$dist/atlwho-9.9.9.spdx.json" ||
    bad "vendor/sbom.py failed"
vendor/release.sh --sums "$dist"
sbom=$dist/atlwho-9.9.9.spdx.json

if python3 tests/release/check_sbom.py --no-run "$dist" > "$tmp/out"; then ok; else
	cat "$tmp/out"; bad "the checker refuses the generator's SBOM"; fi
grep -q '"created": "2023-11-14T22:13:20Z"' "$sbom" && ok || bad "created is not SOURCE_DATE_EPOCH's time"

# broken LABEL EXPECTED PYTHON: a copy of the SBOM changed by PYTHON (on
# `d`) must fail the checker, whose output names EXPECTED.
broken() {
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$3
json.dump(d, open(sys.argv[2], 'w'))" "$sbom" "$tmp/broken.json"
	if python3 tests/release/check_sbom.py --no-run "$dist" "$tmp/broken.json" > "$tmp/out"; then
		bad "$1: the checker passed it"
	elif grep -q "$2" "$tmp/out"; then ok
	else cat "$tmp/out"; bad "$1: the checker failed it without naming $2"; fi
}
first=$(ls vendor/mbedtls/patches/*.patch | sort | head -n 1); first=${first##*/}
broken "a carried patch left out" "$first" \
    "d['files'] = [f for f in d['files'] if not f['fileName'].endswith('$first')]"
broken "a patch's checksum wrong" "$first" \
    "[c.update(checksumValue='0' * 64) for f in d['files'] if f['fileName'].endswith('$first') for c in f['checksums'] if c['algorithm'] == 'SHA256']"
broken "dataLicense" "dataLicense" "d['dataLicense'] = 'MIT'"
broken "no creators" "creators" "d['creationInfo']['creators'] = []"
broken "no downloadLocation" "downloadLocation" "del d['packages'][1]['downloadLocation']"
broken "a dangling relationship" "SPDXRef-Nothing" \
    "d['relationships'].append({'spdxElementId': 'SPDXRef-Nothing', 'relationshipType': 'CONTAINS', 'relatedSpdxElement': 'SPDXRef-DOCUMENT'})"
broken "the mbedTLS tarball's checksum" "SHA-256" \
    "[p.update(checksums=[]) for p in d['packages'] if p['name'] == 'mbedtls']"

sed -i '1{s/^0/1/;t;s/^./0/}' "$dist/SHA256SUMS"
if python3 tests/release/check_sbom.py --no-run "$dist" > "$tmp/out"; then bad "a wrong SHA256SUMS line passed"
elif grep -q "SHA256SUMS" "$tmp/out"; then ok; else cat "$tmp/out"; bad "a wrong SHA256SUMS line failed unnamed"; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
