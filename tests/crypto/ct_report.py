#!/usr/bin/env python3
"""tests/crypto/ct_report.py: judges valgrind memcheck's XML reports of
tests/crypto/ct_check.c for tests/test_ct.sh (whose header states the rules).

usage: ct_report.py PATCH_DIR PATCHED_TREE LABEL PATCHED.xml UNPATCHED.xml
Prints what it found and, last, "CT passed failed".
"""
import collections
import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite_outcomes import file_facts, parse_patch  # noqa: E402

KINDS = ('UninitCondition', 'UninitValue')


def fn_name(fn):
    """valgrind's name without GCC's clone suffixes (.isra.0, .part.0, ...)"""
    return (fn or '?').split('.')[0]


def read(path):
    """[(kind, relpath or None, fn, line, src text, stack text)]: each report
    attributed to its first frame in the library's sources (libc and libgcc
    frames, such as memset or __udivti3, are skipped; their caller is the
    library function that passed them a secret)"""
    out = []
    root = ET.parse(path).getroot()
    for e in root.findall('error'):
        kind = e.findtext('kind')
        frames = e.find('stack').findall('frame')
        top = None
        for fr in frames:
            d = fr.findtext('dir') or ''
            if fr.findtext('file') and d.endswith('/library'):
                top = fr
                break
        stack = ' <- '.join('%s:%s' % (fn_name(f.findtext('fn')), f.findtext('line') or '?')
                            for f in frames[:5])
        if top is None:
            out.append((kind, None, fn_name(frames[0].findtext('fn')), 0, '', stack))
            continue
        rel = 'library/' + top.findtext('file')
        line = int(top.findtext('line'))
        try:
            text = open(os.path.join(top.findtext('dir'), top.findtext('file')),
                        encoding='utf-8', errors='replace').read().split('\n')[line - 1].strip()
        except (OSError, IndexError):
            text = ''
        out.append((kind, rel, fn_name(top.findtext('fn')), line, text, stack))
    return out


def main():
    patch_dir, tree, label, pxml, uxml = sys.argv[1:6]
    touched, changed_funcs = set(), set()
    for name in sorted(os.listdir(patch_dir)):
        if name.endswith('.patch'):
            _, files = parse_patch(os.path.join(patch_dir, name))
            for f, lines in files.items():
                if f.startswith('library/'):
                    touched.add(f)
                    if os.path.exists(os.path.join(tree, f)):
                        changed_funcs |= {(f, fn) for fn in file_facts(os.path.join(tree, f), lines)[1]}
    pat, unp = read(pxml), read(uxml)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print('FAIL (%s): %s' % (label, what))

    other = [r for r in pat if r[0] not in KINDS]
    for r in other:
        print('  memcheck %s in %s (%s): %s' % (r[0], r[2], r[1], r[5]))
    check(not other, 'memcheck reports no memory error other than the use of secrets')
    check(any(r[0] in KINDS for r in unp),
          'the secrets reach the library: the unpatched library shows upstream\'s '
          'secret-dependent reports (else every check below would pass unseen)')

    unp_touched = {(r[1], r[2], r[4]) for r in unp if r[1] in touched}
    unp_other = {(r[1], r[2], r[3]) for r in unp if r[1] not in touched}
    in_patched, new_touched, upstream, elsewhere = [], [], collections.Counter(), collections.Counter()
    new_other = collections.Counter()
    for r in pat:
        kind, rel, fn, line, text, stack = r
        if kind not in KINDS:
            continue
        if rel in touched:
            if (rel, fn) in changed_funcs:
                in_patched.append(r)
            elif (rel, fn, text) not in unp_touched:
                new_touched.append(r)
            else:
                upstream[(rel, fn)] += 1
        else:
            key = (rel or '(no debug info)', fn)
            elsewhere[key] += 1
            if (rel, fn, line) not in unp_other:
                new_other[key] += 1
    # the failing reports, one line per source line (with how many distinct
    # stacks reached it and one of them), at most 20 lines
    lines = collections.OrderedDict()
    for kind, rel, fn, line, text, stack in in_patched + new_touched:
        key = (rel, line, fn, kind, text)
        lines.setdefault(key, [0, stack])[0] += 1
    for k, ((rel, line, fn, kind, text), (n, stack)) in enumerate(lines.items()):
        if k == 20:
            print('  ... and %d more source lines' % (len(lines) - 20))
            break
        print('  %s:%d %s [%s, %d stack%s]: %s\n      e.g. %s'
              % (rel, line, fn, kind, n, '' if n == 1 else 's', text, stack))
    check(not in_patched, '%d secret-dependent report(s) in functions a carried patch '
          'changes (listed above)' % len(in_patched))
    check(not new_touched, '%d secret-dependent report(s) in files a carried patch touches, '
          'which the unpatched library does not have (listed above)' % len(new_touched))

    n_pat = sum(1 for r in pat if r[0] in KINDS)
    n_unp = sum(1 for r in unp if r[0] in KINDS)
    print('%s: %d distinct memcheck reports with the patches, %d without' % (label, n_pat, n_unp))
    print('  in code the patches change: %d; elsewhere in the files they touch, new: %d'
          % (len(in_patched), len(new_touched)))
    if upstream:
        print('  upstream code in touched files (functions no patch changes, the same report '
              'without the patches): ' + ', '.join(
                  '%s %s (%d)' % (f, fn, n) for (f, fn), n in sorted(upstream.items())))
    by_file = collections.defaultdict(list)
    for (f, fn), n in sorted(elsewhere.items()):
        by_file[f].append('%s (%d%s)' % (fn, n, ', NEW' if (f, fn) in new_other else ''))
    print('  untouched files (reported, not judged):')
    for f in sorted(by_file):
        print('    %s: %s' % (f, ', '.join(by_file[f])))
    if new_other:
        print('  NEW secret-dependent branches in untouched files, absent without the patches: '
              + ', '.join('%s %s' % k for k in sorted(new_other)))
    else:
        print('  untouched files: no new secret-dependent branch (every report there is also '
              'in the unpatched library, same function and line)')
    print('CT %d %d' % (passed, failed))


if __name__ == '__main__':
    main()
