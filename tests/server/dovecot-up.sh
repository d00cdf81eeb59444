#!/usr/bin/env bash
# dovecot-up.sh — run libimap's throw-away Dovecot 2.3 IMAP server on 127.0.0.1
# for the integration tests and the demo.  Self-contained: nothing under /etc/dovecot is used.
#
#   dovecot-up.sh [start]        install if missing, write config, start, wait
#                                until both ports accept, print KEY=VALUE lines
#                                (also written to $IMAPSRV_DIR/env); idempotent
#   dovecot-up.sh stop           stop the server started from $IMAPSRV_DIR
#   dovecot-up.sh restart | status | env
#   dovecot-up.sh seed N [USER] [MAILBOX]   add N generated messages (direct
#                                Maildir write + doveadm sync); server may run
#   dovecot-up.sh reset          stop and delete $IMAPSRV_DIR (fresh mail store)
#
# The demo uses the defaults below; the test suites use tests/server/test-dovecot.sh, which
# runs this script with a directory and ports of their own. start fails at once, naming the
# port and its variable, when another program listens on a port, and fails naming the
# directory when Dovecot's users cannot traverse the path to $IMAPSRV_DIR/mail: the script
# never changes the mode of a directory it did not create.
#
# Environment (all optional):
#   IMAPSRV_DIR=/tmp/libimap-dovecot     everything lives here (config, certs,
#                                      sockets, state, mail, log)
#   DOVECOT_IMAP_PORT=10143            plain IMAP, STARTTLS offered
#   DOVECOT_IMAPS_PORT=10993           implicit TLS
#   DOVECOT_SEED=0                     on start: seed this many messages into
#   DOVECOT_SEED_USER=user1            ... this user's
#   DOVECOT_SEED_MAILBOX=INBOX         ... mailbox (once; marker file). A store that
#                                      was seeded with another count (the demo's 5, the
#                                      tests' 20) is replaced by a fresh one on start.
#   DOVECOT_SEED_RANDSEED=1            generator seed (deterministic content)
#
# Users (passwd-file, {PLAIN} so CRAM-MD5 works):
#   user1/pass1  admin=y (may SETQUOTA), quota 1G / 1,000,000 messages
#   user2/pass2  quota 10M
#   user3/pass3  quota 64K / 10 messages (for OVERQUOTA tests)
#   master/masterpw  master user: LOGIN "user2*master" masterpw, or
#                    AUTHENTICATE PLAIN authzid=user2 authcid=master
set -euo pipefail
# What this script creates is readable by the mail and auth users (key.pem is made 0600). It
# never changes the mode of a directory it did not create: a path the mail user cannot
# traverse is reported instead (check_traversable).
umask 022

ROOT=${IMAPSRV_DIR:-/tmp/libimap-dovecot}
IMAP_PORT=${DOVECOT_IMAP_PORT:-10143}
IMAPS_PORT=${DOVECOT_IMAPS_PORT:-10993}
HOST=127.0.0.1
CONF=$ROOT/dovecot.conf
PIDFILE=$ROOT/dovecot.pid
LOG=$ROOT/dovecot.log
MAILUSER=vmail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEEDER=$HERE/imap-seed.py
INSTANCE=imapsrv-$(printf %s "$ROOT" | md5sum | cut -c1-8)

log() { printf '%s\n' "dovecot-up: $*" >&2; }

ensure_installed() {
  if command -v dovecot >/dev/null 2>&1 && [ -x /usr/lib/dovecot/imap ] \
     && [ -e /usr/lib/dovecot/modules/lib11_imap_quota_plugin.so ]; then
    return 0
  fi
  log "installing dovecot-imapd (apt-get)…"
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # keep the package's own init script from starting a system dovecot
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends dovecot-imapd >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 &&
         apt-get install -y -q --no-install-recommends dovecot-imapd >/dev/null; }
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  command -v dovecot >/dev/null
}

ensure_setup() {
  id "$MAILUSER" >/dev/null 2>&1 ||
    useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$MAILUSER"
  mkdir -p "$ROOT"/{ssl,run,state,mail}
  check_traversable
  chown "$MAILUSER:$MAILUSER" "$ROOT/mail"
  if [ ! -s "$ROOT/ssl/cert.pem" ]; then
    # EC P-256: ~10 ms (RSA-2048 keygen takes ~0.3 s)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$ROOT/ssl/key.pem" -out "$ROOT/ssl/cert.pem" -days 3650 \
      -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1
    chmod 600 "$ROOT/ssl/key.pem"
  fi
  cat > "$ROOT/users" <<EOF
user1:{PLAIN}pass1::::::userdb_admin=y
user2:{PLAIN}pass2::::::userdb_quota_rule=*:storage=10M
user3:{PLAIN}pass3::::::userdb_quota_rule=*:storage=64K userdb_quota_rule2=*:messages=10
utf8user:{PLAIN}pässwörd-Grüße::::::
EOF
  cat > "$ROOT/masters" <<EOF
master:{PLAIN}masterpw
EOF
  write_conf
}

