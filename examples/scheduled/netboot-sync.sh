#!/usr/bin/env bash
# Scheduled sync of every boot proxy in an inventory (run by netboot-sync.timer, cron, or by hand).
#
#   netboot-sync.sh [INVENTORY...]        default: /etc/netboot-oci/site.yaml
#
# Environment: NETBOOT_OCI (the netboot-oci command, may carry arguments; default: netboot-oci on PATH),
#   NETBOOT_SYNC_LOG (default /var/log/netboot-oci/sync.log),
#   NETBOOT_SYNC_STATE (last run's JSON summary; default /var/lib/netboot-oci/last-sync.json),
#   NETBOOT_SYNC_LOCK (default /run/lock/netboot-sync.lock), NETBOOT_SYNC_ARGS (extra sync options, e.g. --prune),
#   NETBOOT_SYNC_TIMEOUT (seconds; default 3600). Registry credentials come from the variables the inventory names.
#
# Exit codes follow the monitoring-plugin convention (Nagios, Icinga, Zabbix, check_mk):
#   0 OK        every proxy is in the desired state
#   1 WARNING   some artifacts or proxies failed (the others were synced); see the log
#   2 CRITICAL  the inventory is invalid (nothing was touched) or the sync could not run
#   3 UNKNOWN   another sync still holds the lock, so this run did nothing
set -uo pipefail

NETBOOT_OCI=${NETBOOT_OCI:-netboot-oci}
LOG=${NETBOOT_SYNC_LOG:-/var/log/netboot-oci/sync.log}
STATE=${NETBOOT_SYNC_STATE:-/var/lib/netboot-oci/last-sync.json}
LOCK=${NETBOOT_SYNC_LOCK:-/run/lock/netboot-sync.lock}
TIMEOUT=${NETBOOT_SYNC_TIMEOUT:-3600}
[ $# -gt 0 ] || set -- /etc/netboot-oci/site.yaml
read -r -a nboci <<<"$NETBOOT_OCI"   # may be a command with arguments, e.g. "dotnet /opt/netboot-oci/netboot-oci.dll"

mkdir -p "$(dirname "$LOG")" "$(dirname "$STATE")" "$(dirname "$LOCK")" || exit 2
log() { printf '%s netboot-sync[%d]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$*" >>"$LOG"; }

# One run at a time: a timer firing while a long first sync is still downloading must not start a second one.
exec 9>"$LOCK" || { log "cannot open lock $LOCK"; exit 2; }
if ! flock -n 9; then
  log "another sync holds $LOCK; skipped"
  echo "UNKNOWN: another netboot sync is still running" >&2
  exit 3
fi

args=()
for inventory in "$@"; do args+=(--inventory "$inventory"); done
# shellcheck disable=SC2206 # NETBOOT_SYNC_ARGS is a list of options on purpose
args+=(${NETBOOT_SYNC_ARGS:-})

log "start: $NETBOOT_OCI sync ${args[*]}"
tmp=$(mktemp "${STATE}.XXXXXX") || exit 2
timeout --kill-after=60 "$TIMEOUT" "${nboci[@]}" sync "${args[@]}" --json >"$tmp" 2>>"$LOG"
rc=$?
case $rc in
  0) status="OK: every proxy is in the desired state" ;;
  1) status="WARNING: some artifacts failed; the rest were synced (see $LOG)" ;;
  2) status="CRITICAL: the inventory is invalid; nothing was changed (see $LOG)" ;;
  124|137) status="CRITICAL: the sync did not finish within ${TIMEOUT}s"; rc=2 ;;
  *) status="CRITICAL: netboot-oci exited $rc"; rc=2 ;;
esac
if [ -s "$tmp" ]; then mv -f "$tmp" "$STATE"; else rm -f "$tmp"; fi
log "end: exit $rc: $status"
echo "$status"
exit $rc
