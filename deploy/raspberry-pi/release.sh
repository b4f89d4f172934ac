# Sourced by install.sh: the code's own steps - a versioned virtualenv built from the
# role's lock file, the upgrade that switches to it (and back if it fails), uninstall.
#
# Code lives in PREFIX/venvs/<time>[-<version>]; PREFIX/venv is a symlink to the one in
# use, which is what the units run. A new version always gets a new venv, so a wheel
# of the same version is installed all the same, and the previous venv stays whole for
# a rollback. With --root, a step that stays inside DIR and downloads nothing (building
# a venv from a --wheelhouse, migrating the database under DIR) is done for real;
# services are asked through $SEEN_INSTALL_SYSTEMCTL when the tests give a stand-in.

LOCKS="$(cd "$HERE/../locks" && pwd)"
READY_WAIT=60        # seconds the new version's /readyz has to say ready
ROLLBACK_WAIT=120    # the same for the previous version after a rollback
NEW_VENV=""          # venvs/NAME built by build_venv
PREVIOUS_VENV=""     # venvs/NAME PREFIX/venv pointed at before

# Where the venv steps act: under ROOT when they run for real, as on the Pi when logged.
code_runs() { [ "$DRY" = 0 ] || [ -n "$WHEELHOUSE" ]; }
code_root() { if code_runs; then printf %s "$ROOT"; fi; }

code() {
    if code_runs; then
        log "running: $*"
        "$@"
    else
        log "would run: $*"
    fi
}

# systemctl for the upgrade's stop/start/restart: the real one, the tests' stand-in, or
# (with --root and no stand-in) only said.
service() {
    if [ "$DRY" = 0 ]; then
        log "running: systemctl $*"
        systemctl "$@"
    elif [ -n "${SEEN_INSTALL_SYSTEMCTL:-}" ]; then
        log "running (stand-in): systemctl $*"
        "$SEEN_INSTALL_SYSTEMCTL" "$@"
    else
        log "would run: systemctl $*"
    fi
}

# A staffconsole command of one venv, on this install's settings (under ROOT with --root).
console_cmd() {
    local venv="$1"
    shift
    if [ "$DRY" = 1 ] && code_runs; then
        # The sandbox, for real: its own database, whatever server.toml says.
        code env SEEN_DB_PATH="$ROOT$STATE/seen.db" "$ROOT$PREFIX/$venv/bin/staffconsole" "$@" \
            --config "$ROOT$ETC/server.toml"
    else
        # As the service's user: files it makes beside the database stay the server's.
        code runuser -u "$SERVICE_USER" -- "$PREFIX/$venv/bin/staffconsole" "$@" \
            --config "$ETC/server.toml"
    fi
}

lock_file() {
    local name=kiosk
    [ "$SERVER" = 1 ] && name=console
    [ "$KIOSK" = 1 ] && [ "$SERVER" = 1 ] && name=both
    if [ -n "$WHEELHOUSE" ]; then
        printf %s "$WHEELHOUSE/locks/$name.txt"
    else
        printf %s "$LOCKS/$name.txt"
    fi
}

# The seen-checkin wheel (or checkout) to install: --source, else the wheelhouse's one.
PACKAGE=""
resolve_package() {
    if [ "$SOURCE_GIVEN" = 1 ] || [ -z "$WHEELHOUSE" ]; then
        PACKAGE="$SOURCE"
        return
    fi
    local wheels=("$WHEELHOUSE"/seen_checkin-*.whl)
    [ -e "${wheels[0]}" ] || die "--wheelhouse $WHEELHOUSE has no seen_checkin-*.whl"
    [ "${#wheels[@]}" = 1 ] \
        || die "--wheelhouse $WHEELHOUSE has ${#wheels[@]} seen_checkin wheels: keep one, or pick it with --source"
    PACKAGE="${wheels[0]}"
}

