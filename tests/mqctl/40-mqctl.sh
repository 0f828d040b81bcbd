#!/bin/sh
# SPDX-License-Identifier: MIT
# 40-mqctl - mqctl's output and exit status (TAP, busybox ash).
#
# Exit status contract: 0 success; 1 operation error with ONE line on
# stderr naming the errno ("mqctl: recv q: ... (EAGAIN)"); 2 usage error.
# Usage cases run anywhere; the rest needs /dev/mqueue-lab (skipped, with
# the reason, when it is missing).  MQCTL overrides the binary under test.
MQCTL=${MQCTL:-mqctl}
T=$(mktemp -d /tmp/40-mqctl.XXXXXX) || exit 1
q=mqctl-t$$		# our queue; unique, so no other test can interfere
n=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

# check DESC COMMAND...: one TAP line for the exit status of COMMAND.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}

# tap STATUS DESC: one TAP line for a status, as in `cond; tap $? desc`.
tap() {
	if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi
}

# run ARGS...: run mqctl; $rc is its status, $T/out and $T/err its output.
run() {
	"$MQCTL" "$@" > "$T/out" 2> "$T/err"
	rc=$?
}

# show: the last command's output, as TAP comments (after a failure).
show() {
	echo "# exit status $rc"
	sed 's/^/# stdout: /' "$T/out"
	sed 's/^/# stderr: /' "$T/err"
}

# one_line_error PATTERN: stderr is exactly one line, matching PATTERN.
one_line_error() {
	[ "$(wc -l < "$T/err")" = 1 ] && grep -Eq "$1" "$T/err"
}

# expect_fail DESC STATUS PATTERN ARGS...: mqctl ARGS exits with STATUS
# and one line on stderr that matches PATTERN, and prints nothing else.
expect_fail() {
	d=$1 want=$2 pat=$3
	shift 3
	run "$@"
	if [ "$rc" = "$want" ] && one_line_error "$pat" && [ ! -s "$T/out" ]
	then
		ok "$d"
	else
		notok "$d"
		show
	fi
}

# expect_ok DESC ARGS...: mqctl ARGS exits with 0 and prints no error.
expect_ok() {
	d=$1
	shift
	run "$@"
	if [ "$rc" = 0 ] && [ ! -s "$T/err" ]; then
		ok "$d"
	else
		notok "$d"
		show
	fi
}

# stat_field KEY: the value of KEY in `mqctl stat $q`.
stat_field() {
	"$MQCTL" stat "$q" | awk -v k="$1:" '$1 == k { print $2 }'
}

# ---- usage errors and help: no device needed ----

expect_fail "no command: status 2" 2 "missing command.*--help"
expect_fail "unknown command: status 2" 2 \
	"unknown command 'frobnicate'.*--help" frobnicate
expect_fail "unknown option: status 2" 2 "unknown option '--bogus'" \
	recv "$q" --bogus
expect_fail "unknown short option: status 2" 2 "unknown option '-x'" \
	recv "$q" -x
expect_fail "stat without a name: status 2" 2 "stat: missing queue name" stat
expect_fail "-p without its argument: status 2" 2 \
	"needs an argument.*mqctl send --help" send "$q" -p
expect_fail "send without a name: status 2" 2 "send: missing queue name" \
	send
expect_fail "recv -n abc (bad number): status 2" 2 "bad count.*'abc'" \
	recv "$q" -n abc
expect_fail "recv -n 0 (bad number): status 2" 2 "bad count" recv "$q" -n 0
expect_fail "send -p -1 (bad number): status 2" 2 "bad number for -p" \
	send "$q" -p -1 x
expect_fail "create --maxmsg 12x (bad number): status 2" 2 \
	"bad number for --maxmsg" create "$q" --maxmsg 12x
expect_fail "create --mode 0800 (bad octal): status 2" 2 "bad octal mode" \
	create "$q" --mode 0800
expect_fail "recv --timeout 1.x (bad number): status 2" 2 \
	"bad number of seconds" recv "$q" --timeout 1.x
expect_fail "ls with an argument: status 2" 2 "unexpected argument" ls extra

