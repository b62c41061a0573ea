#!/bin/sh
# netmortem collector: gathers the kernel network state behind connection resets, hangs and
# leaks (sockets, conntrack table/stats/events, a capture, rulesets, sysctls, routes, kernel
# log) from a node or a pod's network namespace, and packs it with a manifest into a tar.gz
# that `netmortem analyze` and the netmortem server read as it is.
#
# POSIX sh on purpose: nodes and debug containers have dash or busybox, rarely Node.js.
# Every tool is optional; a missing or failing one is recorded in manifest.json, never fatal.

NETMORTEM_COLLECTOR_VERSION=0.1.0
NETMORTEM_MANIFEST_SCHEMA=1

usage() {
  cat <<'EOF'
Usage: sh collect.sh [options]

Collects what netmortem needs to explain connection resets, hangs and leaks, from the
network namespace it runs in (a node, or a pod via `nsenter -t <pid> -n sh collect.sh`
or `ip netns exec <ns> sh collect.sh`), into one tar.gz with a manifest.

Options:
  -o, --output PATH      archive file, or an existing directory to write it into
                         (default ./netmortem-<host>-<UTC time>.tar.gz)
  -d, --duration SECS    how long conntrack events and the capture run (default 30)
  -f, --filter FILTER    tcpdump filter, e.g. 'tcp port 8080' (default: everything)
  -i, --interface IFACE  capture interface (default any)
  -s, --snaplen BYTES    bytes kept per packet: 0 = whole packets (default), 128 keeps
                         headers only (smaller, less payload to share)
  -m, --max-size MIB     capture size cap in MiB, as a ring of 4 files (default 200)
  -n, --netns NAME       run every command inside `ip netns exec NAME`
  -l, --label TEXT       what the namespace is, for the manifest (e.g. pod:shop/orders-1)
      --no-capture       no tcpdump capture
      --no-events        no conntrack -E event stream
  -h, --help             this help

Environment:
  NETMORTEM_COLLECT_PATH  the only directories searched for tools (default: PATH plus
                          the sbin directories)

Ctrl-C while waiting for the capture stops it early and still writes the archive; at any
other time, or on SIGTERM, the collector stops everything it started and writes nothing.
Progress goes to stderr; the archive path is printed on stdout.
Exit status: 0 archive written (see manifest.json for commands that failed), 1 the archive
could not be written, 2 bad usage, 130/143 interrupted.
EOF
}

say() { printf '%s\n' "$*" >&2; }
die_usage() {
  say "collect.sh: $*"
  say "Try 'sh collect.sh --help'."
  exit 2
}
is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

# ---------------------------------------------------------------------------- options

OUTPUT=
DURATION=30
FILTER=
IFACE=any
SNAPLEN=0
MAX_MIB=200
NETNS=
LABEL=
DO_CAPTURE=1
DO_EVENTS=1

need_value() { [ "$2" -ge 2 ] || die_usage "option $1 needs a value"; }
while [ $# -gt 0 ]; do
  opt=$1
  case $opt in
    --*=*)
      # --name=value: split and re-dispatch, so both spellings share one code path
      name=${opt%%=*}
      value=${opt#*=}
      shift
      set -- "$name" "$value" "$@"
      continue
      ;;
  esac
  case $opt in
    -o | --output) need_value "$opt" $# && OUTPUT=$2 && shift 2 ;;
    -d | --duration) need_value "$opt" $# && DURATION=$2 && shift 2 ;;
    -f | --filter) need_value "$opt" $# && FILTER=$2 && shift 2 ;;
    -i | --interface) need_value "$opt" $# && IFACE=$2 && shift 2 ;;
    -s | --snaplen) need_value "$opt" $# && SNAPLEN=$2 && shift 2 ;;
    -m | --max-size) need_value "$opt" $# && MAX_MIB=$2 && shift 2 ;;
    -n | --netns) need_value "$opt" $# && NETNS=$2 && shift 2 ;;
    -l | --label) need_value "$opt" $# && LABEL=$2 && shift 2 ;;
    --no-capture) DO_CAPTURE=0 && shift ;;
    --no-events) DO_EVENTS=0 && shift ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die_usage "unknown option: $opt" ;;
  esac
done

# The filter is one tcpdump argument and one manifest line.
FILTER=$(printf '%s' "$FILTER" | tr '\n' ' ')
is_uint "$DURATION" && [ "$DURATION" -ge 1 ] && [ "$DURATION" -le 86400 ] ||
  die_usage "duration must be whole seconds between 1 and 86400: $DURATION"
is_uint "$SNAPLEN" && [ "$SNAPLEN" -le 262144 ] || die_usage "snaplen must be 0..262144: $SNAPLEN"
is_uint "$MAX_MIB" && [ "$MAX_MIB" -ge 1 ] || die_usage "max-size must be at least 1 MiB: $MAX_MIB"
# These end up as command arguments; anything but a plain name is a typo or worse.
case $IFACE in '' | *[!A-Za-z0-9_.:@-]*) die_usage "not an interface name: $IFACE" ;; esac
case $NETNS in *[!A-Za-z0-9_.-]*) die_usage "not a network namespace name: $NETNS" ;; esac