# Dovecot's mail user reaches the store ($ROOT/mail) and its auth user the users files
# ($ROOT): every directory on the way must be traversable by both. Asked of the kernel as
# those users (modes, ACLs); the first directory that is not is reported, never chmod-ed.
check_traversable() {
  local dirs=() d=$ROOT u bad
  while :; do dirs=("$d" "${dirs[@]}"); [ "$d" = / ] && break; d=$(dirname "$d"); done
  for u in "$MAILUSER" dovecot; do
    id "$u" >/dev/null 2>&1 || continue
    bad=$(setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups \
            sh -c 'for d; do [ -x "$d" ] || { echo "$d"; exit 1; }; done' sh "${dirs[@]}") && continue
    [ -n "$bad" ] || { log "cannot check directory access as user $u (setpriv failed)"; exit 1; }
    log "Dovecot's user $u cannot traverse $bad (mode $(stat -c %a "$bad"), owner $(stat -c %U "$bad")), on the way to its mail store $ROOT/mail."
    log "This script changes the mode only of directories it creates: make $bad traversable (chmod o+x), or set IMAPSRV_DIR to a directory under a traversable path."
    exit 1
  done
}

write_conf() {
  cat > "$CONF.tmp" <<EOF
# Self-contained Dovecot 2.3 test configuration, generated by dovecot-up.sh
instance_name = $INSTANCE
base_dir = $ROOT/run
state_dir = $ROOT/state
log_path = $LOG
protocols = imap
listen = $HOST
ssl = yes
ssl_cert = <$ROOT/ssl/cert.pem
ssl_key = <$ROOT/ssl/key.pem
# 2.3 name; Dovecot 2.4 calls it auth_allow_cleartext = yes
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
# Tests log in with wrong passwords on purpose; do not slow every later login down.
auth_failure_delay = 0
auth_master_user_separator = *
first_valid_uid = 1
mail_max_userip_connections = 1000
mail_location = maildir:~/Maildir
mail_fsync = never
mailbox_idle_check_interval = 1 secs
mail_plugins = \$mail_plugins quota acl
mail_attribute_dict = file:%h/Maildir/dovecot-attributes

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $ROOT/masters
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $ROOT/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $ROOT/users
  default_fields = uid=$MAILUSER gid=$MAILUSER home=$ROOT/mail/%u
}

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
  }
}
namespace shared {
  type = shared
  separator = /
  prefix = shared/%%u/
  location = maildir:%%h/Maildir
  subscriptions = no
  list = children
}

protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
  imap_metadata = yes
}

plugin {
  # ':ns=' binds the root to the inbox namespace; without it SETQUOTA
  # segfaults 2.3.19 (root->ns NULL in quota_set_resource)
  quota = count:User quota:ns=
  quota_rule = *:storage=1G
  quota_rule2 = *:messages=1000000
  quota_vsizes = yes
  # SETQUOTA (admin users only) writes the new limit into this dict; 2.3
  # never reads it back, so GETQUOTA keeps showing quota_rule limits.
  quota_set = dict:file:%h/quota-limits
  acl = vfile
  acl_anyone = allow
  # must be writable by the mail uid
  acl_shared_dict = file:$ROOT/mail/shared-mailboxes.db
}

service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
EOF
  mv "$CONF.tmp" "$CONF"
}

running_pid() {
  local pid=""
  [ -s "$PIDFILE" ] && pid=$(cat "$PIDFILE")
  [ -z "$pid" ] && [ -s "$ROOT/run/master.pid" ] && pid=$(cat "$ROOT/run/master.pid")
  if [ -n "$pid" ] && alive "$pid" &&
     tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q dovecot; then
    echo "$pid"; return 0
  fi
  return 1
}

