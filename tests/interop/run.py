#!/usr/bin/env python3
"""The real-stack interop suite: atlwho and curl against the TLS
stacks Jira and Confluence really sit behind, condition by condition.

Starts nginx, Apache httpd, HAProxy, openssl s_server, a GnuTLS responder,
Java JSSE and Go crypto/tls servers on loopback with a PKI made at test time
(ipki.py), runs $ATLWHO (default ./atlwho) and curl (the reference client)
against every cell (stack x condition x TLS version), checks on the wire that
each server really does what its row says (probe.py), prints the matrix and
fails on every cell whose atlwho result is not what EXPECT below asks.

    python3 tests/interop/run.py                  # everything; last line "N passed, N failed"
    python3 tests/interop/run.py -k jsse          # cells whose id contains "jsse"
    python3 tests/interop/run.py -k x25519-only/1.3 -v   # one condition, full output of each run
    python3 tests/interop/run.py --list           # the cells, without running anything
    python3 tests/interop/run.py --pki DIR        # keep the PKI in DIR and reuse it next time

A cell's id is STACK/CONDITION/VERSION, e.g. "apache/perloc-missing/1.3";
-k takes a substring of it (repeatable: any of them).
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.dont_write_bytecode = True
import fakeatl  # noqa: E402
import ipki  # noqa: E402
import probe  # noqa: E402
import stacks  # noqa: E402

TOKEN = "tok-interop-5f0c2a"
RUN_TIMEOUT = 40          # seconds for one client run (atlwho gets --max-time 20)
MAX_TIME = "20"


# =========================================================================== the conditions

class Cond:
    """A server-side condition. Knobs (each stack translates those it can express):
    cert      the ipki chain the server presents
    groups    None, "X25519" or "P-384": the only key exchange group the server allows
    cbc       TLS 1.2 with CBC cipher suites only
    client    None, "require" (client certificate demanded in the handshake) or
              "perloc" (Apache <Location /rest> SSLVerifyClient require)
    give_cert the clients present the client certificate
    reply     "cl" (Content-Length), "chunked" or "eof" (close-delimited)
    close_notify  False: the server ends with a FIN and no close_notify
    tickets   number of TLS 1.3 NewSessionTickets asked of the server
    keyupdate the server sends a TLS 1.3 KeyUpdate before its reply
    frag      s_server -max_send_frag (record size), with records = the count the
              Certificate message must arrive in
    addr      the address in the URL (127.0.0.1 or ::1); None: "localhost"
    runs      atlwho runs per cell (racy conditions: at least 10)
    """

    def __init__(self, name, about, versions=("1.3", "1.2"), cert="rsa2048", groups=None, cbc=False,
                 client=None, give_cert=False, reply="cl", close_notify=True, tickets=0, keyupdate=False,
                 frag=0, records=None, url_host=None, runs=1, probe=None):
        self.name, self.about, self.versions, self.cert = name, about, versions, cert
        self.groups, self.cbc, self.client, self.give_cert = groups, cbc, client, give_cert
        self.reply, self.close_notify, self.tickets, self.keyupdate = reply, close_notify, tickets, keyupdate
        self.frag, self.records, self.runs, self.probe = frag, records, runs, probe
        self.url_host = url_host
        self.addr = "::1" if url_host == "[::1]" else "127.0.0.1"


CONDITIONS = [
    Cond("rsa2048", "RSA-2048 leaf and root"),
    Cond("ecdsa-p256", "ECDSA P-256 leaf and root", cert="ecdsa-p256"),
    Cond("ecdsa-p384", "ECDSA P-384 leaf and root (ecdsa-with-SHA384)", cert="ecdsa-p384"),
    Cond("rsa4096-2int", "RSA-4096 leaf, two RSA-4096 intermediates", cert="rsa4096-2int"),
    Cond("rsa4096-5int", "RSA-4096 leaf, five RSA-4096 intermediates", cert="rsa4096-5int"),
    Cond("pss-signed", "RSA-2048 key, certificate signed with RSASSA-PSS", cert="pss-signed"),
    Cond("rsa-pss-key", "an id-RSASSA-PSS server key (SubjectPublicKeyInfo)", cert="rsa-pss-key"),
    Cond("x25519-only", "server allows X25519 only (TLS 1.3: HelloRetryRequest to atlwho's P-256 share)",
         groups="X25519", probe="hrr"),
    Cond("p384-only", "server allows P-384 only (TLS 1.3: HelloRetryRequest)", groups="P-384", probe="hrr"),
    Cond("cert16k", "Certificate message of ~16 KB, in the records the stack makes", cert="cert16k",
         probe="certmsg"),
    Cond("cert16k-1rec", "Certificate message of ~16 KB in one record (max_send_frag 16384)",
         cert="cert16k", frag=16384, records=1, probe="certmsg"),
    Cond("cert16k-2rec", "Certificate message of ~16 KB in two records (max_send_frag 8192)",
         cert="cert16k", frag=8192, records=2, probe="certmsg"),
    Cond("cert16k-32rec", "Certificate message of ~16 KB in 32 records (max_send_frag 512)",
         cert="cert16k", frag=512, records=32, probe="certmsg"),
    Cond("cert-over16k", "Certificate message over 16 KB (~20 KB)", cert="certbig", probe="certmsg"),
    Cond("noclose-cl", "Content-Length body, then a close without close_notify", close_notify=False,
         probe="noclose"),
    Cond("noclose-eof", "close-delimited body, ended by a close without close_notify", reply="eof",
         close_notify=False, probe="noclose"),
    Cond("cbc-only", "TLS 1.2 with ECDHE-RSA CBC suites only", versions=("1.2",), cbc=True, probe="cbc"),
    Cond("clientcert-missing", "client certificate required, none given", client="require", runs=10,
         probe="certreq"),
    Cond("clientcert-given", "client certificate required and given", client="require", give_cert=True,
         probe="certreq"),
    Cond("perloc-missing", "client certificate required for /rest only (TLS 1.3 post-handshake auth, "
         "TLS 1.2 renegotiation), none given", client="perloc", runs=10, probe="perloc"),
    Cond("perloc-given", "client certificate required for /rest only, given", client="perloc",
         give_cert=True, probe="perloc"),
    Cond("chunked", "chunked reply (Transfer-Encoding: chunked)", reply="chunked", probe="chunked"),
    Cond("tickets", "several TLS 1.3 NewSessionTickets (4 asked)", versions=("1.3",), tickets=4,
         probe="tickets"),
    Cond("keyupdate", "server sends a TLS 1.3 KeyUpdate", versions=("1.3",), keyupdate=True,
         probe="keyupdate"),
    Cond("ipv4-literal", "URL https://127.0.0.1:PORT (no SNI; IP subjectAltName)", url_host="127.0.0.1"),
    Cond("ipv6-literal", "URL https://[::1]:PORT (no SNI; IP subjectAltName)", url_host="[::1]"),
]

# Which stacks express the IP-literal conditions (one per stack family is enough).
IP_LITERAL_STACKS = ("nginx", "jsse", "go")


# =========================================================================== what each cell must give
# One row per rule, FIRST MATCH WINS: (condition, TLS version, stack, expectation);
# "*" matches anything. To change what a cell must do, edit or add one row here,
# with a comment that says why.

# The lead's decisions, one line each:
KEYUPDATE_SUPPORTED = False        # mbedTLS 3.6 has no TLS 1.3 KeyUpdate (upstream issue 10881)
RENEGOTIATION_SUPPORTED = True     # TLS 1.2 renegotiation built in (MBEDTLS_SSL_RENEGOTIATION, +0.8 KB)


class Expect:
    """exit: atlwho's exit code; msg: regexes its message lines must all match
    (case-insensitive); not_msg: regexes none may match; curl: what the
    reference client must get ("json", "fail", or None: not checked), which
    proves the server is set up as the row says; limit: the documented reason
    when a cell where curl gets the JSON may fail."""

    def __init__(self, exit=0, msg=(), not_msg=(), curl="json", limit=None):
        self.exit, self.msg, self.not_msg, self.curl, self.limit = exit, list(msg), list(not_msg), curl, limit

    def __repr__(self):
        if self.exit == 0:
            return "exit 0 and the user"
        return "exit %d, message ~ %s%s" % (self.exit, " & ".join(self.msg),
                                           "".join(", not ~ " + m for m in self.not_msg))


# RFC 8446 section 6 (and no_renegotiation, RFC 5246): a message that mentions an
# alert must name it, on every cell.
ALERT_NAMES = ("close_notify unexpected_message bad_record_mac record_overflow handshake_failure "
               "bad_certificate unsupported_certificate certificate_revoked certificate_expired "
               "certificate_unknown illegal_parameter unknown_ca access_denied decode_error decrypt_error "
               "protocol_version insufficient_security internal_error inappropriate_fallback user_canceled "
               "no_renegotiation missing_extension unsupported_extension unrecognized_name "
               "bad_certificate_status_response unknown_psk_identity certificate_required "
               "no_application_protocol").split()

OK = Expect()
CERT_HINT = r"--cert"
NO_CERT_HINT = [r"--cert\b", r"client certificate"]

EXPECT = [
    # Library limits: curl gets the JSON, atlwho must exit 6 and name the cause.
    ("rsa-pss-key", "*", "*", Expect(6, [r"RSA-PSS"], limit="mbedTLS 3.6 cannot use an id-RSASSA-PSS key")),
    ("cert-over16k", "*", "*", Expect(6, [r"16 ?(KB|KiB|k)\b|16,?384"],
                                      limit="mbedTLS reassembles handshake messages up to 16 KB")),
    ("keyupdate", "*", "*", OK if KEYUPDATE_SUPPORTED else
     Expect(6, [r"key ?update"], limit="mbedTLS 3.6 has no TLS 1.3 KeyUpdate (issue 10881)")),
    # No common cipher suite (atlwho offers AEAD suites only): say so; no client-certificate hint.
    ("cbc-only", "*", "*", Expect(6, [r"in common", r"handshake_failure"], NO_CERT_HINT,
                                  limit="atlwho offers no CBC suite")),
    # A close-delimited body needs close_notify to end it (RFC 8446 section 6.1): a bare TCP
    # close may be an attacker's cut, refused as one (exit 7). curl takes the body.
    ("noclose-eof", "*", "*", Expect(7, [r"cut short", r"close_notify"],
                                     limit="a close-delimited body ended without close_notify is refused")),
    # A demanded client certificate not given: exit 6 and point to --cert, on every run (racy).
    ("clientcert-missing", "*", "*", Expect(6, [CERT_HINT], curl="fail")),
    # Per-location client certificates (Apache): never "credentials rejected" (exit 3).
    ("perloc-missing", "1.3", "*", Expect(6, [r"client certificate", r"after the handshake"], curl="fail")),
    ("perloc-given", "1.3", "*", Expect(6, [r"client certificate", r"after the handshake"], curl="json",
                                        limit="mbedTLS 3.6 has no TLS 1.3 post-handshake authentication")),
    ("perloc-missing", "1.2", "*", Expect(6, [r"client certificate"], curl="fail")),
    ("perloc-given", "1.2", "*", OK if RENEGOTIATION_SUPPORTED else
     Expect(6, [r"client certificate"], curl="json", limit="TLS 1.2 renegotiation not built in")),
    # Everything else: the user, exit 0, at the cell's TLS version.
    ("*", "*", "*", OK),
]


def expectation(cell):
    for cond, ver, stack, exp in EXPECT:
        if cond in ("*", cell.cond.name) and ver in ("*", cell.ver) and stack in ("*", cell.stack.name):
            return exp
    raise AssertionError("no EXPECT row for " + cell.id)


# =========================================================================== cells

class Cell:
    def __init__(self, stack, cond, ver):
        self.stack, self.cond, self.ver = stack, cond, ver
        self.id = "%s/%s/%s" % (stack.name, cond.name, ver)
        self.port = None
        self.key = None
        self.runs = []        # (exit, stderr, stdout, seconds) per atlwho run
        self.curl = None      # (summary, json ok, facts, text)
        self.facts = []       # what the probes saw, for the matrix
        self.checks = []      # (ok, label, detail)

    def url(self):
        host = self.cond.url_host or "localhost"
        return "https://%s:%d%s" % (host, self.port, self.stack.path_for(self.cond))


def all_cells():
    cells = []
    for st in [cls() for cls in stacks.ALL]:
        for cond in CONDITIONS:
            if cond.url_host and st.name not in IP_LITERAL_STACKS:
                continue
            for ver in cond.versions:
                if st.can(cond, ver):
                    cells.append(Cell(st, cond, ver))
    return cells


# =========================================================================== clients

def client_env():
    env = dict(os.environ, ATLWHO_TOKEN=TOKEN)
    for k in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY",
              "no_proxy", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE"):
        env.pop(k, None)
    return env


def message_lines(stderr):
    """atlwho's own lines on stderr (not the -v trace: "* ", "> ", "< ")."""
    return [l for l in stderr.splitlines() if l and not l.startswith(("* ", "> ", "< "))]


