#!/usr/bin/env python3
"""tests/crypto/suite_outcomes.py: judges the outcome files of mbedTLS's test
suites for tests/test_mbedtls_suites.sh (its header states the rules).

usage: suite_outcomes.py RUNS PATCH_DIR PATCHED_TREE STRICT_RE LOG_DIR
  RUNS: a file of lines "suite config tests_dir outcome_file macros_file",
  one per suite and configuration that built and ran (tests_dir holds the
  suite's generated .c and .datax; macros_file is `cc -E -dM` of that .c).
Prints one summary line per suite, naming every skip, the skipped cases that
count as failures, and last a line "SUITES passed failed skipped". A case
counts once: failed if it failed in any configuration, else passed if it
passed in one, else skipped.
"""
import collections
import os
import re
import sys

DEFINED = re.compile(r'^(!?)defined\((\w+)\)$')


# --- the carried patches: suites, changed lines, functions, guards ---

def parse_patch(path):
    """(suites, {file: [changed new-file line numbers]})"""
    suites, files = [], {}
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    i, cur = 0, None
    while i < len(lines):
        line = lines[i]
        if cur is None and line.startswith('Test-suites:'):
            suites += line.split()[1:]
        if line.startswith('+++ '):
            name = line[4:].split('\t')[0].strip()
            name = name[2:] if name.startswith('b/') else name
            cur = files.setdefault(name, [])
        m = re.match(r'@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@', line)
        if m and cur is not None:
            old = int(m.group(1) or 1)
            new_no = int(m.group(2))
            new = int(m.group(3) or 1)
            i += 1
            while (old > 0 or new > 0) and i < len(lines):
                h = lines[i]
                if h.startswith('\\'):
                    i += 1
                    continue
                tag = h[:1]
                if tag == '+':
                    cur.append(new_no)
                    new_no += 1
                    new -= 1
                elif tag == '-':
                    cur.append(new_no)
                    old -= 1
                else:
                    new_no += 1
                    old -= 1
                    new -= 1
                i += 1
            continue
        i += 1
    return suites, files


def logical_lines(path):
    """[(first line number, text)] with backslash continuations joined"""
    out, buf, start = [], '', 0
    for n, line in enumerate(open(path, encoding='utf-8', errors='replace'), 1):
        line = line.rstrip('\n')
        if not buf:
            start = n
        if line.endswith('\\'):
            buf += line[:-1] + ' '
            continue
        out.append((start, buf + line, n))
        buf = ''
    return out


def cond_atoms(expr):
    """{(macro, wanted)}; both polarities for an expression that is not a
    plain conjunction of (!)defined(X)"""
    expr = re.sub(r'/\*.*?\*/|//.*', '', expr).strip()
    parts = [p.strip() for p in expr.split('&&')]
    atoms = set()
    plain = '||' not in expr
    for p in parts:
        p2 = re.sub(r'^\((.*)\)$', r'\1', p).replace(' ', '')
        m = re.match(r'^(!?)defined\(?(\w+)\)?$', p2)
        if m and plain:
            atoms.add((m.group(2), m.group(1) == ''))
        else:
            for name in re.findall(r'\b((?:MBEDTLS|PSA)_\w+)', p):
                atoms.add((name, True))
                atoms.add((name, False))
    return atoms


def both(atoms):
    return {(m, w) for m, _ in atoms for w in (True, False)}


def file_facts(path, changed):
    """(guards, functions): the (macro, wanted) pairs under which changed
    lines compile, plus both polarities of macros that changed preprocessor
    lines test; and the names of the functions holding changed lines."""
    changed = set(changed)
    guards, funcs = set(), set()
    stack = []          # per #if: [atoms of this branch, atoms of earlier branches]
    lines = logical_lines(path)
    text = open(path, encoding='utf-8', errors='replace').read().split('\n')
    for start, line, end in lines:
        span = set(range(start, end + 1))
        m = re.match(r'\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)', line)
        if m:
            kind, rest = m.group(1), m.group(2)
            if span & changed and kind != 'endif':
                guards |= both(cond_atoms(rest) if kind in ('if', 'elif')
                               else {(rest.split()[0], True)} if rest.split() else set())
            if kind == 'if':
                stack.append([cond_atoms(rest), set()])
            elif kind == 'ifdef':
                stack.append([{(rest.split()[0], True)}, set()])
            elif kind == 'ifndef':
                stack.append([{(rest.split()[0], False)}, set()])
            elif kind in ('elif', 'else') and stack:
                prev = stack[-1][0] | stack[-1][1]
                neg = ({(mm, not w) for mm, w in prev} if len(prev) == 1 else both(prev))
                stack[-1] = [neg | (cond_atoms(rest) if kind == 'elif' else set()), prev]
            elif kind == 'endif' and stack:
                stack.pop()
            continue
        if span & changed:
            for atoms, _ in stack:
                guards |= atoms
    # functions: a "{" alone at column 0 opens one; its name is the last
    # identifier before "(" on the nearest column-0 line above
    fstart = None
    for n, line in enumerate(text, 1):
        if line == '{':
            name = None
            for k in range(n - 2, max(n - 15, 0) - 1, -1):
                mm = re.match(r'^[A-Za-z_][^;=]*?\b([A-Za-z_]\w*)\s*\(', text[k])
                if mm and not text[k].startswith('#'):
                    name = mm.group(1)
                    break
            fstart = (name, k + 1 if name else n)
        elif line == '}' and fstart:
            name, s = fstart
            if name and any(s <= c <= n for c in changed):
                funcs.add(name)
            fstart = None
    return guards, funcs