# seen_checkin-0.2.0-py3-none-any.whl -> 0.2.0; nothing for a checkout.
wheel_version() {
    local name
    name="$(basename "$1")"
    case "$name" in *.whl) name="${name#*-}"; printf %s "${name%%-*}" ;; esac
}

# Options checked before anything is written: the wheelhouse, the package, the lock.
check_code_options() {
    if [ -n "$WHEELHOUSE" ]; then
        [ -d "$WHEELHOUSE" ] || die "--wheelhouse $WHEELHOUSE is not a folder"
        WHEELHOUSE="$(cd "$WHEELHOUSE" && pwd)"
    fi
    [ -f "$(lock_file)" ] || die "no lock file $(lock_file) (make wheelhouse writes one per role)"
    resolve_package
}

# Build PREFIX/venvs/NAME from the lock (hashes checked) and the package; say NEW_VENV.
build_venv() {
    local r source version lock dir
    r="$(code_root)"
    source="$PACKAGE"
    version="$(wheel_version "$source")"
    lock="$(lock_file)"
    NEW_VENV="venvs/$(date -u +%Y%m%dT%H%M%S)${version:+-$version}"
    dir="$r$PREFIX/$NEW_VENV"
    [ ! -e "$dir" ] || die "$PREFIX/$NEW_VENV exists already: run again in a second"
    local offline=()
    [ -n "$WHEELHOUSE" ] && offline=(--no-index --find-links "$WHEELHOUSE")
    code_runs && mkdir -p "$r$PREFIX/venvs"
    if ! code python3 -m venv "$dir" \
        || ! code "$dir/bin/pip" install --quiet "${offline[@]}" --require-hashes --no-deps -r "$lock" \
        || ! code "$dir/bin/pip" install --quiet "${offline[@]}" --no-deps "$source" \
        || ! smoke_test "$dir"; then
        rm -rf "$dir"
        die "could not install $source into a new venv (above: what failed); nothing was switched"
    fi
    log "built $PREFIX/$NEW_VENV (${version:-from $source})"
}

# The role's commands start and name their version (a missing dependency fails here).
smoke_test() {
    [ "$KIOSK" = 1 ] && { code "$1/bin/kiosk" --version || return 1; }
    [ "$SERVER" = 1 ] && { code "$1/bin/staffconsole" --version || return 1; }
    return 0
}

# Point PREFIX/venv at NAME in one rename, so a unit never starts a half-switched path.
switch_venv() {
    local r
    r="$(code_root)"
    if ! code_runs; then
        log "would point $PREFIX/venv at $1"
        return
    fi
    ln -sfn "$1" "$r$PREFIX/venv.switch"
    mv -Tf "$r$PREFIX/venv.switch" "$r$PREFIX/venv"
    log "pointed $PREFIX/venv at $1"
}

# The first install (or a plain re-run): build, switch; services are not restarted.
install_code() {
    local r
    r="$(code_root)"
    if [ -d "$r$PREFIX/venv" ] && [ ! -L "$r$PREFIX/venv" ]; then
        # An install from before versioned venvs: replaced, with no rollback to it.
        log "replacing the unversioned $PREFIX/venv"
        code rm -rf "$r$PREFIX/venv"
    fi
    build_venv
    if [ -L "$r$PREFIX/venv" ]; then
        PREVIOUS_VENV="$(readlink "$r$PREFIX/venv")"
    fi
    switch_venv "$NEW_VENV"
    if [ -n "$PREVIOUS_VENV" ]; then
        prune_venvs
        log "note: running services keep the old code until restarted; --upgrade restarts and checks them"
    fi
}

# --upgrade, before anything is written: there must be a versioned install to go back to.
upgrade_check() {
    local r
    r="$(code_root)"
    code_runs || return 0
    if [ -d "$r$PREFIX/venv" ] && [ ! -L "$r$PREFIX/venv" ] && [ -x "$r$PREFIX/venv/bin/python" ]; then
        adopt_unversioned
    fi
    [ -L "$r$PREFIX/venv" ] || die "--upgrade: no versioned install at $PREFIX/venv; run the installer without --upgrade first"
    PREVIOUS_VENV="$(readlink "$r$PREFIX/venv")"
    [ -x "$r$PREFIX/$PREVIOUS_VENV/bin/python" ] \
        || die "--upgrade: $PREFIX/venv points at $PREVIOUS_VENV, which is not a venv"
    save_units
}

