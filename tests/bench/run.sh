#!/bin/bash
# run.sh: atlwho side by side with curl, Go net/http (and Python urllib and
# node https when present) against a loopback nginx, in one run: wall and CPU
# time, peak RSS, instruction counts, and atlwho's stripped size. Not a test:
# it asserts nothing about time; it prints a markdown table (stdout and
# build/bench/results.md). Called by `make bench`.
#
# Environment:
#   BENCH_RUNS=N        timed runs per scenario and client (default 30; 3 = smoke run)
#   BENCH_PORT=P        first of the three loopback ports (default 18443)
#   BENCH_EXTRA=0       leave out the Python and node rows
#   BENCH_CALLGRIND=0   skip the instruction counts and the heap profile (valgrind)
#   BENCH_VG_TIMEOUT=S  bound on each callgrind run (default 120 s)
#   BENCH_VG_EXTRA=0    do not count Python's and node's instructions
#   BENCH_BIG_BYTES=N   size of the big reply (default 20000000)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/build/bench

RUNS=${BENCH_RUNS:-30}
PORT_EC=${BENCH_PORT:-18443}
PORT_RSA=$((PORT_EC + 1))
PORT_P384=$((PORT_EC + 2))
EXTRA=${BENCH_EXTRA:-1}
CALLGRIND=${BENCH_CALLGRIND:-1}
VG_TIMEOUT=${BENCH_VG_TIMEOUT:-120}
VG_EXTRA=${BENCH_VG_EXTRA:-1}
BIG_BYTES=${BENCH_BIG_BYTES:-20000000}
SYS_BUNDLE=/etc/ssl/certs/ca-certificates.crt
case $RUNS in '' | *[!0-9]* | 0) echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

# Only what we pass: no proxy, no ambient trust settings.
unset http_proxy https_proxy HTTPS_PROXY HTTP_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY \
	SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE NODE_EXTRA_CA_CERTS NODE_OPTIONS GODEBUG
export ATLWHO_TOKEN=bench-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH

say() { printf 'bench: %s\n' "$*" >&2; }
commas() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|[^0-9]\)/\1,\2\3/; ta'; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

for c in cc curl go openssl nginx awk; do
	command -v "$c" >/dev/null 2>&1 || die "missing $c (vendor/deps.sh build static test bench)"
done
[ -r "$SYS_BUNDLE" ] || die "missing $SYS_BUNDLE (ca-certificates)"

# The machine, said before anything runs: wall times and their ratios hold
# only for it (and only when it is quiet); instruction counts do not move.
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "machine: $CPU_MODEL, $(nproc) CPUs, Linux $(uname -r); load average $LOAD_START (1, 5, 15 min)"

rm -rf "$OUT/runs" "$OUT/callgrind" "$OUT/nginx"
mkdir -p "$OUT/runs" "$OUT/callgrind" "$OUT/nginx/tmp" "$OUT/nginx/pki" "$OUT/go"

# --- atlwho: the stripped static binary users get ---
say "building atlwho (make static)"
make --no-print-directory static >"$OUT/make-static.log" 2>&1 || { tail -n 30 "$OUT/make-static.log" >&2; die "make static failed"; }
ATLWHO=$ROOT/atlwho-static-x86_64
ATLWHO_SYMS=$ROOT/build/static-x86_64/atlwho # the same binary before strip: callgrind names functions
SIZE=$(wc -c <"$ATLWHO")

# --- the Go peer: standard library only, static, nothing written to $HOME ---
say "building the Go client"
mkdir -p "$OUT/go/home"
(cd "$ROOT/tests/bench" && env HOME="$OUT/go/home" XDG_CONFIG_HOME="$OUT/go/home" XDG_CACHE_HOME="$OUT/go/home" \
	GOCACHE="$OUT/go/cache" GOPATH="$OUT/go/path" GOMODCACHE="$OUT/go/path/pkg/mod" \
	GOENV=off GOFLAGS= GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off CGO_ENABLED=0 \
	go build -trimpath -ldflags='-s -w' -o "$OUT/client-go" client.go) || die "go build failed"