# ---------------------------------------------------------------------------- environment

# Tool output is parsed downstream: keep it in the C locale's formats.
LC_ALL=C
export LC_ALL
# A user's PATH (or root's after a plain `su`) often lacks the sbin directories where ip,
# iptables and conntrack live. NETMORTEM_COLLECT_PATH replaces the search path altogether,
# e.g. with a directory of static binaries copied to a node that has none.
if [ -n "${NETMORTEM_COLLECT_PATH:-}" ]; then
  PATH=$NETMORTEM_COLLECT_PATH
else
  PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
fi
export PATH

TAB=$(printf '\t')
CR=$(printf '\r')
have() { command -v "$1" >/dev/null 2>&1; }

if [ -n "$NETNS" ]; then
  have ip || die_usage "--netns needs the ip command"
  ip netns exec "$NETNS" ip -V >/dev/null 2>&1 || die_usage "no such network namespace: $NETNS"
fi
# Each collected command runs through this prefix (empty, or ip netns exec NAME).
IN_NS=
[ -n "$NETNS" ] && IN_NS="ip netns exec $NETNS"

# Bounds a hung snapshot command; busybox's old `timeout -t` syntax is detected and skipped.
LIMIT=
if have timeout && timeout 5 sleep 0 2>/dev/null; then LIMIT="timeout 120"; fi
# Fractional sleeps keep the tcpdump start-up wait short; not every sleep accepts them.
TICK=1
sleep 0.1 2>/dev/null && TICK=0.1

HOST=$(uname -n 2>/dev/null)
[ -n "$HOST" ] || HOST=$(cat /proc/sys/kernel/hostname 2>/dev/null)
[ -n "$HOST" ] || HOST=unknown
SAFE_HOST=$(printf '%s' "$HOST" | tr -c 'A-Za-z0-9._-' '_')
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
COLLECTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
NAME="netmortem-$SAFE_HOST-$STAMP"

if [ -z "$OUTPUT" ]; then
  OUTPUT="./$NAME.tar.gz"
elif [ -d "$OUTPUT" ]; then
  OUTPUT="${OUTPUT%/}/$NAME.tar.gz"
fi
OUT_DIR=$(dirname "$OUTPUT")
[ -d "$OUT_DIR" ] && [ -w "$OUT_DIR" ] || die_usage "cannot write the archive into $OUT_DIR"
[ "$(id -u 2>/dev/null)" = 0 ] ||
  say "collect.sh: not root: conntrack, iptables, nft and tcpdump will probably fail"

# ---------------------------------------------------------------------------- cleanup

WORK=
EVENTS_PID=
CAPTURE_PID=
CURRENT_PID=
SLEEP_PID=
PHASE=setup
STOP_EARLY=0
ARCHIVE_DONE=0
PARTIAL=

stop_pid() {
  # TERM lets tcpdump and conntrack flush; KILL only if they ignore it for 5 s.
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  waited=0
  while kill -0 "$1" 2>/dev/null && [ "$waited" -lt 50 ]; do
    sleep "$TICK"
    if [ "$TICK" = 1 ]; then waited=$((waited + 10)); else waited=$((waited + 1)); fi
  done
  kill -KILL "$1" 2>/dev/null
  return 0
}

cleanup() {
  trap '' INT TERM
  for pid in $SLEEP_PID $CURRENT_PID $CAPTURE_PID $EVENTS_PID; do stop_pid "$pid"; done
  wait 2>/dev/null
  [ -n "$WORK" ] && rm -rf "$WORK"
  [ -n "$PARTIAL" ] && [ "$ARCHIVE_DONE" = 0 ] && rm -f "$PARTIAL"
}

on_signal() {
  if [ "$1" = INT ] && [ "$PHASE" = waiting ]; then
    STOP_EARLY=1
    say "collect.sh: stopping the capture early; the archive will still be written"
    return
  fi
  say "collect.sh: interrupted by SIG$1; nothing written"
  if [ "$1" = INT ]; then exit 130; fi
  exit 143
}

trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/netmortem-collect.XXXXXX" 2>/dev/null) || {
  WORK="${TMPDIR:-/tmp}/netmortem-collect.$$"
  mkdir -m 700 "$WORK" || {
    say "collect.sh: cannot create a work directory under ${TMPDIR:-/tmp}"
    exit 1
  }
}
DIR="$WORK/$NAME"
mkdir "$DIR" || exit 1
: >"$WORK/commands"

# ---------------------------------------------------------------------------- JSON

