#!/usr/bin/env python3
"""The output contracts under every option combination: one table, generated.

    ATLWHO=./atlwho python3 tests/e2e/test_matrix.py [-k SUBSTRING] [-v] [--list] [-x] [--show]

Every --format (text, json, env) x every output mode (none, -i, -v, -q, --raw) x every
outcome (success, rejected, a redirect not followed, a TLS failure, a usage error, a
network error), the outcomes a server decides each played by two hostile servers:

- "shell": shell syntax ($(...), backticks, ;, |, quotes, backslashes), control characters
  (ESC, BEL, CR, LF, C1) and invalid UTF-8 in the reason phrase, a header, the Location and
  the JSON body (as JSON escapes there, which the scanner decodes to those bytes);
- "token": the token whole, cut to 14 bytes, in its Basic base64 form, percent-encoded and
  JSON-\\u-escaped, in the reason phrase, headers, the Location and body fields.

What each run must show (besides the harness's invariants, checked after every run: a
documented exit code, no run of the token in any output or its percent decoding, text stdout
and stderr free of raw control bytes and invalid UTF-8, JSON stdout exactly one object whose
"exit" is the exit code, env stdout evaluated by sh, dash, bash and busybox sh without
error, running nothing and giving ATLWHO_EXIT back, -q stdout empty):

- the exit code the outcome documents (2 wherever the options exclude each other:
  --format json/env with -q or --raw);
- text without -i or --raw: on a failure, nothing on stdout and every stderr line begins
  "atlwho: " (one clear line, warnings before it);
- json and env: the server's displayName comes back exactly (JSON decoded, or the shell's
  value byte for byte), and a field holding the token in any form reads <redacted>;
- -i: the head goes to stdout only in text (not -q); -v: the head on stderr, redacted.

Ends with one line "N passed, N failed[, N skipped]"; exits 1 if any failed.
"""

import base64
import json
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import F, Row, Srv, env_vars, json_out, no_run  # noqa: E402

TOKEN = "MATRIX-tok-Vq8z-41Lm-secret"     # distinctive: any sighting is a leak
USER = "fred@example.com"
TOKENS = [TOKEN]
BASIC = base64.b64encode(("%s:%s" % (USER, TOKEN)).encode()).decode()


def pct(s):
    return "".join("%%%02X" % c for c in s.encode())


def u_escaped(s):
    return "".join("\\u%04x" % ord(c) for c in s)


SHELL = "$(touch PWNED1) `touch PWNED2` ${IFS}; touch PWNED3 | 'sq' \"dq\" \\ &&"
SHELL_B = SHELL.encode()
BADUTF8 = b"\xff\xc0\xaf\xed\xa0\x80\xe2\x82"          # invalid UTF-8 (obs-text in a header)
# displayName as the server means it: shell syntax, ESC, BEL, CR, LF, a C1 control, U+2028
DISPLAY = SHELL + "\x1b[31m\x07\r\nline2\x85\u2028end"


def head(status_line, fields, body):
    out = status_line + b"\r\n"
    for k, v in fields:
        out += k + b": " + v + b"\r\n"
    return out + b"Content-Length: %d\r\n\r\n" % len(body) + body


CT = (b"Content-Type", b"application/json;charset=UTF-8")


def body_of(**fields):
    u = {"self": "https://jira.example.com/rest/api/2/user?username=fred", "name": "fred",
         "emailAddress": USER, "active": True}
    u.update(fields)
    return json.dumps(u, ensure_ascii=False, separators=(",", ":")).encode()


# ---------------------------------------------------------------- the hostile replies
SUCCESS = {
    "shell": head(b"HTTP/1.1 200 OK " + SHELL_B + BADUTF8, [CT, (b"X-Shell", SHELL_B + BADUTF8)],
                  body_of(displayName=DISPLAY)),
    # displayName: 14 token bytes; accountId: the Basic form; emailAddress: percent-encoded;
    # type: \u-escaped (written into the body by hand: json.dumps would not escape it)
    "token": head(b"HTTP/1.1 200 OK " + pct(TOKEN[:14]).encode(),
                  [CT, (b"X-Echo", TOKEN.encode()), (b"X-Basic", BASIC.encode()),
                   (b"X-Pct", pct(TOKEN).encode())],
                  body_of(displayName="t=" + TOKEN[3:17], accountId=BASIC, emailAddress=pct(TOKEN),
                          type="TYPEHOLE").replace(b"TYPEHOLE", u_escaped(TOKEN).encode())),
}
REJECTED = {
    "shell": head(b"HTTP/1.1 401 Unauthorized " + SHELL_B + BADUTF8,
                  [CT, (b"X-Seraph-LoginReason", b"AUTHENTICATED_FAILED " + SHELL_B + BADUTF8),
                   (b"WWW-Authenticate", b'Basic realm="' + SHELL_B.replace(b'"', b"'") + b'"')],
                  b'{"errorMessages":["' + json.dumps(DISPLAY)[1:-1].encode() + b'"]}'),
    "token": head(b"HTTP/1.1 401 " + TOKEN.encode(),
                  [CT, (b"X-Seraph-LoginReason", pct(TOKEN).encode()), (b"X-Echo", BASIC.encode())],
                  b'{"errorMessages":["bad token ' + TOKEN.encode() + b'","' + u_escaped(TOKEN).encode() +
                  b'"]}'),
}
REDIRECT = {
    "shell": head(b"HTTP/1.1 302 Found " + SHELL_B,
                  [(b"Location", b"https://evil.example/$(touch%20PWNED5)/`x`?q=" + BADUTF8)], b""),
    "token": head(b"HTTP/1.1 302 Found",
                  [(b"Location", b"https://evil.example/cb?next=%2F&t=" + pct(TOKEN).encode())], b""),
}

