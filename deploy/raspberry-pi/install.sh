#!/usr/bin/env bash
# Turn a Raspberry Pi OS Bookworm (64-bit) machine into a Seen kiosk, or a console box.
#
#   sudo deploy/raspberry-pi/install.sh                     # a kiosk
#   sudo deploy/raspberry-pi/install.sh --role server       # the staff console server
#   deploy/raspberry-pi/install.sh --root /tmp/pi-root      # dry install into a folder
#   sudo deploy/raspberry-pi/install.sh --upgrade --source seen_checkin-0.2.0-py3-none-any.whl
#   sudo deploy/raspberry-pi/install.sh --wheelhouse /media/usb/wheelhouse   # no internet
#   sudo deploy/raspberry-pi/install.sh --uninstall [--purge]
#
# The server role makes the clinic CA and the server's certificate (staffconsole tls
# init, in /etc/seen/tls) unless told --no-tls, and its server.toml serves HTTPS.
#
# With --root DIR every file goes under DIR and nothing on this machine changes: the
# steps that would (apt-get, useradd, pip, udevadm, systemctl) are logged as
# "would run: ..." instead. Safe to run again: /etc/seen/*.toml is never overwritten.
# See docs/install-raspberry-pi.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROLE=kiosk
ROOT=""
SERVICE_USER=seen
SOURCE="$(cd "$HERE/../.." && pwd)"
PRINTER_USB="0403:6001"   # FTDI FT232R, a common USB serial adapter; see lsusb
PREFIX=/opt/seen
ETC=/etc/seen
STATE=/var/lib/seen
BACKUPS=/var/backups/seen
SOURCE_GIVEN=0
WHEELHOUSE=""
UPGRADE=0
UNINSTALL=0
PURGE=0
READY_WAIT_GIVEN=""
TLS_SANS=()
NO_TLS=0

usage() {
    cat <<EOF
usage: $0 [--role kiosk|server|both] [--root DIR] [--user NAME] [--source PATH]
          [--printer-usb VENDOR:PRODUCT] [--printer-serial SERIAL]
          [--wheelhouse DIR] [--upgrade [--ready-wait SECONDS]] | --uninstall [--purge]
          [--tls-san NAME_OR_IP]... [--no-tls]
  --role         kiosk (default): touch screen + printer; server: the staff console
  --root DIR     install into DIR only; log the system changes instead of making them
  --user NAME    service user (default seen)
  --source PATH  the checkout or wheel pip installs (default: this checkout, $SOURCE)
  --printer-usb  USB ids of the printer's serial adapter, or of a USB printer, for
                 /dev/seen-printer and usb:// (default $PRINTER_USB; find yours with lsusb)
  --printer-serial  its USB serial number, so two identical adapters never race for
                 /dev/seen-printer (udevadm info -a -n /dev/ttyUSB0 | grep serial)
  --wheelhouse DIR  install offline from DIR (made by `make wheelhouse`): its wheels,
                 its locks/ROLE.txt, its seen_checkin wheel unless --source names one
  --upgrade      install the new version into a new venv, migrate the database,
                 restart the services, check /readyz; back to the previous venv if not
  --ready-wait   seconds the upgraded server has to be ready (default 60)
  --uninstall    remove what the installer added; keep settings and data
  --purge        with --uninstall: remove settings, data, backups and the user too
  --tls-san      (server) a name or address kiosks use for the server, for its
                 certificate (repeat; default: this machine's names and addresses)
  --no-tls       (server) make no certificates; server.toml then needs your own
                 tls_cert and tls_key, or allow_plain_http = true, to start
EOF
}

die() { echo "install: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --role) ROLE="${2:-}"; shift 2 ;;
        --root) ROOT="${2:-}"; shift 2 ;;
        --user) SERVICE_USER="${2:-}"; shift 2 ;;
        --source) SOURCE="${2:-}"; SOURCE_GIVEN=1; shift 2 ;;
        --wheelhouse) WHEELHOUSE="${2:-}"; shift 2 ;;
        --upgrade) UPGRADE=1; shift ;;
        --ready-wait) READY_WAIT_GIVEN="${2:-}"; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        --purge) PURGE=1; shift ;;
        --printer-usb) PRINTER_USB="${2:-}"; shift 2 ;;
        --printer-serial) PRINTER_SERIAL="${2:-}"; shift 2 ;;
        --tls-san) TLS_SANS+=("${2:-}"); shift 2 ;;
        --no-tls) NO_TLS=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

