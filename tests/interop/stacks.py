#!/usr/bin/env python3
"""The server stacks of the interop matrix: how each expresses a condition,
and how it is started and stopped on loopback.

A stack has a name, `about` (what it stands for), `version()`, `can(cond,
ver)` (False when it cannot express the condition), `start(env, cells)`
(sets cell.port for each of its cells) and `stop()`. Configurations are
written into env.tmp and removed with it; every process is started in its
own process group and stopped by that group's id.
"""
import errno
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import fakeatl  # tests/e2e, on the path run.py sets

START_TIMEOUT = 30.0      # seconds for a server to listen (a JVM on 2 busy cores)

# Per stack spelling of the conditions' knobs.
OPENSSL_CBC = "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384"
OPENSSL_GROUP = {"X25519": "X25519", "P-384": "secp384r1"}
GNUTLS_GROUP = {"X25519": "GROUP-X25519", "P-384": "GROUP-SECP384R1"}
GNUTLS_CBC = "-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC:-MAC-ALL:+SHA1:+SHA256:+SHA384"
JAVA_GROUP = {"X25519": "x25519", "P-384": "secp384r1"}
JAVA_CBC = ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,"
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
GO_CBC = ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"]
# Java's KeyUpdate condition: JSSE updates its keys after this many bytes
# under one key (the default is 2^37); the security property is JVM-wide.
JAVA_KEY_LIMITS = "AES/GCM/NoPadding KeyUpdate 64, ChaCha20-Poly1305 KeyUpdate 64"


class StackError(RuntimeError):
    pass


def free_ports(n):
    """n distinct ports free on 127.0.0.1 and ::1, for servers that cannot listen on
    port 0. All are held at once, so the kernel cannot hand out one twice (HAProxy
    binds with SO_REUSEPORT and nginx merges equal listen lines into virtual hosts:
    a duplicate would not fail, it would mix two cells), then released together."""
    held, ports = [], []
    try:
        while len(ports) < n:
            s4 = socket.socket(socket.AF_INET)
            s4.bind(("127.0.0.1", 0))
            held.append(s4)
            port = s4.getsockname()[1]
            try:
                s6 = socket.socket(socket.AF_INET6)
                held.append(s6)
                s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s6.bind(("::1", port))
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    continue   # busy on ::1: keep it held, take another
                # no IPv6 here: the ::1 rows will fail, the others need not care
            ports.append(port)
        return ports
    finally:
        for h in held:
            h.close()


def out(cmd):
    """First line of a version command's output (stdout or stderr), or why not."""
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=30)
        text = (p.stdout + p.stderr).decode(errors="replace").strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e


def wait_ports(proc, ports, log, host="127.0.0.1"):
    """Waits until every port accepts; raises StackError with the log if the process dies."""
    deadline = time.time() + START_TIMEOUT
    pending = list(ports)
    while pending and time.time() < deadline:
        if proc.poll() is not None:
            break
        port = pending[0]
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            pending.pop(0)
        except OSError:
            time.sleep(0.05)
    if pending:
        raise StackError("%d of %d ports not listening (exit %s): %s" % (len(pending), len(ports), proc.poll(),
                                                                          tail(log)))


def tail(path, n=1500):
    try:
        with open(path, "rb") as f:
            return f.read()[-n:].decode(errors="replace")
    except OSError:
        return "(no log)"


def read_ports(proc, log, names):
    """Reads "NAME PORT" lines up to READY (Go and Java servers)."""
    ports = {}
    deadline = time.time() + START_TIMEOUT
    while time.time() < deadline:
        line = proc.stdout.readline().decode(errors="replace").strip()
        if not line:
            if proc.poll() is not None:
                break
            continue
        if line == "READY":
            missing = set(names) - set(ports)
            if missing:
                raise StackError("no port for %s" % sorted(missing))
            return ports
        k, _, v = line.partition(" ")
        ports[k] = int(v)
    raise StackError("not ready (exit %s): %s" % (proc.poll(), tail(log)))