def run_atlwho(env, cell):
    ch, pk = env.pki.chains[cell.cond.cert], env.pki
    args = [env.atlwho, "-v", "--max-time", MAX_TIME, "--cacert", ch.ca]
    if cell.cond.give_cert:
        args += ["--cert", pk.client.cert, "--key", pk.client.key]
    args.append(cell.url())
    t0 = time.time()
    try:
        p = subprocess.run(args, env=env.client_env, capture_output=True, timeout=RUN_TIMEOUT)
        rc, out, err = p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        rc, out, err = -1, "", (e.stderr or b"").decode("utf-8", "replace") + "\n[killed after %ds]" % RUN_TIMEOUT
    return rc, err, out, time.time() - t0


def run_curl(env, cell):
    ch, pk = env.pki.chains[cell.cond.cert], env.pki
    body = os.path.join(env.tmp, "curl-%s.body" % cell.id.replace("/", "_"))
    args = ["curl", "-v", "-sS", "--http1.1", "--max-time", MAX_TIME, "--cacert", ch.ca,
            "-H", "Authorization: Bearer " + TOKEN, "-o", body, "-w", "%{http_code}"]
    if cell.cond.give_cert:
        args += ["--cert", pk.client.cert, "--key", pk.client.key]
    args.append(cell.url() + "/rest/api/2/myself")
    try:
        p = subprocess.run(args, env=env.client_env, capture_output=True, timeout=RUN_TIMEOUT)
        rc, code, err = p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return ("timeout", False, probe.parse_curl(""), "")
    facts = probe.parse_curl(err)
    got_json = False
    try:
        with open(body, "rb") as f:
            doc = json.loads(f.read())
        got_json = rc == 0 and code == "200" and doc.get("name") == "fred"
    except (OSError, ValueError, AttributeError):
        pass
    if got_json:
        summary = "json %s %s" % (facts["version"], facts["cipher"])
    elif rc == 0:
        summary = "HTTP %s" % code
    else:
        last = [l for l in err.splitlines() if l.startswith("curl: (")]
        summary = last[-1] if last else "exit %d" % rc
    return (summary, got_json, facts, err)