alive() {  # PID is alive and not a zombie (PID 1 here may reap late)
  [ -r "/proc/$1/stat" ] || return 1
  local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Our server is not running: any listener on our ports belongs to another program (another
# IMAPSRV_DIR's Dovecot included). Fail now, saying which port and how to choose another.
port_busy() {  # PORT VARIABLE
  local who=""
  command -v ss >/dev/null 2>&1 &&
    who=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -1 || true)
  log "port $1 on $HOST is in use by another program${who:+ ($who)}; set $2 to a free port (or stop that program)"
}

check_ports_free() {
  if [ "$IMAP_PORT" = "$IMAPS_PORT" ]; then
    log "DOVECOT_IMAP_PORT and DOVECOT_IMAPS_PORT are both $IMAP_PORT; they must differ"; exit 1
  fi
  local busy=0
  port_open "$IMAP_PORT" && { port_busy "$IMAP_PORT" DOVECOT_IMAP_PORT; busy=1; }
  port_open "$IMAPS_PORT" && { port_busy "$IMAPS_PORT" DOVECOT_IMAPS_PORT; busy=1; }
  [ "$busy" = 0 ] || exit 1
}

# The ports the running server was configured with, "IMAP IMAPS" (from $CONF).
conf_ports() {
  awk '/inet_listener imaps/ {s=1} /port = / {if (s) b=$3; else a=$3} END {print a " " b}' "$CONF" 2>/dev/null
}

wait_ready() {
  local i
  for i in $(seq 1 500); do   # 500 x 20 ms = 10 s
    if port_open "$IMAP_PORT" && port_open "$IMAPS_PORT"; then return 0; fi
    # (not running_pid: right after fork /proc/PID/cmdline may not say dovecot yet)
    if ! alive "$(cat "$PIDFILE")"; then
      # a port taken between our check and Dovecot's bind (or bound without listening)
      local p
      for p in "$IMAP_PORT:DOVECOT_IMAP_PORT" "$IMAPS_PORT:DOVECOT_IMAPS_PORT"; do
        grep -q "listen($HOST, ${p%%:*}) failed: Address already in use" "$LOG" 2>/dev/null &&
          port_busy "${p%%:*}" "${p#*:}" && return 1
      done
      log "dovecot died; see $LOG"; tail -20 "$LOG" >&2; return 1
    fi
    sleep 0.02
  done
  log "timeout waiting for ports $IMAP_PORT/$IMAPS_PORT"; return 1
}

print_env() {
  local pid; pid=$(running_pid || true)
  cat > "$ROOT/env.tmp" <<EOF
DOVECOT_HOST=$HOST
DOVECOT_IMAP_PORT=$IMAP_PORT
DOVECOT_IMAPS_PORT=$IMAPS_PORT
DOVECOT_PID=$pid
DOVECOT_CONF=$CONF
DOVECOT_LOG=$LOG
DOVECOT_CA=$ROOT/ssl/cert.pem
DOVECOT_USERS='user1:pass1 user2:pass2 user3:pass3'
DOVECOT_MASTER='master:masterpw'
DOVECOT_MASTER_SEPARATOR='*'
DOVECOT_QUOTA_ROOT='User quota'
DOVECOT_STREAM_CMD='/usr/lib/dovecot/imap -c $CONF -u user1 2>>$ROOT/stream.log'
DOVECOT_STREAM_CMD_STANDALONE='setpriv --reuid=$MAILUSER --regid=$MAILUSER --clear-groups env -i USER=user1 HOME=$ROOT/mail/user1 /usr/lib/dovecot/imap -c $CONF -o stats_writer_socket_path= 2>>$ROOT/stream.log'
EOF
  mv "$ROOT/env.tmp" "$ROOT/env"
  cat "$ROOT/env"
}

mailbox_dir() {  # USER MAILBOX -> Maildir++ directory
  local user=$1 mbox=$2
  if [ "${mbox^^}" = INBOX ]; then
    echo "$ROOT/mail/$user/Maildir"
  else
    echo "$ROOT/mail/$user/Maildir/.${mbox//\//.}"
  fi
}

do_seed() {  # N USER MAILBOX
  local n=$1 user=${2:-user1} mbox=${3:-INBOX} dir t0 t1
  case "$mbox" in *[!A-Za-z0-9_/.-]*) log "seed: ASCII mailbox names only"; return 2;; esac
  dir=$(mailbox_dir "$user" "$mbox")
  mkdir -p "$ROOT/mail/$user/Maildir"
  chown "$MAILUSER:$MAILUSER" "$ROOT/mail/$user" "$ROOT/mail/$user/Maildir"
  t0=$(date +%s.%N)
  python3 "$SEEDER" maildir "$dir" "$n" --seed "${DOVECOT_SEED_RANDSEED:-1}" \
    --uid "$(id -u $MAILUSER)" --gid "$(id -g $MAILUSER)"
  t1=$(date +%s.%N)
  if running_pid >/dev/null; then
    # subscribe non-INBOX folders, then let Dovecot sync/index them now
    # (otherwise the first SELECT pays for it)
    [ "${mbox^^}" = INBOX ] ||
      doveadm -c "$CONF" mailbox subscribe -u "$user" "$mbox" 2>/dev/null || true
    doveadm -c "$CONF" mailbox status -u "$user" "messages uidnext" "$mbox" >&2
  fi
  log "seeded $n messages into $user/$mbox: write $(echo "$t1 - $t0" | bc)s, total $(echo "$(date +%s.%N) - $t0" | bc)s"
}

