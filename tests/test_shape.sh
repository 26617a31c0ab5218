#!/bin/sh
# tests/test_shape.sh: the code's shape, as README's "Source layout"
# states it:
# - the modules (src/X.c with src/X.h) include one another without a cycle,
#   so data flows one way; no static function is named like another
#   module or with its prefix (a namesake reads as an edge that is not there);
# - main.c, the program's shape, is under 400 lines;
# - no function in src/ is over 100 lines, except the byte-level state
#   machines named below, with the reason;
# - no function-local static object that is not const, outside main.c's
#   main(): every buffer of a check is in main.c's one struct check_mem, or
#   is its module's documented state at file scope.
# Ends with "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
exec python3 - <<'EOF'
import glob, os, re, sys

passed = failed = 0
def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)

# Byte-level state machines: one switch over the parser's state per input
# byte, where splitting the cases apart would scatter one table.
LONG_OK = {
    "http.c:chunk_line_byte": "the chunk-size line (RFC 9112 section 7.1.1): one case per "
                              "state for the size digits, extensions, quoted values and CRLF",
}

mods = sorted(os.path.basename(p)[:-2] for p in glob.glob("src/*.c"))
edges = {m: set() for m in mods}
for m in mods:
    for f in ("src/%s.c" % m, "src/%s.h" % m):
        if not os.path.exists(f):
            continue
        for inc in re.findall(r'^#include "([a-z0-9_]+)\.h"', open(f).read(), re.M):
            if inc != m and inc in edges:
                edges[m].add(inc)

# Cycles: depth-first search with colours.
state = {}
cycle = []
def visit(m, path):
    state[m] = 1
    for n in sorted(edges[m]):
        if state.get(n) == 1 and not cycle:
            cycle.extend(path[path.index(n):] + [n])
        elif n not in state:
            visit(n, path + [n])
    state[m] = 2
for m in mods:
    if m not in state:
        visit(m, [m])
check(not cycle, "the modules include one another in a cycle: " + " -> ".join(cycle))

funcs = []   # (file, name, lines, static)
statics = [] # (file, function, line)
for f in sorted(glob.glob("src/*.c")):
    lines = open(f).read().split("\n")
    start = name = None
    for i, line in enumerate(lines):
        if start is None:
            m = re.match(r"^(static\s+)?[a-z_][\w\s\*]*?\b(\w+)\(", line)
            if m and not line.rstrip().endswith(";") and not line.startswith("#"):
                start, name, is_static = i, m.group(2), bool(m.group(1))
        else:
            if line.startswith("}"):
                funcs.append((f, name, i - start + 1, is_static))
                start = None
            elif re.match(r"^\s+static\s", line) and not re.match(r"^\s+static\s+const\s", line):
                statics.append((f, name, i + 1))

check(len(funcs) > 300, "the scan found the functions (%d)" % len(funcs))
for f, name, n, st in funcs:
    key = "%s:%s" % (os.path.basename(f), name)
    if n > 100:
        check(key in LONG_OK, "%s is %d lines (over 100, and not a listed state machine)" % (key, n))
    if st:
        own = os.path.basename(f)[:-2]
        other = [m for m in mods if m != own and (name == m or name.startswith(m + "_"))]
        check(not other, "%s: a static function named like the module %s.c" % (key, ",".join(other)))
for key in LONG_OK:
    check(any("%s:%s" % (os.path.basename(f), name) == key and n > 100 for f, name, n, _ in funcs),
          "%s is listed as over 100 lines: it no longer is, or is gone" % key)
for f, fn, line in statics:
    check(f == "src/main.c" and fn == "main",
          "%s:%d: a static object inside %s(), outside main.c's main()" % (f, line, fn))
n = len(open("src/main.c").read().split("\n")) - 1
check(n < 400, "src/main.c is %d lines (under 400: the program's shape only)" % n)
print("%d modules, %d functions, main.c %d lines" % (len(mods), len(funcs), n))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