REQUEST = ("GET %s/rest/api/2/myself HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
           "Connection: close\r\n\r\n")


def s_client(env, cell, **kw):
    req = (REQUEST % (cell.stack.path_for(cell.cond), TOKEN)).encode()
    host = "::1" if cell.cond.addr == "::1" else "127.0.0.1"
    text = probe.s_client(cell.port, req, host=host, **kw)
    return probe.parse_s_client(text), text


# =========================================================================== probes: is the row true?

def run_probe(env, cell):
    """One check that the server really expresses the condition; adds facts for the matrix."""
    kind, c = cell.cond.probe, cell.cond
    facts = cell.curl[2]
    if kind == "hrr":
        if cell.ver != "1.3":
            return None
        w, text = s_client(env, cell, groups="P-256:X25519:P-384")   # atlwho's order: P-256 first
        h = w.hrr()
        if h:
            cell.facts.append("HRR" + (" with cookie" if h["cookie"] else ""))
        return (h is not None, "a P-256 key share gets a HelloRetryRequest", text[-3000:])
    if kind == "certmsg":
        w, text = s_client(env, cell)
        m = w.first("Certificate")
        if not m:
            return (False, "a Certificate message is seen", text[-3000:])
        cell.facts.append("Certificate %d B in %d record%s" % (m.length, m.records, "s" if m.records > 1 else ""))
        if c.cert == "certbig":
            return (m.length > 16384, "the Certificate message is over 16,384 bytes", "")
        if not c.records:
            return (15872 < m.length <= 16384, "the Certificate message is 15,873..16,384 bytes", "")
        ok = 15872 < m.length <= 16384 and m.records == c.records
        return (ok, "the Certificate message is 15,873..16,384 bytes in %d record(s)" % c.records, "")
    if kind == "noclose":
        w, text = s_client(env, cell)
        notify = any("close_notify" in a for a in w.alerts)
        cell.facts.append("no close_notify" if not notify else "close_notify sent")
        return (not notify and '"name":"fred"' in text, "the reply comes and no close_notify follows",
                text[-2000:])
    if kind == "cbc":
        cipher = facts.get("cipher") or ""
        ok = bool(cipher) and "GCM" not in cipher and "CHACHA" not in cipher
        return (ok, "curl negotiates a CBC suite (got %r)" % cipher, "")
    if kind == "certreq":
        n = facts["in"].get("Request CERT", 0)
        if n:
            cell.facts.append("CertificateRequest")
        return (n > 0, "the server sends a CertificateRequest in the handshake", cell.curl[3][-2000:])
    if kind == "perloc":
        if cell.ver == "1.3":
            w, text = s_client(env, cell, pha=True)
            names = w.names()
            ok = "Finished" in names and "CertificateRequest" in names[names.index("Finished"):]
            if ok:
                cell.facts.append("post-handshake CertificateRequest")
            return (ok, "the server asks for the certificate after the handshake (post-handshake auth)",
                    text[-3000:])
        w, text = s_client(env, cell)
        ok = "HelloRequest" in w.names()
        if ok:
            cell.facts.append("HelloRequest (renegotiation)")
        return (ok, "the server starts a renegotiation (HelloRequest)", text[-3000:])
    if kind == "chunked":
        te = [v for k, v in facts["headers"] if k == "transfer-encoding"]
        if te == ["chunked"]:
            cell.facts.append("chunked")
        elif not [v for k, v in facts["headers"] if k == "content-length"]:
            cell.facts.append("close-delimited")
        return (te == ["chunked"], "the reply is chunked (curl saw %r)" % te, "")
    if kind == "tickets":
        n = facts["in"].get("Newsession Ticket", 0)
        cell.facts.append("%d NewSessionTickets" % n)
        return (n >= 2, "the server sends several NewSessionTickets (curl saw %d)" % n, "")
    if kind == "keyupdate":
        n = facts["in"].get("Key update", 0)
        if n:
            cell.facts.append("KeyUpdate")
        return (n > 0, "the server sends a KeyUpdate (curl saw %d)" % n, "")
    return None