json_str() {
  # Most values are plain ASCII; only the rest pays for the sed/awk round trip.
  case $1 in
    *[\\\"]* | *[!\ -~]*) ;;
    *)
      printf '"%s"' "$1"
      return
      ;;
  esac
  printf '"'
  printf '%s' "$1" | tr -d '\001-\010\013\014\016-\037\177' |
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/$TAB/\\\\t/g" -e "s/$CR/\\\\r/g" |
    awk '{ printf "%s%s", sep, $0; sep = "\\n" }'
  printf '"'
}

json_argv() {
  sep=
  printf '['
  for arg in "$@"; do
    printf '%s' "$sep"
    json_str "$arg"
    sep=', '
  done
  printf ']'
}

# ---------------------------------------------------------------------------- tool facts

# Which project ships a tool, as the manifest names it.
tool_family() {
  if is_busybox "$1"; then
    echo busybox
    return
  fi
  case $1 in
    ss | ip | nstat) echo iproute2 ;;
    conntrack) echo conntrack-tools ;;
    iptables* | ip6tables*) echo iptables ;;
    nft) echo nftables ;;
    tcpdump) echo tcpdump ;;
    sysctl) echo procps ;;
    dmesg) echo util-linux ;;
    uname) echo coreutils ;;
    netstat) echo net-tools ;;
    cat | grep) echo procfs ;;
    *) echo "$1" ;;
  esac
}

is_busybox() {
  path=$(command -v "$1" 2>/dev/null) || return 1
  case $path in */busybox) return 0 ;; esac
  [ -L "$path" ] || return 1
  case $(readlink "$path" 2>/dev/null) in *busybox*) return 0 ;; esac
  return 1
}

busybox_version() {
  bb=$(command -v busybox 2>/dev/null)
  if [ -z "$bb" ]; then
    # Only the applet's link may be on PATH: follow it.
    link=$(command -v "$1")
    bb=$(readlink "$link")
    case $bb in /*) ;; *) bb="$(dirname "$link")/$bb" ;; esac
  fi
  "$bb" --help </dev/null 2>&1 | sed -n '/^BusyBox v/{s/ multi-call binary.*//;p;q;}'
}

first_line_of() {
  "$@" </dev/null 2>&1 | sed -n '/[^[:space:]]/{p;q;}'
}

# The version line a tool prints about itself; for /proc reads, the kernel's release.
tool_version() {
  tool=$1
  if ! have "$tool"; then return; fi
  if is_busybox "$tool"; then
    busybox_version "$tool"
    return
  fi
  case $tool in
    ss | ip | nstat) first_line_of "$tool" -V ;;
    # -h prints the version first on every tcpdump; old ones lack --version.
    tcpdump) tcpdump -h </dev/null 2>&1 | sed -n '/version/{p;q;}' ;;
    cat | grep) printf 'Linux %s' "$(uname -r 2>/dev/null)" ;;
    conntrack | iptables* | ip6tables* | nft | sysctl | dmesg | uname | netstat)
      line=$("$tool" --version </dev/null 2>&1) && first_line_of printf '%s\n' "$line"
      ;;
    *) ;;
  esac
}

cached_version() {
  key=$(printf '%s' "$1" | tr -c 'A-Za-z0-9' '_')
  eval "cached=\${VERSION_$key-unset}"
  if [ "$cached" = unset ]; then
    cached=$(tool_version "$1" | cut -c1-200)
    eval "VERSION_$key=\$cached"
  fi
  printf '%s' "$cached"
}

human_size() {
  awk -v b="$1" 'BEGIN {
    if (b < 1024) printf "%d B", b
    else if (b < 1048576) printf "%.1f KiB", b / 1024
    else printf "%.1f MiB", b / 1048576
  }'
}

file_size() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }

# ---------------------------------------------------------------------------- records

STEP=0
TOTAL=0
progress() {
  # progress LABEL STATUS: one line per step, numbered when it starts.
  say "[$STEP/$TOTAL] $1 ... $2"
}

# record FILE EXIT NOTE STDERR_FILE -- ARGV...: one manifest command entry.
# FILE is relative to the bundle folder, or empty when nothing was kept.
record() {
  r_file=$1 r_exit=$2 r_note=$3 r_err=$4
  shift 5
  r_tool=$(tool_family "$1")
  r_version=$(cached_version "$1")
  {
    printf '    {"argv": '
    json_argv "$@"
    if [ -n "$r_file" ]; then
      printf ', "file": '
      json_str "$r_file"
    fi
    printf ', "exitCode": %s, "tool": ' "$r_exit"
    json_str "$r_tool"
    printf ', "version": '
    json_str "$r_version"
    if [ -n "$r_note" ]; then
      printf ', "note": '
      json_str "$r_note"
    fi
    if [ -n "$r_err" ] && [ -s "$r_err" ]; then
      printf ', "stderr": '
      json_str "$(head -n 5 "$r_err" | cut -c1-300)"
    fi
    printf '}\n'
  } >>"$WORK/commands"
}

