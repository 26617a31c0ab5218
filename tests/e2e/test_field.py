#!/usr/bin/env python3
"""test_field.py: the field conditions (names, addresses, resolvers, clocks) that loopback can stage
deterministically, against the real binary: names and addresses as curl
treats them (no SNI for IP literals, IP subjectAltNames, a trailing dot),
Happy Eyeballs and a resolver that never answers, every TLS failure named
by its cause (a demanded client certificate on every run, no common cipher
suite, alerts by name, library limits), the HelloRetryRequest cookie, client
chains up to 16 KiB, and --pin checked before anything is sent.

The real server stacks (nginx, Apache, HAProxy, GnuTLS, Java, Go) are in
tests/interop (make test-interop); these rows use Python's ssl and raw
sockets. Rows that need root (a mount namespace for /etc/hosts and
/etc/resolv.conf, port 53) say so and are skipped without it.

Run: ATLWHO=./atlwho python3 tests/e2e/test_field.py [-k NAME] [-v]
Every atlwho run also counts one check of harness.py's invariants (a documented
exit, no token in the output, the token only at the origin named, safe output).
Ends with "N passed, N failed[, N skipped]"."""
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import F, PKI

SLOW = H.SLOW
RUN_TIMEOUT = 60.0 if SLOW else 20.0
SLACK = 4.0 if SLOW else 0.0           # added to every elapsed-time bound
RACE_RUNS = 4 if H.VALGRIND else 10    # runs of a racy condition (the issue asks >= 10)
TOKEN = F.GOOD_TOKEN

# Every atlwho run is S.run(label, args, ...): it counts one check more, "LABEL:
# invariants" (harness.invariants: a documented exit, no token in the output, the token
# only at the origin named, safe output), besides the checks written here.
S = H.Suite(__file__, tokens=[TOKEN], timeout=RUN_TIMEOUT)
check, skip, want = S.check, S.skip, S.want


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def jira(req):
    return F.reply_jira_server_ok()


def server(tls, host="127.0.0.1"):
    return F.FakeServer(jira, tls=tls, host=host).start()