UNITS="seen-kiosk.service seen-console.service seen-backup.service seen-backup.timer"
UNITS_BEFORE=""      # a copy of the unit files as they were before this upgrade

# The installer writes this release's units before the upgrade switches code; a
# rollback puts the previous ones back, so the previous code runs as it did.
save_units() {
    local unit
    UNITS_BEFORE="$(mktemp -d)"
    for unit in $UNITS; do
        if [ -e "$ROOT/etc/systemd/system/$unit" ]; then
            cp -p "$ROOT/etc/systemd/system/$unit" "$UNITS_BEFORE/"
        fi
    done
}

restore_units() {
    local unit
    [ -n "$UNITS_BEFORE" ] || return 0
    for unit in $UNITS; do
        if [ -e "$UNITS_BEFORE/$unit" ]; then
            cp -p "$UNITS_BEFORE/$unit" "$ROOT/etc/systemd/system/$unit"
            log "put back the previous /etc/systemd/system/$unit"
        fi
    done
    system systemctl daemon-reload
}

# An install from before versioned venvs (PREFIX/venv a plain folder) becomes one: the
# folder moves into venvs/ and PREFIX/venv points at it. Its scripts name
# PREFIX/venv/bin/python, which is itself whenever PREFIX/venv points at it - in use
# now, and again after a rollback - so nothing in it needs rewriting. Services that
# run from it keep running: their files are open, and the path still resolves.
adopt_unversioned() {
    local r name
    r="$(code_root)"
    name="venvs/$(date -u +%Y%m%dT%H%M%S)-unversioned"
    mkdir -p "$r$PREFIX/venvs"
    mv -T "$r$PREFIX/venv" "$r$PREFIX/$name"
    ln -sfn "$name" "$r$PREFIX/venv"
    log "the unversioned $PREFIX/venv is now $PREFIX/$name (kept for a rollback)"
}

BEFORE_UPGRADE=""    # the database backup taken before migrating

# --upgrade, after the units are written: migrate, switch, restart, check; else roll back.
upgrade_code() {
    local r
    r="$(code_root)"
    build_venv
    [ -n "$PREVIOUS_VENV" ] || PREVIOUS_VENV="venv"  # only said (--root): the one in use
    log "upgrading from $PREVIOUS_VENV to $NEW_VENV"
    if [ "$SERVER" = 1 ]; then
        # Stopped for the copy and the migration: no arrival is written in between
        # (kiosks keep theirs in their outbox and send them when it is back).
        service stop seen-console.service
        BEFORE_UPGRADE="$BACKUPS/before-upgrade-$(date -u +%Y%m%dT%H%M%S).db"
        if ! console_cmd "$PREVIOUS_VENV" backup "$r$BEFORE_UPGRADE"; then
            service start seen-console.service
            code rm -rf "$r$PREFIX/$NEW_VENV"
            die "--upgrade: could not back up the database; nothing was changed"
        fi
        console_cmd "$NEW_VENV" migrate || rollback "the database migration failed"
    fi
    switch_venv "$NEW_VENV"
    if [ "$KIOSK" = 1 ]; then
        # Type=notify: restart returns once the new kiosk said READY, or fails.
        service restart seen-kiosk.service || rollback "seen-kiosk did not start"
    fi
    if [ "$SERVER" = 1 ]; then
        service start seen-console.service || rollback "seen-console did not start"
        console_cmd "$NEW_VENV" check-ready --wait "$READY_WAIT" \
            || rollback "the new version's /readyz did not say ready"
    fi
    prune_venvs
    rm -rf "$UNITS_BEFORE"
    log "upgraded: $PREFIX/venv is $NEW_VENV (the previous, $PREVIOUS_VENV, is kept)"
}