run --help
check "--help: status 0" [ "$rc" = 0 ]
missing=""
for c in create send recv peek watch stat ls rm destroy chmod chown; do
	grep -Eq "^  $c( |$)" "$T/out" || missing="$missing $c"
done
check "--help mentions every command${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]
run recv --help
[ "$rc" = 0 ] && grep -q -- '--timeout' "$T/out" &&
	grep -q -- '--nonblock' "$T/out" && grep -q -- '--count' "$T/out"
tap $? "recv --help: status 0, shows the options"
run -h
check "-h: status 0" [ "$rc" = 0 ]
run --version
[ "$rc" = 0 ] && grep -q '^mqctl [0-9]' "$T/out"
tap $? "--version: status 0, names the tool and its version"

# ---- without the device: one clean line and status 1 ----

if [ ! -c /dev/mqueue-lab ]; then
	expect_fail "stat without the device: status 1" 1 \
		"^mqctl: stat: /dev/mqueue-lab: .*\(ENOENT\)" stat "$q"
	skip "create, send, recv, stat, ls, rm, watch" \
		"/dev/mqueue-lab is missing"
	echo "1..$n"
	rm -rf "$T"
	exit 0
fi

# ---- create ----

expect_ok "create $q: status 0" create "$q" --maxmsg 5 --msgsize 64 \
	--mode 600
expect_fail "create $q again: status 1, EEXIST" 1 \
	"^mqctl: create $q: .*\(EEXIST\)$" create "$q"
run --version
check "--version shows the device interface version" \
	grep -Eq '^device interface: [0-9]+\.[0-9]+' "$T/out"

# ---- stat ----

run stat "$q"
missing=""
for k in name maxmsg msgsize curmsgs curbytes waiting_senders \
	waiting_receivers sent received mode uid gid; do
	grep -Eq "^$k: +[^ ]" "$T/out" || missing="$missing $k"
done
[ "$rc" = 0 ] && [ -z "$missing" ]
tap $? "stat: status 0, prints every field${missing:+ (missing:$missing)}"
[ "$(stat_field maxmsg)" = 5 ] && [ "$(stat_field msgsize)" = 64 ]
tap $? "stat: maxmsg 5, msgsize 64 as created"
[ "$(stat_field mode)" = 0600 ] && [ "$(stat_field uid)" = "$(id -u)" ] &&
	[ "$(stat_field gid)" = "$(id -g)" ]
tap $? "stat: mode 0600, owner $(id -u):$(id -g)"
[ "$(stat_field curmsgs)" = 0 ] && [ "$(stat_field curbytes)" = 0 ] &&
	[ "$(stat_field sent)" = 0 ] && [ "$(stat_field received)" = 0 ] &&
	[ "$(stat_field waiting_senders)" = 0 ] &&
	[ "$(stat_field waiting_receivers)" = 0 ]
tap $? "stat: a new queue is empty, its counters 0"
expect_ok "stat /$q (leading '/' stripped): status 0" stat "/$q"

# ---- send / recv round trip ----

"$MQCTL" send "$q" -p 7 "hello world" > "$T/out" 2> "$T/err" &
spid=$!
wait $spid
rc=$?
[ "$rc" = 0 ] && [ ! -s "$T/err" ]
tap $? "send -p 7 'hello world': status 0"
[ "$(stat_field curmsgs)" = 1 ] && [ "$(stat_field curbytes)" = 11 ] &&
	[ "$(stat_field sent)" = 1 ]
tap $? "stat after send: curmsgs 1, curbytes 11, sent 1"
expect_ok "recv: status 0" recv "$q"
check "recv: header line has prio=7, the sender's pid and uid, len=11" \
	[ "$(sed -n 1p "$T/out")" = "prio=7 pid=$spid uid=$(id -u) len=11" ]
[ "$(sed -n 2p "$T/out")" = "hello world" ] && [ "$(wc -l < "$T/out")" = 2 ]
tap $? "recv: payload line is the message, and nothing more"
[ "$(stat_field curmsgs)" = 0 ] && [ "$(stat_field received)" = 1 ]
tap $? "stat after recv: curmsgs 0, received 1"