case "$ROLE" in
    kiosk|server|both) ;;
    *) die "--role must be kiosk, server or both, not '$ROLE'" ;;
esac
[[ "$SERVICE_USER" =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] \
    || die "--user '$SERVICE_USER' is not a valid user name"
[[ "$PRINTER_USB" =~ ^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$ ]] \
    || die "--printer-usb must be VENDOR:PRODUCT in hex like 067b:2303, not '$PRINTER_USB'"
VENDOR="${PRINTER_USB%%:*}"; VENDOR="${VENDOR,,}"
PRODUCT="${PRINTER_USB##*:}"; PRODUCT="${PRODUCT,,}"
PRINTER_SERIAL="${PRINTER_SERIAL:-}"
[[ "$PRINTER_SERIAL" =~ ^[A-Za-z0-9._-]{0,64}$ ]] \
    || die "--printer-serial must be letters, digits, '.', '_' or '-', not '$PRINTER_SERIAL'"
# Empty, or the udev match that pins the rule to one adapter.
SERIAL_MATCH=""
if [ -n "$PRINTER_SERIAL" ]; then
    SERIAL_MATCH=", ATTRS{serial}==\"$PRINTER_SERIAL\""
fi

# The code's own steps: versioned venvs, upgrade and rollback, uninstall.
# shellcheck source=release.sh
. "$HERE/release.sh"
[ "$UPGRADE" = 0 ] || [ "$UNINSTALL" = 0 ] || die "--upgrade and --uninstall go one at a time"
[ "$PURGE" = 0 ] || [ "$UNINSTALL" = 1 ] || die "--purge goes with --uninstall"
if [ -n "$READY_WAIT_GIVEN" ]; then
    [[ "$READY_WAIT_GIVEN" =~ ^[0-9]+$ ]] \
        || die "--ready-wait must be a whole number of seconds, not '$READY_WAIT_GIVEN'"
    READY_WAIT="$READY_WAIT_GIVEN"
fi

if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT" || die "cannot create --root $ROOT"
    ROOT="$(cd "$ROOT" && pwd)"
    [ "$ROOT" != / ] || die "--root / is the real system: leave --root out instead"
    DRY=1
else
    [ "$(id -u)" = 0 ] || die "run as root (sudo), or with --root DIR for a dry install"
    DRY=0
fi

log() { echo "install: $*"; }

# A command that changes the system: run it, or with --root only say it.
system() {
    if [ "$DRY" = 1 ]; then
        log "would run: $*"
    else
        log "running: $*"
        "$@"
    fi
}

# Write a template to ROOT+dest with @WORDS@ filled in; mode and group as given.
put() {
    local src="$1" dest="$2" mode="$3" group="${4:-root}" keep="${5:-}"
    local target="$ROOT$dest"
    if [ -n "$keep" ] && [ -e "$target" ]; then
        log "kept $dest (already there; remove it to get the template again)"
        return
    fi
    mkdir -p "$(dirname "$target")"
    sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@ETC@|$ETC|g" -e "s|@STATE@|$STATE|g" \
        -e "s|@USER@|$SERVICE_USER|g" -e "s|@VENDOR@|$VENDOR|g" -e "s|@PRODUCT@|$PRODUCT|g" \
        -e "s|@SERIAL_MATCH@|$SERIAL_MATCH|g" -e "s|@BACKUPS@|$BACKUPS|g" \
        -e "s|@TLS@|$TLS_COMMENT|g" \
        "$HERE/$src" > "$target.tmp"
    chmod "$mode" "$target.tmp"
    mv "$target.tmp" "$target"
    if [ "$group" != root ]; then
        system chown "root:$group" "$target"
    fi
    log "wrote $dest ($mode)"
}

folder() {
    local dest="$1" mode="$2" owner="$3"
    mkdir -p "$ROOT$dest"
    chmod "$mode" "$ROOT$dest"
    if [ "$owner" != root ]; then
        system chown "$owner:$owner" "$ROOT$dest"
    fi
}

# HTTPS for the server (docs/install-raspberry-pi.md, "HTTPS on the clinic network"):
# the clinic CA and the server's certificate in ETC/tls, readable by the service. Kept
# when already there (a second run never replaces the CA the kiosks trust).
# SEEN_INSTALL_STAFFCONSOLE stands in for the venv's staffconsole in --root tests only.
TLS_COMMENT=""
[ "$NO_TLS" = 1 ] && TLS_COMMENT="# "
make_tls() {
    local dir="$ETC/tls" tool="${SEEN_INSTALL_STAFFCONSOLE:-$PREFIX/venv/bin/staffconsole}"
    if [ "$NO_TLS" = 1 ]; then
        log "no certificates (--no-tls): set tls_cert and tls_key in $ETC/server.toml, or"
        log "allow_plain_http = true, or the server refuses to start on a network address"
        return
    fi
    local sans=("${TLS_SANS[@]}") name args=()
    if [ "${#sans[@]}" = 0 ]; then
        name="$(hostname 2>/dev/null || true)"
        [ -n "$name" ] && sans+=("$name" "$name.local")
        # shellcheck disable=SC2207 # addresses are single words
        sans+=(localhost 127.0.0.1 $(hostname -I 2>/dev/null || true))
    fi
    for name in "${sans[@]}"; do args+=(--san "$name"); done
    if [ -e "$ROOT$dir/server.pem" ]; then
        log "kept $dir (renew with: $PREFIX/venv/bin/staffconsole tls renew --dir $dir)"
    elif [ "$DRY" = 1 ] && [ -z "${SEEN_INSTALL_STAFFCONSOLE:-}" ]; then
        log "would run: $tool tls init --dir $dir ${args[*]}"
    else
        "$tool" tls init --dir "$ROOT$dir" "${args[@]}" \
            || die "could not make the certificates in $dir (see above)"
        log "wrote $dir (the clinic CA and the server's certificate)"
    fi
    # The service reads its key; the CA's key stays root's alone.
    if [ -d "$ROOT$dir" ]; then
        chmod 0750 "$ROOT$dir"
        chmod 0640 "$ROOT$dir/server.key"
    fi
    system chown "root:$SERVICE_USER" "$ROOT$dir" "$ROOT$dir/server.key"
    log "copy $dir/ca.pem to every kiosk (ca_file in its kiosk.toml)"
    if [ -e "$ROOT$ETC/server.toml" ] && ! grep -q '^tls_cert *=' "$ROOT$ETC/server.toml" \
        && ! grep -q '^allow_plain_http *= *true' "$ROOT$ETC/server.toml"; then
        # A server.toml from before HTTPS by default: its kiosks speak http://, so an
        # upgrade must not stop the clinic. Keep plain HTTP, said in the file, and warn.
        sed -i '/^\[server\]/a allow_plain_http = true  # kept by an upgrade from before HTTPS by default' \
            "$ROOT$ETC/server.toml"
        log "WARNING: $ETC/server.toml served plain HTTP: kept, with allow_plain_http = true."
        log "WARNING: to switch to HTTPS, add tls_cert = \"$dir/server.pem\" and"
        log "WARNING: tls_key = \"$dir/server.key\", remove allow_plain_http, copy $dir/ca.pem"
        log "WARNING: to each kiosk (ca_file) and set its server_url to https://"
    fi
}

KIOSK=0; SERVER=0
case "$ROLE" in kiosk) KIOSK=1 ;; server) SERVER=1 ;; both) KIOSK=1; SERVER=1 ;; esac