# --- one suite's generated sources ---

def read_cases(tests_dir, suite):
    lines = open(os.path.join(tests_dir, suite + '.datax')).read().split('\n')
    cases, i = [], 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        title = lines[i]
        i += 1
        if lines[i].startswith('depends_on:'):
            i += 1
        cases.append((title, lines[i].split(':')[0]))
        i += 1
    return cases


def read_generated(tests_dir, suite):
    src = open(os.path.join(tests_dir, suite + '.c')).read()
    deps = {}
    body = src[src.index('static int dep_check('):]
    body = body[:body.index('\n}\n')]
    for m in re.finditer(r'case (\d+):\s*\{\s*#if (.*?)\n', body):
        deps[m.group(1)] = m.group(2).strip()
    funcs = {}
    for m in re.finditer(r'/\* Function Id: (\d+) \*/\s*\n\s*(?:#if (.*?)\n\s*)?(\w+),', src):
        funcs[m.group(1)] = (re.sub(r'^test_|_wrapper$', '', m.group(3)), (m.group(2) or '').strip())
    return deps, funcs


def read_bodies(tests_dir, suite):
    path = os.path.join(tests_dir, 'suites', suite.split('.')[0] + '.function')
    text = open(path).read()
    out = {}
    for m in re.finditer(r'/\* BEGIN_CASE.*?\*/\s*(.*?)/\* END_CASE \*/', text, re.S):
        mm = re.search(r'void\s+(\w+)\s*\(', m.group(1))
        if mm:
            out[mm.group(1)] = m.group(1)
    return out


def read_macros(path):
    return {l.split()[1].split('(')[0] for l in open(path) if l.startswith('#define ')}


def unmet(cond, macros):
    """[(macro, wanted)] of a conjunction that are not met; None when the
    expression is not a plain conjunction of (!)defined(X)"""
    out = []
    for part in cond.split('&&'):
        m = DEFINED.match(part.strip().replace(' ', ''))
        if not m:
            return None
        want = m.group(1) == ''
        if (m.group(2) in macros) != want:
            out.append((m.group(2), want))
    return out


def reason_text(atoms):
    return ' and '.join(('needs ' if w else 'needs no ') + m for m, w in atoms)