class Stack:
    name = "?"
    about = ""
    proxy = False      # a TLS front in front of env.backend

    def __init__(self):
        self.procs = []
        self.error = None     # why the stack could not start (its cells fail with it)

    def spawn(self, args, log, stdin=None, cwd=None, env=None, stdout=None):
        f = open(log, "ab")
        p = subprocess.Popen(args, stdin=stdin, stdout=stdout if stdout is not None else f, stderr=f,
                             cwd=cwd, env=env, start_new_session=True)
        f.close()
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)
            for s in (p.stdin, p.stdout):
                if s:
                    s.close()
        self.procs = []

    def path_for(self, cond):
        """Base path of a cell: a proxy picks the backend's reply framing by prefix."""
        if self.proxy and cond.reply != "cl":
            return "/" + cond.reply
        return ""


# --------------------------------------------------------------------------- nginx

class Nginx(Stack):
    name = "nginx"
    about = "nginx (OpenSSL): the most common reverse proxy in front of Jira/Confluence"
    proxy = True

    def version(self):
        return out(["nginx", "-v"]) + "; " + out(["openssl", "version"])

    def can(self, c, ver):
        return c.client != "perloc" and not c.frag and c.close_notify and not c.keyupdate

    def start(self, env, cells):
        d = os.path.join(env.tmp, "nginx")
        os.makedirs(d)
        servers = []
        for cell, port in zip(cells, free_ports(len(cells))):
            c, ch = cell.cond, env.pki.chains[cell.cond.cert]
            cell.port = port
            lines = ["listen 127.0.0.1:%d ssl;" % cell.port]
            if c.addr == "::1":
                lines.append("listen [::1]:%d ssl;" % cell.port)
            lines += ["ssl_certificate %s;" % ch.chain, "ssl_certificate_key %s;" % ch.key,
                      "ssl_protocols TLSv%s;" % cell.ver]
            if c.groups:
                lines.append("ssl_ecdh_curve %s;" % OPENSSL_GROUP[c.groups])
            if c.cbc:
                lines.append("ssl_ciphers %s;" % OPENSSL_CBC)
            if c.client == "require":
                lines += ["ssl_verify_client on;", "ssl_client_certificate %s;" % env.pki.clientca]
            if c.tickets:
                lines.append("ssl_conf_command NumTickets %d;" % c.tickets)
            servers.append("  server {  # %s\n    %s\n    location / { proxy_pass http://127.0.0.1:%d; }\n  }"
                           % (cell.id, "\n    ".join(lines), env.backend.port))
        conf = fakeatl.nginx_conf(d, """\
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_buffering off;
""" + "\n".join(servers))
        path = os.path.join(d, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        p = self.spawn(["nginx", "-p", d, "-c", path, "-e", os.path.join(d, "error.log")],
                       os.path.join(d, "stderr.log"))
        wait_ports(p, [c.port for c in cells], os.path.join(d, "error.log"))


# --------------------------------------------------------------------------- Apache httpd

class Apache(Stack):
    name = "apache"
    about = "Apache httpd with mod_ssl (OpenSSL) and mod_proxy: the classic front of Jira/Confluence"
    proxy = True

    def version(self):
        return out(["apache2", "-v"]).replace("Server version: ", "") + "; " + out(["openssl", "version"])

    def can(self, c, ver):
        # The record layout of OpenSSL's Certificate is nginx's and s_server's rows.
        return not c.frag and c.close_notify and not c.keyupdate and c.cert not in ("cert16k", "certbig")

    def start(self, env, cells):
        d = os.path.join(env.tmp, "apache")
        os.makedirs(d)
        vhosts = []
        for cell, port in zip(cells, free_ports(len(cells))):
            c, ch = cell.cond, env.pki.chains[cell.cond.cert]
            cell.port = port
            v = ["SSLEngine on", "SSLCertificateFile %s" % ch.chain, "SSLCertificateKeyFile %s" % ch.key,
                 "SSLProtocol -all +TLSv%s" % cell.ver]
            if c.groups:
                v.append("SSLOpenSSLConfCmd Groups %s" % OPENSSL_GROUP[c.groups])
            if c.cbc:
                v.append("SSLCipherSuite %s" % OPENSSL_CBC)
            if c.client:
                v.append("SSLCACertificateFile %s" % env.pki.clientca)
            if c.client == "require":
                v.append("SSLVerifyClient require")
            if c.client == "perloc":
                v.append("<Location /rest>\n    SSLVerifyClient require\n  </Location>")
            if c.tickets:
                v.append("SSLOpenSSLConfCmd NumTickets %d" % c.tickets)
            v += ["ProxyPass / http://127.0.0.1:%d/" % env.backend.port]
            vhosts.append("Listen 127.0.0.1:%d\n<VirtualHost 127.0.0.1:%d>  # %s\n  %s\n</VirtualHost>"
                          % (cell.port, cell.port, cell.id, "\n  ".join(v)))
        mods = ["mpm_prefork", "authz_core", "ssl", "socache_shmcb", "proxy", "proxy_http"]  # unixd is built in
        conf = """ServerRoot {d}
ServerName localhost
PidFile {d}/httpd.pid
DefaultRuntimeDir {d}
ErrorLog {d}/error.log
LogLevel warn ssl:info
{loads}
{user}
Mutex pthread
StartServers 2
MinSpareServers 1
MaxSpareServers 4
MaxRequestWorkers 16
SSLSessionCache shmcb:{d}/ssl_scache(512000)
{vhosts}
""".format(d=d, vhosts="\n".join(vhosts),
           loads="\n".join("LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so" % (m, m) for m in mods),
           # As root (CI), children run as nobody; as a user the directives are ignored.
           user="User nobody\nGroup nogroup" if os.getuid() == 0 else "")
        path = os.path.join(d, "httpd.conf")
        with open(path, "w") as f:
            f.write(conf)
        p = self.spawn(["apache2", "-d", d, "-f", path, "-D", "FOREGROUND"], os.path.join(d, "stderr.log"))
        try:
            wait_ports(p, [c.port for c in cells], os.path.join(d, "error.log"))
        except StackError as e:
            raise StackError("%s; stderr: %s" % (e, tail(os.path.join(d, "stderr.log"))))


# --------------------------------------------------------------------------- HAProxy

class HAProxy(Stack):
    name = "haproxy"
    about = "HAProxy (OpenSSL) terminating TLS in front of a plain HTTP backend"
    proxy = True

    def version(self):
        return out(["haproxy", "-v"]) + "; " + out(["openssl", "version"])

    def can(self, c, ver):
        return (c.client != "perloc" and not c.frag and c.close_notify and not c.keyupdate
                and not c.tickets and c.cert not in ("cert16k", "certbig"))

    def start(self, env, cells):
        d = os.path.join(env.tmp, "haproxy")
        os.makedirs(d)
        fronts = []
        for i, (cell, port) in enumerate(zip(cells, free_ports(len(cells)))):
            c, ch = cell.cond, env.pki.chains[cell.cond.cert]
            cell.port = port
            bind = ["bind 127.0.0.1:%d ssl crt %s" % (cell.port, ch.fullchain),
                    "ssl-min-ver TLSv%s ssl-max-ver TLSv%s" % (cell.ver, cell.ver)]
            if c.groups:
                bind.append("curves %s" % OPENSSL_GROUP[c.groups])
            if c.cbc:
                bind.append("ciphers %s" % OPENSSL_CBC)
            if c.client == "require":
                bind.append("verify required ca-file %s" % env.pki.clientca)
            fronts.append("frontend f%d  # %s\n  %s\n  default_backend tomcat" % (i, cell.id, " ".join(bind)))
        conf = """global
  maxconn 200
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 15s
  timeout server 15s
backend tomcat
  server s1 127.0.0.1:{b}
{fronts}
""".format(b=env.backend.port, fronts="\n".join(fronts))
        path = os.path.join(d, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(conf)
        log = os.path.join(d, "stderr.log")
        p = self.spawn(["haproxy", "-db", "-f", path], log)
        wait_ports(p, [c.port for c in cells], log)


# --------------------------------------------------------------------------- openssl s_server

class SServer(Stack):
    name = "openssl"
    about = "openssl s_server -HTTP: OpenSSL with its record size set (-max_send_frag), for record layouts"

    def version(self):
        return out(["openssl", "version"])

    def can(self, c, ver):
        return c.cert in ("cert16k", "certbig") and c.name != "cert16k"   # its own record sizes

    def start(self, env, cells):
        d = os.path.join(env.tmp, "s_server")
        os.makedirs(os.path.join(d, "www", "rest", "api", "2"))
        with open(os.path.join(d, "www", "rest", "api", "2", "myself"), "wb") as f:
            f.write(env.reply_bytes)   # -HTTP: the file is the whole reply, head included
        for cell in cells:
            ch = env.pki.chains[cell.cond.cert]
            log = os.path.join(d, cell.id.replace("/", "_") + ".log")
            args = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", ch.chain, "-key", ch.key,
                    "-HTTP", "-tls" + cell.ver.replace(".", "_")]
            if cell.cond.frag:
                args += ["-max_send_frag", str(cell.cond.frag)]
            p = self.spawn(args, log, cwd=os.path.join(d, "www"), stdin=subprocess.DEVNULL)
            deadline = time.time() + START_TIMEOUT
            while time.time() < deadline and not cell.port and p.poll() is None:
                m = re.search(r"^ACCEPT .*:(\d+)$", tail(log), re.M)
                if m:
                    cell.port = int(m.group(1))
                else:
                    time.sleep(0.05)
            if not cell.port:
                raise StackError("s_server did not start: %s" % tail(log))


# --------------------------------------------------------------------------- GnuTLS

class GnuTLS(Stack):
    name = "gnutls"
    about = "GnuTLS (tests/interop/gnutls_responder.c): the TLS stack of e.g. Debian's libcurl3-gnutls users"

    def version(self):
        return "GnuTLS " + out(["pkg-config", "--modversion", "gnutls"])

    def can(self, c, ver):
        return c.client != "perloc" and not c.frag

    def build(self, env):
        exe = os.path.join(env.tmp, "gnutls_responder")
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "gnutls"], capture_output=True,
                               text=True, check=True).stdout.split()
        r = subprocess.run(["cc", "-std=c11", "-O1", "-Wall", "-o", exe,
                            os.path.join(env.here, "gnutls_responder.c")] + flags,
                           capture_output=True, text=True)
        if r.returncode:
            raise StackError("cc gnutls_responder.c: " + r.stderr[-1500:])
        return exe

    def start(self, env, cells):
        exe = self.build(env)
        d = os.path.join(env.tmp, "gnutls")
        os.makedirs(d)
        for cell in cells:
            c, ch = cell.cond, env.pki.chains[cell.cond.cert]
            prio = "NORMAL:-VERS-ALL:+VERS-TLS%s" % cell.ver
            if c.groups:
                prio += ":-GROUP-ALL:+" + GNUTLS_GROUP[c.groups]
            if c.cbc:
                prio += ":" + GNUTLS_CBC
            args = [exe, "--cert", ch.chain, "--key", ch.key, "--priority", prio, "--reply", c.reply]
            if not c.close_notify:
                args.append("--no-close-notify")
            if c.tickets:
                args += ["--tickets", str(c.tickets)]
            if c.keyupdate:
                args.append("--key-update")
            if c.client == "require":
                args += ["--client-ca", env.pki.clientca]
            log = os.path.join(d, cell.id.replace("/", "_") + ".log")
            p = self.spawn(args, log, stdout=subprocess.PIPE, env=dict(os.environ, INTEROP_TOKEN=env.token))
            line = p.stdout.readline().decode(errors="replace")
            m = re.match(r"PORT (\d+)", line)
            if not m:
                raise StackError("gnutls_responder did not start: %s" % tail(log))
            cell.port = int(m.group(1))


