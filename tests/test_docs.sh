#!/bin/sh
# tests/test_docs.sh: the option table in src/cli.c (CLI_OPTIONS, which also
# makes --help) is the one list of options: every option in it is documented
# in the README's options table and in the man page's OPTIONS, and those
# document no option it lacks. Its defaults are the ones each README row,
# each man page entry and --help (of $ATLWHO, else build/host/atlwho) state
# as "(default X)" or "(default X and Y)", in the order the entry names the
# options; an entry states none for an option without one. Every error code a header in src/ defines
# (NAME_E_X) is in tests/test_codes.c's table, which checks they are distinct.
# The exit codes in src/classify.h are those of the README's table, the man
# page's EXIT STATUS and --help. The number of pins the README and the man
# page allow is src/pin.h's PIN_MAX.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
exec python3 - <<'EOF'
import re, sys

src = open("src/cli.c").read()
table = src[src.index("#define CLI_OPTIONS(X)"):src.index("#define X_ID")]
opts = set()
ident, default = {}, {}   # "--name" and "-x" -> the option's id; id -> its default ("": none)
for oid, short, name, dflt in re.findall(r"X\((\w+), (0|'.'), \"([a-z0-9-]+)\", \"[^\"]*\", \"([^\"]*)\"", table):
    opts.add("--" + name)
    ident["--" + name] = oid
    default[oid] = dflt
    if short != "0":
        opts.add("-" + short.strip("'"))
        ident["-" + short.strip("'")] = oid
OPT_RE = r"(?<![\w-])(--[a-z0-9-]+|-[a-zA-Z0-9])\b"
def stated(text):
    """The defaults an entry states, in order."""
    out = []
    for v in re.findall(r"\(default ([^;)]+)[;)]", text):
        out += v.split(" and ")
    return out
def wanted(names):
    """The defaults of the options an entry names, in order, each option once
    (-p and --product are one)."""
    out, seen = [], set()
    for o in names:
        if o in ident and ident[o] not in seen:
            seen.add(ident[o])
            if default[ident[o]]:
                out.append(default[ident[o]])
    return out
entries = []   # (where, options named, text) of every README row, man entry and --help line
readme = open("README.md").read()
sec = readme[readme.index("### Options"):]
sec = sec[:sec.index("\n#", 1)]
doc_readme = set()
for line in sec.splitlines():
    if line.startswith("| `-"):
        first = re.split(r"(?<!\\)\|", line)[1]   # the first cell (a \| is in it)
        doc_readme |= set(re.findall(OPT_RE, first))
        entries.append(("README.md row " + first.strip(), re.findall(OPT_RE, first), line))

man = open("src/atlwho.1").read()
msec = man[man.index(".SH OPTIONS"):man.index(".SH EXIT STATUS")]
doc_man = set()
lines = msec.splitlines()
for i, line in enumerate(lines):
    if line == ".TP" and i + 1 < len(lines):
        head = re.sub(r"\\f[BIRP]", " ", lines[i + 1]).replace("\\-", "-")
        doc_man |= set(re.findall(OPT_RE, head))
        j = i + 2
        while j < len(lines) and lines[j] != ".TP":
            j += 1
        body = " ".join(lines[i + 1:j]).replace("\\-", "-")
        entries.append(("src/atlwho.1 entry " + head.strip(), re.findall(OPT_RE, head), body))

import os, subprocess
binary = os.environ.get("ATLWHO") or "build/host/atlwho"
try:
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30).stdout
except OSError as e:
    help_text = ""
    print("FAIL cannot run %s --help (%s): set ATLWHO or build it" % (binary, e))
hlines = help_text.splitlines()
for i, line in enumerate(hlines):
    m = re.match(r"  (?:-., |    )(--[a-z0-9-]+)", line)
    if m:
        text = line + (" " + hlines[i + 1] if i + 1 < len(hlines) and hlines[i + 1].startswith(" " * 29) else "")
        entries.append(("--help line " + m.group(1), [m.group(1)], text))

