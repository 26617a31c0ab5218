#!/usr/bin/env python3
"""End-to-end tests of the atlwho command, against loopback servers started here.

    ATLWHO=./atlwho python3 tests/e2e/test_cli.py [-k SUBSTRING] [-v] [--list] [-x] [--show]

Python 3 standard library and the `openssl` command only. Every case is one row of CASES:
arguments, environment, the scenario the fake server(s) play, the exact exit code, and
case-insensitive fragments expected on stdout / stderr, plus optional checks. Rows use
{placeholders}: {base} (the server, https://localhost:PORT or http://...), {base4}
(127.0.0.1), {base6} ([::1]), {port}, {base2}/{port2} (a second server), {http_base},
{ca} {ca2} {ca3} {cas} {clientca} {client_cert} {client_key}, {pin} (the served leaf's
pin), {pin_NAME}, {proxy} {proxy_auth} (proxy URL without / with credentials),
{free} (a closed port), {blackhole} (a port whose backlog is full), {tmp} (the case's
directory), {f_NAME} (a file written from the row's `files`).

The runner, the row checks and the checks made on every case (harness.py's invariants:
a documented exit, no token or run of it in any output, the token at no origin but the
one named and never in clear at a proxy, -q silent, safe text and stderr, JSON and env
output that parse and evaluate) are tests/e2e/harness.py's, shared with test_hostile.py.
Ends with one line "N passed, N failed[, N skipped]"; exits 1 if any failed.
"""

import datetime
import re
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the tree (before the harness)
import harness as H  # noqa: E402
from harness import (ABSENT, F, STRACE_ENV, STRACE_OPENS, Proxy, Row, Srv, auth_is, at_most, client_cert_seen, display_reply,
                     elapsed_over, env_vars, err_has, err_lacks, json_out, lines, no_line, no_strace, nreq,
                     only_field_lines, opened_times, out_exact, out_lacks, paths, proxy_log, req_header, schemes,
                     target_ends, token_never_at)

GOOD = F.GOOD_TOKEN                      # tok-good-123: accepted by the fakes
BAD = "tok-BAD-5eed-9f7c"                # rejected everywhere
LEAK = "LEAKCHECK-Zq7x-3b9e-tokn"        # a distinctive token for the leak rows
EMAIL = F.CLOUD_EMAIL
TOKENS = [GOOD, BAD, LEAK]               # none may leak, whichever the row sends

NOW_YEAR = str(datetime.datetime.now(datetime.timezone.utc).year)

JIRA_BODY = F.jdump(F.jira_server_user())
CONF_BODY = F.jdump(F.confluence_user(context="/confluence"))


# A 200 whose reason phrase and a header carry shell syntax (-i must not hand them to a shell).
HOSTILE_HEAD = (b"HTTP/1.1 200 OK $(touch PWNED3)\r\nContent-Type: application/json\r\n"
                b"X-Note: $(touch PWNED1) `touch PWNED2`; touch PWNED4 'q' \"d\"\r\n"
                b"Content-Length: %d\r\n\r\n" % len(JIRA_BODY) + JIRA_BODY)


class C(Row):
    """One case: Row with the token as tok (default GOOD)."""

    def __init__(self, name, args, rc, tok=GOOD, **kw):
        super().__init__(name, args, rc, token=tok, _depth=2, **kw)


# ============================================================================ scenarios

def cut(reply, keep):
    """The first `keep` bytes of a reply, then a clean close."""
    return [reply[:keep], F.Close()]


def jira_body(body, ct="application/json;charset=UTF-8", status=200, extra=()):
    return F.static(F.http_response(status, body, [("Content-Type", ct)] + list(extra),
                                    chunked=True), "jira-body")


def upgrade_to_https(inner):
    """http:// requests get 301 to https:// on the same host and port (tls_auto servers)."""
    def h(req):
        if req.scheme == "http":
            return F.reply_redirect(301, "https://localhost:%d%s" % (req.server.port, req.target))
        return inner(req)
    return h


def jira_at(ctx):
    return F.jira(context=ctx)


HOSTILE = [
    # quotes, command substitution, backticks, expansions, backslashes
    "Fred \"$(touch PWNED1)\" `touch PWNED2` 'single' \\ $HOME ${HOME} $((1+1)) ; touch PWNED3 #",
    "'",
    "'\\''",
    "\"'\"'\"'",
    "ends with backslash \\",
    "%s%n%x {} [] * ? ~ ! & | < > \t tab",
    # newlines and a forged field, terminal escapes, bell, backspace, CR, DEL
    "line1\nname: mallory\r\nactive: false\n\x1b[31mred\x1b[0m\x1b]0;title\x07\x08\x7f end",
    # C1 controls (CSI 0x9b, NEL 0x85, 0x80)
    "c1 \u009b31m \u0085 \u0080 \u009f end",
    # non-ASCII, line and paragraph separators
    "Luk\u00e1\u0161 \u65e5\u672c \U0001F600 \u2028 \u2029",
    "",
    "$(touch PWNED4)\n`touch PWNED5`\n'; touch PWNED6; '",
]