# run FILE -- ARGV...: runs a snapshot command (inside the namespace, time-bounded) with its
# stdout in FILE; sets RC, and leaves stderr in $WORK/stderr. Runs in the background and is
# waited for, so a signal reaches the trap at once and the trap can stop the command.
run() {
  r_out=$1
  shift 2
  if ! have "$1"; then
    RC=127
    : >"$WORK/stderr"
    return
  fi
  # shellcheck disable=SC2086 # IN_NS and LIMIT are word lists on purpose
  $LIMIT $IN_NS "$@" >"$r_out" 2>"$WORK/stderr" </dev/null &
  CURRENT_PID=$!
  wait "$CURRENT_PID"
  RC=$?
  CURRENT_PID=
}

# describe_outcome FILE: the status word for the progress line and the manifest note.
describe() {
  d_size=$(file_size "$DIR/$1")
  if [ "$RC" = 127 ] && [ ! -s "$WORK/stderr" ]; then
    NOTE="not installed"
    STATUS="missing"
  elif [ "$RC" = 124 ] && [ -n "$LIMIT" ]; then
    NOTE="timed out after 120 s; output may be incomplete"
    STATUS="timed out ($(human_size "$d_size"))"
  elif [ "$RC" != 0 ]; then
    NOTE="exit status $RC"
    STATUS="failed (exit $RC: $(head -n 1 "$WORK/stderr" | cut -c1-100))"
  else
    NOTE=
    STATUS="ok ($(human_size "$d_size"))"
  fi
  if [ "$d_size" = 0 ]; then
    rm -f "$DIR/$1"
    KEPT=
    [ "$RC" = 0 ] && STATUS="ok (no output)" && NOTE="no output"
  else
    KEPT=$1
  fi
}

# step FILE [--merge-summary] -- ARGV...: run, record, report one snapshot command.
step() {
  s_file=$1
  shift
  s_merge=0
  if [ "$1" = --merge-summary ]; then
    s_merge=1
    shift
  fi
  shift
  run "$DIR/$s_file" -- "$@"
  # conntrack prints "N flow entries have been shown." on stderr; kept in the file it tells
  # an empty table apart from a failed listing.
  if [ "$s_merge" = 1 ] && [ "$RC" = 0 ]; then
    grep 'have been shown' "$WORK/stderr" >>"$DIR/$s_file"
    grep -v 'have been shown' "$WORK/stderr" >"$WORK/stderr.rest"
    mv "$WORK/stderr.rest" "$WORK/stderr"
  fi
  describe "$s_file"
  record "$KEPT" "$RC" "$NOTE" "$WORK/stderr" -- "$@"
  LAST_OK=0
  [ "$RC" = 0 ] && [ -n "$KEPT" ] && LAST_OK=1
}

# begin LABEL: numbers the next step.
begin() {
  STEP=$((STEP + 1))
  LABEL_NOW=$1
}
finish() { progress "$LABEL_NOW" "$STATUS"; }

# ---------------------------------------------------------------------------- snapshots

snap_uname() {
  begin "uname -a"
  step uname.txt -- uname -a
  finish
}

snap_sockets() {
  begin "ss -tanoie"
  step ss-tanoie.txt -- ss -tanoie
  if [ -z "$KEPT" ]; then
    step netstat-tan.txt -- netstat -tan
    STATUS="$STATUS (netstat -tan, no ss)"
  fi
  finish
  begin "ss -tapionume"
  step ss-tapionume.txt -- ss -tapionume
  finish
}

snap_conntrack_table() {
  begin "conntrack -L"
  step conntrack-table.txt --merge-summary -- conntrack -L
  if [ "$LAST_OK" = 0 ] && [ "$RC" != 0 ] && [ -r /proc/net/nf_conntrack ]; then
    step proc-net-nf_conntrack.txt -- cat /proc/net/nf_conntrack
    STATUS="$STATUS (from /proc/net/nf_conntrack)"
  fi
  finish
}

snap_conntrack_stats() {
  begin "conntrack -S"
  step conntrack-stats.txt -- conntrack -S
  if [ "$LAST_OK" = 0 ] && [ -r /proc/net/stat/nf_conntrack ]; then
    step proc-net-stat-nf_conntrack.txt -- cat /proc/net/stat/nf_conntrack
    STATUS="$STATUS (from /proc/net/stat/nf_conntrack)"
  fi
  finish
}

snap_conntrack_count() {
  begin "conntrack -C"
  step conntrack-count.txt -- conntrack -C
  finish
  # The table's fill level against its limit is what "table full" incidents turn on.
  begin "nf_conntrack count/max"
  step conntrack-limits.txt -- sysctl net.netfilter.nf_conntrack_count \
    net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_buckets
  if [ -z "$KEPT" ]; then
    # grep prints path:value for several files, a form sysctl readers know.
    step conntrack-limits.txt -- grep . /proc/sys/net/netfilter/nf_conntrack_count \
      /proc/sys/net/netfilter/nf_conntrack_max /proc/sys/net/netfilter/nf_conntrack_buckets
    STATUS="$STATUS (from /proc/sys)"
  fi
  finish
}