FORMATS = {"text": [], "json": ["-j"], "env": ["--format", "env"]}
MODES = {"plain": [], "-i": ["-i"], "-v": ["-v"], "-q": ["-q"], "--raw": ["--raw"]}
TRUST = ["-u", USER, "-p", "jira", "--cacert", "{ca}"]
# outcome: (exit code, server or None, args after the options, variants)
OUTCOMES = {
    "success": (0, lambda v: Srv(F.static(SUCCESS[v])), TRUST + ["{base}"], ("shell", "token")),
    "rejected": (3, lambda v: Srv(F.static(REJECTED[v])), TRUST + ["{base}"], ("shell", "token")),
    "redirect": (7, lambda v: Srv(F.static(REDIRECT[v])), TRUST + ["{base}"], ("shell", "token")),
    "tls": (6, lambda v: Srv(F.static(SUCCESS["token"]), tls="expired"), TRUST + ["{base}"], ("-",)),
    "usage": (2, lambda v: None, TRUST + ["--tls-min", "1.4", "{base}"], ("-",)),
    "network": (5, lambda v: None, TRUST + ["https://127.0.0.1:{free}"], ("-",)),
}


def contract(fmt, mode, outcome, variant, rc):
    """The checks of one cell beyond the harness's invariants."""
    checks = [no_run]

    def text_failure(r):
        if fmt == "text" and mode in ("plain", "-v") and rc >= 2:
            assert r.out == "", "a text failure printed on stdout: %r" % r.out[:200]
        if fmt == "text" and mode == "plain" and rc >= 2:
            ls = [x for x in r.err.split("\n") if x]
            assert ls and all(x.startswith("atlwho: ") for x in ls), "stderr is not atlwho: lines: %r" % ls

    def head_where(r):
        if mode != "-i" or rc in (2, 5, 6):
            return
        on_out = fmt == "text"
        if on_out:
            assert r.out.startswith("HTTP/1.1 "), "-i text: stdout does not start with the head: %r" % r.out[:100]
        else:
            assert "HTTP/1.1 " not in r.out, "-i %s: the head is on stdout: %r" % (fmt, r.out[:200])
            assert "HTTP/1.1 " in r.err, "-i %s: the head is not on stderr: %r" % (fmt, r.err[:200])

    def verbose_head(r):
        if mode == "-v" and rc not in (2, 5, 6):
            assert "< HTTP/1.1 " in r.err, "-v: no '< HTTP/1.1' line on stderr: %r" % r.err[:300]

    checks += [text_failure, head_where, verbose_head]
    if rc == 0 and mode in ("plain", "-i", "-v"):
        if variant == "shell":
            if fmt == "json":
                checks.append(json_out(displayName=DISPLAY, name="fred"))
            elif fmt == "env":
                checks.append(env_vars(displayname=DISPLAY.encode(), name="fred"))
        elif variant == "token":
            red = {"displayName": "<redacted>", "accountId": "<redacted>", "emailAddress": "<redacted>",
                   "type": "<redacted>"}
            if fmt == "json":
                checks.append(json_out(**red))
            elif fmt == "env":
                checks.append(env_vars(**{k.lower(): v for k, v in red.items()}))
    if rc == 0 and fmt == "text" and mode == "--raw" and variant == "shell":
        body = SUCCESS["shell"].split(b"\r\n\r\n", 1)[1]
        checks.append(H.out_exact(body))
    return checks


def rows():
    out = []
    for fmt, fargs in FORMATS.items():
        for mode, margs in MODES.items():
            for outcome, (orc, srv, tail, variants) in OUTCOMES.items():
                for variant in variants:
                    rc = 2 if fmt != "text" and mode in ("-q", "--raw") else orc
                    name = "%s %s %s%s" % (fmt, mode, outcome, "" if variant == "-" else "/" + variant)
                    out.append(Row(name, fargs + margs + tail, rc, srv=srv(variant), token=TOKEN,
                                   check=contract(fmt, mode, outcome, variant, rc), _depth=2))
    return out


ROWS = rows()


def main(argv):
    return H.run_table(H.Suite(__file__, argv, description="atlwho output-contract matrix"), ROWS, TOKENS,
                       list_note=" (%d formats x %d modes x outcomes and hostile servers)" % (
                           len(FORMATS), len(MODES)))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