GOCLIENT=$OUT/client-go
TIMER=$OUT/timer
cc -O2 -o "$TIMER" "$ROOT/tests/bench/timer.c" || die "cannot build tests/bench/timer.c"
PEAKRSS=$OUT/peakrss
cc -O2 -o "$PEAKRSS" "$ROOT/tests/bench/peakrss.c" || die "cannot build tests/bench/peakrss.c"

# --- throw-away PKI: an ECDSA P-256 CA and an RSA-2048 CA, one leaf each;
# a P-384 root and intermediate with a P-256 leaf (Let's Encrypt's shape) ---
say "making certificates"
PKI=$OUT/nginx/pki
mkca() { # name keyalg-options...
	local n=$1; shift
	openssl req -x509 -new -nodes -newkey "$@" -keyout "$PKI/$n.key" -out "$PKI/$n.crt" -days 30 \
		-subj "/O=atlwho bench/CN=atlwho bench $n" -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
mkint() { # name ca keyalg-options...: an intermediate CA signed by ca
	local n=$1 ca=$2; shift 2
	openssl req -new -nodes -newkey "$@" -keyout "$PKI/$n.key" -out "$PKI/$n.csr" \
		-subj "/O=atlwho bench/CN=atlwho bench $n" 2>/dev/null
	printf '%s\n' "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign" >"$PKI/$n.ext"
	openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
		-days 30 -sha384 -extfile "$PKI/$n.ext" -out "$PKI/$n.crt" 2>/dev/null
}
mkleaf() { # name ca keyalg-options...
	local n=$1 ca=$2; shift 2
	openssl req -new -nodes -newkey "$@" -keyout "$PKI/$n.key" -out "$PKI/$n.csr" \
		-subj "/O=atlwho bench/CN=127.0.0.1" 2>/dev/null
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$PKI/$n.ext"
	openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
		-days 30 "-${LEAF_MD:-sha256}" -extfile "$PKI/$n.ext" -out "$PKI/$n.crt" 2>/dev/null
}
mkca ca-ec ec -pkeyopt ec_paramgen_curve:P-256
mkca ca-rsa rsa:2048
mkleaf ec ca-ec ec -pkeyopt ec_paramgen_curve:P-256
mkleaf rsa ca-rsa rsa:2048
mkca ca-384 ec -pkeyopt ec_paramgen_curve:P-384
mkint int-384 ca-384 ec -pkeyopt ec_paramgen_curve:P-384
LEAF_MD=sha384 mkleaf ec384 int-384 ec -pkeyopt ec_paramgen_curve:P-256
cat "$PKI/ec384.crt" "$PKI/int-384.crt" >"$PKI/ec384-chain.crt"
CA384=$OUT/ca-384.pem           # the P-384 root only
cp "$PKI/ca-384.crt" "$CA384"
# (5): the SubjectPublicKeyInfo pin of the P-256 leaf, curl's format
PIN=sha256//$(openssl x509 -in "$PKI/ec.crt" -pubkey -noout | openssl pkey -pubin -outform der |
	openssl dgst -sha256 -binary | openssl base64 -A)
CA=$OUT/ca.pem                  # the test CAs only
BUNDLE=$OUT/ca-bundle-system.pem # the system bundle, our CAs appended at the end
cat "$PKI/ca-ec.crt" "$PKI/ca-rsa.crt" >"$CA"
cat "$SYS_BUNDLE" "$CA" >"$BUNDLE"
NSYS=$(grep -c 'BEGIN CERTIFICATE' "$SYS_BUNDLE")