IPTABLES_BACKEND=
detect_iptables_backend() {
  for tool in iptables-save iptables; do
    have "$tool" || continue
    case $(cached_version "$tool") in
      *nf_tables*) IPTABLES_BACKEND=nft ;;
      *legacy*) IPTABLES_BACKEND=legacy ;;
      *) continue ;;
    esac
    return
  done
}

snap_iptables() {
  detect_iptables_backend
  backend_note=
  [ -n "$IPTABLES_BACKEND" ] && backend_note="backend: $IPTABLES_BACKEND"
  for family in iptables ip6tables; do
    begin "$family-save -c"
    step "$family-save.txt" -- "$family-save" -c
    [ -z "$NOTE" ] && [ -n "$backend_note" ] && amend_note "$backend_note"
    finish
  done
  # Rules loaded through the other backend are invisible to the default iptables-save
  # (kube-proxy and a CNI disagreeing is a known cause of surprises): collect them too.
  case $IPTABLES_BACKEND in
    nft) other=legacy ;;
    legacy) other=nft ;;
    *) other= ;;
  esac
  begin "iptables-$other-save -c (other backend)"
  if [ -n "$other" ] && have "iptables-$other-save"; then
    step "iptables-$other-save.txt" -- "iptables-$other-save" -c
    [ -z "$KEPT" ] && STATUS="ok (no rules in the $other backend)"
  else
    STATUS="skipped (no second iptables backend)"
  fi
  finish
}

# amend_note TEXT: adds a note to the command recorded last.
amend_note() {
  last=$(tail -n 1 "$WORK/commands")
  sed '$d' "$WORK/commands" >"$WORK/commands.tmp"
  printf '%s, "note": %s}\n' "${last%\}}" "$(json_str "$1")" >>"$WORK/commands.tmp"
  mv "$WORK/commands.tmp" "$WORK/commands"
}

snap_nft() {
  begin "nft list ruleset"
  step nft-ruleset.txt -- nft list ruleset
  finish
}

snap_sysctl() {
  begin "sysctl net.*"
  step sysctl-net.txt -- sysctl net
  # Unreadable keys make sysctl fail while the rest of its output is fine: only no output
  # at all calls for another way.
  if [ -z "$KEPT" ] && have sysctl; then
    # busybox and old procps cannot list a subtree: take everything and keep net.*
    step sysctl-all.tmp -- sysctl -a
    if [ -f "$DIR/sysctl-all.tmp" ]; then
      grep '^net\.' "$DIR/sysctl-all.tmp" >"$DIR/sysctl-net.txt"
      rm -f "$DIR/sysctl-all.tmp"
      amend_file sysctl-net.txt "filtered to net.*"
      STATUS="ok ($(human_size "$(file_size "$DIR/sysctl-net.txt")"), sysctl -a filtered)"
    fi
  elif [ -z "$KEPT" ]; then
    step sysctl-net.txt -- grep -r . /proc/sys/net
    STATUS="$STATUS (from /proc/sys/net)"
  fi
  finish
}

# amend_file FILE NOTE: points the command recorded last at FILE, with a note.
amend_file() {
  last=$(tail -n 1 "$WORK/commands")
  sed '$d' "$WORK/commands" >"$WORK/commands.tmp"
  last=$(printf '%s' "$last" | sed 's/, "file": "[^"]*"//')
  printf '%s, "file": %s, "note": %s}\n' "${last%\}}" "$(json_str "$1")" "$(json_str "$2")" \
    >>"$WORK/commands.tmp"
  mv "$WORK/commands.tmp" "$WORK/commands"
}

snap_dmesg() {
  begin "dmesg -T | tail -n 2000"
  step dmesg-full.tmp -- dmesg -T
  if [ -z "$KEPT" ]; then
    # busybox dmesg has no -T; a container may not see the log at all.
    step dmesg-full.tmp -- dmesg
  fi
  if [ -f "$DIR/dmesg-full.tmp" ]; then
    tail -n 2000 "$DIR/dmesg-full.tmp" >"$DIR/dmesg.txt"
    rm -f "$DIR/dmesg-full.tmp"
    amend_file dmesg.txt "last 2000 lines"
    STATUS="ok ($(human_size "$(file_size "$DIR/dmesg.txt")"))"
  fi
  finish
}

snap_ip() {
  begin "ip -d addr"
  step ip-addr.txt -- ip -d addr
  finish
  begin "ip route show table all"
  step ip-route.txt -- ip route show table all
  finish
  begin "ip -6 route show table all"
  step ip6-route.txt -- ip -6 route show table all
  finish
  begin "ip rule"
  step ip-rule.txt -- ip rule
  finish
  begin "ip -6 rule"
  step ip6-rule.txt -- ip -6 rule
  finish
  begin "ip neigh"
  step ip-neigh.txt -- ip neigh
  finish
}

