#!/usr/bin/env bash
# Builds the Windows Installer package (MSI) of Enkash Desktop from a Windows bundle, on Linux,
# with wixl (Debian's msitools and wixl packages).
#
#   bash packaging/windows/build-msi.sh BUNDLE_DIR OUTPUT.msi [--defaults FILE] [--version VERSION]
#
# BUNDLE_DIR is PyInstaller's dist\enkash-desktop built on Windows (or under Wine). IT's
# defaults.json, when given, is installed beside the program. (The administrator's policy is
# not part of the package: on Windows it is read from the registry, which Group Policy or
# Intune fills with windows/policy/EnkashDesktop.admx.) The version
# defaults to the package's (enkash_desktop/__init__.py). See enkash-desktop.wxs for what the
# package does and packaging/README.md for how IT deploys it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
say() { printf '[build-msi] %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

[ $# -ge 2 ] || fail "Please give the bundle folder and the MSI to write, for example: bash packaging/windows/build-msi.sh dist/enkash-desktop dist/EnkashDesktop.msi"
BUNDLE="$(cd "$1" && pwd)" || fail "The bundle folder $1 does not exist."
OUTPUT="$(realpath -m "$2")"
shift 2
DEFAULTS=""
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/enkash_desktop/__init__.py")"
while [ $# -gt 0 ]; do
    case "$1" in
        --defaults) DEFAULTS="$2"; shift 2 ;;
        --version) VERSION="$2"; shift 2 ;;
        *) fail "Unknown option $1: the options are --defaults FILE and --version VERSION." ;;
    esac
done
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "The version $VERSION is not of the form 1.2.3, which Windows Installer needs."
for exe in enkash-desktop.exe enkash-sso.exe; do
    [ -f "$BUNDLE/$exe" ] || fail "The bundle has no $exe: build it on Windows or under Wine first."
done
for tool in wixl wixl-heat msibuild; do
    command -v "$tool" >/dev/null || fail "$tool is missing: install it with 'apt-get install wixl msitools'."
done
for admin in "$DEFAULTS"; do
    if [ -n "$admin" ]; then
        [ -f "$admin" ] || fail "The file $admin does not exist."
        python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$admin" \
            2>/dev/null || fail "The file $admin is not valid JSON, so it would not be read by the program."
    fi
done

# wixl reads sources relative to the current folder, so everything is staged in one place: the
# bundle as hard links (or a copy across file systems) plus IT's defaults.json.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -al "$BUNDLE" "$STAGE/bundle" 2>/dev/null || cp -a "$BUNDLE" "$STAGE/bundle"
[ -z "$DEFAULTS" ] || install -m 0644 "$DEFAULTS" "$STAGE/bundle/defaults.json"
cp "$HERE/enkash-desktop.wxs" "$STAGE/product.wxs"
cp "$ROOT/resources/icons/enkash-desktop.ico" "$STAGE/enkash-desktop.ico"

cd "$STAGE"
# Every file but the two programs (which carry the shortcuts in product.wxs) joins the
# BundleFiles component group.
find bundle -type f | LC_ALL=C sort | grep -v -x -E 'bundle/enkash-(desktop|sso)\.exe' |
    wixl-heat --prefix "bundle/" --directory-ref INSTALLDIR --var var.SourceDir \
        --component-group BundleFiles --win64 > files.wxs
say "Building Enkash Desktop $VERSION ($(grep -c '<File ' files.wxs) bundle files)."
wixl --arch x64 -D Version="$VERSION" -D SourceDir=bundle -D IconFile=enkash-desktop.ico \
    -D Win64=yes -o package.msi product.wxs files.wxs 2> wixl.log || { cat wixl.log >&2; fail "wixl could not build the package."; }

# What wixl cannot express: the launch condition on the Windows build (PySide6 6.10+ needs
# Windows 10 1903, build 18362), read from the registry's 64-bit view (RegLocator type
# 2 raw value + 16 64-bit), and plain (not advertised) Start-menu shortcuts to the program.
msibuild package.msi \
    -q "INSERT INTO \`AppSearch\` (\`Property\`, \`Signature_\`) VALUES ('WINDOWSBUILDNUMBER', 'WindowsBuildNumber')" \
    -q "INSERT INTO \`RegLocator\` (\`Signature_\`, \`Root\`, \`Key\`, \`Name\`, \`Type\`) VALUES ('WindowsBuildNumber', 2, 'SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', 'CurrentBuildNumber', 18)" \
    -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('AppSearch', 50)" \
    -q "INSERT INTO \`InstallUISequence\` (\`Action\`, \`Sequence\`) VALUES ('AppSearch', 50)" \
    -q "INSERT INTO \`LaunchCondition\` (\`Condition\`, \`Description\`) VALUES ('Installed OR WINDOWSBUILDNUMBER >= 18362', 'Enkash Desktop needs Windows 10 version 1903 (build 18362) or newer. Please update Windows and then run this installer again.')" \
    -q "UPDATE \`Shortcut\` SET \`Target\` = '[#EnkashDesktopExe]'" \
    || fail "msibuild could not add the launch condition."

mkdir -p "$(dirname "$OUTPUT")"
mv "$STAGE/package.msi" "$OUTPUT"
say "Done: $OUTPUT ($(du -m "$OUTPUT" | cut -f1) MB, version $VERSION)."