# ---- errors of send and recv ----

expect_fail "recv --nonblock on empty: status 1, EAGAIN" 1 \
	"^mqctl: recv $q: .*\(EAGAIN\)$" recv "$q" --nonblock
t0=$(cut -d' ' -f1 /proc/uptime)
expect_fail "recv --timeout 0.2 on empty: status 1, ETIMEDOUT" 1 \
	"^mqctl: recv $q: .*\(ETIMEDOUT\)$" recv "$q" --timeout 0.2
t1=$(cut -d' ' -f1 /proc/uptime)
check "recv --timeout 0.2 waited at least 0.2 s ($t0 -> $t1)" \
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 0.19) }'
expect_fail "send -p 40000: status 1, EINVAL" 1 \
	"^mqctl: send $q: .*\(EINVAL\)$" send "$q" -p 40000 x
expect_fail "send of 65 bytes to msgsize 64: status 1, EMSGSIZE" 1 \
	"\(EMSGSIZE\)$" send "$q" \
	"12345678901234567890123456789012345678901234567890123456789012345"
expect_fail "recv of a missing queue: status 1, ENOENT" 1 \
	"^mqctl: recv $q-none: .*\(ENOENT\)$" recv "$q-none" --nonblock

# ---- send from stdin, escapes ----

printf 'line1\nline2\t\\\001' | "$MQCTL" send "$q" > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$T/err" ]
tap $? "send from stdin: status 0"
expect_ok "recv of the stdin message: status 0" recv "$q" --nonblock
sed -n 1p "$T/out" | grep -Eq "^prio=0 pid=[0-9]+ uid=$(id -u) len=14\$"
tap $? "recv: all 14 bytes of stdin arrive as one message"
[ "$(sed -n 2p "$T/out")" = 'line1\nline2\t\\\x01' ]
tap $? "recv: the payload is escaped (\\n, \\t, \\\\, \\xHH)"
head -c 65 /dev/zero | "$MQCTL" send "$q" > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" = 1 ] && one_line_error "^mqctl: send $q: .*\(EMSGSIZE\)$"
tap $? "65 bytes of stdin to msgsize 64: status 1, one line, EMSGSIZE"
check "nothing was sent by the failed sends" [ "$(stat_field curmsgs)" = 0 ]

# ---- send of several messages (batches), recv -n: order ----