snap_counters() {
  # -s: absolute counters without touching the user's nstat history file.
  begin "nstat -saz"
  step nstat.txt -- nstat -saz
  if [ "$LAST_OK" = 0 ]; then
    step netstat-s.txt -- netstat -s
    [ "$LAST_OK" = 0 ] && step proc-net-snmp.txt -- cat /proc/net/snmp /proc/net/netstat
  fi
  finish
}

SNAPSHOT_STEPS=20

# ---------------------------------------------------------------------------- background

start_events() {
  begin "conntrack -E -o timestamp"
  EVENTS_ARGV="conntrack -E -o timestamp"
  if ! have conntrack; then
    RC=127
    : >"$WORK/events.err"
    record "" 127 "not installed" "" -- conntrack -E -o timestamp
    progress "$LABEL_NOW" "missing"
    return
  fi
  # shellcheck disable=SC2086
  $IN_NS conntrack -E -o timestamp >"$DIR/conntrack-events.txt" 2>"$WORK/events.err" </dev/null &
  EVENTS_PID=$!
  EVENTS_STEP=$STEP
  progress "$LABEL_NOW" "started (${DURATION} s)"
}

CAPTURE_FILES=4
CAPTURE_CHUNK=1
capture_ring() {
  # tcpdump counts -C in millions of bytes; the ring's files together stay under the cap.
  total_mb=$((MAX_MIB * 1048576 / 1000000))
  [ "$total_mb" -ge 1 ] || total_mb=1
  if [ "$total_mb" -ge 4 ]; then
    CAPTURE_FILES=4
    CAPTURE_CHUNK=$((total_mb / 4))
  else
    CAPTURE_FILES=$total_mb
    CAPTURE_CHUNK=1
  fi
}

start_capture() {
  begin "tcpdump -i $IFACE -s $SNAPLEN"
  capture_ring
  set -- tcpdump -i "$IFACE" -s "$SNAPLEN" -w "$DIR/capture.pcap" -C "$CAPTURE_CHUNK" \
    -W "$CAPTURE_FILES"
  if ! have tcpdump; then
    printf '%s\n' "$@" | sed "s|^$DIR/||" >"$WORK/capture.argv.clean"
    : >"$WORK/stderr"
    record_capture "" 127 "not installed" "" "" "$WORK/capture.argv.clean"
    progress "$LABEL_NOW" "missing"
    return
  fi
  # tcpdump drops to its own user after opening the first file and then cannot open the
  # next one in our private directory; distroless images lack that user altogether.
  [ "$(id -u 2>/dev/null)" = 0 ] && set -- "$@" -Z root
  # Without immediate mode the packets of the last buffer timeout are lost when we stop it.
  if tcpdump --help 2>&1 | grep -q -- --immediate-mode; then set -- "$@" --immediate-mode; fi
  [ -n "$FILTER" ] && set -- "$@" "$FILTER"
  CAPTURE_ARGV_FILE="$WORK/capture.argv"
  printf '%s\n' "$@" >"$CAPTURE_ARGV_FILE"
  # shellcheck disable=SC2086
  $IN_NS "$@" >/dev/null 2>"$WORK/capture.err" </dev/null &
  CAPTURE_PID=$!
  CAPTURE_STEP=$STEP
  # Snapshots and the timer start once tcpdump listens, so the capture covers them.
  tries=0
  while [ "$tries" -lt 50 ]; do
    grep -q 'listening on' "$WORK/capture.err" 2>/dev/null && break
    kill -0 "$CAPTURE_PID" 2>/dev/null || break
    sleep "$TICK"
    tries=$((tries + 1))
    [ "$TICK" = 1 ] && [ "$tries" -ge 5 ] && break
  done
  if kill -0 "$CAPTURE_PID" 2>/dev/null; then
    progress "$LABEL_NOW" "started (${DURATION} s, ring of $CAPTURE_FILES x $CAPTURE_CHUNK MB)"
  else
    progress "$LABEL_NOW" "failed to start: $(grep -v -e '^tcpdump: listening' \
      -e '^tcpdump: data link type' "$WORK/capture.err" | head -n 1 | cut -c1-100)"
  fi
}

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

wait_for_duration() {
  alive "$CAPTURE_PID" || alive "$EVENTS_PID" || return 0
  PHASE=waiting
  now=$(date +%s)
  remaining=$((END_AT - now))
  [ "$remaining" -gt 0 ] && say "      waiting ${remaining} s for the capture (Ctrl-C stops it early)"
  while [ "$STOP_EARLY" = 0 ]; do
    now=$(date +%s)
    remaining=$((END_AT - now))
    [ "$remaining" -gt 0 ] || break
    alive "$CAPTURE_PID" || alive "$EVENTS_PID" || break
    # Sleeping in the background keeps `wait` interruptible by Ctrl-C.
    sleep 1 &
    SLEEP_PID=$!
    wait "$SLEEP_PID" 2>/dev/null
    kill "$SLEEP_PID" 2>/dev/null
    SLEEP_PID=
  done
  PHASE=stopping
}