passed = failed = 0
if not hlines:
    failed += 1
# Defaults: what each entry states is what the table says for the options it names.
for where, names, text in entries:
    if stated(text) == wanted(names):
        passed += 1
    else:
        failed += 1
        print("FAIL %s states the defaults %s; src/cli.c's table has %s" % (where, stated(text), wanted(names)))
for what, doc in (("README.md options table", doc_readme), ("src/atlwho.1 OPTIONS", doc_man)):
    for o in sorted(opts):
        if o in doc:
            passed += 1
        else:
            failed += 1
            print("FAIL %s does not document %s" % (what, o))
    for o in sorted(doc - opts):
        failed += 1
        print("FAIL %s documents %s, which the option table (src/cli.c) lacks" % (what, o))
    if not doc - opts:
        passed += 1
import glob
defined = set()
for h in sorted(glob.glob("src/*.h")):
    defined |= set(re.findall(r"^\s*(?:#define\s+)?([A-Z]+_E_[A-Z0-9_]+)\s*(?:=\s*-|\(-)", open(h).read(), re.M))
listed = set(re.findall(r"\bC\(([A-Z]+_E_[A-Z0-9_]+),", open("tests/test_codes.c").read()))
for c in sorted(defined - listed):
    failed += 1
    print("FAIL %s is defined in src/ but not checked in tests/test_codes.c" % c)
for c in sorted(listed - defined):
    failed += 1
    print("FAIL tests/test_codes.c lists %s, which src/ does not define" % c)
if defined and defined == listed:
    passed += 1
# The exit codes (src/classify.h's EX_*) are the README's table, the man page's EXIT
# STATUS and --help's list, no more and no fewer.
exits = set(int(v) for v in re.findall(r"^\s*EX_[A-Z_]+ = (\d+)", open("src/classify.h").read(), re.M))
tab = readme[readme.index("## Exit codes"):]
tab = tab[:tab.index("\n#", 1)]
ctail = src[src.index("exit codes:"):]
ctail = ctail[:ctail.index(";")]
for what, doc in (("README.md exit codes", set(int(v) for v in re.findall(r"^\| (\d+) \|", tab, re.M))),
                  ("src/atlwho.1 EXIT STATUS", set(int(v) for v in re.findall(
                      r"^\.TP\n\.B (\d+)$", man[man.index(".SH EXIT STATUS"):], re.M))),
                  ("--help (src/cli.c)", set(int(v) for v in re.findall(r"(?<![\w-])(\d) [a-zA-Z]", ctail)))):
    if doc == exits:
        passed += 1
    else:
        failed += 1
        print("FAIL %s lists exit codes %s, src/classify.h defines %s" % (what, sorted(doc), sorted(exits)))
# --pin's limit, said in words by the README ("up to N") and the man page ("at most N").
pin_max = int(re.search(r"^#define PIN_MAX (\d+)", open("src/pin.h").read(), re.M).group(1))
pin_row = [l for l in open("README.md").read().split("\n") if l.startswith("| `--pin ")]
pin_man = re.search(r"\\-\\-pin .*?\n\.TP", man, re.S)
for what, text, pat in (("README.md's --pin row", pin_row[0] if pin_row else "", r"up to (\d+)"),
                        ("src/atlwho.1's --pin", pin_man.group(0) if pin_man else "", r"at most (\d+)")):
    m = re.search(pat, text)
    if m and int(m.group(1)) == pin_max:
        passed += 1
    else:
        failed += 1
        print("FAIL %s does not say %r with PIN_MAX (%d)" % (what, pat.replace("(\\d+)", "N"), pin_max))
print("%d options in src/cli.c's table (%d with a default, checked in %d entries), %d error codes in src/, exit codes %s" % (
    len(opts), sum(1 for d in default.values() if d), len(entries), len(defined), sorted(exits)))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
