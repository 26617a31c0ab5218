#!/bin/bash
# cross.sh: guest instructions of one whole TLS 1.3 ECDSA P-256 check (scenario
# (1) of run.sh) by each static build, counted under Debian's qemu-user with
# the TCG plugin tests/bench/insn_count.c, plus its wall time under emulation
# (a relative figure only: TCG speed is not a device's speed). Not a test: it
# asserts nothing; it prints a markdown table (stdout and
# build/bench-cross/results.md). Called by `make bench-cross`.
#
# Environment:
#   CROSS_BENCH_ARCHS="x86_64 aarch64 armv7 mipsel s390x"   the targets
#   CROSS_BENCH_RUNS=N   counted runs per target (default 5; the median is shown)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/build/bench-cross
ARCHS=${CROSS_BENCH_ARCHS:-x86_64 aarch64 armv7 mipsel s390x}
RUNS=${CROSS_BENCH_RUNS:-5}
case $RUNS in '' | *[!0-9]* | 0) echo "cross.sh: CROSS_BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

unset http_proxy https_proxy HTTPS_PROXY HTTP_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR
export ATLWHO_TOKEN=bench-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH

say() { printf 'bench-cross: %s\n' "$*" >&2; }
die() { printf 'cross.sh: %s\n' "$*" >&2; exit 1; }
commas() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[^0-9]\)/\1,\2\3/; ta'; }
# qemu-user's name for each target (the dynamic build: the static one cannot load plugins).
qemu_of() {
	case $1 in
	x86_64) echo qemu-x86_64 ;; aarch64) echo qemu-aarch64 ;; armv7) echo qemu-arm ;;
	mipsel) echo qemu-mipsel ;; s390x) echo qemu-s390x ;; *) die "no qemu-user name for $1" ;;
	esac
}

for c in cc openssl python3 awk; do command -v "$c" >/dev/null 2>&1 || die "missing $c"; done
rm -rf "$OUT"
mkdir -p "$OUT/pki"

say "building the plugin"
cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$OUT/insn_count.so" "$ROOT/tests/bench/insn_count.c"

for a in $ARCHS; do
	command -v "$(qemu_of "$a")" >/dev/null 2>&1 || die "missing $(qemu_of "$a") (vendor/deps.sh crossbench)"
	say "building atlwho-static-$a"
	make --no-print-directory static ARCH="$a" >"$OUT/make-$a.log" 2>&1 ||
		{ tail -n 30 "$OUT/make-$a.log" >&2; die "make static ARCH=$a failed"; }
done

# --- an ECDSA P-256 CA and leaf, as in run.sh ---
PKI=$OUT/pki
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$PKI/ca.key" \
	-out "$PKI/ca.crt" -days 30 -subj "/O=atlwho bench/CN=atlwho bench ca-ec" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$PKI/ec.key" \
	-out "$PKI/ec.csr" -subj "/O=atlwho bench/CN=127.0.0.1" 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
	"keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$PKI/ec.ext"
openssl x509 -req -in "$PKI/ec.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
	-days 30 -sha256 -extfile "$PKI/ec.ext" -out "$PKI/ec.crt" 2>/dev/null

# --- a loopback TLS 1.3 server on an ephemeral port, serving run.sh's reply ---
cat >"$OUT/server.py" <<'EOF'
import http.server, ssl, sys
body = open(sys.argv[3], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        ok = self.path == "/rest/api/2/myself"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body) if ok else 0))
        self.send_header("Connection", "close")
        self.end_headers()
        if ok:
            self.wfile.write(body)
    def log_message(self, *a):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
EOF
exec 3< <(exec python3 "$OUT/server.py" "$PKI/ec.crt" "$PKI/ec.key" "$ROOT/tests/bench/myself.json")
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
read -r -t 30 PORT <&3 || die "the server did not start"
URL=https://127.0.0.1:$PORT

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

{
	echo "| target | stripped bytes | instructions, median of $RUNS (min..max) | wall under qemu-user ms, median (relative only) |"
	echo "|---|---:|---:|---:|"
} >"$OUT/results.md"
for a in $ARCHS; do
	bin=$ROOT/atlwho-static-$a
	q=$(qemu_of "$a")
	: >"$OUT/insns-$a" && : >"$OUT/wall-$a"
	for i in $(seq "$RUNS"); do
		"$q" -plugin "$OUT/insn_count.so" "$bin" -q --cacert "$PKI/ca.crt" "$URL" 2>"$OUT/err-$a" ||
			{ cat "$OUT/err-$a" >&2; die "$a: the check failed"; }
		sed -n 's/^insns: //p' "$OUT/err-$a" >>"$OUT/insns-$a"
		t0=$(date +%s%N)
		"$q" "$bin" -q --cacert "$PKI/ca.crt" "$URL" || die "$a: the check failed"
		echo $(( ($(date +%s%N) - t0) / 1000000 )) >>"$OUT/wall-$a"
	done
	n=$(median <"$OUT/insns-$a")
	lo=$(sort -n "$OUT/insns-$a" | head -n 1)
	hi=$(sort -n "$OUT/insns-$a" | tail -n 1)
	w=$(median <"$OUT/wall-$a")
	say "$a: $n instructions, $w ms"
	echo "| $a | $(commas "$(wc -c <"$bin")") | $(commas "$n") ($(commas "$lo")..$(commas "$hi")) | $(commas "$w") |" >>"$OUT/results.md"
done
cat "$OUT/results.md"