# stop_background PID: stops it and sets RC to its exit status.
stop_background() {
  if kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null
    waited=0
    while kill -0 "$1" 2>/dev/null && [ "$waited" -lt 50 ]; do
      sleep "$TICK"
      if [ "$TICK" = 1 ]; then waited=$((waited + 10)); else waited=$((waited + 1)); fi
    done
    kill -KILL "$1" 2>/dev/null
  fi
  wait "$1"
  RC=$?
}

finish_events() {
  [ -n "$EVENTS_PID" ] || return 0
  stop_background "$EVENTS_PID"
  EVENTS_PID=
  # Kept in the file for the same reason as conntrack -L's summary.
  [ "$RC" = 0 ] && grep 'have been shown' "$WORK/events.err" >>"$DIR/conntrack-events.txt"
  grep -v 'have been shown' "$WORK/events.err" >"$WORK/stderr"
  STEP_SAVED=$STEP
  STEP=$EVENTS_STEP
  describe conntrack-events.txt
  n_events=0
  [ -n "$KEPT" ] && n_events=$(grep -c '\[[A-Z]*\]' "$DIR/conntrack-events.txt")
  [ "$RC" = 0 ] && NOTE="stopped after $ELAPSED s; $n_events events"
  record "$KEPT" "$RC" "$NOTE" "$WORK/stderr" -- conntrack -E -o timestamp
  progress "conntrack -E -o timestamp" "$STATUS, $n_events events"
  STEP=$STEP_SAVED
}

