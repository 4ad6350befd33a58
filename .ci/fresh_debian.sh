#!/usr/bin/env bash
# CI: the README's two commands on a fresh Debian 12, as a new colleague would run them.
#
#   bash .ci/fresh_debian.sh          (as root; Debian or Ubuntu host with network access)
#
# 1. A minimal Debian 12 root (debootstrap --variant=minbase, python3 and ca-certificates
#    only), cached in $ENKASH_ROOT_CACHE (default /var/cache/enkash-desktop-ci) and made
#    anew when older than $ENKASH_ROOT_MAX_AGE_DAYS (default 3) days; every run works on a
#    copy, so the cache stays clean.
# 2. It gets this machine's network settings (a fresh machine would have the same network):
#    apt sources and proxy settings, CA certificates, pip's configuration (files, PIP_*
#    variables, and local wheel folders or indexes it names, read-only).
# 3. The repository's committed HEAD is cloned into it; /proc, /sys, /dev, /dev/pts and a
#    tmpfs /dev/shm are mounted in a private mount namespace (the host never sees them, and
#    they vanish with it even if this script is killed), then unmounted by a trap anyway.
# 4. `bash scripts/demo.sh` runs with no display and stdin closed; then `bash scripts/test.sh
#    -q` runs started as a script's `cmd &` starts it (SIGINT ignored), with ENKASH_NO_SKIPS=1.
# 5. Timings and the Debian packages each phase installed go to $ENKASH_FRESH_REPORT
#    (default build/fresh-debian/ in the clone this script runs from).
#
# The copy is deleted only when findmnt shows nothing mounted below it, and with
# `rm --one-file-system`, which never crosses into a mount.
set -euo pipefail

