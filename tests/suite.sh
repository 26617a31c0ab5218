#!/bin/sh
# tests/suite.sh: runs one test suite and keeps the tally; prints totals.
#
#   tests/suite.sh run TALLY NAME CMD [ARG...]
#       runs CMD (output streamed as it comes), takes the suite's last line of
#       the form "N passed, N failed[, N skipped]" and appends it to the file
#       TALLY (and to $ATLWHO_CI_TALLY when set: .ci/run's grand total). A
#       suite that exits non-zero without counting a failure, or prints no
#       such line, counts as one failure: a crash is never a silent pass.
#   tests/suite.sh total TALLY [LABEL]
#       prints one summary line per suite that failed or skipped everything,
#       then the total "N passed, N failed" (last line) of every suite in
#       TALLY; exits 1 if any check failed.
set -u

case ${1:-} in
run)
	tally=$2 name=$3
	shift 3
	tmp=$(mktemp "${TMPDIR:-/tmp}/atlwho-suite.XXXXXX")
	{ "$@" 2>&1; echo $? > "$tmp.rc"; } | tee "$tmp"
	rc=$(cat "$tmp.rc")
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$tmp" | tail -n 1)
	rm -f "$tmp" "$tmp.rc"
	p=0 f=0 s=0
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#* passed, }; f=${f%% failed*}
		case $line in *skipped) s=${line##*failed, }; s=${s%% skipped} ;; esac
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "suite.sh: $name exited $rc without reporting a failed check: counted as 1 failed"
		f=1
	elif [ -z "$line" ]; then
		echo "suite.sh: $name printed no 'N passed, N failed' line: counted as 1 failed"
		f=1
	fi
	for t in "$tally" "${ATLWHO_CI_TALLY:-}"; do
		[ -n "$t" ] && echo "$p $f $s $name" >> "$t"
	done
	[ "$f" = 0 ]
	;;
total)
	tally=$2 label=${3:-total}
	[ -f "$tally" ] || { echo "suite.sh: no suites ran ($tally missing)"; echo "0 passed, 1 failed"; exit 1; }
	awk -v label="$label" '
		{ p += $1; f += $2; s += $3; n++
		  if ($2 > 0) { failed = failed "\n   failed: " $4 " (" $2 ")" }
		  if ($1 == 0 && $2 == 0) { empty = empty "\n   ran nothing: " $4 " (" $3 " skipped)" } }
		END {
			printf "== %s: %d suites, %d skipped checks%s%s\n", label, n, s, failed, empty
			printf "%d passed, %d failed\n", p, f
			exit f > 0 }' "$tally"
	;;
*)
	echo "usage: tests/suite.sh run TALLY NAME CMD... | total TALLY [LABEL]" >&2
	exit 2
	;;
esac