# --- the replies: the 1,174-byte /myself, and a user in a huge number of groups ---
WWW=$OUT/nginx/www
mkdir -p "$WWW/rest/api/2" "$WWW/big/rest/api/2"
cp "$ROOT/tests/bench/myself.json" "$WWW/rest/api/2/myself"
awk -v target="$BIG_BYTES" 'BEGIN {
	head = "{\"self\":\"https://jira.example.com/rest/api/2/user?username=fred\",\"key\":\"JIRAUSER19571\"," \
	    "\"name\":\"fred\",\"emailAddress\":\"fred@example.com\",\"displayName\":\"Fr\\u00e9d\\u00e9ric \\\"Fred\\\" User\"," \
	    "\"active\":true,\"deleted\":false,\"timeZone\":\"Australia/Sydney\",\"locale\":\"en_US\",\"groups\":{\"size\":"
	tail = "]},\"applicationRoles\":{\"size\":1,\"items\":[]},\"expand\":\"groups,applicationRoles\"}"
	item = "{\"name\":\"jira-group-%07d\",\"self\":\"https:\\/\\/jira.example.com\\/rest\\/api\\/2\\/group?groupname=jira-group-%07d\",\"description\":\"caf\\u00e9 team %d\"}"
	one = length(sprintf(item, 0, 0, 0)) + 1
	n = int((target - length(head) - length(tail) - 20) / one)
	printf "%s%d,\"items\":[", head, n
	for (i = 0; i < n; i++) printf "%s" item, (i ? "," : ""), i, i, i
	printf "%s", tail
}' >"$WWW/big/rest/api/2/myself"
BIGSZ=$(wc -c <"$WWW/big/rest/api/2/myself")

# --- nginx, a daemon with everything under build/bench/nginx ---
NGX=$OUT/nginx
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;" # workers keep root: build/ need not be world-readable
sed -e "s|@DIR@|$NGX|g" -e "s|@PORT_EC@|$PORT_EC|g" -e "s|@PORT_RSA@|$PORT_RSA|g" -e "s|@PORT_P384@|$PORT_P384|g" -e "s|@USER@|$user_line|" \
	"$ROOT/tests/bench/nginx.conf.in" >"$NGX/nginx.conf"
stop_nginx() {
	local pid
	pid=$(cat "$NGX/nginx.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}
trap stop_nginx EXIT
trap 'exit 130' INT TERM
nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" ||
	die "nginx did not start (ports $PORT_EC..$PORT_P384 busy? set BENCH_PORT); see $NGX/error.log"
for _ in $(seq 50); do [ -s "$NGX/nginx.pid" ] && break; sleep 0.1; done

# --- clients and scenarios ---
PY=""
NODE=""
if [ "$EXTRA" = 1 ]; then
	# Debian's interpreter, not a version-manager shim (that would time a shell script).
	for p in /usr/bin/python3 "$(command -v python3 || true)"; do [ -x "$p" ] && { PY=$p; break; }; done
	NODE=$(command -v node || command -v nodejs || true)
fi
CLIENTS="atlwho curl go"
[ -n "$PY" ] && CLIENTS="$CLIENTS python"
[ -n "$NODE" ] && CLIENTS="$CLIENTS node"

SCENARIOS="s1 s2 s5 s6 s3 s4"
scen_name() {
	case $1 in
	s1) echo "(1) TLS 1.3, ECDSA P-256" ;;
	s2) echo "(2) TLS 1.2, RSA-2048" ;;
	s3) echo "(3) TLS 1.3, system bundle ($NSYS CAs + ours at the end)" ;;
	s4) echo "(4) $(commas "$BIGSZ")-byte reply, TLS 1.3 ECDSA" ;;
	s5) echo "(5) TLS 1.3, ECDSA P-256, pin only (no CA)" ;;
	s6) echo "(6) TLS 1.3, P-384 root and intermediate, P-256 leaf" ;;
	esac
}
# Sets CMD for client $1 in scenario $2; $3 = 1 for the unstripped atlwho.
set_cmd() {
	local base ca
	case $2 in
	s1) base=https://127.0.0.1:$PORT_EC ca=$CA ;;
	s2) base=https://127.0.0.1:$PORT_RSA ca=$CA ;;
	s3) base=https://127.0.0.1:$PORT_EC ca=$BUNDLE ;;
	s4) base=https://127.0.0.1:$PORT_EC/big ca=$CA ;;
	s5) base=https://127.0.0.1:$PORT_EC ca="" ;;
	s6) base=https://127.0.0.1:$PORT_P384 ca=$CA384 ;;
	esac
	local url=$base/rest/api/2/myself bin=$ATLWHO
	[ "${3:-0}" = 1 ] && bin=$ATLWHO_SYMS
	# (5): no CA; the pin is the whole trust (curl: -k plus --pinnedpubkey).
	local a=(--cacert "$ca") c=(--cacert "$ca") g=(-cacert "$ca") p=("$ca")
	[ -z "$ca" ] && a=(--pin "$PIN") c=(-k --pinnedpubkey "$PIN") g=(-pin "$PIN") p=(--pin "$PIN")
	case $1 in
	atlwho) CMD=("$bin" "${a[@]}" "$base") ;;
	curl) CMD=(curl -q -sS -o /dev/null "${c[@]}" -H "Authorization: Bearer $ATLWHO_TOKEN" "$url") ;; # -q: no ~/.curlrc
	go) CMD=("$GOCLIENT" "${g[@]}" "$url") ;;
	python) CMD=("$PY" "$ROOT/tests/bench/client.py" "${p[@]}" "$url") ;;
	node) CMD=("$NODE" "$ROOT/tests/bench/client.js" "${p[@]}" "$url") ;;
	esac
}