# =========================================================================== one cell

def atlwho_tls(err):
    m = re.search(r"^\* (TLSv1\.\d), cipher (\S+)", err, re.M)
    return (m.group(1), m.group(2)) if m else (None, None)


def judge_run(cell, exp, rc, err, out):
    """Why this atlwho run is not what the row asks, or None."""
    if rc != exp.exit:
        return "exit %d, want %d" % (rc, exp.exit)
    if TOKEN in out or TOKEN in err:
        return "the token was printed"
    if exp.exit == 0:
        ver, _ = atlwho_tls(err)
        if ver != "TLSv" + cell.ver:
            return "TLS version %s, want TLSv%s" % (ver, cell.ver)
        if "name: fred" not in out:
            return "no 'name: fred' on stdout"
        return None
    lines = "\n".join(message_lines(err))
    if re.search(r"\balert\b", lines, re.I) and not any(n in lines for n in ALERT_NAMES):
        return "the message names an alert without its RFC 8446 name"
    for rx in exp.msg:
        if not re.search(rx, lines, re.I):
            return "message does not match /%s/" % rx
    for rx in exp.not_msg:
        if re.search(rx, lines, re.I):
            return "message matches /%s/, which it must not" % rx
    return None


def run_cell(env, cell, verbose=False):
    exp = expectation(cell)
    if cell.stack.error:   # shown once, under the stack's first cell
        first = cell.stack.error_shown
        cell.stack.error_shown = True
        cell.checks.append((False, "%s: the stack started" % cell.id,
                            "see above" if first else cell.stack.error))
        return cell
    cell.curl = run_curl(env, cell)
    if exp.curl is not None:
        want_json = exp.curl == "json"
        cell.checks.append((cell.curl[1] == want_json,
                            "%s: curl (the reference) %s" % (cell.id, "gets the JSON" if want_json else "fails"),
                            "curl: %s\n%s" % (cell.curl[0], cell.curl[3][-2500:])))
    if cell.cond.probe:
        try:
            r = run_probe(env, cell)
        except Exception as e:  # noqa: B902 - a broken probe is a failed check, not a crash
            r = (False, "probe %s" % cell.cond.probe, repr(e))
        if r:
            cell.checks.append((r[0], "%s: %s" % (cell.id, r[1]), r[2]))
    seen = {}    # a failure already shown in full, by its signature: later runs refer to it
    for i in range(cell.cond.runs):
        rc, err, out, secs = run_atlwho(env, cell)
        cell.runs.append((rc, err, out, secs))
        why = judge_run(cell, exp, rc, err, out)
        label = "%s: atlwho %s%s" % (cell.id, exp, " (run %d of %d)" % (i + 1, cell.cond.runs)
                                      if cell.cond.runs > 1 else "")
        detail = ""
        if why:
            msg = message_lines(err)
            sig = (why, rc, msg[-1] if msg else "")
            if sig in seen:
                detail = "%s: exit %d, the same as run %d" % (why, rc, seen[sig])
            else:
                seen[sig] = i + 1
                trace = [l for l in err.splitlines() if l.startswith("* ")][-6:]
                detail = "%s\nexit %d in %.2f s; stdout %r\n%s" % (
                    why, rc, secs, out[:200], "\n".join(trace + msg))
        cell.checks.append((why is None, label, detail))
        if verbose:
            print("---- %s run %d: exit %d\n%s%s" % (cell.id, i + 1, rc, out, err))
    return cell