# --------------------------------------------------------------------------- Java JSSE

class Jsse(Stack):
    name = "jsse"
    about = "Java 17 JSSE (SSLServerSocket): the TLS of Tomcat in Jira/Confluence Data Center"

    def version(self):
        return out(["java", "-version"])

    def can(self, c, ver):
        return c.client != "perloc" and not c.frag and c.close_notify and c.reply != "eof" and not c.tickets

    def start(self, env, cells):
        d = os.path.join(env.tmp, "jsse")
        os.makedirs(d)
        r = subprocess.run(["javac", "-d", d, os.path.join(env.here, "JsseServer.java")],
                           capture_output=True, text=True)
        if r.returncode:
            raise StackError("javac JsseServer.java: " + r.stderr[-1500:])
        # Named groups and key limits are JVM-wide: one JVM per setting.
        jvms = {}
        for cell in cells:
            jvms.setdefault((cell.cond.groups, cell.cond.keyupdate), []).append(cell)
        started = []
        for (groups, keyupdate), group in sorted(jvms.items(), key=str):
            props = []
            if groups:
                props.append("-Djdk.tls.namedGroups=" + JAVA_GROUP[groups])
            if keyupdate:
                sec = os.path.join(d, "keylimits.security")
                with open(sec, "w") as f:
                    f.write("jdk.tls.keyLimits=%s\n" % JAVA_KEY_LIMITS)
                props.append("-Djava.security.properties=" + sec)
            lines = []
            for i, cell in enumerate(group):
                c, ch = cell.cond, env.pki.chains[cell.cond.cert]
                cell.key = "c%d" % i
                lines.append("%s %s %s TLSv%s %s %s %s %s" % (
                    cell.key, ch.chain, ch.key, cell.ver, JAVA_CBC if c.cbc else "-",
                    env.pki.clientca if c.client == "require" else "-", c.reply, c.addr))
            log = os.path.join(d, "jvm-%s-%s.log" % (groups or "default", "ku" if keyupdate else "std"))
            p = self.spawn(["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1"] + props +
                           ["-cp", d, "JsseServer"], log, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           env=dict(os.environ, INTEROP_TOKEN=env.token))
            p.stdin.write(("\n".join(lines) + "\n\n").encode())
            p.stdin.flush()
            started.append((p, log, group))
        for p, log, group in started:   # the JVMs start in parallel
            ports = read_ports(p, log, [c.key for c in group])
            for cell in group:
                cell.port = ports[cell.key]