if [ "$UNINSTALL" = 1 ]; then
    log "uninstall from ${ROOT:-/}"
    uninstall
    exit 0
fi
log "role $ROLE, user $SERVICE_USER, into ${ROOT:-/}"
check_code_options
[ "$UPGRADE" = 0 ] || upgrade_check

# 0. The machine. SEEN_INSTALL_ARCH and SEEN_INSTALL_MOUNTS stand in for uname and
# /proc/mounts in the tests only.
ARCH="${SEEN_INSTALL_ARCH:-$(uname -m)}"
case "$ARCH" in
    aarch64|arm64|x86_64) ;;
    armv6l|armv7l|armhf|i386|i686)
        # Kivy publishes no wheels for 32-bit ARM; a build from source takes hours and
        # usually fails on a Pi. The server role does not need Kivy.
        if [ "$KIOSK" = 1 ]; then
            die "this is a 32-bit system ($ARCH): install the 64-bit Raspberry Pi OS for a kiosk"
        fi
        log "warning: a 32-bit system ($ARCH); the server runs, but 64-bit is what is tested" ;;
    *) log "warning: untested machine type $ARCH" ;;
esac
MOUNTS="${SEEN_INSTALL_MOUNTS:-/proc/mounts}"
if [ -r "$MOUNTS" ] && awk '$2 == "/" && $3 == "overlay" { found = 1 } END { exit !found }' "$MOUNTS"; then
    # raspi-config's overlay file system keeps every write in memory until reboot: the
    # kiosk's outbox (events not yet confirmed) and the server's database would vanish.
    log "WARNING: / is an overlay file system (raspi-config 'Overlay File System')."
    log "WARNING: what Seen saves ($STATE) is lost at every reboot; turn the overlay off"
    log "WARNING: (sudo raspi-config > Performance > Overlay File System) and reboot."