# =========================================================================== output

def short(s, n):
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[:n - 1] + "…"


def atlwho_summary(cell):
    if not cell.runs:
        return "not run"
    codes = collections.Counter(r[0] for r in cell.runs)
    dist = ", ".join("%d x%d" % (k, v) if len(cell.runs) > 1 else "%d" % k for k, v in sorted(codes.items()))
    first = cell.runs[0]
    if all(r[0] == 0 for r in cell.runs):
        ver, cipher = atlwho_tls(first[1])
        return "%s %s %s" % (dist, ver, cipher)
    # The message of the first failing run (and of the other exit codes, if any).
    msgs = []
    for code in sorted(codes):
        run = next(r for r in cell.runs if r[0] == code)
        ml = message_lines(run[1])
        if code != 0:
            msgs.append(ml[-1] if ml else "(no message)")
    ver, cipher = atlwho_tls(first[1])
    tls = " [%s %s]" % (ver, cipher) if ver else ""
    return "%s%s: %s" % (dist, tls, " | ".join(msgs))


def print_matrix(cells):
    print()
    print("== matrix: stack x condition x TLS -> atlwho (exit, TLS version and cipher, or message) | curl | wire")
    w = max(len(c.cond.name) for c in cells)
    for c in cells:
        ok = all(k[0] for k in c.checks)
        print("%-4s %-8s %-*s %s  %s" % ("ok" if ok else "FAIL", c.stack.name, w, c.cond.name, c.ver,
                                        atlwho_summary(c)))
        print("%-4s %-8s %-*s      curl: %s%s" % ("", "", w, "", c.curl[0] if c.curl else "not run",
                                                  ("; wire: " + ", ".join(c.facts)) if c.facts else ""))