def ctx_of(cert, key, versions=None, ciphers=None, client_ca=None, on_sni=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if versions == "1.2":
        c.minimum_version = c.maximum_version = ssl.TLSVersion.TLSv1_2
    elif versions == "1.3":
        c.minimum_version = c.maximum_version = ssl.TLSVersion.TLSv1_3
    if ciphers:
        c.set_ciphers(ciphers)
    c.load_cert_chain(cert, key)
    if client_ca:
        c.load_verify_locations(client_ca)
        c.verify_mode = ssl.CERT_REQUIRED
    if on_sni:
        c.sni_callback = on_sni
    return c


def is_root():
    return os.geteuid() == 0 and shutil.which("unshare") is not None


def listener(timeout):
    """A TCP listener on 127.0.0.1, an ephemeral port; accept() waits timeout seconds."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(timeout)
    return ls


def connected(ls):
    """Whether a connection to ls was made (ls is closed after)."""
    try:
        ls.accept()
        return True
    except socket.timeout:
        return False
    finally:
        ls.close()


def want_as_root(label, why):
    """label is selected (-k) and this is root; else False (a skip, saying why, if selected)."""
    if not want(label):
        return False
    if not is_root():
        skip(label, "needs root (%s)" % why)
        return False
    return True


# ============================================================================ names and addresses

def test_names(pk, d):
    ecdsa = pk.leaf["ecdsa"]   # SAN: DNS:localhost, IP:127.0.0.1, IP:::1
    tls = F.TLS(ecdsa.cert, ecdsa.key)
    srv = server(tls, host="both")
    try:
        rows = [
            ("IPv4 literal: no SNI, the IP subjectAltName verifies", "https://127.0.0.1:%d" % srv.port, None),
            ("IPv6 literal: no SNI (RFC 6066 section 3), the IP subjectAltName verifies",
             "https://[::1]:%d" % srv.port, None),
            ("host name: SNI is the name", "https://localhost:%d" % srv.port, "localhost"),
            # The name keeps its dot for the resolver (an absolute name: no
            # search domains), which finds it in a private /etc/hosts.
            ("trailing dot: stripped for SNI and verification", "https://localhost.:%d" % srv.port, "localhost"),
        ]
        for label, url, sni in rows:
            if not want(label):
                continue
            if "::1" in url and "::1" not in srv.bound:
                skip(label, "no IPv6 loopback here")
                continue
            pre = ()
            if "localhost." in url:
                if not is_root():
                    skip(label, "needs root (unshare -m, for a private /etc/hosts)")
                    continue
                pre = hosts_prefix(d, ["127.0.0.1 localhost localhost."])
            n0 = len(srv.requests)
            rc, out, err, _ = S.run(label, ["--cacert", pk.ca, "-p", "jira", url], [("srv", srv)], prefix=pre)
            check(rc == 0, label, "exit %r: %s" % (rc, err.strip()))
            got = [r.sni for r in srv.requests[n0:]]
            check(got == [sni], label + " (server saw SNI %r)" % (got,), "expected [%r]" % sni)
    finally:
        srv.stop()


def test_ip_san_only(pk, d):
    """An IP literal matches iPAddress entries only: a DNS entry spelling the
    address does not count (RFC 6125 section 6.2.1, as curl)."""
    label = "IP literal against a certificate whose only SAN is DNS:127.0.0.1: exit 6"
    if not want(label):
        return
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "dnsip.key", "-out", "dnsip.pem", "-subj", "/CN=127.0.0.1", "-days", "2",
            "-addext", "subjectAltName=DNS:127.0.0.1", cwd=d)
    srv = server(F.TLS(os.path.join(d, "dnsip.pem"), os.path.join(d, "dnsip.key")))
    try:
        rc, out, err, _ = S.run(label, ["--cacert", os.path.join(d, "dnsip.pem"), "https://127.0.0.1:%d" % srv.port],
                                [("srv", srv)])
        check(rc == 6 and "not valid for '127.0.0.1'" in err, label, "exit %r: %s" % (rc, err.strip()))
        check(len(srv.requests) == 0, label + ": nothing sent", "%d requests" % len(srv.requests))
    finally:
        srv.stop()


def blackhole(family, port):
    """A listener on port whose accept queue is full: the kernel drops new
    SYNs, so a connect to it hangs like a black-holed route."""
    addr = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    ls = socket.socket(family, socket.SOCK_STREAM)
    if family == socket.AF_INET6:
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    ls.bind((addr, port))
    ls.listen(0)
    fill = []
    for _ in range(4):
        c = socket.socket(family, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect((addr, port))
        except BlockingIOError:
            pass
        fill.append(c)
    time.sleep(0.2)
    # it must really swallow a connect now
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.settimeout(0.5)
    try:
        probe.connect((addr, port))
        holes = False
    except (socket.timeout, OSError):
        holes = True
    probe.close()
    return ls, fill, holes


def hosts_prefix(d, lines, resolv=None):
    """Runs atlwho in a mount namespace with its own /etc/hosts (and resolv.conf)."""
    hp = os.path.join(d, "hosts")
    with open(hp, "w") as f:
        f.write("\n".join(lines) + "\n")
    mounts = "mount --bind %s /etc/hosts" % hp
    if resolv:
        rp = os.path.join(d, "resolv.conf")
        with open(rp, "w") as f:
            f.write(resolv)
        mounts += " && mount --bind %s /etc/resolv.conf" % rp
    return ["unshare", "-m", "sh", "-c", mounts + ' && exec "$0" "$@"']


def test_happy_eyeballs(pk, d):
    """A dual-stack name whose first address black-holes SYNs: the next
    address is tried after 200 ms, not after --connect-timeout."""
    label = "Happy Eyeballs: a black-holed address costs at most the 200 ms attempt delay"
    if not want_as_root(label, "unshare -m, for a private /etc/hosts"):
        return
    ecdsa = pk.leaf["ecdsa"]
    first_seen = []
    for dead in (socket.AF_INET6, socket.AF_INET):
        live_host = "127.0.0.1" if dead == socket.AF_INET6 else "::1"
        srv = None
        for _ in range(20):
            srv = F.FakeServer(jira, tls=F.TLS(ecdsa.cert, ecdsa.key), host=live_host).start()
            try:
                hole = blackhole(dead, srv.port)
                break
            except OSError:
                srv.stop()
                srv = None
        if srv is None:
            skip(label, "no port free on both families")
            return
        ls, fill, holes = hole
        try:
            if not holes:
                skip(label, "this kernel does not drop SYNs to a full accept queue")
                return
            pre = hosts_prefix(d, ["::1 dual.test", "127.0.0.1 dual.test"])
            # dual.test is not in the certificate: the pin is the trust
            rc, out, err, el = S.run(label, ["-v", "--connect-timeout", "10", "-m", "20", "--pin", ecdsa.pin,
                                             "-p", "jira", "https://dual.test:%d" % srv.port], [("srv", srv)],
                                     prefix=pre)
            tried = [l.split()[2] for l in err.splitlines() if l.startswith("* trying ")]
            check(rc == 0, label + " (dead %s)" % ("::1" if dead == socket.AF_INET6 else "127.0.0.1"),
                  "exit %r in %.1f s: %s" % (rc, el, err.strip()[-400:]))
            check(el < 3.0 + SLACK, label + ": took %.2f s, --connect-timeout is 10 s" % el, err.strip()[-400:])
            check(len(tried) >= 1, label + ": -v shows each attempt", err)
            if tried:
                first_seen.append(tried[0] == ("::1" if dead == socket.AF_INET6 else "127.0.0.1"))
        finally:
            srv.stop()
            for c in fill:
                c.close()
            ls.close()
    check(any(first_seen), label + ": in one of the two runs the black hole was tried first",
          "the resolver order never put the dead address first: %r" % first_seen)


def test_connect_timeout_per_address(pk, d):
    """Two black-holed addresses: each gets its own --connect-timeout, both
    within --max-time, and the failure is a timeout (exit 5)."""
    label = "--connect-timeout per address: two dead addresses, exit 5 after about one timeout"
    if not want_as_root(label, "unshare -m, for a private /etc/hosts"):
        return
    for _ in range(20):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        try:
            h4 = blackhole(socket.AF_INET, port)
            h6 = blackhole(socket.AF_INET6, port)
            break
        except OSError:
            continue
    else:
        skip(label, "no port free on both families")
        return
    try:
        pre = hosts_prefix(d, ["::1 dual.test", "127.0.0.1 dual.test"])
        rc, out, err, el = S.run(label, ["-v", "--connect-timeout", "1", "-m", "10", "-p", "jira",
                                         "https://dual.test:%d" % port], prefix=pre)
        check(rc == 5 and "timed out" in err, label, "exit %r: %s" % (rc, err.strip()[-300:]))
        check(0.9 < el < 2.5 + SLACK, label + ": %.2f s (each attempt 1 s, started 0.2 s apart)" % el, err[-300:])
        check(err.count("* trying ") == 2, label + ": both addresses tried", err)
    finally:
        for ls, fill, _ in (h4, h6):
            for c in fill:
                c.close()
            ls.close()


def test_many_addresses(pk, d):
    """More addresses than the first RFC 8305 interleaving round: 30 IPv4
    addresses that refuse (nothing listens on 127.0.0.2..31), then the live
    one (127.0.0.40: glibc's RFC 6724 rule 9 ranks it after 127.0.0.2..31 by
    the prefix it shares with the source 127.0.0.1; musl sorts no IPv4-only
    answer). Every address is tried up to CONNECT_ADDR_MAX (48), not only 24 of
    one family; the mixed run puts ::1 (refusing too) in the other family."""
    ecdsa = pk.leaf["ecdsa"]
    for mixed in (False, True):
        label = "31 IPv4 addresses%s, only the last one live: every one tried, exit 0" % (
            " and ::1" if mixed else "")
        if not want_as_root(label, "unshare -m, for a private /etc/hosts"):
            continue
        srv = F.FakeServer(jira, tls=F.TLS(ecdsa.cert, ecdsa.key), host="127.0.0.40").start()
        try:
            lines = ["127.0.0.%d many.test" % i for i in range(2, 32)] + ["127.0.0.40 many.test"]
            if mixed:
                lines.insert(0, "::1 many.test")
            rc, out, err, el = S.run(label, ["-v", "--connect-timeout", "5", "-m", "10", "--pin", ecdsa.pin,
                                             "-p", "jira", "https://many.test:%d" % srv.port], [("srv", srv)],
                                     prefix=hosts_prefix(d, lines))
            tried = [l.split()[2] for l in err.splitlines() if l.startswith("* trying ")]
            if mixed and "::1" not in tried and rc == 0 and len(tried) == 31:
                skip(label, "the resolver here gives no ::1 for a name (AI_ADDRCONFIG)")
                continue
            check(rc == 0, label, "exit %r after %d addresses: %s" % (rc, len(tried), err.strip()[-300:]))
            check(tried[-1:] == ["127.0.0.40"] and len(tried) == len(lines),
                  label + ": the live address last, after all the others",
                  "tried %d of %d: %r" % (len(tried), len(lines), tried))
        finally:
            srv.stop()


def test_resolver_deadline(d):
    label = "name resolution is bounded by --max-time, with its own message"
    if not want_as_root(label, "a name server on port 53 and a private /etc/resolv.conf"):
        return
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.53", 53))
    except OSError as e:
        skip(label, "cannot bind 127.0.0.53:53 (%s)" % e)
        return
    try:
        pre = hosts_prefix(d, ["127.0.0.1 localhost"], resolv="nameserver 127.0.0.53\noptions timeout:5 attempts:2\n")
        rc, out, err, el = S.run(label, ["-m", "1", "-p", "jira", "https://jira.unanswered.test"], prefix=pre)
        check(rc == 5 and "resolving host 'jira.unanswered.test'" in err and "--max-time" in err,
              label, "exit %r: %s" % (rc, err.strip()))
        check(el < 2.0 + SLACK, label + ": %.2f s with -m 1 (the resolver alone waits 10 s)" % el)
    finally:
        u.close()


def test_resolver_unstartable(pk, d):
    """The lookup process cannot be started (no descriptor left for its pipe;
    no process left for fork: a container at its pids limit): the deadline
    must hold all the same, so atlwho fails at once (exit 5, saying why)
    instead of resolving in-process, where getaddrinfo waits resolv.conf's
    timeout x attempts (10 s here) whatever -m says. A literal address needs
    no lookup and still works."""
    # pipe: descriptors 0-2 and one more (the loader, the CA files and the
    # resolver's socket need one at a time; a pipe needs two).
    # fork: RLIMIT_NPROC binds an unprivileged user only, so run as nobody.
    # LeakSanitizer (make test SAN=1) checks at exit from a thread of its own,
    # which RLIMIT_NPROC 1 forbids too: no leak check in those runs.
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    nolsan = {"ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "detect_leaks=0"]))}
    cases = [("pipe() fails (RLIMIT_NOFILE 4)", ["prlimit", "--nofile=4", "--"], "pipe", None),
             ("fork() fails (RLIMIT_NPROC 1, as nobody)", nobody + ["prlimit", "--nproc=1", "--"], "fork", nolsan)]
    for what, limit, call, env in cases:
        label = "name lookup that cannot start, %s: exit 5 within -m 1" % what
        if not want_as_root(label, "a name server on port 53 and a private /etc/resolv.conf"):
            continue
        if H.VALGRIND or H.EMU:
            skip(label, "valgrind and qemu need descriptors and threads of their own")
            continue
        if not shutil.which("prlimit") or not shutil.which("setpriv"):
            skip(label, "needs prlimit and setpriv (util-linux)")
            continue
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.53", 53))
        except OSError as e:
            skip(label, "cannot bind 127.0.0.53:53 (%s)" % e)
            continue
        try:
            pre = hosts_prefix(d, ["127.0.0.1 localhost"], resolv="nameserver 127.0.0.53\n"
                               "options timeout:5 attempts:2\n") + limit
            rc, out, err, el = S.run(label, ["-m", "1", "-p", "jira", "https://jira.unanswered.test"], prefix=pre,
                                     env=env)
            check(rc == 5 and "jira.unanswered.test" in err and "lookup" in err and call in err,
                  label, "exit %r after %.2f s: %s" % (rc, el, err.strip()))
            check(el < 2.0 + SLACK, label + ": %.2f s with -m 1 (the resolver alone waits 10 s)" % el)
        finally:
            u.close()
        label = "a literal address needs no lookup process: %s, exit 0" % what
        srv = server(F.TLS(pk.leaf["ecdsa"].cert, pk.leaf["ecdsa"].key))
        try:
            rc, out, err, el = S.run(label, ["--pin", pk.leaf["ecdsa"].pin, "-p", "jira",
                                             "https://127.0.0.1:%d" % srv.port], [("srv", srv)], prefix=limit,
                                     env=env)
            check(rc == 0, label, "exit %r: %s" % (rc, err.strip()))
        finally:
            srv.stop()


# ============================================================================ TLS failures by cause

def test_client_cert_demanded(pk):
    """The server sends its alert and closes; the client's next write can fail
    first. Every run must say the same thing, TLS 1.2 and 1.3."""
    ecdsa, client = pk.leaf["ecdsa"], pk.leaf["client"]
    for v in ("1.2", "1.3"):
        label = "client certificate demanded, none given, TLS %s: exit 6 naming --cert, every run" % v
        if not want(label):
            continue
        srv = server(ctx_of(ecdsa.cert, ecdsa.key, versions=v, client_ca=pk.clientca))
        try:
            results = []
            for _ in range(RACE_RUNS):
                rc, out, err, _ = S.run(label, ["--cacert", pk.ca, "-p", "jira", "https://localhost:%d" % srv.port],
                                        [("srv", srv)])
                results.append((rc, "requires a client certificate" in err and "--cert" in err, err.strip()))
            bad = [r for r in results if r[0] != 6 or not r[1]]
            check(not bad, label, "%d of %d runs differ, e.g. %r" % (len(bad), len(results), bad[:2]))
            label2 = "client certificate demanded and given, TLS %s: exit 0" % v
            rc, out, err, _ = S.run(label2, ["--cacert", pk.ca, "--cert", client.cert, "--key", client.key,
                                             "-p", "jira", "https://localhost:%d" % srv.port], [("srv", srv)])
            check(rc == 0, label2, "exit %r: %s" % (rc, err.strip()))
        finally:
            srv.stop()


def one_server(label, sctx, args, cond):
    """One run against a FakeServer with the TLS context sctx, at https://localhost:PORT
    (added to args): cond(rc, err) must hold."""
    line = H.caller_line(2)
    srv = server(sctx)
    try:
        rc, out, err, _ = S.run(label, args + ["https://localhost:%d" % srv.port], [("srv", srv)])
        check(cond(rc, err), label, "exit %r: %s" % (rc, err.strip()), line=line)
    finally:
        srv.stop()


def test_no_common_suite(pk):
    label = "TLS 1.2 with CBC suites only: no cipher suite in common, no client-certificate hint"
    if want(label):
        ecdsa = pk.leaf["ecdsa"]
        one_server(label, ctx_of(ecdsa.cert, ecdsa.key, versions="1.2", ciphers="ECDHE-ECDSA-AES128-SHA"),
                   ["--cacert", pk.ca, "-p", "jira"],
                   lambda rc, err: rc == 6 and "handshake_failure (40)" in err and "no cipher suite" in err
                   and "client certificate" not in err and "AES-GCM" in err)


def test_alert_by_name(pk):
    label = "alerts by their RFC 8446 names: unrecognized_name (112)"
    if want(label):
        ecdsa = pk.leaf["ecdsa"]
        one_server(label, ctx_of(ecdsa.cert, ecdsa.key,
                                 on_sni=lambda s, name, c: ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME),
                   ["--cacert", pk.ca, "-p", "jira"],
                   lambda rc, err: rc == 6 and "unrecognized_name (112)" in err and "alert 112" not in err)


def test_big_certificate(d):
    """One certificate of about 32 KB: a Certificate message over the 16 KiB
    the TLS library reassembles, named as the library limit it is."""
    label = "Certificate message over 16 KiB: exit 6 naming the limit"
    if not want(label):
        return
    san = "DNS:localhost," + ",".join("DNS:host%d.a-rather-long-subdomain-label.example.com" % i
                                      for i in range(700))
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "big.key", "-out", "big.pem", "-subj", "/CN=localhost", "-days", "2",
            "-addext", "subjectAltName=" + san, cwd=d)
    for v in ("1.2", "1.3"):
        one_server(label + " (TLS %s)" % v,
                   ctx_of(os.path.join(d, "big.pem"), os.path.join(d, "big.key"), versions=v),
                   ["--cacert", os.path.join(d, "big.pem"), "-p", "jira"],
                   lambda rc, err: rc == 6 and "16384 bytes" in err and "library limit" in err
                   and "Certificate" in err)


def test_rsa_pss_key(d):
    label = "RSA-PSS (id-RSASSA-PSS) server key: exit 6 naming the limit"
    if not want(label):
        return
    openssl("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pss.key", cwd=d)
    openssl("req", "-x509", "-new", "-key", "pss.key", "-out", "pss.pem", "-subj", "/CN=localhost",
            "-days", "2", "-addext", "subjectAltName=DNS:localhost", cwd=d)
    for v in ("1.2", "1.3"):
        try:
            c = ctx_of(os.path.join(d, "pss.pem"), os.path.join(d, "pss.key"), versions=v)
        except ssl.SSLError as e:
            skip(label, "Python's ssl cannot serve an RSA-PSS key here (%s)" % e)
            return
        one_server(label + " (TLS %s)" % v, c, ["--cacert", os.path.join(d, "pss.pem"), "-p", "jira"],
                   lambda rc, err: rc == 6 and "RSA-PSS" in err and "client certificate" not in err)


# ============================================================================ HelloRetryRequest cookie

HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")


def read_record(c):
    head = b""
    while len(head) < 5:
        b = c.recv(5 - len(head))
        if not b:
            return None, None
        head += b
    n = struct.unpack(">H", head[3:5])[0]
    body = b""
    while len(body) < n:
        b = c.recv(n - len(body))
        if not b:
            return None, None
        body += b
    return head[0], body


def extensions(ch):
    """ClientHello handshake message -> {type: data}."""
    p = 4 + 2 + 32
    p += 1 + ch[p]
    p += 2 + struct.unpack(">H", ch[p:p + 2])[0]
    p += 1 + ch[p]
    end = p + 2 + struct.unpack(">H", ch[p:p + 2])[0]
    p += 2
    out = {}
    while p + 4 <= end:
        t, n = struct.unpack(">HH", ch[p:p + 4])
        out[t] = ch[p + 4:p + 4 + n]
        p += 4 + n
    return out


def test_hrr_cookie():
    """A raw TLS 1.3 server answers the ClientHello (P-256 key share) with a
    HelloRetryRequest for x25519 carrying a cookie, as Java's JSSE does. The
    client must send a second ClientHello that echoes the cookie (RFC 8446
    section 4.2.2), not abort with unsupported_extension (mbedTLS issue 9543,
    vendor/mbedtls/patches/0001)."""
    label = "HelloRetryRequest with a cookie: the second ClientHello echoes it"
    if not want(label):
        return
    ls = listener(RUN_TIMEOUT)
    cookie = os.urandom(48)
    seen = {}

    def serve():
        try:
            c, _ = ls.accept()
            c.settimeout(RUN_TIMEOUT)
            t, ch = read_record(c)
            seen["first"] = t
            sid = ch[4 + 2 + 32 + 1:4 + 2 + 32 + 1 + ch[4 + 2 + 32]]
            exts = (struct.pack(">HHH", 43, 2, 0x0304) +            # supported_versions: TLS 1.3
                    struct.pack(">HHH", 51, 2, 0x001d) +            # key_share: selected_group x25519
                    struct.pack(">HHH", 44, len(cookie) + 2, len(cookie)) + cookie)
            body = (b"\x03\x03" + HRR_RANDOM + bytes([len(sid)]) + sid + b"\x13\x01\x00" +
                    struct.pack(">H", len(exts)) + exts)
            hs = b"\x02" + struct.pack(">I", len(body))[1:] + body
            c.sendall(b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs)
            while True:
                t, rec = read_record(c)
                if t is None:
                    seen["second"] = "closed"
                    break
                if t == 21:
                    seen["second"] = "alert %d" % rec[1]
                    break
                if t == 22 and rec[0] == 1:
                    seen["second"] = "ClientHello"
                    seen["cookie"] = extensions(rec).get(44)
                    break
            c.close()
        except Exception as e:  # reported through seen
            seen.setdefault("second", "error %r" % e)

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    rc, out, err, _ = S.run(label, ["-m", "5", "--pin", "sha256//" + "A" * 43 + "=", "-p", "jira",
                                    "https://127.0.0.1:%d" % ls.getsockname()[1]])
    th.join(RUN_TIMEOUT)
    ls.close()
    check(seen.get("second") == "ClientHello", label, "after the HRR the client sent: %r (%s)"
          % (seen.get("second"), err.strip()))
    check(seen.get("cookie") == struct.pack(">H", len(cookie)) + cookie, label + ": the same cookie bytes",
          repr(seen.get("cookie")))
    check(rc != 0, label + ": the fake cannot finish, so atlwho must not exit 0", "exit %r" % rc)


# ============================================================================ client side limits

def test_client_chain(d):
    """A client chain of six certificates (about 10 KB) works; one whose
    Certificate message would pass 16 KiB is refused before connecting."""
    label = "client chain of 6 certificates (~10 KB) through a 4-level CA chain: exit 0"
    if not want(label):
        return
    pad = ",".join("DNS:pad%d.client-chain.example.com" % i for i in range(30))
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "cr.key", "-out", "cr.pem", "-subj", "/CN=chain root", "-days", "2",
            "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=keyCertSign", cwd=d)
    prev = "cr"
    chain = []
    for i in range(5):
        n = "ci%d" % i
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                n + ".key", "-out", n + ".csr", "-subj", "/CN=chain intermediate %d" % i, cwd=d)
        with open(os.path.join(d, n + ".ext"), "w") as f:
            f.write("basicConstraints=critical,CA:true\nkeyUsage=keyCertSign\nsubjectAltName=%s\n" % pad)
        openssl("x509", "-req", "-in", n + ".csr", "-CA", prev + ".pem", "-CAkey", prev + ".key",
                "-CAcreateserial", "-out", n + ".pem", "-days", "2", "-extfile", n + ".ext", cwd=d)
        chain.insert(0, n + ".pem")
        prev = n
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "cl.key", "-out", "cl.csr", "-subj", "/CN=chain client", cwd=d)
    with open(os.path.join(d, "cl.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\nsubjectAltName=%s\n" % pad)
    openssl("x509", "-req", "-in", "cl.csr", "-CA", prev + ".pem", "-CAkey", prev + ".key",
            "-CAcreateserial", "-out", "cl.pem", "-days", "2", "-extfile", "cl.ext", cwd=d)
    full = os.path.join(d, "cl-chain.pem")
    with open(full, "w") as f:
        for n in ["cl.pem"] + chain:
            f.write(open(os.path.join(d, n)).read())
    size = sum(len(ssl.PEM_cert_to_DER_cert(open(os.path.join(d, n)).read())) for n in ["cl.pem"] + chain)
    pk = PKI.cached_pki(d)
    ecdsa = pk.leaf["ecdsa"]
    for v in ("1.2", "1.3"):
        srv = server(ctx_of(ecdsa.cert, ecdsa.key, versions=v, client_ca=os.path.join(d, "cr.pem")))
        try:
            rc, out, err, _ = S.run(label, ["--cacert", pk.ca, "--cert", full, "--key", os.path.join(d, "cl.key"),
                                            "-p", "jira", "https://localhost:%d" % srv.port], [("srv", srv)])
            check(rc == 0 and size > 4096, label + " (TLS %s, %d bytes of DER)" % (v, size),
                  "exit %r: %s" % (rc, err.strip()))
        finally:
            srv.stop()
    label = "client chain over 16 KiB: refused before connecting, naming the chain and its size"
    if not want(label):
        return
    with open(os.path.join(d, "huge-chain.pem"), "w") as f:
        for _ in range(3):
            for n in ["cl.pem"] + chain:
                f.write(open(os.path.join(d, n)).read())
    ls = listener(0.1)
    rc, out, err, _ = S.run(label, ["--cacert", pk.ca, "--cert", os.path.join(d, "huge-chain.pem"),
                                    "--key", os.path.join(d, "cl.key"), "https://localhost:%d" % ls.getsockname()[1]])
    check(rc == 2 and "18 certificates" in err and "byte TLS Certificate message" in err,
          label, "exit %r: %s" % (rc, err.strip()))
    check(not connected(ls), label + ": nothing was sent")


def test_explicit_curve(d):
    """EC keys must name their curve (RFC 5480 section 2.1.1): one that
    spells out its parameters is refused before connecting, saying so."""
    label = "--cert/--key with explicit EC curve parameters: exit 2 naming the reason"
    if not want(label):
        return
    openssl("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-noout", "-out", "ex.key", cwd=d)
    openssl("req", "-new", "-x509", "-key", "ex.key", "-out", "ex.pem", "-subj", "/CN=explicit", "-days", "2", cwd=d)
    rc, out, err, _ = S.run(label, ["--cert", os.path.join(d, "ex.pem"), "--key", os.path.join(d, "ex.key"),
                                    "https://127.0.0.1:1"])
    check(rc == 2 and "named" in err and "RFC 5480" in err, label, "exit %r: %s" % (rc, err.strip()))


def test_pin_syntax():
    label = "--pin checked at parse time: a malformed pin is a usage error, nothing is sent"
    if not want(label):
        return
    ls = listener(0.1)
    for pin in ("sha256//" + "!" * 43 + "=", "sha256//" + "A" * 42 + "==", "sha256//abc", "md5//" + "A" * 43 + "="):
        rc, out, err, _ = S.run(label, ["--pin", pin, "https://127.0.0.1:%d" % ls.getsockname()[1]])
        check(rc == 2 and "--pin" in err, label + " (%s)" % pin[:14], "exit %r: %s" % (rc, err.strip()))
    check(not connected(ls), label + ": no connection was made")


def test_stack_budget(pk):
    """STACK_BUDGET (README, Memory): a whole check by host name, RSA and
    ECDSA, TLS 1.2 and 1.3, fits a 64 KiB stack (gateways run tools with
    that; musl's threads get 128 KiB)."""
    label = "a full check by host name runs under ulimit -s 64"
    if not want(label):
        return
    if H.VALGRIND or H.EMU:
        skip(label, "the stack measured would be valgrind's or qemu's, not atlwho's")
        return
    for leaf, v in (("rsa", "1.2"), ("ecdsa", "1.3")):
        srv = server(F.TLS(pk.leaf[leaf].cert, pk.leaf[leaf].key, versions=v))
        try:
            rc, out, err, _ = S.run(label, ["--cacert", pk.cas, "-p", "jira", "https://localhost:%d" % srv.port],
                                    [("srv", srv)], prefix=["sh", "-c", 'ulimit -s 64 && exec "$0" "$@"'])
            check(rc == 0 and "name: fred" in out, label + " (%s, TLS %s)" % (leaf, v),
                  "exit %r: %s" % (rc, err.strip()))
        finally:
            srv.stop()


def main():
    if not S.need():
        return S.finish()
    d = tempfile.mkdtemp(prefix="atlwho-field-")
    try:
        pk = PKI.cached_pki(d)
        test_names(pk, d)
        test_ip_san_only(pk, d)
        test_happy_eyeballs(pk, d)
        test_connect_timeout_per_address(pk, d)
        test_many_addresses(pk, d)
        test_resolver_deadline(d)
        test_resolver_unstartable(pk, d)
        test_client_cert_demanded(pk)
        test_no_common_suite(pk)
        test_alert_by_name(pk)
        test_big_certificate(d)
        test_rsa_pss_key(d)
        test_hrr_cookie()
        test_client_chain(d)
        test_pin_syntax()
        test_explicit_curve(d)
        test_stack_budget(pk)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return S.finish()


if __name__ == "__main__":
    sys.exit(main())