def main():
    runs_file, patch_dir, tree, strict_re, log_dir = sys.argv[1:6]
    strict = re.compile(strict_re)

    # patches: which suites each names; guards and functions of its files
    suite_patches = collections.defaultdict(list)
    facts = {}
    for name in sorted(os.listdir(patch_dir)):
        if not name.endswith('.patch'):
            continue
        suites, files = parse_patch(os.path.join(patch_dir, name))
        guards, funcs = set(), set()
        for f, changed in files.items():
            p = os.path.join(tree, f)
            if os.path.exists(p) and f.endswith('.c'):
                g, fn = file_facts(p, changed)
                guards |= g
                funcs |= fn
        facts[name] = (guards, funcs)
        for s in suites:
            suite_patches[s].append(name)

    runs = collections.defaultdict(list)
    for line in open(runs_file):
        if line.strip():
            suite, config, tdir, outcome, macros = line.split()
            runs[suite].append((config, tdir, outcome, macros))

    tp = tf = ts = 0
    for suite in sorted(runs):
        is_strict = bool(strict.match(suite))
        guards, pfuncs = set(), set()
        for p in suite_patches.get(suite, []):
            guards |= facts[p][0]
            pfuncs |= facts[p][1]
        cases = None
        results = []    # per case: list of (config, result, reason atoms / text)
        per_config = []
        for config, tdir, outcome, macros_path in runs[suite]:
            cs = read_cases(tdir, suite)
            if cases is None:
                cases = cs
                results = [[] for _ in cases]
                deps, funcs = read_generated(tdir, suite)
                bodies = read_bodies(tdir, suite)
            elif [c[0] for c in cs] != [c[0] for c in cases]:
                print('%s: the %s configuration has other cases' % (suite, config))
                tf += 1
                continue
            deps_c, funcs_c = read_generated(tdir, suite)
            macros = read_macros(macros_path)
            lines = open(outcome, encoding='utf-8', errors='replace').read().split('\n')
            lines = [l for l in lines if l]
            if len(lines) != len(cases):
                print('%s (%s): %d outcomes for %d cases (the suite stopped early)'
                      % (suite, config, len(lines), len(cases)))
                tf += 1
            cnt = collections.Counter()
            for k, line in enumerate(lines[:len(cases)]):
                title, fid = cases[k]
                prefix = ';'.join(line.split(';')[:3]) + ';' + title + ';'
                if not line.startswith(prefix):
                    print('%s (%s): outcome line %d is not case "%s"' % (suite, config, k + 1, title))
                    tf += 1
                    continue
                res, _, cause = line[len(prefix):].partition(';')
                reason = cause
                if res == 'SKIP':
                    if re.match(r'^[\d:]+$', cause):
                        conds = [deps_c.get(d, '?') for d in cause.split(':')]
                        atoms = []
                        for c in conds:
                            u = unmet(c, macros)
                            atoms += u if u is not None else [(c, True)]
                        reason = atoms
                    elif cause == 'Unsupported suite':
                        cond = funcs_c.get(fid, ('?', ''))[1]
                        u = unmet(cond, macros) if cond else None
                        reason = u if u else [('(' + cond + ')', True)]
                    else:
                        reason = cause      # Runtime skip
                results[k].append((config, res, reason))
                cnt[res] += 1
            per_config.append('%s %d passed%s%s' % (
                config, cnt['PASS'], ', %d FAILED' % cnt['FAIL'] if cnt['FAIL'] else '',
                ', %d skipped' % cnt['SKIP'] if cnt['SKIP'] else ''))
        if cases is None:
            continue
        passed = failed = 0
        skipped = []
        for k, rs in enumerate(results):
            kinds = [r[1] for r in rs]
            if 'FAIL' in kinds:
                failed += 1
                print('  FAILED (%s): %s' % (','.join(r[0] for r in rs if r[1] == 'FAIL'),
                                            cases[k][0]))
            elif 'PASS' in kinds:
                passed += 1
            elif rs:
                skipped.append(k)
        # judge the skips
        groups = collections.Counter()
        bad = []
        log = open(os.path.join(log_dir, suite + '.skips'), 'w')
        for k in skipped:
            title, fid = cases[k]
            reason = results[k][0][2]
            fname = funcs.get(fid, ('?', ''))[0]
            text = reason if isinstance(reason, str) else reason_text(reason)
            why = None
            if is_strict:
                why = 'a suite of the elliptic-curve patches'
            elif not isinstance(reason, str):
                hit = [a for a in reason if a in guards]
                if hit:
                    why = 'patched code compiles only with ' + reason_text(hit)[6:]
            body = bodies.get(fname, '')
            called = sorted(f for f in pfuncs if re.search(r'\b%s\s*\(' % re.escape(f), body))
            if called and not why:
                why = 'its test function %s calls patched %s' % (fname, ', '.join(called))
            if len(results[k]) > 1:
                text += ' (in %s: %s)' % (
                    results[k][0][0], '; '.join(
                        '%s: %s' % (r[0], r[2] if isinstance(r[2], str) else reason_text(r[2]))
                        for r in results[k][1:]))
            log.write('%s\t%s\t%s\n' % (title, text, why or 'allowed'))
            groups[text if not why else 'COUNTED AS FAILED: ' + text] += 1
            if why:
                bad.append((title, text, why))
        log.close()
        names = '; '.join('%d %s' % (v, k) for k, v in
                          sorted(groups.items(), key=lambda x: (-x[1], x[0])))
        print('%s: %d cases, %d passed, %d failed, %d skipped%s [%s]' % (
            suite, len(cases), passed, failed, len(skipped),
            (': ' + names) if names else '', '; '.join(per_config)))
        for title, text, why in bad:
            print('  SKIPPED, counted as failed (%s): %s: %s' % (why, title, text))
        tp += passed
        tf += failed + len(bad)
        ts += len(skipped) - len(bad)
    print('SUITES %d %d %d' % (tp, tf, ts))


if __name__ == '__main__':
    main()