fi

# 1. Packages: Python's venv, and what Kivy's SDL2 needs to draw through KMS/DRM.
PACKAGES=(python3-venv python3-pip)
if [ "$KIOSK" = 1 ]; then
    PACKAGES+=(libgl1 libegl1 libgles2 libgbm1 libdrm2 libmtdev1 libinput10 fonts-dejavu-core)
    PACKAGES+=(libusb-1.0-0)  # pyusb's backend, for usb:// printers
    PACKAGES+=(espeak-ng alsa-utils)  # speech mode's voice, offline; aplay -l for kiosk doctor
fi
# The package lists on a new card are often months old: install fails without an update.
system apt-get update
system apt-get install -y --no-install-recommends "${PACKAGES[@]}"

# 2. The service user: no login, no home of its own beyond the state folder.
if [ "$DRY" = 1 ] || ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
    system useradd --system --user-group --home-dir "$STATE" --shell /usr/sbin/nologin \
        "$SERVICE_USER"
fi
if [ "$KIOSK" = 1 ]; then
    # Screen and GPU, touch panel and scanner, the printer's serial port, the headphone jack.
    system usermod -a -G video,render,input,dialout,audio "$SERVICE_USER"
fi

# 3. Folders: code in PREFIX, settings in ETC (root's), data in STATE (the user's).
folder "$PREFIX" 0755 root
folder "$ETC" 0755 root
folder "$STATE" 0750 "$SERVICE_USER"

# 4. The code: a new venv from the role's lock file (release.sh); --upgrade builds and
# switches to it after the units are in place (step 7).
[ "$UPGRADE" = 1 ] || install_code
install -m 0644 -D "$HERE/../../docs/install-raspberry-pi.md" \
    "$ROOT$PREFIX/docs/install-raspberry-pi.md"

# 5. Settings from the commented templates, readable by the service (tokens inside).
if [ "$KIOSK" = 1 ]; then
    put kiosk.toml.template "$ETC/kiosk.toml" 0640 "$SERVICE_USER" keep
    folder "$STATE/kivy" 0750 "$SERVICE_USER"
    put kivy-config.ini "$STATE/kivy/config.ini" 0644
    put 99-seen-printer.rules /etc/udev/rules.d/99-seen-printer.rules 0644
    system udevadm control --reload-rules
    # The rules' subsystems: a serial adapter, a printer-class printer, a raw USB one.
    system udevadm trigger --subsystem-match=tty --subsystem-match=usbmisc \
        --subsystem-match=usb
    put seen-kiosk.service /etc/systemd/system/seen-kiosk.service 0644
fi
if [ "$SERVER" = 1 ]; then
    put server.toml.template "$ETC/server.toml" 0640 "$SERVICE_USER" keep
    make_tls
    put seen-console.service /etc/systemd/system/seen-console.service 0644
    # Nightly checked backups, the newest 14 kept (docs: "Backups").
    folder "$BACKUPS" 0700 "$SERVICE_USER"
    put seen-backup.service /etc/systemd/system/seen-backup.service 0644
    put seen-backup.timer /etc/systemd/system/seen-backup.timer 0644
fi

# 6. Start at boot, without a desktop.
system systemctl daemon-reload
if [ "$KIOSK" = 1 ]; then
    system systemctl set-default multi-user.target
    system systemctl disable getty@tty1.service
    system systemctl enable seen-kiosk.service
fi
if [ "$SERVER" = 1 ]; then
    system systemctl enable seen-console.service
    system systemctl enable seen-backup.timer
fi

# 7. --upgrade: migrate, switch, restart, check /readyz; roll back if any of it fails.
[ "$UPGRADE" = 0 ] || upgrade_code

log "done."
if [ "$KIOSK" = 1 ]; then
    log "next: put the token (and ca_file) in $ETC/kiosk.toml, run"
    log "  sudo -u $SERVICE_USER $PREFIX/venv/bin/kiosk doctor --config $ETC/kiosk.toml"
    log "then: sudo systemctl start seen-kiosk (or reboot)"
fi
if [ "$SERVER" = 1 ]; then
    log "next: check $ETC/server.toml, then sudo systemctl start seen-console"
fi