# Every client must get the reply before anything is timed: a fast failure is no result.
say "checking every client once"
declare -A ACTIVE=()
for s in $SCENARIOS; do
	ACTIVE[$s]=""
	for c in $CLIENTS; do
		set_cmd "$c" "$s"
		if "${CMD[@]}" >/dev/null 2>"$OUT/runs/check-$s-$c.err"; then
			ACTIVE[$s]="${ACTIVE[$s]} $c"
		elif [ "$c" = atlwho ]; then
			cat "$OUT/runs/check-$s-$c.err" >&2
			die "atlwho failed in scenario $s: ${CMD[*]}"
		else
			say "$c fails in $s, left out: $(head -c 300 "$OUT/runs/check-$s-$c.err")"
		fi
	done
done

# --- time: the clients alternate within each iteration, order rotated ---
# timer.c records wall time and the child's CPU time (user+system, all its
# threads) for each run: "wall_us cpu_us exit", one line per run.
FAILS=0
for s in $SCENARIOS; do
	say "timing $s ($RUNS runs of:${ACTIVE[$s]})"
	read -r -a list <<<"${ACTIVE[$s]}"
	k=${#list[@]}
	for c in "${list[@]}"; do : >"$OUT/runs/$s-$c.t"; done
	for ((i = 0; i < RUNS; i++)); do
		for ((j = 0; j < k; j++)); do
			c=${list[$(((i + j) % k))]}
			set_cmd "$c" "$s"
			rc=0
			"$TIMER" "$OUT/runs/$s-$c.t" "${CMD[@]}" >/dev/null 2>>"$OUT/runs/errors.log" || rc=$?
			if [ "$rc" != 0 ]; then
				FAILS=$((FAILS + 1))
				echo "$s $c run $i: exit $rc" >>"$OUT/runs/errors.log"
			fi
		done
	done
done

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- peak RSS: tests/bench/peakrss.c reads VmHWM when the program exits
# (getrusage's figure is coarse and counts the forked parent; see there);
# 5 runs, the highest is the figure, the lowest shows the spread ---
say "peak RSS"
declare -A RSS=()
for s in $SCENARIOS; do
	for c in ${ACTIVE[$s]}; do
		set_cmd "$c" "$s"
		f=$OUT/runs/rss-$s-$c
		: >"$f"
		for _ in 1 2 3 4 5; do
			"$PEAKRSS" "$f" "${CMD[@]}" >/dev/null 2>&1 || true
		done
		if [ -s "$f" ]; then
			RSS[$s-$c]="$(commas "$(sort -n "$f" | tail -n 1)") ($(commas "$(sort -n "$f" | head -n 1)"))"
		else
			RSS[$s-$c]=n/a
		fi
	done
done

# --- atlwho's peak heap: valgrind massif on the glibc build (massif cannot see
# the static binary's musl malloc); useful bytes plus allocator overhead ---
declare -A HEAP=()
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1 &&
	make --no-print-directory atlwho >"$OUT/make-host.log" 2>&1; then
	for s in $SCENARIOS; do
		set_cmd atlwho "$s"
		CMD[0]=$ROOT/atlwho
		f=$OUT/callgrind/massif-$s.out
		if timeout "$VG_TIMEOUT" valgrind --tool=massif --massif-out-file="$f" "${CMD[@]}" >/dev/null 2>&1; then
			HEAP[$s]=$(awk -F= '/^mem_heap_B=/ { u = $2 } /^mem_heap_extra_B=/ { if (u + $2 > m) { m = u + $2; mu = u } }
				END { printf "%.1f KB (%.1f KB requested)", m / 1024, mu / 1024 }' "$f")
		fi
	done
fi

# --- instructions: one callgrind run each, bounded; repeatable where time is not ---
declare -A IR=()
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
	declare -A VG_BROKEN=()
	for s in $SCENARIOS; do
		for c in ${ACTIVE[$s]}; do
			IR[$s-$c]=n/a
			case $c in python | node) [ "$VG_EXTRA" = 1 ] || { IR[$s-$c]="not run"; continue; } ;; esac
			# A client that valgrind cannot run once is not retried in every scenario.
			[ -n "${VG_BROKEN[$c]:-}" ] && continue
			say "callgrind $s $c"
			set_cmd "$c" "$s" 1
			f=$OUT/callgrind/$s-$c.out
			# Go's asynchronous preemption (SIGURG) trips an assertion in callgrind 3.19.
			vgenv=()
			[ "$c" = go ] && vgenv=(GODEBUG=asyncpreemptoff=1)
			if env "${vgenv[@]}" timeout "$VG_TIMEOUT" valgrind --tool=callgrind --trace-children=no --callgrind-out-file="$f" \
				"${CMD[@]}" >/dev/null 2>"$OUT/callgrind/$s-$c.log"; then
				IR[$s-$c]=$(awk '/^(summary|totals):/ { v = $2 } END { print v }' "$f")
			else
				VG_BROKEN[$c]=1
				say "callgrind failed for $c (see build/bench/callgrind/$s-$c.log); n/a from here on"
			fi
		done
	done
else
	for s in $SCENARIOS; do for c in ${ACTIVE[$s]}; do IR[$s-$c]="not run"; done; done
fi

# --- the table ---
# stats FILE COL -> "median p10 p90 n" in ms over the successful runs (nearest-rank percentiles)
stats() {
	awk -v c="$2" '$3 == 0 { print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a n/a n/a 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		lo = int(0.1 * NR + 0.999999); if (lo < 1) lo = 1
		hi = int(0.9 * NR + 0.999999)
		printf "%.2f %.2f %.2f %d\n", m / 1000, v[lo] / 1000, v[hi] / 1000, NR }'
}
# ratio A B COL -> median over iterations i of A_i / B_i (both runs successful)
ratio() {
	paste -d ' ' "$1" "$2" | awk -v c="$3" '$3 == 0 && $6 == 0 && $(c + 3) > 0 { print $c / $(c + 3) }' |
		sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "n/a"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f\n", m }'
}
label() {
	case $1 in
	atlwho) echo "atlwho" ;;
	curl) echo "curl $(curl --version | awk 'NR == 1 { print $2 }')" ;;
	go) echo "Go $(go env GOVERSION 2>/dev/null | sed 's/^go//') net/http" ;;
	python) echo "Python $("$PY" -c 'import platform; print(platform.python_version())') urllib" ;;
	node) echo "node $("$NODE" --version | sed 's/^v//') https" ;;
	esac
}