# --------------------------------------------------------------------------- Go crypto/tls

class GoTLS(Stack):
    name = "go"
    about = "Go crypto/tls and net/http: the stack of Caddy and Traefik"

    def version(self):
        return out(["go", "version"])

    def can(self, c, ver):
        # Go 1.19 cannot load an id-RSASSA-PSS key (x509: PKCS#8 wrapping contained
        # private key with unknown algorithm), sends one ticket and never a KeyUpdate.
        return (c.client != "perloc" and not c.frag and not c.tickets and not c.keyupdate
                and c.cert != "rsa-pss-key")

    def start(self, env, cells):
        d = os.path.join(env.tmp, "go")
        os.makedirs(d)
        exe = os.path.join(d, "gotls")
        genv = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(d, "cache"),
                    GOPATH=os.path.join(d, "gopath"), GOFLAGS="", CGO_ENABLED="0")
        r = subprocess.run(["go", "build", "-o", exe, os.path.join(env.here, "gotls.go")],
                           capture_output=True, text=True, env=genv)
        if r.returncode:
            raise StackError("go build gotls.go: " + r.stderr[-1500:])
        conf = []
        for i, cell in enumerate(cells):
            c, ch = cell.cond, env.pki.chains[cell.cond.cert]
            cell.key = "c%d" % i
            conf.append({"Name": cell.key, "Cert": ch.chain, "Key": ch.key, "Min": cell.ver, "Max": cell.ver,
                         "Curves": [c.groups] if c.groups else [], "Ciphers": GO_CBC if c.cbc else [],
                         "ClientCA": env.pki.clientca if c.client == "require" else "",
                         "Reply": c.reply, "CloseNotify": c.close_notify, "Host": c.addr})
        log = os.path.join(d, "gotls.log")
        p = self.spawn([exe], log, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       env=dict(os.environ, INTEROP_TOKEN=env.token))
        p.stdin.write(json.dumps(conf).encode())
        p.stdin.close()
        p.stdin = None
        ports = read_ports(p, log, [c.key for c in cells])
        for cell in cells:
            cell.port = ports[cell.key]


ALL = [Nginx, Apache, HAProxy, SServer, GnuTLS, Jsse, GoTLS]


def tools_missing():
    need = {"nginx": "nginx-light", "apache2": "apache2", "haproxy": "haproxy", "openssl": "openssl",
            "cc": "gcc", "pkg-config": "pkg-config", "javac": "openjdk-17-jdk-headless",
            "java": "openjdk-17-jdk-headless", "go": "golang-go", "curl": "curl"}
    return sorted({pkg for cmd, pkg in need.items() if not shutil.which(cmd)})