start() {
  ensure_installed
  if seeded_otherwise; then
    log "the mail store in $ROOT was seeded with $(cat "$(seed_marker)") messages, not ${DOVECOT_SEED}: starting from a fresh store"
    stop >/dev/null 2>&1
    rm -rf "$ROOT/mail"
  fi
  if pid=$(running_pid); then
    if [ "$(conf_ports)" = "$IMAP_PORT $IMAPS_PORT" ] &&
       port_open "$IMAP_PORT" && port_open "$IMAPS_PORT"; then
      seed_if_wanted; print_env; return 0
    fi
    log "pid $pid alive but not listening on $IMAP_PORT/$IMAPS_PORT; restarting"; stop
  fi
  check_ports_free
  ensure_setup
  rm -f "$PIDFILE" "$ROOT/run/master.pid"
  local t0; t0=$(date +%s.%N)
  setsid dovecot -F -c "$CONF" >>"$LOG" 2>&1 </dev/null 9>&- &
  echo $! > "$PIDFILE"
  wait_ready
  log "ready in $(echo "$(date +%s.%N) - $t0" | bc)s (pid $(cat "$PIDFILE"))"
  seed_if_wanted
  print_env
}

seed_marker() {
  local u=${DOVECOT_SEED_USER:-user1} m=${DOVECOT_SEED_MAILBOX:-INBOX}
  echo "$ROOT/mail/.seeded-$u-${m//\//_}"
}

# The wanted mailbox was seeded with another number of messages than DOVECOT_SEED.
seeded_otherwise() {
  local n=${DOVECOT_SEED:-0} marker; marker=$(seed_marker)
  [ "$n" -gt 0 ] && [ -e "$marker" ] && [ "$(cat "$marker")" != "$n" ]
}

seed_if_wanted() {  # DOVECOT_SEED messages, once per store (marker file)
  local n=${DOVECOT_SEED:-0} u=${DOVECOT_SEED_USER:-user1} m=${DOVECOT_SEED_MAILBOX:-INBOX}
  local marker; marker=$(seed_marker)
  if [ "$n" -gt 0 ] && [ ! -e "$marker" ]; then
    do_seed "$n" "$u" "$m" && echo "$n" > "$marker"
  fi
  return 0
}

stop() {
  local pid i
  if pid=$(running_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 250); do   # up to 5 s
      alive "$pid" || break
      # Dovecot keeps its 'log' child (and so the master) alive ~2 s after
      # everything else exited; once only 'log' is left, finish it off.
      local kids; kids=$(ps -o pid=,comm= --ppid "$pid" 2>/dev/null || true)
      if [ -n "$kids" ] && [ -z "$(printf '%s\n' "$kids" | awk '$2 != "log"')" ]; then
        kill -KILL "$pid" $(printf '%s\n' "$kids" | awk '{print $1}') 2>/dev/null || true
      fi
      sleep 0.02
    done
    if alive "$pid"; then
      log "pid $pid did not stop; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped (pid $pid)"
  fi
  rm -f "$PIDFILE"
}

cmd=${1:-start}
mkdir -p "$ROOT"
exec 9>"$ROOT.lock"
flock 9
case "$cmd" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if pid=$(running_pid); then echo "running pid $pid"; else echo stopped; exit 1; fi ;;
  env) print_env ;;
  seed) shift; [ $# -ge 1 ] || { echo "usage: $0 seed N [USER] [MAILBOX]" >&2; exit 2; }
        ensure_installed; ensure_setup; do_seed "$@" ;;
  reset) stop
         # only what this script made: an empty directory or one holding its configuration
         if [ -z "$(ls -A "$ROOT")" ] || head -1 "$CONF" 2>/dev/null | grep -q 'generated by dovecot-up.sh'; then
           rm -rf "$ROOT"
         else
           log "not deleting $ROOT: it does not hold this script's configuration"; exit 1
         fi ;;
  *) sed -n '2,30p' "$0"; exit 2 ;;
esac