RES=$OUT/results.md
{
	echo "## atlwho benchmark"
	echo
	echo "\`BENCH_RUNS=$RUNS make bench\` ($(date -u '+%Y-%m-%d %H:%M UTC'))."
	echo "Machine: $CPU_MODEL, $(nproc) CPUs, Linux $(uname -r); load average $LOAD_START at the start," \
		"$LOAD_END at the end of the timed runs (1, 5, 15 min)."
	echo "Server: $(nginx -v 2>&1 | sed 's/^nginx version: //') ($(openssl version | awk '{ print $1, $2 }')) on 127.0.0.1;" \
		"reply: 1,174 bytes of JSON, (4): $(commas "$BIGSZ") bytes. atlwho stripped static x86-64 (musl): **$(commas "$SIZE") bytes**."
	echo
	echo "| scenario | client | wall median ms | wall p10..p90 ms | atlwho/peer wall | CPU median ms | atlwho/peer CPU | peak RSS KB (lowest) | instructions (Ir) | atlwho/peer Ir |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in $SCENARIOS; do
		for c in ${ACTIVE[$s]}; do
			f=$OUT/runs/$s-$c.t a=$OUT/runs/$s-atlwho.t
			read -r med lo hi n <<<"$(stats "$f" 1)"
			read -r cpu _ <<<"$(stats "$f" 2)"
			rw="--" rc="--"
			if [ "$c" != atlwho ]; then
				rw=$(ratio "$a" "$f" 1)
				rc=$(ratio "$a" "$f" 2)
			fi
			nn=""
			[ "$n" != "$RUNS" ] && nn=" ($n of $RUNS ok)"
			ir=${IR[$s-$c]:-n/a} ai=${IR[$s-atlwho]:-n/a} ri="--"
			case $ir$ai in
			*[!0-9]*) [ "$c" = atlwho ] || ri=n/a ;;
			*) [ "$c" = atlwho ] || ri=$(awk -v a="$ai" -v b="$ir" 'BEGIN { printf "%.2f", a / b }') ;;
			esac
			case $ir in *[!0-9]*) ;; *) ir=$(commas "$ir") ;; esac
			printf '| %s | %s | %s%s | %s..%s | %s | %s | %s | %s | %s | %s |\n' "$(scen_name "$s")" "$(label "$c")" \
				"$med" "$nn" "$lo" "$hi" "$rw" "$cpu" "$rc" "${RSS[$s-$c]}" "$ir" "$ri"
		done
	done
	echo
	if [ "${#HEAP[@]}" -gt 0 ]; then
		printf 'atlwho peak heap (massif, glibc build):'
		sep=" "
		for s in $SCENARIOS; do
			printf '%s(%s) %s' "$sep" "${s#s}" "${HEAP[$s]:-n/a}"
			sep="; "
		done
		echo "."
		echo
	fi
	printf 'Throughput on (4), median wall: '
	sep=""
	for c in ${ACTIVE[s4]}; do
		read -r med _ <<<"$(stats "$OUT/runs/s4-$c.t" 1)"
		printf '%s%s %s MB/s' "$sep" "$c" "$(awk -v b="$BIGSZ" -v m="$med" 'BEGIN { if (m > 0) printf "%.0f", b / m / 1000; else print "n/a" }')"
		sep=", "
	done
	echo "."
	echo
	echo "$RUNS runs per client and scenario; the clients alternate within each iteration, order rotated." \
		"Wall: fork to exit of the whole process (tests/bench/timer.c); CPU: its user+system time, all threads." \
		"atlwho/peer: median over iterations of atlwho's time / the peer's time in the same iteration (< 1: atlwho is faster)." \
		"Peak RSS: VmHWM at exit (tests/bench/peakrss.c), highest (lowest) of 5 runs. Instructions: one \`valgrind --tool=callgrind" \
		"--trace-children=no\` run (Go with GODEBUG=asyncpreemptoff=1; curl, Python and node include their dynamic" \
		"loading; n/a: valgrind could not run it within ${VG_TIMEOUT} s); atlwho/peer Ir: the ratio of the two counts." \
		"Wall-time ratios move from one machine to the next, and with the load (wall times on a busy machine" \
		"include waiting for a CPU); instruction counts do not."
	[ "$FAILS" -gt 0 ] && echo "$FAILS timed runs failed and are left out (build/bench/runs/errors.log)."
	true
} | tee "$RES"

# The JSON scanner alone (issue target: >= 300 MB/s at -O2, peak memory the
# same for a 20 KB and a 20 MB document).
say "JSON scanner alone (tests/bench/bench_json.c, -O2)"
cc -std=c11 -D_DEFAULT_SOURCE -O2 -Isrc -o "$OUT/bench_json" tests/bench/bench_json.c src/json.c src/fmt.c src/redact.c src/b64.c ||
	die "cannot build tests/bench/bench_json.c"
{
	echo
	echo "JSON scanner alone (\`cc -O2 tests/bench/bench_json.c src/json.c src/fmt.c src/redact.c src/b64.c\`, best of 5, 16 KiB feeds):"
	echo
	echo '```'
	"$OUT/bench_json"
	echo '```'
} | tee -a "$RES"