say() { printf '\033[1m[fresh-debian]\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# ------------------------------------------------------------------ inside the namespace

kill_processes_in() {  # every process whose root is the fresh root: only ours run there
  local root="$1" pid link signal
  for signal in TERM KILL; do
    for link in /proc/[0-9]*/root; do
      pid="${link#/proc/}"; pid="${pid%/root}"
      [ "$(readlink "$link" 2>/dev/null)" = "$root" ] || continue
      kill "-$signal" "$pid" 2>/dev/null || true
    done
    sleep 1
  done
}

unmount_below() {  # deepest first
  local root="$1" target
  findmnt -rn -o TARGET | awk -v r="$root/" 'index($0, r) == 1' | sort -r |
    while read -r target; do
      umount "$target" 2>/dev/null || umount -l "$target"
    done
}

inside() {  # runs in the private mount namespace
  local root="$1" report="$2" start
  INSIDE_ROOT="$root"  # for the trap, which runs after this function's locals are gone
  trap 'kill_processes_in "$INSIDE_ROOT"; unmount_below "$INSIDE_ROOT"' EXIT
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys" 2>/dev/null || mount --rbind /sys "$root/sys"
  mount --bind /dev "$root/dev"
  mount --bind /dev/pts "$root/dev/pts"
  mount -t tmpfs tmpfs "$root/dev/shm" -o mode=1777,nosuid,nodev
  local path
  for path in "${PIP_LOCAL_PATHS[@]}"; do  # pip's local wheels and indexes, read-only
    mkdir -p "$root$path"
    mount --bind "$path" "$root$path"
    mount -o remount,bind,ro "$root$path"
  done

  local -a env=(env -i HOME=/root LANG=C.UTF-8 TERM=dumb
                PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  local name
  for name in $(compgen -e); do
    case "$name" in
      PIP_*|http_proxy|https_proxy|no_proxy|HTTP_PROXY|HTTPS_PROXY|NO_PROXY)
        env+=("$name=${!name}") ;;
    esac
  done

  packages() { chroot "$root" dpkg-query -W -f '${Package}\n' | sort; }
  packages > "$report/packages-base.txt"

  say "Demo: bash scripts/demo.sh (no display, stdin closed)"
  start=$SECONDS
  if ! timeout --kill-after=30 1200 chroot "$root" "${env[@]}" \
      bash -c 'cd /root/enkash-desktop && exec bash scripts/demo.sh' \
      </dev/null 2>&1 | tee "$report/demo.log"; then
    die "The demo failed on a fresh Debian 12; its output is in $report/demo.log."
  fi
  echo "demo_s=$((SECONDS - start))" >> "$report/times.txt"
  grep -q "Portal link: http" "$report/demo.log" ||
    die "The demo ran but printed no portal link; see $report/demo.log."
  packages > "$report/packages-after-demo.txt"
  comm -13 "$report/packages-base.txt" "$report/packages-after-demo.txt" \
    > "$report/installed-by-demo.txt"

  say "Tests: bash scripts/test.sh -q, started with SIGINT ignored as \`cmd &\` in a script"
  start=$SECONDS
  local rc=0
  timeout --kill-after=60 "${ENKASH_FRESH_TEST_TIMEOUT:-3600}" chroot "$root" "${env[@]}" \
    ENKASH_NO_SKIPS=1 ENKASH_PACKAGING="${ENKASH_PACKAGING:-1}" \
    bash -c "cd /root/enkash-desktop && trap '' INT && exec bash scripts/test.sh -q" \
    </dev/null 2>&1 | tee "$report/test.log" || rc=$?
  echo "test_s=$((SECONDS - start))" >> "$report/times.txt"
  packages > "$report/packages-after-test.txt"
  comm -13 "$report/packages-after-demo.txt" "$report/packages-after-test.txt" \
    > "$report/installed-by-test.txt"
  cp "$root/root/enkash-desktop/build/setup/apt.log" "$report/apt.log" 2>/dev/null || true
  [ "$rc" -eq 0 ] || die "The test command failed on a fresh Debian 12 (exit $rc); see $report/test.log."
}

if [ "${1:-}" = --inside ]; then
  read -r -a PIP_LOCAL_PATHS <<< "${3:-}"
  inside "$2" "$4"
  exit 0
fi

# ------------------------------------------------------------------ on the host

[ "$(id -u)" -eq 0 ] || die "This check makes a Debian root with debootstrap: run it as root."
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${ENKASH_ROOT_CACHE:-/var/cache/enkash-desktop-ci}"
CACHE="$CACHE_DIR/bookworm-minbase"
MAX_AGE_DAYS="${ENKASH_ROOT_MAX_AGE_DAYS:-3}"
REPORT="${ENKASH_FRESH_REPORT:-$REPO/build/fresh-debian}"
rm -rf "$REPORT"
mkdir -p "$REPORT" "$CACHE_DIR"
: > "$REPORT/times.txt"
HOST_APT_LOG="$REPORT/host-apt.log"

if ! command -v debootstrap >/dev/null 2>&1; then
  say "Installing debootstrap on this machine (apt's messages go to $HOST_APT_LOG)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      debootstrap; } </dev/null >>"$HOST_APT_LOG" 2>&1 ||
    die "debootstrap could not be installed; see $HOST_APT_LOG."
fi

debian_mirror() {  # the first Debian archive this machine's apt sources name
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
         awk '/^URIs:/ {print $2}' | grep -v security | head -n 1 || true)"
  [ -n "$uri" ] || uri="$(grep -hE '^deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
                          2>/dev/null | grep -v security | awk '{print $2}' | head -n 1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

refresh_cache() {
  local fresh="$CACHE_DIR/bookworm-minbase.new.$$" start=$SECONDS mirror
  mirror="$(debian_mirror)"
  say "Making a minimal Debian 12 root with debootstrap from $mirror (cached for $MAX_AGE_DAYS days)"
  rm -rf --one-file-system "$fresh"
  # In a private mount namespace: whatever debootstrap mounts vanishes with it.
  if ! unshare --mount --propagation private debootstrap --variant=minbase \
      --include=python3,ca-certificates bookworm "$fresh" "$mirror" \
      </dev/null >"$REPORT/debootstrap.log" 2>&1; then
    tail -n 20 "$REPORT/debootstrap.log" >&2
    die "debootstrap failed; its whole output is in $REPORT/debootstrap.log."
  fi
  touch "$fresh/.enkash-ci-created"
  if [ -d "$CACHE" ]; then
    [ -z "$(findmnt -rn -o TARGET | awk -v r="$CACHE/" 'index($0, r) == 1')" ] ||
      die "Something is mounted below $CACHE; it was left as it is."
    rm -rf --one-file-system "$CACHE"
  fi
  mv "$fresh" "$CACHE"
  echo "debootstrap_s=$((SECONDS - start))" >> "$REPORT/times.txt"
}

WORK="$(mktemp -d /var/tmp/enkash-fresh-debian.XXXXXX)"
ROOTFS="$WORK/root"

cleanup() {
  local rc=$?
  kill_processes_in "$ROOTFS"
  unmount_below "$ROOTFS"  # nothing, normally: the mounts lived in the namespace
  if [ -n "$(findmnt -rn -o TARGET | awk -v r="$ROOTFS/" 'index($0, r) == 1')" ]; then
    say "Something is still mounted below $ROOTFS, so it was NOT deleted; unmount it first."
  else
    rm -rf --one-file-system "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

START=$SECONDS
(
  flock 9
  if [ ! -f "$CACHE/.enkash-ci-created" ] ||
     [ -n "$(find "$CACHE/.enkash-ci-created" -mtime "+$((MAX_AGE_DAYS - 1))")" ]; then
    refresh_cache
  else
    say "Using the cached Debian 12 root from $(date -r "$CACHE/.enkash-ci-created" '+%F %R')"
    echo "debootstrap_s=cached" >> "$REPORT/times.txt"
  fi
  cp -a "$CACHE" "$ROOTFS"
) 9>"$CACHE_DIR/lock"
echo "copy_s=$((SECONDS - START))" >> "$REPORT/times.txt"

# This machine's network settings: apt sources, keyrings and proxies, CA certificates, DNS.
rm -f "$ROOTFS/etc/apt/sources.list" "$ROOTFS"/etc/apt/sources.list.d/*
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] || continue
  cp "$file" "$ROOTFS$file"
  for key in $(grep -hoE '(signed-by=|Signed-By:\s*)/[^] ]+' "$file" | sed -E 's/^(signed-by=|Signed-By:\s*)//'); do
    [ -e "$ROOTFS$key" ] || { mkdir -p "$(dirname "$ROOTFS$key")"; cp "$key" "$ROOTFS$key"; }
  done
done
for file in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do  # proxies and other Acquire settings
  if [ -f "$file" ] && grep -qiE '^\s*Acquire::' "$file"; then cp "$file" "$ROOTFS$file"; fi
done
cp -a /etc/apt/trusted.gpg.d/. "$ROOTFS/etc/apt/trusted.gpg.d/" 2>/dev/null || true
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
if [ -d /usr/local/share/ca-certificates ]; then
  cp -a /usr/local/share/ca-certificates/. "$ROOTFS/usr/local/share/ca-certificates/"
fi
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true
cp /etc/hosts "$ROOTFS/etc/hosts"

# pip's configuration: its files, and the local folders they (or PIP_* variables) point at.
for file in /etc/pip.conf "$HOME/.pip/pip.conf" "$HOME/.config/pip/pip.conf"; do
  [ -f "$file" ] || continue
  target="$ROOTFS/root${file#"$HOME"}"
  [ "${file#"$HOME"}" != "$file" ] || target="$ROOTFS$file"
  mkdir -p "$(dirname "$target")"
  cp "$file" "$target"
done
if [ -d /etc/xdg/pip ]; then mkdir -p "$ROOTFS/etc/xdg" && cp -a /etc/xdg/pip "$ROOTFS/etc/xdg/"; fi
PIP_LOCAL_PATHS=()
for value in $( { python3 -m pip config list 2>/dev/null | sed -E "s/^[^=]+='?//; s/'$//"
                  env | grep -E '^PIP_' | cut -d= -f2-; } | tr ' ' '\n'); do
  value="${value#file://}"
  case "$value" in
    /etc/*|/usr/*|/root/*|/proc/*|/sys/*|/dev/*) ;;  # copied above, or the root's own
    /*) [ -d "$value" ] && PIP_LOCAL_PATHS+=("$value") ;;
  esac
done
# An index folder given as .../simple is bound as its parent (its package pages link there).
mapfile -t PIP_LOCAL_PATHS < <(printf '%s\n' "${PIP_LOCAL_PATHS[@]}" |
                               sed -E 's#/simple/?$##' | sort -u | grep . || true)

# The repository's committed HEAD, cloned (uncommitted changes are not part of the check).
HEAD_SHA="$(git -C "$REPO" rev-parse HEAD)"
say "Cloning commit ${HEAD_SHA:0:12} into the fresh root"
git clone -q --no-checkout "$REPO" "$ROOTFS/root/enkash-desktop"
git -C "$ROOTFS/root/enkash-desktop" -c advice.detachedHead=false checkout -q "$HEAD_SHA"

unshare --mount --propagation private \
  bash "${BASH_SOURCE[0]}" --inside "$ROOTFS" "${PIP_LOCAL_PATHS[*]}" "$REPORT"

say "Passed on a fresh Debian 12 (times in seconds):"
sed 's/^/  /' "$REPORT/times.txt" >&2
say "Debian packages installed by demo.sh: $(wc -l < "$REPORT/installed-by-demo.txt"), by test.sh: $(wc -l < "$REPORT/installed-by-test.txt") (lists in $REPORT)"