"$MQCTL" send "$q" -p 2 one two three > "$T/out" 2> "$T/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ "$(stat_field curmsgs)" = 3 ]
tap $? "send of three messages: status 0, three queued"
expect_ok "recv -n 3 of them: status 0" recv "$q" -n 3 --nonblock
check "recv -n 3: one, two, three in order, at prio 2" \
	[ "$(awk 'NR % 2 == 1 { sub(/ .*/, ""); printf "%s ", $0 }
		NR % 2 == 0 { printf "%s ", $0 }' "$T/out")" = \
	  "prio=2 one prio=2 two prio=2 three " ]
"$MQCTL" send "$q" a b c d > /dev/null 2>&1
run send "$q" --nonblock e f
[ "$rc" = 1 ] && one_line_error "^mqctl: send $q: .*\(EAGAIN\)$"
tap $? "send of two with room for one (maxmsg 5): status 1, EAGAIN"
run recv "$q" -n 6 --nonblock
[ "$rc" = 1 ] && one_line_error "^mqctl: recv $q: .*\(EAGAIN\)$" &&
	[ "$(awk 'NR % 2 == 0 { printf "%s", $0 }' "$T/out")" = abcde ]
tap $? "recv -n 6 of 5 --nonblock: the five in order, then EAGAIN"

# ---- recv -n 3: priority order ----

"$MQCTL" send "$q" -p 1 low && "$MQCTL" send "$q" -p 9 high &&
	"$MQCTL" send "$q" --prio 5 mid
tap $? "three sends at priorities 1, 9, 5: status 0"
expect_ok "recv -n 3: status 0" recv "$q" -n 3
check "recv -n 3: three messages, highest priority first" \
	[ "$(awk 'NR % 2 == 1 { sub(/ .*/, ""); printf "%s ", $0 }
		NR % 2 == 0 { printf "%s ", $0 }' "$T/out")" = \
	  "prio=9 high prio=5 mid prio=1 low " ]

# ---- ls ----

"$MQCTL" send "$q" -p 3 "queued" || true
expect_ok "ls: status 0" ls
# Compare word by word: ls only realigns the columns (echo of an unquoted
# $(...) squeezes the blanks).
# shellcheck disable=SC2046,SC2005
[ -n "$(sed -n 1p "$T/out")" ] &&
	[ "$(echo $(sed -n 1p "$T/out"))" = "$(echo $(sed -n 1p /proc/mqueue-lab))" ]
tap $? "ls: the header line of /proc/mqueue-lab first"
# shellcheck disable=SC2046,SC2005
[ "$(echo $(grep "^$q " "$T/out"))" = \
	"$(echo $(grep "^${q}[[:space:]]" /proc/mqueue-lab))" ]
tap $? "ls: lists $q with the fields of /proc/mqueue-lab"
# ls_field COLUMN: the value in the header's column COLUMN of our row.
ls_field() {
	awk -v q="$q" -v col="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$1 == q && c { print $c }' "$T/out"
}
[ "$(ls_field curmsgs)" = 1 ] && [ "$(ls_field curbytes)" = 6 ] &&
	[ "$(ls_field maxmsg)" = 5 ] && [ "$(ls_field msgsize)" = 64 ]
tap $? "ls: $q's counters: curmsgs 1, curbytes 6, maxmsg 5, msgsize 64"

# ---- watch ----

# watch_case SIGNAL: a message sent while watch runs is printed, and
# SIGNAL ends watch with status 0.
watch_case() {
	"$MQCTL" watch "$q" > "$T/watch" 2>&1 &
	wpid=$!
	sleep 0.2
	"$MQCTL" send "$q" -p 4 "seen by watch $1"
	i=0
	while ! grep -q "^seen by watch $1\$" "$T/watch" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check "watch prints a message sent while it runs ($1)" \
		grep -q "^seen by watch $1\$" "$T/watch"
	check "watch: the header line of that message" \
		grep -Eq "^prio=4 pid=[0-9]+ uid=$(id -u) len=$((14 + ${#1}))\$" \
		"$T/watch"
	kill -s "$1" $wpid
	wait $wpid
	rc=$?
	check "watch ends with status 0 on SIG$1 (status $rc)" [ "$rc" = 0 ]
}
"$MQCTL" recv "$q" -n 1 --nonblock > /dev/null 2>&1	# empty it
watch_case TERM
watch_case INT
check "watch took the messages (curmsgs 0)" [ "$(stat_field curmsgs)" = 0 ]

# ---- rm ----

expect_ok "rm $q: status 0" rm "$q"
expect_fail "rm $q again: status 1, ENOENT" 1 \
	"^mqctl: rm $q: .*\(ENOENT\)$" rm "$q"
expect_fail "stat $q after rm: status 1, ENOENT" 1 "\(ENOENT\)$" stat "$q"
run ls
[ "$rc" = 0 ] && ! grep -Eq "^$q " "$T/out"
tap $? "ls no longer lists $q"

# ---- destroy, rm --destroy ----

expect_ok "create $q for destroy: status 0" create "$q" --maxmsg 2
"$MQCTL" recv "$q" > "$T/rout" 2> "$T/rerr" &
rpid=$!
i=0
while [ "$(stat_field waiting_receivers)" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "a recv blocks on the empty queue" \
	[ "$(stat_field waiting_receivers)" = 1 ]
expect_ok "destroy $q: status 0" destroy "$q"
i=0
while kill -0 $rpid 2> /dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $rpid 2> /dev/null		# still blocked: the check below fails
wait $rpid
rrc=$?
[ "$rrc" = 1 ] && [ "$(wc -l < "$T/rerr")" = 1 ] &&
	grep -Eq "^mqctl: recv $q: .*\(EIDRM\)$" "$T/rerr"
tap $? "the blocked recv ends with status 1 and EIDRM (status $rrc: $(cat "$T/rerr"))"
expect_fail "destroy $q again: status 1, ENOENT" 1 \
	"^mqctl: destroy $q: .*\(ENOENT\)$" destroy "$q"
expect_ok "create $q again: status 0" create "$q"
expect_ok "rm --destroy $q: status 0" rm --destroy "$q"
expect_fail "stat $q after rm --destroy: status 1, ENOENT" 1 "\(ENOENT\)$" \
	stat "$q"
expect_fail "destroy without a name: status 2" 2 "destroy: missing queue name" \
	destroy

# ---- peek, recv --prio-eq/--prio-le/--prio-ne ----

expect_ok "create $q for peek: status 0" create "$q"
expect_ok "send low at 1" send "$q" -p 1 low
expect_ok "send urgent at 9" send "$q" -p 9 urgent
expect_ok "peek $q: status 0" peek "$q"
grep -q '^prio=9 ' "$T/out" && grep -qx 'urgent' "$T/out"
tap $? "peek shows the head, urgent at 9"
check "peek leaves both messages" [ "$(stat_field curmsgs)" = 2 ]
expect_ok "peek --prio-eq 1: status 0" peek "$q" --prio-eq 1
grep -qx 'low' "$T/out"
tap $? "peek --prio-eq 1 shows low"
expect_ok "recv --prio-le 5: status 0" recv "$q" --prio-le 5
grep -q '^prio=1 ' "$T/out" && grep -qx 'low' "$T/out"
tap $? "recv --prio-le 5 takes low, not urgent"
expect_fail "recv --prio-ne 9 --nonblock: status 1, EAGAIN" 1 \
	"^mqctl: recv $q: .*\(EAGAIN\)$" recv "$q" --prio-ne 9 --nonblock
expect_fail "recv with two selectors: status 2" 2 "only one of" \
	recv "$q" --prio-eq 1 --prio-ne 2
expect_fail "recv --prio-eq 32768: status 2" 2 "bad priority" \
	recv "$q" --prio-eq 32768
expect_fail "peek -n 2: status 2" 2 "unknown option" peek "$q" -n 2
expect_ok "recv urgent: status 0" recv "$q"
expect_fail "peek --nonblock on the empty queue: status 1, EAGAIN" 1 \
	"^mqctl: peek $q: .*\(EAGAIN\)$" peek "$q" --nonblock
expect_ok "rm $q after peek: status 0" rm "$q"
# ---- chmod, chown (root: CAP_CHOWN) ----

expect_ok "create $q for chmod: status 0" create "$q" --mode 0600
expect_ok "chmod $q 640: status 0" chmod "$q" 640
check "stat shows mode 0640" [ "$(stat_field mode)" = 0640 ]
expect_ok "chown $q 1000:1001: status 0" chown "$q" 1000:1001
check "stat shows uid 1000 gid 1001" \
	[ "$(stat_field uid)/$(stat_field gid)" = 1000/1001 ]
expect_ok "chown $q :1002 (the group only): status 0" chown "$q" :1002
check "stat shows uid 1000 gid 1002" \
	[ "$(stat_field uid)/$(stat_field gid)" = 1000/1002 ]
expect_ok "chown $q 0 (the owner only): status 0" chown "$q" 0
check "stat shows uid 0 gid 1002" \
	[ "$(stat_field uid)/$(stat_field gid)" = 0/1002 ]
expect_fail "chmod $q 1777: status 2" 2 "bad octal mode" chmod "$q" 1777
expect_fail "chmod without a mode: status 2" 2 "missing mode" chmod "$q"
expect_fail "chown without an owner: status 2" 2 "missing USER" chown "$q"
expect_fail "chown $q 1000: (no group): status 2" 2 "missing group" \
	chown "$q" 1000:
expect_fail "chown $q no-such-user-x: status 2" 2 "unknown user" \
	chown "$q" no-such-user-x
expect_ok "rm $q: status 0" rm "$q"
expect_fail "chmod $q after rm: status 1, ENOENT" 1 \
	"^mqctl: chmod $q: .*\(ENOENT\)$" chmod "$q" 600

echo "1..$n"
rm -rf "$T"