def markdown(cells, versions, path):
    """The matrix as a Markdown grid (condition x TLS rows, stack columns) for a README:
    each entry is atlwho's exit code(s) / curl's result, bold where the cell fails."""
    stack_names = []
    for c in cells:
        if c.stack.name not in stack_names:
            stack_names.append(c.stack.name)
    rows = collections.OrderedDict()
    order = [c.name for c in CONDITIONS]
    for c in sorted(cells, key=lambda c: (order.index(c.cond.name), c.cond.versions.index(c.ver))):
        rows.setdefault((c.cond.name, c.ver), {})[c.stack.name] = c
    out = ["| stack | version |", "|---|---|"]
    out += ["| %s | %s |" % (n, v) for n, v in versions]
    out += ["", "| condition | TLS | " + " | ".join(stack_names) + " |",
            "|---|---|" + "---|" * len(stack_names)]
    for (cond, ver), by in rows.items():
        ents = []
        for n in stack_names:
            c = by.get(n)
            if not c:
                ents.append("")
                continue
            codes = collections.Counter(r[0] for r in c.runs)
            a = " ".join("%d" % k if len(c.runs) == 1 else "%d×%d" % (k, v) for k, v in sorted(codes.items()))
            cu = "json" if c.curl and c.curl[1] else "fail"
            e = "%s / %s" % (a or "-", cu)
            ents.append(e if all(k[0] for k in c.checks) else "**%s**" % e)
        out.append("| %s | %s | %s |" % (cond, ver, " | ".join(ents)))
    out += ["", "Entries: atlwho's exit code (×runs) / curl's result; **bold**: not what each cell must give "
            "(run.py's EXPECT)."]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", action="append", default=[], help="only cells whose id contains this (repeatable)")
    ap.add_argument("-v", action="store_true", help="print every atlwho run's output")
    ap.add_argument("--list", action="store_true", help="list the cells and their expectations")
    ap.add_argument("--pki", help="make the PKI in this directory once and reuse it")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="cells run at the same time (default 2)")
    ap.add_argument("--markdown", help="also write the matrix as a Markdown grid to this file")
    a = ap.parse_args(argv)

    cells = [c for c in all_cells() if not a.k or any(k in c.id for k in a.k)]
    if a.list:
        for c in cells:
            e = expectation(c)
            print("%-40s %s%s" % (c.id, e, " (limit: %s)" % e.limit if e.limit else ""))
        print("%d cells" % len(cells))
        return 0
    if not cells:
        print("no cell matches %s" % a.k)
        print("0 passed, 1 failed")
        return 1
    atlwho = os.path.abspath(os.environ.get("ATLWHO", "./atlwho"))
    if not os.access(atlwho, os.X_OK):
        print("no atlwho binary at %s (set ATLWHO, or run `make test-interop`)" % atlwho)
        print("0 passed, 1 failed")
        return 1
    missing = stacks.tools_missing()
    if missing:
        print("missing packages: %s (vendor/deps.sh interop installs them)" % " ".join(missing))
        print("0 passed, 1 failed")
        return 1

    env = argparse.Namespace()
    env.here = HERE
    env.atlwho = atlwho
    env.token = TOKEN
    env.client_env = client_env()
    t_start = time.time()
    env.tmp = tempfile.mkdtemp(prefix="atlwho-interop-")
    # make's SIGTERM (or a CI timeout) must still stop every server: run the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("interop: terminated"))
    used = []
    backend = None
    try:
        pki_dir = os.path.abspath(a.pki) if a.pki else os.path.join(env.tmp, "pki")
        stamp = os.path.join(pki_dir, "complete")
        t0 = time.time()
        if a.pki and os.path.exists(stamp):
            import pickle
            with open(stamp, "rb") as f:
                env.pki = pickle.load(f)
        else:
            env.pki = ipki.make_pki(pki_dir)
            if a.pki:
                import pickle
                with open(stamp, "wb") as f:
                    pickle.dump(env.pki, f)
        print("== PKI in %.1f s: %s" % (time.time() - t0, ", ".join(
            "%s (Certificate message %d B)" % (n, env.pki.cert_msg_len[n]) for n in sorted(env.pki.chains))))

        body = fakeatl.jdump(fakeatl.jira_server_user())
        env.reply_bytes = fakeatl.http_response(200, body, [fakeatl.JSON_CT] + fakeatl.TOMCAT_HEADERS, close=True)

        def tomcat(req):
            """The plain backend behind the proxies: Jira's replies, framed by path prefix."""
            ok = req.auth() == ("bearer", TOKEN) and req.path.endswith("/rest/api/2/myself")
            b = body if ok else fakeatl.jdump(fakeatl.JIRA_NOT_AUTHENTICATED)
            st, hdrs = (200, [fakeatl.JSON_CT] + fakeatl.TOMCAT_HEADERS) if ok else (401, [fakeatl.JSON_CT])
            if req.path.startswith("/chunked/"):
                return fakeatl.http_response(st, b, hdrs, chunked=True, chunk_sizes=[200])
            if req.path.startswith("/eof/"):
                return [fakeatl.http_response(st, b, hdrs, content_length=False, close=True), fakeatl.Close()]
            return fakeatl.http_response(st, b, hdrs)   # keep-alive: the proxy may send more

        backend = fakeatl.FakeServer(tomcat, keepalive=True, name="tomcat").start()
        env.backend = backend

        by_stack = collections.OrderedDict()
        for c in cells:
            by_stack.setdefault(c.stack, []).append(c)
        versions = {}
        for st, scells in by_stack.items():
            t0 = time.time()
            used.append(st)
            versions[st.name] = st.version()
            try:
                st.start(env, scells)
                print("== %s: %d cells, started in %.1f s" % (st.name, len(scells), time.time() - t0))
            except (stacks.StackError, OSError, subprocess.CalledProcessError) as e:
                st.error = "%s did not start: %s" % (st.name, e)
                st.error_shown = False
                print("== " + st.error)
        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            list(pool.map(lambda c: run_cell(env, c, a.v), cells))
        t_cells = time.time() - t0
    finally:
        for st in used:
            st.stop()
        if backend:
            backend.stop()
        shutil.rmtree(env.tmp, ignore_errors=True)

    print()
    print("== versions")
    print("atlwho: %s" % stacks.out([env.atlwho, "-V"]))
    print("curl: %s" % stacks.out(["curl", "--version"]))
    for st in used:
        print("%s: %s  (%s)" % (st.name, versions[st.name], st.about))
    print_matrix(cells)
    if a.markdown:
        markdown(cells, [("atlwho", stacks.out([env.atlwho, "-V"])), ("curl", stacks.out(["curl", "--version"]))]
                 + [(st.name, versions[st.name]) for st in used], a.markdown)

    passed = failed = 0
    fails = []
    for c in cells:
        for ok, label, detail in c.checks:
            if ok:
                passed += 1
            else:
                failed += 1
                fails.append((label, detail))
    if fails:
        print()
        print("== failed checks")
        for label, detail in fails:
            print("FAIL " + label)
            print("    " + detail.strip().replace("\n", "\n    "))
    bad = [c for c in cells if not all(k[0] for k in c.checks)]
    print()
    print("== %d cells, %d as they must be, %d not; cells %.0f s, whole suite %.0f s" % (
        len(cells), len(cells) - len(bad), len(bad), t_cells, time.time() - t_start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