finish_capture() {
  [ -n "$CAPTURE_PID" ] || return 0
  stop_background "$CAPTURE_PID"
  CAPTURE_PID=
  STEP_SAVED=$STEP
  STEP=$CAPTURE_STEP
  # tcpdump names ring files capture.pcap0..N; give them .pcap names in time order.
  ring=$(cd "$DIR" && ls -tr capture.pcap[0-9]* 2>/dev/null)
  n_files=$(printf '%s\n' "$ring" | grep -c .)
  files=
  if [ "$n_files" = 1 ]; then
    mv "$DIR/$ring" "$DIR/capture.pcap"
    files=capture.pcap
  elif [ "$n_files" -gt 1 ]; then
    i=0
    for f in $ring; do
      i=$((i + 1))
      mv "$DIR/$f" "$DIR/capture-$i.pcap"
      files="$files capture-$i.pcap"
    done
  fi
  set -- $files
  total=0
  for f in "$@"; do total=$((total + $(file_size "$DIR/$f"))); done
  # tcpdump's closing statistics say whether the kernel dropped packets.
  captured=$(sed -n 's/^\([0-9][0-9]*\) packets\{0,1\} captured.*/\1/p' "$WORK/capture.err")
  dropped=$(sed -n 's/^\([0-9][0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$WORK/capture.err")
  grep -v -e '^tcpdump: listening' -e '^tcpdump: data link type' -e 'packets\{0,1\} captured$' \
    -e 'received by filter$' -e 'dropped by kernel$' "$WORK/capture.err" >"$WORK/stderr"
  if [ $# = 0 ]; then
    KEPT=
    NOTE="exit status $RC; no capture file"
    STATUS="failed (exit $RC: $(head -n 1 "$WORK/stderr" | cut -c1-100))"
  else
    KEPT=$1
    NOTE="stopped after $ELAPSED s; ${captured:-?} packets captured, ${dropped:-?} dropped by kernel"
    if [ "$n_files" -gt 1 ]; then
      NOTE="$NOTE; rotated into $n_files files of up to $CAPTURE_CHUNK MB"
      [ "$n_files" = "$CAPTURE_FILES" ] && NOTE="$NOTE (size cap reached: the oldest packets may have been overwritten)"
    fi
    STATUS="ok ($(human_size "$total"), ${captured:-?} packets)"
    [ "$RC" = 0 ] || STATUS="exit $RC ($(human_size "$total"))"
  fi
  # The argv as run, with the work directory dropped from -w: it meant nothing after packing.
  argv_file="$WORK/capture.argv.clean"
  sed "s|^$DIR/||" "$CAPTURE_ARGV_FILE" >"$argv_file"
  record_capture "$KEPT" "$RC" "$NOTE" "$WORK/stderr" "$files" "$argv_file"
  progress "tcpdump -i $IFACE" "$STATUS"
  STEP=$STEP_SAVED
}

# Like record, but the argv comes from a file (the filter may hold spaces) and a rotated
# capture lists all its files.
record_capture() {
  c_file=$1 c_exit=$2 c_note=$3 c_err=$4 c_files=$5 c_argv=$6
  set --
  while IFS= read -r line; do set -- "$@" "$line"; done <"$c_argv"
  record "$c_file" "$c_exit" "$c_note" "$c_err" -- "$@"
  case $c_files in
    *' '*' '*)
      last=$(tail -n 1 "$WORK/commands")
      sed '$d' "$WORK/commands" >"$WORK/commands.tmp"
      # shellcheck disable=SC2086
      printf '%s, "files": %s}\n' "${last%\}}" "$(json_argv $c_files)" >>"$WORK/commands.tmp"
      mv "$WORK/commands.tmp" "$WORK/commands"
      ;;
  esac
}

# ---------------------------------------------------------------------------- scope

netns_id() {
  # shellcheck disable=SC2086
  $IN_NS readlink /proc/self/ns/net 2>/dev/null
}

describe_netns() {
  if [ -n "$LABEL" ]; then
    printf '%s' "$LABEL"
  elif [ -n "$NETNS" ]; then
    printf 'netns:%s' "$NETNS"
  else
    self=$(readlink /proc/self/ns/net 2>/dev/null)
    init=$(readlink /proc/1/ns/net 2>/dev/null)
    named=
    have ip && named=$(ip netns identify 2>/dev/null | head -n 1)
    if [ -n "$self" ] && [ "$self" = "$init" ]; then
      printf 'host'
    elif [ -n "$named" ]; then
      printf 'netns:%s' "$named"
    else
      printf '%s' "${self:-unknown}"
    fi
  fi
}

write_manifest() {
  finished_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  {
    printf '{\n  "kind": "netmortem-manifest",\n'
    printf '  "netmortem": {"collector": "%s", "schema": %s},\n' \
      "$NETMORTEM_COLLECTOR_VERSION" "$NETMORTEM_MANIFEST_SCHEMA"
    printf '  "collectedAt": "%s",\n  "finishedAt": "%s",\n' "$COLLECTED_AT" "$finished_at"
    printf '  "scope": {"node": %s, "netns": %s, "netnsId": %s},\n' "$(json_str "$HOST")" \
      "$(json_str "$(describe_netns)")" "$(json_str "$(netns_id)")"
    printf '  "options": {"durationSeconds": %s, "interface": %s, "filter": %s, ' \
      "$DURATION" "$(json_str "$IFACE")" "$(json_str "$FILTER")"
    printf '"snaplen": %s, "maxCaptureMiB": %s, "capture": %s, "events": %s},\n' "$SNAPLEN" \
      "$MAX_MIB" "$([ "$DO_CAPTURE" = 1 ] && echo true || echo false)" \
      "$([ "$DO_EVENTS" = 1 ] && echo true || echo false)"
    printf '  "iptablesBackend": %s,\n' "$(json_str "${IPTABLES_BACKEND:-unknown}")"
    printf '  "commands": [\n'
    # Entries are one per line; all but the last need a comma.
    sed '$!s/$/,/' "$WORK/commands"
    printf '  ]\n}\n'
  } >"$DIR/manifest.json"
}

pack() {
  STEP=$((STEP + 1))
  write_manifest
  PARTIAL="$OUTPUT.partial"
  # tar's status is lost in the pipe; it leaves a marker only when it succeeded.
  (cd "$WORK" && tar -cf - "$NAME" && : >"$WORK/tar.ok") | gzip -c >"$PARTIAL"
  gz=$?
  if [ "$gz" != 0 ] || [ ! -f "$WORK/tar.ok" ]; then
    progress "manifest.json + archive" "failed"
    say "collect.sh: could not write $OUTPUT"
    exit 1
  fi
  mv "$PARTIAL" "$OUTPUT" || exit 1
  ARCHIVE_DONE=1
  progress "manifest.json + archive" "ok ($(human_size "$(file_size "$OUTPUT")"))"
}

# ---------------------------------------------------------------------------- main

TOTAL=$((SNAPSHOT_STEPS + DO_EVENTS + DO_CAPTURE + 1))
where=${NETNS:+ in netns $NETNS}
say "netmortem collector $NETMORTEM_COLLECTOR_VERSION on $HOST$where: $TOTAL steps"

PHASE=collecting
[ "$DO_EVENTS" = 1 ] && start_events
[ "$DO_CAPTURE" = 1 ] && start_capture
STARTED_AT=$(date +%s)
END_AT=$((STARTED_AT + DURATION))

snap_uname
snap_sockets
snap_conntrack_table
snap_conntrack_stats
snap_conntrack_count
snap_iptables
snap_nft
snap_sysctl
snap_dmesg
snap_ip
snap_counters

wait_for_duration
ELAPSED=$(($(date +%s) - STARTED_AT))
finish_events
finish_capture
PHASE=packing
pack
printf '%s\n' "$OUTPUT"
exit 0