def hostile_rows():
    rows = []
    for i, s in enumerate(HOSTILE):
        for asc in (False, True):
            tag = "hostile#%d%s" % (i, " (\\u escapes)" if asc else "")
            rows.append(C(tag + " text", ["-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                          srv=Srv(display_reply(s, asc)),
                          check=[lines("name: fred"), only_field_lines(4), no_line("name: mallory"),
                                 no_line("active: false")]))
            rows.append(C(tag + " json", ["-j", "-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                          srv=Srv(display_reply(s, asc)),
                          check=json_out(ok=True, name="fred", displayName=s)))
            rows.append(C(tag + " env", ["--format", "env", "-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                          srv=Srv(display_reply(s, asc)),
                          check=env_vars(displayname=s, name="fred")))
    # a hostile `name` too (env variable ATLWHO_NAME)
    s = HOSTILE[0] + "\n" + HOSTILE[6]
    rows.append(C("hostile name env", ["--format=env", "-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                  srv=Srv(display_reply(s, False, field="name")), check=env_vars(name=s)))
    rows.append(C("hostile name json", ["--format=json", "-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                  srv=Srv(display_reply(s, True, field="name")), check=json_out(name=s)))
    return rows


# Invalid UTF-8 and unpaired surrogates: text stays safe, JSON still parses.
BAD_UTF8 = {
    "raw 0xff": b'\xff',
    "raw overlong": b'\xc0\x80',
    "raw lone C1 byte": b'\x9b',
    "raw cut sequence": b'\xe6\x97',
}


def bad_utf8_rows():
    rows = []
    for label, bad in BAD_UTF8.items():
        body = JIRA_BODY.replace(b'"Fred F. User"', b'"Fred ' + bad + b' User"')
        for fmt in ("text", "json"):
            rows.append(C("invalid UTF-8 (%s) %s" % (label, fmt),
                          ["--format", fmt, "-p", "jira", "--cacert", "{ca}", "{base}"], (0, 7),
                          srv=Srv(F.static(F.reply_jira_server_ok(body=body)))))
    lone = JIRA_BODY.replace(b'"Fred F. User"', b'"x\\ud800y"')
    rows.append(C("unpaired surrogate escape -> U+FFFD (json)", ["-j", "-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                  srv=Srv(F.static(F.reply_jira_server_ok(body=lone))),
                  check=json_out(displayName="x\ufffdy")))
    rows.append(C("unpaired surrogate escape -> U+FFFD (env)", ["--format", "env", "-p", "jira", "--cacert", "{ca}", "{base}"], 0,
                  srv=Srv(F.static(F.reply_jira_server_ok(body=lone))),
                  check=env_vars(displayname="x\ufffdy")))
    return rows


# ============================================================================ the table

JIRA = F.jira(context="/jira")
JIRA_ROOT = F.jira()
CONF = F.confluence(context="/confluence")
JIRA_CLOUD = F.jira(flavor="cloud")
CONF_CLOUD = F.confluence(context="/wiki", flavor="cloud")
S_JIRA = Srv(JIRA)
TLSARGS = ["--cacert", "{ca}"]
J = TLSARGS + ["{base}/jira"]                 # the usual tail: trust + Jira base URL

captcha_url = "https://jira.example.com/login.jsp"

CASES = [
    # ---------------------------------------------------------------- classification: success
    C("jira server: authenticated (Bearer)", J, 0, srv=S_JIRA,
      check=[lines("name: fred", "displayName: Fred F. User", "active: true"), auth_is("bearer"),
             paths("/jira/rest/api/2/myself"), nreq(1)]),
    C("jira server: authenticated (Basic -u fred)", ["-u", "fred"] + J, 0, srv=S_JIRA,
      check=[lines("name: fred", "active: true"), auth_is("basic", "fred")]),
    C("jira server: --user=fred form", ["--user=fred"] + J, 0, srv=S_JIRA, check=auth_is("basic", "fred")),
    C("jira server: emailAddress shown", J, 0, srv=S_JIRA, check=lines("emailAddress: fred@example.com")),
    C("jira server: -p jira explicit", ["-p", "jira"] + J, 0, srv=S_JIRA,
      check=[paths("/jira/rest/api/2/myself")]),
    C("jira server: --product=jira form", ["--product=jira"] + J, 0, srv=S_JIRA),
    C("jira: base without context path", TLSARGS + ["{base}"], 0, srv=Srv(JIRA_ROOT),
      check=paths("/rest/api/2/myself")),
    C("jira: trailing slash never makes //", TLSARGS + ["{base}/jira/"], 0, srv=S_JIRA,
      check=paths("/jira/rest/api/2/myself")),
    C("jira: --path /rest/api/3/myself", ["--path", "/rest/api/3/myself"] + J, 0, srv=S_JIRA,
      check=paths("/jira/rest/api/3/myself")),
    C("jira: request headers (Host, Accept, User-Agent, no Accept-Encoding)", J, 0, srv=S_JIRA,
      check=[req_header("Host", lambda v: bool(v and re.match(r"^localhost:\d+$", v, re.I)), "localhost:PORT"),
             req_header("Accept", lambda v: v and "application/json" in v, "application/json"),
             req_header("User-Agent", lambda v: bool(v and v.startswith("atlwho/")), "atlwho/<version>"),
             req_header("Accept-Encoding", lambda v: v is None, "absent"),
             req_header("Connection", lambda v: v is not None and v.lower() == "close", "close")]),
    C("jira: name nested in groups before the top-level one", ["-p", "jira"] + J, 0,
      srv=Srv(F.static(F.reply_jira_server_ok(groups_first=True))),
      check=[lines("name: fred"), no_line("name: jira")]),
    C("jira: non-ASCII displayName shown as UTF-8", ["-p", "jira"] + J, 0,
      srv=Srv(display_reply("Luk\u00e1\u0161 Nov\u00e1k", True)),
      check=lines("displayName: Luk\u00e1\u0161 Nov\u00e1k")),
    C("jira: field order and extra fields do not matter", ["-p", "jira"] + J, 0,
      srv=Srv(jira_body(b'{"zz":[1,{"name":"x"}],"active":true,"displayName":"Fred F. User",'
                        b'"extra":{"a":null},"name":"fred","n":-1.5e3}')),
      check=lines("name: fred", "active: true")),
    C("jira: escaped key na\\u006de is name", ["-p", "jira"] + J, 0,
      srv=Srv(jira_body(b'{"na\\u006de":"fred","displayName":"F"}')), check=lines("name: fred")),
    C("jira cloud (via proxy): -u EMAIL, accountId and no name",
      ["-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL, "https://acme.atlassian.net"], 0,
      srv=Srv(JIRA_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}),
      check=[lines("accountId: " + F.CLOUD_ACCOUNT_ID, "displayName: Fred F. User", "active: true"),
             no_line("name:"), auth_is("basic", EMAIL), proxy_log(1, "CONNECT", "acme.atlassian.net:443")]),
    C("jira cloud: /rest/api/3/myself", ["--path", "/rest/api/3/myself", "-x", "{proxy}", "--cacert", "{ca}",
                                         "-u", EMAIL, "https://acme.atlassian.net"], 0,
      srv=Srv(JIRA_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}),
      check=[paths("/rest/api/3/myself"), lines("accountId: " + F.CLOUD_ACCOUNT_ID)]),
    C("confluence server: authenticated, no active line", ["-p", "confluence"] + TLSARGS + ["{base}/confluence"], 0,
      srv=Srv(CONF), check=[lines("name: fred", "displayName: Fred F. User", "type: known"),
                            no_line("active"), no_line("username"), paths("/confluence/rest/api/user/current")]),
    C("confluence: auto mode: Jira path 404 then Confluence, same origin", TLSARGS + ["{base}/confluence"], 0,
      srv=Srv(CONF), check=[paths("/confluence/rest/api/2/myself", "/confluence/rest/api/user/current"),
                            lines("name: fred"), auth_is("bearer", index=1)]),
    C("confluence: Basic -u fred", ["-u", "fred", "-p", "confluence"] + TLSARGS + ["{base}/confluence"], 0,
      srv=Srv(CONF), check=[auth_is("basic", "fred")]),
    C("confluence cloud /wiki (via proxy), -u EMAIL",
      ["-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL, "https://acme.atlassian.net/wiki"], 0,
      srv=Srv(CONF_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}),
      check=[lines("accountId: " + F.CLOUD_ACCOUNT_ID, "type: known"),
             paths("/wiki/rest/api/2/myself", "/wiki/rest/api/user/current")]),
    C("auto mode: Jira answers, Confluence never asked", J, 0, srv=S_JIRA, check=nreq(1)),

    # ---------------------------------------------------------------- inactive
    C("jira: active:false -> 1", J, 1, srv=Srv(F.jira(context="/jira", active=False)),
      check=lines("name: fred", "active: false")),
    C("jira cloud: active:false -> 1", ["-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL, "https://acme.atlassian.net"], 1,
      srv=Srv(F.jira(flavor="cloud", active=False), tls="cloud"),
      proxy=Proxy(targets={"acme.atlassian.net:443": "srv"})),
    C("jira: active:false -> json", ["-j"] + J, 1, srv=Srv(F.jira(context="/jira", active=False)),
      check=json_out(active=False, name="fred")),
    C("jira: active wrong type counts as absent -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(jira_body(b'{"name":"fred","active":"no"}')), check=no_line("active")),

    # ---------------------------------------------------------------- rejected / anonymous
    C("jira: wrong Bearer token: 401 JSON -> 3", J, 3, tok=BAD, srv=S_JIRA, err=["401"], check=nreq(1)),
    C("jira: wrong token as Basic: AUTHENTICATED_FAILED -> 3", ["-u", "fred"] + J, 3, tok=BAD, srv=S_JIRA,
      err=["AUTHENTICATED_FAILED", F.REQUEST_ID]),
    C("jira: no credentials accepted: X-AUSERNAME anonymous on 200 -> 3", ["-p", "jira"] + J, 3,
      srv=Srv(F.static(F.reply_jira_anonymous_200())), err=["anonymous"]),
    C("jira: 403 AUTHENTICATION_DENIED without CAPTCHA -> 3", ["-p", "jira"] + J, 3,
      srv=Srv(F.static(F.reply_jira_403_denied())), err=["AUTHENTICATION_DENIED", F.REQUEST_ID]),
    C("jira: 401 -> never falls back to Confluence in auto mode", J, 3, tok=BAD, srv=S_JIRA,
      check=paths("/jira/rest/api/2/myself")),
    C("jira: no fallback from Bearer to Basic", J, 3, tok=BAD, srv=S_JIRA,
      check=[nreq(1), auth_is("bearer", token=BAD)]),
    C("jira cloud: API token as Bearer -> 403 -> 3 with the -u EMAIL hint",
      ["-x", "{proxy}", "--cacert", "{ca}", "https://acme.atlassian.net"], 3,
      srv=Srv(JIRA_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}),
      err=["403", "-u"]),
    C("jira cloud: wrong Basic -> 401 -> 3", ["-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL, "https://acme.atlassian.net"], 3,
      tok=BAD, srv=Srv(JIRA_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"})),
    C("confluence: wrong Bearer: 200 type anonymous -> 3", ["-p", "confluence"] + TLSARGS + ["{base}/confluence"], 3,
      tok=BAD, srv=Srv(CONF), err=["anonymous"]),
    C("confluence: auto mode, wrong Bearer -> anonymous -> 3", TLSARGS + ["{base}/confluence"], 3,
      tok=BAD, srv=Srv(CONF), err=["anonymous"]),
    C("confluence: wrong Basic -> 401 -> 3", ["-u", "fred", "-p", "confluence"] + TLSARGS + ["{base}/confluence"], 3,
      tok=BAD, srv=Srv(CONF), err=["401"]),
    C("confluence: anonymous with a username field is still anonymous", ["-p", "confluence"] + TLSARGS + ["{base}"], 3,
      srv=Srv(jira_body(b'{"type":"anonymous","username":"fred","displayName":"Anonymous"}')), err=["anonymous"]),
    C("request id named in failure messages", ["-p", "jira"] + J, 3,
      srv=Srv(F.static(F.reply_jira_401_json())), err=[F.REQUEST_ID]),

    # ---------------------------------------------------------------- CAPTCHA
    C("jira: CAPTCHA lockout -> 4, login URL shown", ["-u", "fred"] + J, 4,
      srv=Srv(F.static(F.reply_captcha_403(captcha_url))),
      err=["captcha", "login.jsp", captcha_url, F.REQUEST_ID]),
    C("jira: CAPTCHA with --retry 3: never retried", ["--retry", "3", "-u", "fred"] + J, 4,
      srv=Srv(F.static(F.reply_captcha_403(captcha_url))), check=nreq(1)),
    C("jira: CAPTCHA json", ["-j", "-u", "fred"] + J, 4,
      srv=Srv(F.static(F.reply_captcha_403(captcha_url))), check=json_out(ok=False, exit=4, status=403)),

    # ---------------------------------------------------------------- wrong place (404)
    C("404 on both paths in auto mode -> 7, context path hint", TLSARGS + ["{base}"], 7,
      srv=Srv(F.static(F.reply_404_html())), err=[("context path", "/jira", "/wiki", "/confluence")],
      check=paths("/rest/api/2/myself", "/rest/api/user/current")),
    C("404 with -p jira -> 7, one request", ["-p", "jira"] + TLSARGS + ["{base}"], 7,
      srv=Srv(F.static(F.reply_404_html())), err=["404"], check=nreq(1)),
    C("404 with -p confluence -> 7", ["-p", "confluence"] + TLSARGS + ["{base}"], 7,
      srv=Srv(F.static(F.reply_404_html()))),
    C("Cloud wiki without /wiki: 404 -> 7", ["-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL,
                                             "-p", "confluence", "https://acme.atlassian.net"], 7,
      srv=Srv(CONF_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}), err=["/wiki"]),

    # ---------------------------------------------------------------- redirects
    C("301 not followed without -L -> 7, Location and -L shown", ["-p", "jira"] + J, 7,
      srv=Srv(F.redirect(301, "{base}/other/rest/api/2/myself")),
      err=["/other/rest/api/2/myself", "-L"], check=nreq(1)),
    C("302 to login.jsp not followed -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(F.reply_redirect(302, "https://localhost/login.jsp?os_destination=x"))),
      err=["login.jsp"]),
    C("-L: 302 same origin followed, token sent again", ["-L", "-p", "jira"] + TLSARGS + ["{base}/old"], 0,
      srv=Srv(F.redirect(302, "{base}/new/rest/api/2/myself", then=jira_at("/new"))),
      check=[paths("/old/rest/api/2/myself", "/new/rest/api/2/myself"), auth_is("bearer", index=1),
             lines("name: fred")]),
    C("-L: 307 relative Location followed", ["-L", "-p", "jira"] + TLSARGS + ["{base}/old"], 0,
      srv=Srv(F.redirect(307, "/new/rest/api/2/myself", then=jira_at("/new"))),
      check=paths("/old/rest/api/2/myself", "/new/rest/api/2/myself")),
    C("-L: 301 and 308 chain on the same origin", ["-L", "-p", "jira"] + TLSARGS + ["{base}/a"], 0,
      srv=Srv(F.routes({"/a/rest/api/2/myself": F.reply_redirect(301, "/b/rest/api/2/myself"),
                        "/b/rest/api/2/myself": lambda q: F.reply_redirect(308, q.server.vars["base"] + "/c/rest/api/2/myself"),
                        "/c/rest/api/2/myself": F.reply_jira_server_ok()})),
      check=nreq(3)),
    C("-L: redirect to another port is not followed -> 7", ["-L", "-p", "jira"] + J, 7,
      srv=Srv(F.redirect(302, "{base2}/jira/rest/api/2/myself")), srv2=S_JIRA,
      err=["{port2}"], check=[nreq(0, "srv2"), token_never_at("srv2")]),
    C("-L: redirect to 127.0.0.1 (same address, other name) is not followed -> 7", ["-L", "-p", "jira"] + J, 7,
      srv=Srv(F.redirect(302, "{base4}/jira/rest/api/2/myself", then=JIRA)),
      err=["127.0.0.1"], check=nreq(1)),
    C("-L: https -> http is not followed -> 7", ["-L", "-p", "jira"] + J, 7,
      srv=Srv(F.redirect(301, "{base2}/jira/rest/api/2/myself")), srv2=Srv(JIRA, tls=None),
      err=["http://"], check=[nreq(0, "srv2"), token_never_at("srv2")]),
    C("-L: chain leaving and coming back to the first origin -> 7, token stays home", ["-L", "-p", "jira"] + J, 7,
      srv=Srv(F.redirect(302, "{base2}/bounce", then=JIRA)),
      srv2=Srv(F.redirect(302, "{base}/jira/rest/api/2/myself")),
      check=[token_never_at("srv2")]),
    C("-L: http -> https on the same host and port is followed", ["-L", "-p", "jira", "--cacert", "{ca}", "{http_base}/jira"], 0,
      srv=Srv(upgrade_to_https(JIRA), tls_auto=True),
      check=[schemes("http", "https"), auth_is("bearer", index=1)]),
    C("-L --max-redirs 1 with two hops -> 7", ["-L", "--max-redirs", "1", "-p", "jira"] + TLSARGS + ["{base}/a"], 7,
      srv=Srv(F.routes({"/a/rest/api/2/myself": F.reply_redirect(302, "/b/rest/api/2/myself"),
                        "/b/rest/api/2/myself": F.reply_redirect(302, "/c/rest/api/2/myself"),
                        "/c/rest/api/2/myself": F.reply_jira_server_ok()})),
      check=nreq(2)),
    C("-L redirect loop on the same origin ends -> 7", ["-L", "-p", "jira"] + J, 7,
      srv=Srv(F.static(F.reply_redirect(302, "/jira/rest/api/2/myself"))),
      check=at_most(7), max_elapsed=10),
    C("-L to a same-origin login page (HTML 200) -> 7", ["-L", "-p", "jira"] + J, 7,
      srv=Srv(F.routes({"/jira/rest/api/2/myself": F.reply_redirect(302, "/login.jsp"),
                        "/login.jsp": F.reply_sso_html()})), err=["html"]),

    # ---------------------------------------------------------------- unexpected replies (7)
    C("200 text/html SSO login page -> 7", ["-p", "jira"] + J, 7, srv=Srv(F.static(F.reply_sso_html())), err=["html"]),
    C("429 with Retry-After -> 7", ["-p", "jira"] + J, 7, srv=Srv(F.static(F.reply_429("120"))),
      err=["429", "retry-after", "120", F.REQUEST_ID], check=nreq(1)),
    C("503 with Retry-After -> 7", ["-p", "jira"] + J, 7, srv=Srv(F.static(F.reply_503("30"))),
      err=["503", "retry-after", "30"], check=nreq(1)),
    C("--retry 2 on connection refused: ends, 5", ["--retry", "2", "-m", "5", "--cacert", "{ca}",
                                                    "https://localhost:{free}/jira"], 5, max_elapsed=6.0),
    C("500 -> 7", ["-p", "jira"] + J, 7, srv=Srv(F.static(F.http_response(500, b"oops")))),
    C("502 from a front proxy -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(F.http_response(502, b"<html>Bad Gateway</html>", [("Content-Type", "text/html")])))),
    C("200 JSON without user fields -> 7", ["-p", "jira"] + J, 7, srv=Srv(jira_body(b'{"displayName":"x","active":true}'))),
    C("200 JSON name only in nested objects -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(jira_body(b'{"groups":{"items":[{"name":"jira-admin"}]},"user":{"name":"fred"}}'))),
    C("200 JSON top-level array -> 7", ["-p", "jira"] + J, 7, srv=Srv(jira_body(b'[{"name":"fred"}]'))),
    C("200 truncated JSON (chunked, complete framing) -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(jira_body(JIRA_BODY[:200]))),
    C("200 JSON with trailing garbage -> 7", ["-p", "jira"] + J, 7, srv=Srv(jira_body(JIRA_BODY + b" xyz"))),
    C("200 empty body -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(F.http_response(200, b"", [("Content-Type", "application/json")])))),
    C("204 No Content -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(b"HTTP/1.1 204 No Content\r\nX-AUSERNAME: fred\r\n\r\n"))),
    C("body shorter than Content-Length, then close -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(cut(F.reply_jira_server_ok(chunked=False), 400)))),
    C("chunked body without its last chunk, then close -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static([F.reply_jira_server_ok()[:-5], F.Close()]))),
    C("connection closed before any byte -> 7", ["-p", "jira"] + J, (5, 7), srv=Srv(F.static(None))),
    C("connection reset mid-body -> 5 or 7", ["-p", "jira"] + J, (5, 7),
      srv=Srv(F.static([F.reply_jira_server_ok(chunked=False)[:350], F.Delay(0.1), F.Reset()]))),
    C("garbage instead of a status line -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static([b"SSH-2.0-OpenSSH_9.2\r\n\r\n", F.Close()]))),
    C("Content-Encoding: gzip not asked for -> 7, named", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(F.http_response(200, b"\x1f\x8b\x08\x00garbage", [("Content-Type", "application/json"),
                                                                         ("Content-Encoding", "gzip")]))),
      err=["gzip"]),
    C("HTTP/1.0 reply, body until close, TLS close_notify -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(F.static([F.http_response(200, JIRA_BODY, [("content-type", "application/json")],
                                        version="HTTP/1.0", content_length=False), F.CloseNotify()])),
      check=lines("name: fred")),
    # RFC 8446 section 6.1: without close_notify, the TCP close that ends such a body may be
    # an attacker's cut.
    C("HTTP/1.0 reply, body until close, TCP close without close_notify -> 7", ["-p", "jira"] + J, 7,
      srv=Srv(F.static([F.http_response(200, JIRA_BODY, [("content-type", "application/json")],
                                        version="HTTP/1.0", content_length=False), F.Close()])),
      err=["cut short", "close_notify"], check=no_line("name: fred")),
    C("keep-alive server that keeps the connection open: Content-Length is enough -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(F.static([F.http_response(200, JIRA_BODY, [("content-type", "application/json"),
                                                        ("connection", "keep-alive")]), F.KeepOpen(15)])),
      check=[lines("name: fred")], max_elapsed=5),
    C("keep-alive with chunked, connection left open -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(F.static([F.reply_jira_server_ok(), F.KeepOpen(15)])), max_elapsed=5),
    C("100 Continue before the reply -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(F.static(b"HTTP/1.1 100 Continue\r\n\r\n" + F.reply_jira_server_ok())), check=lines("name: fred")),
    C("lower-case header names, one-byte chunks -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(F.static(F.http_response(200, JIRA_BODY, [("content-type", "application/json"), ("x-ausername", "fred")],
                                       chunked=True, chunk_sizes=[1])))),
    C("reply sent one byte per write -> 0", ["-p", "jira"] + J, 0,
      srv=Srv(F.static([F.reply_jira_server_ok()[i:i + 1] for i in range(len(F.reply_jira_server_ok()))]))),

    # ---------------------------------------------------------------- retries
    C("--retry 2: 503 Retry-After 1 then 200 -> 0", ["--retry", "2", "-p", "jira"] + J, 0,
      srv=Srv(F.sequence(F.reply_503("1"), F.reply_jira_server_ok())), check=[nreq(2), elapsed_over(0.9)]),
    C("--retry 2: 429 Retry-After 1 then 200 -> 0", ["--retry", "2", "-p", "jira"] + J, 0,
      srv=Srv(F.sequence(F.reply_429("1"), F.reply_jira_server_ok())), check=nreq(2)),
    C("--retry 3 never after 401", ["--retry", "3", "-p", "jira"] + J, 3, tok=BAD, srv=S_JIRA, check=nreq(1)),
    C("--retry 3 never after 403", ["--retry", "3", "-p", "jira"] + J, 3,
      srv=Srv(F.static(F.reply_jira_403_denied())), check=nreq(1)),
    C("--retry with Retry-After beyond --max-time stays within the deadline",
      ["--retry", "3", "-m", "3", "-p", "jira"] + J, (5, 7),
      srv=Srv(F.static(F.reply_503("100"))), max_elapsed=4.0),
    C("no --retry: one request on 503", ["-p", "jira"] + J, 7, srv=Srv(F.static(F.reply_503("1"))), check=nreq(1)),

    # ---------------------------------------------------------------- output formats
    C("json: success", ["-j"] + J, 0, srv=S_JIRA,
      check=json_out(ok=True, product="jira", status=200, name="fred", displayName="Fred F. User", active=True)),
    C("json: --format json long form", ["--format", "json"] + J, 0, srv=S_JIRA, check=json_out(ok=True, name="fred")),
    C("json: confluence has no active member", ["--format=json", "-p", "confluence"] + TLSARGS + ["{base}/confluence"], 0,
      srv=Srv(CONF), check=json_out(ok=True, product="confluence", name="fred", username=ABSENT, type="known",
                                    active=ABSENT)),
    C("json: cloud accountId, no name", ["-j", "-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL, "https://acme.atlassian.net"], 0,
      srv=Srv(JIRA_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}),
      check=json_out(accountId=F.CLOUD_ACCOUNT_ID, name=ABSENT)),
    C("json: 401 AUTHENTICATED_FAILED", ["-j", "-u", "fred"] + J, 3, tok=BAD, srv=S_JIRA,
      check=json_out(ok=False, exit=3, status=401, reason="AUTHENTICATED_FAILED")),
    C("json: anonymous", ["-j", "-p", "confluence"] + TLSARGS + ["{base}/confluence"], 3, tok=BAD, srv=Srv(CONF),
      check=json_out(ok=False, exit=3, status=200)),
    C("json: 404", ["-j", "-p", "jira"] + TLSARGS + ["{base}"], 7, srv=Srv(F.static(F.reply_404_html())),
      check=json_out(ok=False, exit=7, status=404)),
    C("json: connection refused", ["-j", "--cacert", "{ca}", "https://localhost:{free}/jira"], 5,
      check=json_out(ok=False, exit=5)),
    C("json: TLS failure", ["-j", "--cacert", "{ca}", "{base}/jira"], 6, srv=Srv(JIRA, tls="unknownca"),
      check=json_out(ok=False, exit=6)),
    C("env: success evaluates", ["--format", "env"] + J, 0, srv=S_JIRA,
      check=env_vars(name="fred", displayname="Fred F. User", active="true", product="jira", status="200",
                     ok="true")),
    C("env: confluence fields", ["--format=env", "-p", "confluence"] + TLSARGS + ["{base}/confluence"], 0,
      srv=Srv(CONF), check=env_vars(name="fred", username="", type="known", product="confluence")),
    C("env: cloud accountId and email", ["--format", "env", "-x", "{proxy}", "--cacert", "{ca}", "-u", EMAIL,
                                         "https://acme.atlassian.net"], 0,
      srv=Srv(JIRA_CLOUD, tls="cloud"), proxy=Proxy(targets={"acme.atlassian.net:443": "srv"}),
      check=env_vars(accountid=F.CLOUD_ACCOUNT_ID, emailaddress=EMAIL)),
    C("env: failure still evaluates", ["--format", "env", "-u", "fred"] + J, 3, tok=BAD, srv=S_JIRA,
      check=env_vars(status="401", ok="false")),
    C("-i: status line and headers, then the result", ["-i", "-p", "jira"] + J, 0, srv=S_JIRA,
      out=["HTTP/1.1 200", "X-AUSERNAME: fred", "name: fred"]),
    C("--include on a failure shows the 401 headers", ["--include", "-u", "fred", "-p", "jira"] + J, 3, tok=BAD,
      srv=S_JIRA, out=["401", "X-Seraph-LoginReason: AUTHENTICATED_FAILED"]),
    # -i where stdout has a contract of its own (one JSON object, shell assignments, nothing
    # with -q): the head goes to stderr, as -v's does; a server's $(...) and backticks in a
    # header or the reason phrase then never reach the shell that evaluates the env output.
    C("-i --format env: head on stderr, stdout evaluates, nothing runs", ["-i", "--format", "env"] + J, 0,
      srv=Srv(F.static(HOSTILE_HEAD)), err=["X-Note: $(touch PWNED1)"], out_not=["HTTP/1.1", "X-Note"],
      check=env_vars(name="fred", status="200")),
    C("-i -j: head on stderr, stdout is one JSON object", ["-i", "-j"] + J, 0, srv=Srv(F.static(HOSTILE_HEAD)),
      err=["HTTP/1.1 200 OK $(touch PWNED3)"], check=json_out(ok=True, name="fred")),
    C("-i -q: nothing on stdout, the head on stderr", ["-i", "-q"] + J, 0, srv=Srv(F.static(HOSTILE_HEAD)),
      err=["X-Note:"], check=out_exact(b"")),
    C("-i text: head on stdout before the fields", ["-i"] + J, 0, srv=Srv(F.static(HOSTILE_HEAD)),
      out=["HTTP/1.1 200 OK $(touch PWNED3)", "X-Note: $(touch PWNED1)", "name: fred"]),
    C("--raw: the body exactly, chunked framing removed", ["--raw", "-p", "jira"] + J, 0, srv=S_JIRA,
      check=out_exact(JIRA_BODY)),
    C("--raw: body with Content-Length", ["--raw", "-p", "confluence"] + TLSARGS + ["{base}/confluence"], 0,
      srv=Srv(F.static(F.http_response(200, CONF_BODY, [("Content-Type", "application/json")]))),
      check=out_exact(CONF_BODY)),
    C("-q: success, no output", ["-q"] + J, 0, srv=S_JIRA),
    C("--quiet: rejected, no output", ["--quiet"] + J, 3, tok=BAD, srv=S_JIRA),
    C("-q: TLS failure, no output", ["-q"] + J, 6, srv=Srv(JIRA, tls="expired")),
    C("-v: verbose on stderr, token redacted", ["-v"] + J, 0, srv=S_JIRA,
      err=["authorization", "redacted", "tls", "cipher", "atlwho test root ca", "x-ausername", "user-agent",
           ("resolv", "dns", "lookup")],
      check=lines("name: fred")),
    C("-v -u: Basic redacted", ["-v", "-u", "fred"] + J, 0, srv=S_JIRA, err=["redacted"]),

    # ---------------------------------------------------------------- token never shown
    C("leak: -v -i -j, Bearer", ["-v", "-i", "-j"] + J, 0, tok=LEAK, srv=Srv(F.jira(context="/jira", token=LEAK))),
    C("leak: -v -i --format env, Basic", ["-v", "-i", "--format", "env", "-u", "fred"] + J, 0, tok=LEAK,
      srv=Srv(F.jira(context="/jira", token=LEAK))),
    C("leak: -v on a 401", ["-v", "-u", "fred"] + J, 3, tok=LEAK, srv=S_JIRA),
    C("leak: -v json on a 401", ["-v", "-j"] + J, 3, tok=LEAK, srv=S_JIRA),
    C("leak: -v on a TLS failure", ["-v"] + J, 6, tok=LEAK, srv=Srv(JIRA, tls="wrongname")),
    C("leak: -v over plain http", ["-v", "-u", "fred", "{base}/jira"], 0, tok=LEAK,
      srv=Srv(F.jira(context="/jira", token=LEAK), tls=None)),
    C("leak: --token-file with -v -i", ["-v", "-i", "--token-file", "{f_tok}"] + J, 0, tok=None,
      files={"tok": LEAK + "\n"}, srv=Srv(F.jira(context="/jira", token=LEAK))),

    # ---------------------------------------------------------------- credentials input
    C("--token-file FILE (trailing newline stripped)", ["--token-file", "{f_tok}"] + J, 0, tok=None,
      files={"tok": GOOD + "\n"}, srv=S_JIRA, check=auth_is("bearer")),
    C("--token-file=FILE form without newline", ["--token-file={f_tok}"] + J, 0, tok=None,
      files={"tok": GOOD}, srv=S_JIRA, check=auth_is("bearer")),
    C("--token-file - reads stdin", ["--token-file", "-"] + J, 0, tok=None, stdin=GOOD + "\n", srv=S_JIRA,
      check=auth_is("bearer")),
    C("--token-file wins over ATLWHO_TOKEN", ["--token-file", "{f_tok}"] + J, 0, tok=BAD,
      files={"tok": GOOD + "\n"}, srv=S_JIRA, check=auth_is("bearer")),
    C("--token-file group/world-readable: warning", ["--token-file", "{f_tok}"] + J, 0, tok=None,
      files={"tok": (GOOD + "\n", 0o644)}, srv=S_JIRA,
      err=[("readable", "permission", "mode", "644")]),
    C("ATLWHO_TOKEN with a trailing newline (a mounted secret): stripped", J, 0, tok=GOOD + "\n", srv=S_JIRA,
      check=auth_is("bearer")),
    C("ATLWHO_TOKEN with a trailing CRLF: stripped", J, 0, tok=GOOD + "\r\n", srv=S_JIRA, check=auth_is("bearer")),
    C("ATLWHO_TOKEN with a newline inside -> 2", J, 2, tok=GOOD[:8] + "\n" + GOOD[8:], srv=S_JIRA,
      err="control character", check=nreq(0)),
    C("no token at all -> 2", J, 2, tok=None, srv=S_JIRA, err=[("token", "ATLWHO_TOKEN")], check=nreq(0)),
    C("empty ATLWHO_TOKEN -> 2", J, 2, tok="", srv=S_JIRA, check=nreq(0)),
    C("empty token file -> 2", ["--token-file", "{f_tok}"] + J, 2, tok=None, files={"tok": ""}, srv=S_JIRA,
      check=nreq(0)),
    C("--token-file missing -> 2", ["--token-file", "{tmp}/nonexistent"] + J, 2, tok=None, srv=S_JIRA,
      err=["nonexistent"], check=nreq(0)),
    C("--token-file is a directory -> 2", ["--token-file", "{tmp}"] + J, 2, tok=None, srv=S_JIRA, check=nreq(0)),
    C("no option takes the token (--token) -> 2", ["--token", GOOD] + J, 2, tok=None, srv=S_JIRA, check=nreq(0)),

    # ---------------------------------------------------------------- usage errors (2)
    C("unknown option -> 2 with a hint", ["--bogus-option"] + J, 2, srv=S_JIRA,
      err=[("bogus-option", "--help", "unknown", "unrecognized")], check=nreq(0)),
    C("no URL -> 2", TLSARGS, 2),
    C("two URLs -> 2", TLSARGS + ["{base}/jira", "{base}/other"], 2, srv=S_JIRA, check=nreq(0)),
    C("bad URL: ftp scheme -> 2", ["ftp://localhost/jira"], 2),
    C("bad URL: no scheme -> 2", ["localhost/jira"], 2),
    C("bad URL: empty host -> 2", ["https:///jira"], 2),
    C("bad URL: port 0 -> 2", ["https://localhost:0/jira"], 2),
    C("bad URL: port 65536 -> 2", ["https://localhost:65536/jira"], 2),
    C("bad URL: port not a number -> 2", ["https://localhost:8x/jira"], 2),
    C("bad URL: space in host -> 2", ["https://local host/jira"], 2),
    C("bad URL: control character -> 2", ["https://localhost/ji\x01ra"], 2),
    C("bad URL: unclosed IPv6 bracket -> 2", ["https://[::1/jira"], 2),
    C("bad URL: userinfo refused, says how to pass credentials", ["https://fred:secret@localhost:{port}/jira"], 2,
      srv=S_JIRA, err=[("token-file", "ATLWHO_TOKEN", "-u")], check=nreq(0)),
    C("-p bogus -> 2", ["-p", "bitbucket"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--format xml -> 2", ["--format", "xml"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--tls-min 1.1 -> 2", ["--tls-min", "1.1"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--max-time abc -> 2", ["--max-time", "abc"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("-m -1 -> 2", ["-m", "-1"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--connect-timeout x -> 2", ["--connect-timeout", "x"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--retry -1 -> 2", ["--retry", "-1"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--max-redirs abc -> 2", ["--max-redirs", "abc"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--pin not sha256// -> 2", ["--pin", "md5//abcd"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("--cacert missing file -> 2", ["--cacert", "{tmp}/nope.pem", "{base}/jira"], 2, srv=S_JIRA, check=nreq(0)),
    C("--cert without --key -> 2", ["--cert", "{client_cert}"] + J, 2, srv=S_JIRA, check=nreq(0)),
    C("option missing its value -> 2", ["{base}/jira", "--cacert"], 2, srv=S_JIRA, check=nreq(0)),
    C("-x bad proxy URL -> 2", ["-x", "ftp://127.0.0.1:1"] + J, 2, srv=S_JIRA, check=nreq(0)),
    # -j promises exactly one JSON object on every failure, usage errors found after the
    # command line was read included (it printed none for these); --format env likewise.
    C("-j: no token -> 2, one JSON object", ["-j"] + J, 2, tok=None, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)], err="no token"),
    C("-j: token with a control character -> 2, one JSON object", ["-j"] + J, 2, tok="ab\x01cd", srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)]),
    C("-j: bad -u -> 2, one JSON object", ["-j", "-u", "a:b"] + J, 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)]),
    C("-j: bad BASE_URL -> 2, one JSON object", ["-j", "https://"], 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)]),
    C("-j: bad proxy URL (-x) -> 2, one JSON object", ["-j", "-x", "ftp://127.0.0.1:1"] + J, 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)]),
    C("-j: bad https_proxy -> 2, one JSON object", ["-j"] + J, 2, srv=S_JIRA, env={"https_proxy": "ftp://x:1"},
      check=[json_out(ok=False, exit=2), nreq(0)], err="https_proxy"),
    # ... and usage errors in the command line itself, wherever -j stands in it
    C("-j: unknown option before -j -> 2, one JSON object", ["-Z", "-j"] + J, 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)], err="unknown option '-Z'"),
    C("-j: unknown option in a cluster (-Zj) -> 2, one JSON object", ["-Zj"] + J, 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)]),
    C("-j --raw -> 2, one JSON object", ["-j", "--raw"] + J, 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)], err="exclude each other"),
    C("--format env --raw -> 2, env evaluates", ["--format", "env", "--raw"] + J, 2, srv=S_JIRA,
      check=[env_vars(ok="false", exit="2"), nreq(0)]),
    C("-j missing BASE_URL -> 2, one JSON object", ["-j"] + TLSARGS, 2, srv=S_JIRA,
      check=[json_out(ok=False, exit=2), nreq(0)]),
    C("-j -q -> 2: -q wins, nothing on stdout", ["-j", "-q"] + J, 2, srv=S_JIRA, check=[out_exact(b""), nreq(0)]),
    C("--format env: no token -> 2, ATLWHO_OK=false", ["--format", "env"] + J, 2, tok=None, srv=S_JIRA,
      out="ATLWHO_OK=false", check=nreq(0)),
    C("-- ends options", TLSARGS + ["--", "{base}/jira"], 0, srv=S_JIRA),
    C("-h -> 0, usage and exit codes", ["-h"], 0, tok=None, out=["usage", "--token-file", "exit"]),
    C("--help -> 0", ["--help"], 0, tok=None, out=["--cacert", "--pin"]),
    C("-V -> 0, version and mbedTLS", ["-V"], 0, tok=None, out=["atlwho", "mbed"]),
    C("-V -> 0, the source commit and the carried mbedTLS patches (the SBOM's facts)", ["-V"], 0, tok=None,
      out=["source commit ", "carried mbedTLS patches: ", "0001-tls13-hrr-cookie", "0003-tls12-serverhello-version (CVE-"]),
    C("--version -> 0", ["--version"], 0, tok=None, out=[("tls", "TLS")]),

    # ---------------------------------------------------------------- network (5)
    C("connection refused -> 5", ["--cacert", "{ca}", "https://localhost:{free}/jira"], 5, err=["{free}"]),
    C("connection refused on ::1 -> 5", ["--cacert", "{ca}", "https://[::1]:{free}/jira"], 5),
    C("--connect-timeout 1 against a full backlog -> 5 within 2 s",
      ["--connect-timeout", "1", "--cacert", "{ca}", "https://127.0.0.1:{blackhole}/jira"], 5,
      blackhole=True, max_elapsed=2.0, err=[("timed out", "timeout", "time")]),
    C("-m 2: http server that never answers -> 5 within 3 s", ["-m", "2", "-p", "jira", "{base}/jira"], 5,
      srv=Srv(F.never_answer, tls=None), max_elapsed=3.0, err=[("timed out", "timeout", "time")]),
    C("--max-time=2: https server silent after the handshake -> 5 within 3 s", ["--max-time=2", "-p", "jira"] + J, 5,
      srv=Srv(F.never_answer), max_elapsed=3.0),
    C("-m 2: server stalls in the TLS handshake -> 5 within 3 s", ["-m", "2", "-p", "jira"] + J, (5, 6),
      srv=Srv(JIRA, on_connect=F.stall_handshake), max_elapsed=3.0),
    C("-m 2: server drips one byte per second -> 5 within 3 s", ["-m", "2", "-p", "jira"] + J, 5,
      srv=Srv(F.static(F.drip(F.reply_jira_server_ok(), 0.5))), max_elapsed=3.0),
    C("-m 2: headers sent, body never ends -> 5 within 3 s", ["-m", "2", "-p", "jira"] + J, 5,
      srv=Srv(F.static([F.reply_jira_server_ok(chunked=False)[:300], F.Hang()])), max_elapsed=3.0),
    C("-4 with an IPv4 literal -> 0", ["-4"] + TLSARGS + ["{base4}/jira"], 0, srv=S_JIRA),
    C("-6 with an IPv6 literal -> 0", ["-6"] + TLSARGS + ["{base6}/jira"], 0, srv=S_JIRA,
      check=req_header("Host", lambda v: bool(v and re.match(r"^\[::1\]:\d+$", v)), "[::1]:PORT")),
    C("IPv6 literal URL, cert with IP:::1 SAN -> 0", TLSARGS + ["{base6}/jira"], 0, srv=S_JIRA),
    C("IPv4 literal URL, cert with IP:127.0.0.1 SAN -> 0", TLSARGS + ["{base4}/jira"], 0, srv=S_JIRA),
    C("-6 with an IPv4 literal -> 2 or 5", ["-6"] + TLSARGS + ["{base4}/jira"], (2, 5), srv=S_JIRA, check=nreq(0)),

    # ---------------------------------------------------------------- TLS (6)
    C("TLS: good ECDSA chain", ["-p", "jira"] + J, 0, srv=S_JIRA),
    C("TLS: good RSA chain (second CA)", ["-p", "jira", "--cacert", "{ca2}", "{base}/jira"], 0,
      srv=Srv(JIRA, tls="rsa")),
    C("TLS: bundle of both CAs", ["-p", "jira", "--cacert", "{cas}", "{base}/jira"], 0, srv=Srv(JIRA, tls="rsa")),
    C("TLS: RSA chain against the ECDSA CA -> 6", ["-p", "jira", "--cacert", "{ca}", "{base}/jira"], 6,
      srv=Srv(JIRA, tls="rsa"), check=nreq(0)),
    C("TLS: --capath DIR", ["-p", "jira", "--capath", "{capath}", "{base}/jira"], 0, srv=S_JIRA),
    C("TLS: SSL_CERT_FILE", ["-p", "jira", "{base}/jira"], 0, srv=S_JIRA, env={"SSL_CERT_FILE": "{ca}"}),
    C("TLS: TLS 1.2-only server", ["-p", "jira"] + J, 0, srv=Srv(JIRA, versions="1.2")),
    C("TLS: TLS 1.3-only server", ["-p", "jira"] + J, 0, srv=Srv(JIRA, versions="1.3")),
    C("TLS: --tls-min 1.3 against a 1.2-only server -> 6", ["--tls-min", "1.3", "-p", "jira"] + J, 6,
      srv=Srv(JIRA, versions="1.2"), check=nreq(0)),
    C("TLS: --tls-min 1.3 against 1.3 -> 0", ["--tls-min=1.3", "-p", "jira"] + J, 0, srv=Srv(JIRA, versions="1.3")),
    C("TLS: TLS 1.0-only server -> 6", ["-p", "jira"] + J, 6, srv=Srv(JIRA, versions="1.0"), check=nreq(0)),
    C("TLS: expired -> 6, says expired and the current time", ["-p", "jira"] + J, 6, srv=Srv(JIRA, tls="expired"),
      err=["expired", NOW_YEAR], check=nreq(0)),
    C("TLS: not yet valid -> 6", ["-p", "jira"] + J, 6, srv=Srv(JIRA, tls="notyet"),
      err=[("not yet", "future", "not valid before")], check=nreq(0)),
    C("TLS: wrong host name -> 6, names the certificate's names", ["-p", "jira"] + J, 6,
      srv=Srv(JIRA, tls="wrongname"), err=["wrong.example"], check=nreq(0)),
    C("TLS: unknown CA -> 6, names the issuer", ["-p", "jira"] + J, 6, srv=Srv(JIRA, tls="unknownca"),
      err=["atlwho unknown ca"], check=nreq(0)),
    C("TLS: self-signed leaf -> 6", ["-p", "jira"] + J, 6, srv=Srv(JIRA, tls="selfsigned"), check=nreq(0)),
    C("TLS: RSA-1024 leaf rejected -> 6", ["-p", "jira", "--cacert", "{ca2}", "{base}/jira"], 6,
      srv=Srv(JIRA, tls="rsa1024"), check=nreq(0)),
    C("TLS: SHA-1 signed leaf rejected -> 6", ["-p", "jira", "--cacert", "{ca2}", "{base}/jira"], 6,
      srv=Srv(JIRA, tls="sha1"), check=nreq(0)),
    C("TLS: garbage instead of a ServerHello -> 6", ["-p", "jira"] + J, 6,
      srv=Srv(JIRA, on_connect=F.garbage_instead_of_tls)),
    C("TLS: plain http server behind an https URL -> 6", ["-p", "jira", "--cacert", "{ca}", "https://localhost:{port}/jira"], 6,
      srv=Srv(JIRA, tls=None), check=nreq(0)),
    C("pin: match with no --cacert -> 0", ["-p", "jira", "--pin", "{pin}", "{base}/jira"], 0, srv=S_JIRA),
    C("pin: second of two matches -> 0", ["-p", "jira", "--pin", "{pin_rsa};{pin}", "{base}/jira"], 0, srv=S_JIRA),
    C("pin: RSA leaf pin -> 0", ["-p", "jira", "--pin={pin}", "{base}/jira"], 0, srv=Srv(JIRA, tls="rsa")),
    C("pin: mismatch -> 6, shows the server's pin", ["-p", "jira", "--pin", "{pin_rsa}", "{base}/jira"], 6,
      srv=S_JIRA, err=["{pin}"], check=nreq(0)),
    C("pin: match but --cacert of another CA -> 6 (both must hold)", ["-p", "jira", "--pin", "{pin}",
                                                                     "--cacert", "{ca2}", "{base}/jira"], 6,
      srv=S_JIRA, check=nreq(0)),
    C("pin: match and --cacert good -> 0", ["-p", "jira", "--pin", "{pin}"] + J, 0, srv=S_JIRA),
    C("pin: mismatch with good --cacert -> 6", ["-p", "jira", "--pin", "{pin_rsa}"] + J, 6, srv=S_JIRA,
      err=["{pin}"]),
    C("pin: unknown-CA server pinned -> 0 (the pin alone authenticates)",
      ["-p", "jira", "--pin", "{pin}", "{base}/jira"], 0, srv=Srv(JIRA, tls="unknownca")),
    C("-k: unknown CA accepted with a warning", ["-k", "-p", "jira", "{base}/jira"], 0,
      srv=Srv(JIRA, tls="unknownca"), err=[("insecure", "verif", "not checked")]),
    C("--insecure: expired accepted with a warning", ["--insecure", "-p", "jira", "{base}/jira"], 0,
      srv=Srv(JIRA, tls="expired"), err=[("insecure", "verif", "not checked")]),
    C("-k warns even with -j", ["-k", "-j", "-p", "jira", "{base}/jira"], 0,
      srv=S_JIRA, err=[("insecure", "verif", "not checked")]),
    C("mTLS: --cert/--key -> 0", ["-p", "jira", "--cert", "{client_cert}", "--key", "{client_key}"] + J, 0,
      srv=Srv(JIRA, mtls=True), check=client_cert_seen),
    # A --key that is not --cert's: exit 2 at start, naming the mismatch (it was found only
    # after a full handshake, as "did not accept the client certificate").
    C("mTLS: --key of another certificate (EC) -> 2", ["-p", "jira", "--cert", "{client_cert}", "--key",
      "{key_ecdsa}"] + J, 2, srv=Srv(JIRA, mtls=True), err="do not belong together", check=nreq(0)),
    C("mTLS: --key of another type (RSA for an EC certificate) -> 2", ["-p", "jira", "--cert", "{client_cert}",
      "--key", "{key_rsa}"] + J, 2, srv=Srv(JIRA, mtls=True), err="do not belong together", check=nreq(0)),
    C("mTLS: no client certificate (TLS 1.3: the alert comes after the handshake) -> 6", ["-p", "jira"] + J, 6,
      srv=Srv(JIRA, mtls=True), check=nreq(0)),
    C("mTLS: no client certificate (TLS 1.2: the handshake fails) -> 6", ["-p", "jira"] + J, 6,
      srv=Srv(JIRA, mtls=True, versions="1.2"), check=nreq(0)),
    C("mTLS: client certificate over TLS 1.2 -> 0", ["-p", "jira", "--cert", "{client_cert}", "--key", "{client_key}"] + J, 0,
      srv=Srv(JIRA, mtls=True, versions="1.2"), check=client_cert_seen),
    # The TLS configuration is built once per check: a retry or a redirect reuses the
    # client certificate and key read at the first https exchange (they were read again
    # for every exchange: each file opened twice here).
    C("mTLS: --retry after 503: --cert and --key read once for both exchanges -> 0",
      ["--retry", "1", "-p", "jira", "--cert", "{client_cert}", "--key", "{client_key}"] + J, 0,
      srv=Srv(F.sequence(F.reply_503("0"), JIRA), mtls=True), prefix=STRACE_OPENS, env=STRACE_ENV,
      skip=no_strace, check=[nreq(2), client_cert_seen, opened_times("{client_key}", 1), opened_times("{client_cert}", 1)]),
    C("mTLS: -L redirect: --cert and --key read once for both exchanges -> 0",
      ["-L", "-p", "jira", "--cert", "{client_cert}", "--key", "{client_key}", "--cacert", "{ca}", "{base}/old"], 0,
      srv=Srv(F.redirect(302, "{base}/jira/rest/api/2/myself", then=JIRA), mtls=True), prefix=STRACE_OPENS,
      env=STRACE_ENV, skip=no_strace, check=[nreq(2), opened_times("{client_key}", 1), opened_times("{client_cert}", 1)]),
    C("plain http works, with a warning", ["-p", "jira", "{base}/jira"], 0, srv=Srv(JIRA, tls=None),
      err=[("http://", "plain", "unencrypted", "cleartext", "not encrypted", "insecure")],
      check=lines("name: fred")),
    C("plain http Confluence (the seed's example), Basic", ["-u", "fred", "{base}/confluence"], 0,
      srv=Srv(CONF, tls=None), check=lines("name: fred")),

    # ---------------------------------------------------------------- proxy
    C("proxy: -x CONNECT tunnel", ["-x", "{proxy}", "-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(),
      check=[proxy_log(1, "CONNECT", "localhost:{port}"), nreq(1), auth_is("bearer")]),
    C("proxy: --proxy= form, Basic to the target", ["--proxy={proxy}", "-u", "fred", "-p", "jira"] + J, 0,
      srv=S_JIRA, proxy=Proxy(), check=proxy_log(1, "CONNECT")),
    C("proxy: Basic proxy auth, percent-decoded", ["-x", "{proxy_auth}", "-p", "jira"] + J, 0, srv=S_JIRA,
      proxy=Proxy(auth=("puser", "p@ss:w/rd")), check=proxy_log(1, "CONNECT", auth=("puser", "p@ss:w/rd"))),
    C("proxy: auth required, none given -> 5 (407)", ["-x", "{proxy}", "-p", "jira"] + J, 5, srv=S_JIRA,
      proxy=Proxy(auth=("puser", "p@ss:w/rd")), err=["proxy", "407"], check=nreq(0)),
    # A plain http request through a proxy gets the proxy's 407 as its reply: the proxy's
    # failure, exit 5 as for a refused CONNECT (it was exit 7, "unexpected HTTP status 407").
    C("proxy: http:// base, auth required, none given -> 5 (407)", ["-x", "{proxy}", "-p", "jira", "{base}/jira"],
      5, srv=Srv(JIRA, tls=None), proxy=Proxy(auth=("puser", "p@ss:w/rd")),
      err=["proxy 127.0.0.1 port", "407", "put user:password in the proxy url"], check=nreq(0)),
    C("proxy: http:// base, wrong proxy password -> 5 (407)",
      ["-x", "http://puser:nope@127.0.0.1:{proxy_port}", "-p", "jira", "{base}/jira"], 5, srv=Srv(JIRA, tls=None),
      proxy=Proxy(auth=("puser", "p@ss:w/rd")), err=["407", "proxy credentials rejected"], check=nreq(0)),
    C("proxy: wrong proxy password -> 5", ["-x", "http://puser:nope@127.0.0.1:{proxy_port}", "-p", "jira"] + J, 5,
      srv=S_JIRA, proxy=Proxy(auth=("puser", "p@ss:w/rd")), err=["proxy"], check=nreq(0)),
    C("proxy: CONNECT refused with 502 -> 5", ["-x", "{proxy}", "-p", "jira"] + J, 5, srv=S_JIRA,
      proxy=Proxy(fail=502), err=["proxy"], check=nreq(0)),
    C("proxy: nothing listening -> 5", ["-x", "http://127.0.0.1:{free}", "-p", "jira"] + J, 5, srv=S_JIRA,
      err=["proxy"], check=nreq(0)),
    C("proxy: https_proxy env", ["-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(), env={"https_proxy": "{proxy}"},
      check=proxy_log(1, "CONNECT", "localhost:{port}")),
    C("proxy: HTTPS_PROXY env", ["-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(), env={"HTTPS_PROXY": "{proxy}"},
      check=proxy_log(1, "CONNECT")),
    C("proxy: no_proxy=localhost bypasses", ["-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(),
      env={"https_proxy": "{proxy}", "no_proxy": "example.com,localhost"}, check=[proxy_log(0), nreq(1)]),
    C("proxy: NO_PROXY=* bypasses", ["-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(),
      env={"https_proxy": "{proxy}", "NO_PROXY": "*"}, check=proxy_log(0)),
    C("proxy: no_proxy=127.0.0.1 (IP literal) bypasses", ["-p", "jira"] + TLSARGS + ["{base4}/jira"], 0, srv=S_JIRA,
      proxy=Proxy(), env={"https_proxy": "{proxy}", "no_proxy": "127.0.0.1"}, check=proxy_log(0)),
    C("proxy: --noproxy localhost bypasses", ["--noproxy", "localhost", "-p", "jira"] + J, 0, srv=S_JIRA,
      proxy=Proxy(), env={"https_proxy": "{proxy}"}, check=proxy_log(0)),
    C("proxy: no_proxy for another domain does not bypass", ["-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(),
      env={"https_proxy": "{proxy}", "no_proxy": ".example.com,otherhost"}, check=proxy_log(1, "CONNECT")),
    C("proxy: no_proxy=.localhost (leading dot) bypasses", ["-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(),
      env={"https_proxy": "{proxy}", "no_proxy": ".localhost"}, check=proxy_log(0)),
    C("proxy: no_proxy=calhost (not a label boundary) does not bypass", ["-p", "jira"] + J, 0, srv=S_JIRA,
      proxy=Proxy(), env={"https_proxy": "{proxy}", "no_proxy": "calhost"}, check=proxy_log(1, "CONNECT")),
    C("proxy: -x beats https_proxy", ["-x", "{proxy}", "-p", "jira"] + J, 0, srv=S_JIRA, proxy=Proxy(),
      env={"https_proxy": "http://127.0.0.1:{free}"}, check=proxy_log(1)),
    C("proxy: http URL via http_proxy (absolute-form)", ["-p", "jira", "{base}/jira"], 0,
      srv=Srv(JIRA, tls=None), proxy=Proxy(), env={"http_proxy": "{proxy}"},
      check=[proxy_log(1, "GET"), lines("name: fred")]),
    C("proxy: HTTP_PROXY (upper case) is ignored for http URLs", ["-p", "jira", "{base}/jira"], 0,
      srv=Srv(JIRA, tls=None), proxy=Proxy(), env={"HTTP_PROXY": "{proxy}"}, check=proxy_log(0)),
    C("proxy: -v tunnel, token never in clear", ["-v", "-x", "{proxy}", "-u", "fred", "-p", "jira"] + J, 0,
      tok=LEAK, srv=Srv(F.jira(context="/jira", token=LEAK)), proxy=Proxy(), err=["proxy"]),

    # ---------------------------------------------------------------- --from-file
    C("--from-file: saved Jira reply -> 0", ["--from-file", "{f_body}"], 0, tok=None,
      files={"body": JIRA_BODY}, check=lines("name: fred", "displayName: Fred F. User", "active: true")),
    C("--from-file=FILE: Confluence reply -> 0", ["--from-file={f_body}"], 0, tok=None,
      files={"body": CONF_BODY}, check=[lines("name: fred", "type: known"), no_line("username")]),
    C("--from-file: inactive -> 1", ["--from-file", "{f_body}"], 1, tok=None,
      files={"body": F.jdump(F.jira_server_user(active=False))}),
    C("--from-file: anonymous Confluence -> 3", ["--from-file", "{f_body}"], 3, tok=None,
      files={"body": F.jdump(F.CONFLUENCE_ANONYMOUS)}, err=["anonymous"]),
    C("--from-file: truncated JSON -> 7", ["--from-file", "{f_body}"], 7, tok=None,
      files={"body": JIRA_BODY[:-40]}),
    C("--from-file: not JSON at all -> 7", ["--from-file", "{f_body}"], 7, tok=None,
      files={"body": F.SSO_HTML}),
    C("--from-file - (stdin) -> 0", ["--from-file", "-"], 0, tok=None, stdin=JIRA_BODY, check=lines("name: fred")),
    C("--from-file with -j", ["-j", "--from-file", "{f_body}"], 0, tok=None, files={"body": JIRA_BODY},
      check=json_out(ok=True, name="fred", active=True)),
    C("--from-file with --format env", ["--format", "env", "--from-file", "{f_body}"], 0, tok=None,
      files={"body": JIRA_BODY}, check=env_vars(name="fred")),
    C("--from-file missing -> 2", ["--from-file", "{tmp}/nothing.json"], 2, tok=None),
]

CASES += hostile_rows() + bad_utf8_rows()

# stderr stays free of raw control characters when the server puts them in headers (the
# invariant harness.py checks on every row; these rows put them there)
CASES += [
    C("hostile Location on a redirect: stderr safe", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(F.reply_redirect(302, "https://x.example/\x1b[2J\x1b]0;pwn\x07/login")))),
    # control bytes in a header value break RFC 9110's field-value grammar: rejecting the
    # reply (7) is as right as reporting it (3/4); either way stderr must stay safe
    C("hostile X-Seraph-LoginReason: stderr safe", ["-p", "jira"] + J, (3, 7),
      srv=Srv(F.static(F.http_response(401, b"{}", [("Content-Type", "application/json"),
                                                    ("X-Seraph-LoginReason", "AUTH\x1b[31mENTICATED\x7f\x9b_FAILED")])))),
    C("hostile login-url in CAPTCHA: stderr safe", ["-p", "jira"] + J, (4, 7),
      srv=Srv(F.static(F.reply_captcha_403(b"https://jira.example.com/login.jsp\x1b]8;;evil\x07")))),
    # obs-text (0x80-0xFF) is legal in field values: raw C1 bytes and UTF-8-encoded C1
    C("obs-text C1 bytes in X-Seraph-LoginReason: reported, stderr safe", ["-p", "jira"] + J, 3,
      srv=Srv(F.static(F.http_response(401, b"{}", [("Content-Type", "application/json"),
                                                    ("X-Seraph-LoginReason", b"AUTH\x9b31m\xc2\x9b2J\x85FAILED")]))),
      err=["401"]),
    C("obs-text C1 bytes in the CAPTCHA login-url: reported, stderr safe", ["-p", "jira"] + J, 4,
      srv=Srv(F.static(F.reply_captcha_403(b"https://jira.example.com/login.jsp?\x9b2J\xc2\x9b0m"))),
      err=["captcha"]),
    C("obs-text C1 bytes in a Location: stderr safe", ["-p", "jira"] + J, 7,
      srv=Srv(F.static(F.reply_redirect(302, b"https://x.example/\x9b2J\xc2\x85/login")))),
]


# ========================== long values, fallbacks and redirects: what is shown and what is sent

# Section 2: 255-character names of any script come through whole, in every format (the cap
# was 256 bytes: 86 CJK characters, 64 emoji). 256 emoji are one character too many: cut at a
# character boundary, with the warning.
NAMES_255 = {
    "CJK": "\u65e5\u672c\u8a9e" * 85,                                  # 3 bytes each: 765
    "emoji": "\U0001F600" * 255,                                          # 4 bytes each: 1020
    "mixed scripts": ("Lu\u010d\u0416\u05d0\u0905\u4e2d\U0001F30D\u0e01" * 28 + "abc"),  # 255
}
assert all(len(v) == 255 for v in NAMES_255.values())


def conf_reply(username):
    return F.static(F.reply_confluence_known(username=username), "conf-name")


def names_rows():
    rows = []
    for script, v in NAMES_255.items():
        for label, srv, args in (
                ("Jira name", Srv(display_reply(v, field="name")), ["-p", "jira", "--cacert", "{ca}", "{base}"]),
                ("displayName", Srv(display_reply(v)), ["-p", "jira", "--cacert", "{ca}", "{base}"]),
                ("Confluence username", Srv(conf_reply(v)), ["-p", "confluence", "--cacert", "{ca}", "{base}"])):
            key = "displayName" if label == "displayName" else "name"
            rows.append(C("255 %s characters in %s, text" % (script, label), args, 0, srv=srv,
                          check=[lines("%s: %s" % (key, v)), err_lacks("cut")]))
            rows.append(C("255 %s characters in %s, json" % (script, label), ["-j"] + args, 0, srv=srv,
                          check=[json_out(**{key: v}), err_lacks("cut")]))
            rows.append(C("255 %s characters in %s, env" % (script, label), ["--format", "env"] + args, 0,
                          srv=srv, check=[env_vars(**{key.lower(): v}), err_lacks("cut")]))
    emoji256 = "\U0001F600" * 256
    rows.append(C("256 emoji are cut at 255, at a character boundary, with a warning",
                  ["-j", "-p", "jira", "--cacert", "{ca}", "{base}"], 0, srv=Srv(display_reply(emoji256)),
                  err=["displayName was longer than 1020 bytes"], check=json_out(displayName=emoji256[:255])))
    return rows


# Section 4: --raw and -i show the reply that decided the exit code only; -v shows them all.
CONF_ONLY = F.http_response(200, CONF_BODY, [("Content-Type", "application/json")])
FALLBACK = F.routes({"/rest/api/2/myself": F.reply_404_html(), "/rest/api/user/current": CONF_ONLY})
MOVED = F.routes({"/old/rest/api/2/myself": F.reply_redirect(302, "/new/rest/api/2/myself",
                                                            body=b"<html>moved</html>"),
                  "/new/rest/api/2/myself": F.http_response(200, JIRA_BODY, [("Content-Type", "application/json")])})
BUSY = F.sequence(F.reply_503("0"), F.http_response(200, JIRA_BODY, [("Content-Type", "application/json")]))


# Section 5: requests are what the user asked for.
def long_base_handler(req):
    """404 on Jira's endpoint, and a user on anything else: a client that lost the Confluence
    endpoint on the way would report success."""
    if req.path.endswith("/rest/api/2/myself"):
        return F.reply_404_html(req.path)
    return F.http_response(200, CONF_BODY, [("Content-Type", "application/json")])


LONG_BASE = "/" + "b" * 4076                       # 4077 bytes: Jira's endpoint fits 4096, Confluence's not
LOC_3030 = "/next/rest/api/2/myself?" + "q" * (3030 - 24 - 12) + "&important=1"
assert len(LOC_3030) == 3030


def important(req):
    if req.path == "/rest/api/2/myself":
        return F.reply_redirect(302, LOC_3030)
    if req.query.endswith("&important=1"):
        return F.http_response(200, JIRA_BODY, [("Content-Type", "application/json")])
    return F.http_response(400, b"lost a parameter", [("Content-Type", "text/plain")])


def issue12_rows():
    t = ["--cacert", "{ca}"]
    return names_rows() + [
        # section 1: one vocabulary (the README's own script, against Confluence)
        C("env against Confluence: $ATLWHO_NAME is the user name", ["--format", "env"] + t +
          ["{base}/confluence"], 0, srv=Srv(CONF), check=env_vars(name="fred", username="")),
        # section 4
        C("--raw, auto: the Jira 404 page is not printed, only Confluence's body", ["--raw"] + t + ["{base}"],
          0, srv=Srv(FALLBACK), check=[out_exact(CONF_BODY), nreq(2)]),
        C("-i, auto: only the Confluence reply's head", ["-i"] + t + ["{base}"], 0, srv=Srv(FALLBACK),
          out=["HTTP/1.1 200", "name: fred"], check=[out_lacks("404", "Apache"), nreq(2)]),
        C("-v, auto: every head on stderr", ["-v"] + t + ["{base}"], 0, srv=Srv(FALLBACK),
          check=err_has("< HTTP/1.1 404 Not Found", "< HTTP/1.1 200 OK")),
        C("--raw -L: the redirect's body is not printed", ["--raw", "-L", "-p", "jira"] + t + ["{base}/old"],
          0, srv=Srv(MOVED), check=[out_exact(JIRA_BODY), nreq(2)]),
        C("-i -L: only the last reply's head", ["-i", "-L", "-p", "jira"] + t + ["{base}/old"], 0,
          srv=Srv(MOVED), out=["HTTP/1.1 200"], check=[out_lacks("302", "Location"), nreq(2)]),
        C("--raw --retry: the 503 body is not printed", ["--raw", "--retry", "1", "-p", "jira"] + t +
          ["{base}"], 0, srv=Srv(BUSY), check=[out_exact(JIRA_BODY), nreq(2)]),
        C("-i --retry: only the 200's head", ["-i", "--retry", "1", "-p", "jira"] + t + ["{base}"], 0,
          srv=Srv(BUSY), out=["HTTP/1.1 200"], check=[out_lacks("503", "Service Unavailable"), nreq(2)]),
        C("--raw on a final 404: its page is the deciding reply", ["--raw", "-p", "jira"] + t + ["{base}"],
          7, srv=Srv(F.static(F.reply_404_html())), out=["<h1>Not Found</h1>"]),
        # section 5
        C("a 4077-byte context path: Confluence's endpoint does not fit -> 2, nothing sent",
          t + ["{base}" + LONG_BASE], 2, srv=Srv(long_base_handler), err=["/rest/api/user/current", "4096"],
          check=nreq(0)),
        C("a 4077-byte context path with -p jira fits", ["-p", "jira"] + t + ["{base}" + LONG_BASE], 7,
          srv=Srv(long_base_handler), check=nreq(1)),
        C("-L follows a 3030-byte same-origin Location whole", ["-L", "-p", "jira"] + t + ["{base}"], 0,
          srv=Srv(important), check=[target_ends("&important=1"), nreq(2)]),
        C("-L: a Location longer than the 4381 bytes kept is not followed, and says why",
          ["-L", "-j", "-p", "jira"] + t + ["{base}"], 7,
          srv=Srv(F.static(F.reply_redirect(302, "/x?" + "q" * 4400))), err=["longer than 4381"],
          check=[nreq(1), json_out(ok=False, exit=7, location=ABSENT)]),
        C("-L: two different Location fields are not followed, and say why", ["-L", "-p", "jira"] + t +
          ["{base}"], 7, srv=Srv(F.static(F.http_response(302, b"", [("Location", "/a/rest/api/2/myself"),
                                                                     ("Location", "/b/rest/api/2/myself")]))),
          err=["two Location fields"], check=nreq(1)),
        C("-L: an unparsable Location is not followed, and says why", ["-L", "-p", "jira"] + t + ["{base}"],
          7, srv=Srv(F.static(F.reply_redirect(302, "https://[::1/x"))), err=["redirect not followed", "cannot"],
          check=nreq(1)),
        C("http:// through a proxy: the warning says the proxy reads the token", ["-p", "jira", "{base}/jira"],
          0, srv=Srv(JIRA, tls=None), proxy=Proxy(), env={"http_proxy": "{proxy}"},
          err=["plain http through the proxy 127.0.0.1", "the proxy and anyone"], check=proxy_log(1, "GET")),
        C("http:// without a proxy: the warning names no proxy", ["-p", "jira", "{base}/jira"], 0,
          srv=Srv(JIRA, tls=None), err=["plain http: anyone on the path"]),
    ]


CASES += issue12_rows()


def main(argv):
    return H.run_table(H.Suite(__file__, argv, description="atlwho end-to-end tests"), CASES, TOKENS)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