# Back to PREVIOUS_VENV, and its database, then stop with an error.
rollback() {
    local r why="$1"
    r="$(code_root)"
    log "UPGRADE FAILED: $why; rolling back to $PREVIOUS_VENV"
    restore_units
    switch_venv "$PREVIOUS_VENV"
    if [ "$SERVER" = 1 ]; then
        service stop seen-console.service || true
        # The database as it was before the migration (the migrated one is kept beside it).
        console_cmd "$PREVIOUS_VENV" restore "$r$BEFORE_UPGRADE" || log "WARNING: restore failed"
        service start seen-console.service || true
    fi
    if [ "$KIOSK" = 1 ]; then
        service restart seen-kiosk.service || log "WARNING: seen-kiosk did not start either"
    fi
    if [ "$SERVER" = 1 ]; then
        console_cmd "$PREVIOUS_VENV" check-ready --wait "$ROLLBACK_WAIT" \
            || log "WARNING: the previous version is not ready either: see journalctl -u seen-console"
    fi
    code rm -rf "$r$PREFIX/$NEW_VENV"
    rm -rf "$UNITS_BEFORE"
    echo "install: upgrade failed ($why); rolled back to $PREVIOUS_VENV" >&2
    exit 1
}

# Keep the venv in use and the one before it, and the newest 3 pre-upgrade backups.
prune_venvs() {
    local r dir name
    r="$(code_root)"
    code_runs || return 0
    for dir in "$r$PREFIX"/venvs/*; do
        name="venvs/$(basename "$dir")"
        if [ "$name" != "$NEW_VENV" ] && [ "$name" != "$PREVIOUS_VENV" ]; then
            rm -rf "$dir"
            log "removed the old $PREFIX/$name"
        fi
    done
    if [ "$SERVER" = 1 ]; then
        # Named by UTC time, so the name order is the age order.
        find "$r$BACKUPS" -maxdepth 1 -name 'before-upgrade-*.db' 2>/dev/null | sort -r \
            | tail -n +4 | while read -r old; do
                rm -f "$old" "$old-wal" "$old-shm"
                log "removed the old backup ${old#"$r"}"
            done || true
    fi
}

# --uninstall: what the installer added goes; settings and data stay unless --purge.
uninstall() {
    local unit had_kiosk=0
    for unit in seen-kiosk.service seen-console.service seen-backup.timer seen-backup.service; do
        [ -e "$ROOT/etc/systemd/system/$unit" ] || continue
        [ "$unit" = seen-kiosk.service ] && had_kiosk=1
        service disable --now "$unit" || log "warning: could not stop $unit"
        rm -f "$ROOT/etc/systemd/system/$unit"
        log "removed /etc/systemd/system/$unit"
    done
    system systemctl daemon-reload
    if [ "$had_kiosk" = 1 ]; then
        system systemctl enable getty@tty1.service   # the console login the kiosk replaced
    fi
    if [ -e "$ROOT/etc/udev/rules.d/99-seen-printer.rules" ]; then
        rm -f "$ROOT/etc/udev/rules.d/99-seen-printer.rules"
        log "removed /etc/udev/rules.d/99-seen-printer.rules"
        system udevadm control --reload-rules
    fi
    rm -rf "$ROOT$PREFIX"
    log "removed $PREFIX (the code and its docs)"
    if [ "$PURGE" = 1 ]; then
        rm -rf "$ROOT$ETC" "$ROOT$STATE" "$ROOT$BACKUPS"
        log "removed $ETC, $STATE and $BACKUPS (settings, database, outbox, backups)"
        system userdel "$SERVICE_USER"
    else
        log "kept $ETC (settings, tokens), $STATE (database, outbox) and $BACKUPS;"
        log "  --uninstall --purge removes them and the $SERVICE_USER user"
    fi
    log "uninstalled."
}
