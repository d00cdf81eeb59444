#!/usr/bin/env bash
# dovecot-up.sh changes the mode of no directory it did not create (issue 11, item 19): the
# parent of IMAPSRV_DIR keeps its mode (1777 like /tmp, 0711, 0755) through start, stop and
# reset; a directory the mail user cannot traverse is reported (not chmod-ed), and nothing
# is started.
source "$(dirname "$0")/lib.sh"

start_in() {  # DIR -> runs dovecot-up.sh start on fresh ports; output in $SCRATCH/out
  IMAPSRV_DIR=$1 DOVECOT_IMAP_PORT=$(free_port) DOVECOT_IMAPS_PORT=$(free_port) \
    timeout 120 bash "$UP" start >"$SCRATCH/out" 2>&1
}

for mode in 1777 711 755; do
  parent=$SCRATCH/parent-$mode
  mkdir "$parent"; chmod "$mode" "$parent"
  if start_in "$parent/srv"; then
    [ "$(stat -c %a "$parent")" = "$mode" ] ||
      fail "start changed $parent from $mode to $(stat -c %a "$parent")"
    IMAPSRV_DIR=$parent/srv bash "$UP" status >/dev/null || fail "not running from $parent/srv"
  else
    fail "start under a $mode parent failed: $(tail -5 "$SCRATCH/out")"
  fi
  IMAPSRV_DIR=$parent/srv bash "$UP" stop >/dev/null 2>&1 || fail "stop under $mode"
  IMAPSRV_DIR=$parent/srv bash "$UP" reset >/dev/null 2>&1 || fail "reset under $mode"
  [ "$(stat -c %a "$parent")" = "$mode" ] ||
    fail "stop/reset changed $parent from $mode to $(stat -c %a "$parent")"
done

# Not traversable by the mail user: a parent 0700, then IMAPSRV_DIR itself made 0700 by
# someone else. Refused with a message naming the directory; modes unchanged; not started.
for case in parent self; do
  parent=$SCRATCH/closed-$case
  mkdir -p "$parent/srv"
  if [ "$case" = parent ]; then closed=$parent; else closed=$parent/srv; chmod 755 "$parent"; fi
  chmod 700 "$closed"
  if start_in "$parent/srv"; then
    fail "start succeeded although $closed (0700) is not traversable by the mail user"
  else
    grep -q "cannot traverse $closed" "$SCRATCH/out" ||
      fail "no clear message naming $closed: $(tail -5 "$SCRATCH/out")"
  fi
  [ "$(stat -c %a "$closed")" = 700 ] ||
    fail "start changed $closed from 700 to $(stat -c %a "$closed")"
  if IMAPSRV_DIR=$parent/srv bash "$UP" status >/dev/null 2>&1; then
    fail "a Dovecot runs from $parent/srv"
  fi
  chmod 755 "$closed"
done

finish
