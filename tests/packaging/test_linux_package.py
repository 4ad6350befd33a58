"""The Linux installers: build them, unpack the .deb into a scratch root, run the self-test.

Slow (a PyInstaller build and xz compression). ``ENKASH_REUSE_BUILD=1`` reuses what
``packaging/build-linux.sh`` left in ``dist/`` instead of building again.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from enkash_desktop import __version__
from enkash_desktop.sandbox import DEMO

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.timeout(3600),  # the first test waits for the build (minutes)
    pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("dpkg-deb"),
                       reason="The .deb is built and tested on Debian-like Linux only."),
]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
MB = 1024 * 1024
BUNDLE_LIMIT_MB = 125
DEB_LIMIT_MB = 40
# Planted in the build's environment: a build must never bake a secret it can see into a file.
CANARY = "canary-secret-5b1d0f7e-do-not-ship"
SECRET_ENV = ("ENKASH_AUTHORIZATION", "ENKASH_COOKIE", "ENKASH_PASSWORD", "ENKASH_CLIENT_SECRET")
REQUIRED_DEPENDS = (
    "libgl1", "libegl1", "fontconfig-config", "libxkbcommon0", "libxkbcommon-x11-0",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0", "libglib2.0-0",
    "libdbus-1-3", "libfontconfig1",
)
TEST_ONLY_PACKAGES = ("pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "ruff", "PIL",
                      "zxingcpp", "tkinter", "PyInstaller")


def _deb() -> Path | None:
    debs = sorted(DIST.glob(f"enkash-desktop_{__version__}_*.deb"))
    return debs[-1] if debs else None


@pytest.fixture(scope="module")
def deb() -> Path:
    """The .deb of this version, built now (or reused with ENKASH_REUSE_BUILD=1)."""
    found = _deb()
    if os.environ.get("ENKASH_REUSE_BUILD") == "1" and found is not None:
        return found
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    env.update({name: CANARY for name in SECRET_ENV})
    proc = subprocess.run(["bash", str(ROOT / "packaging" / "build-linux.sh")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=3600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    found = _deb()
    assert found is not None, "build-linux.sh did not leave a .deb in dist/"
    return found


@pytest.fixture(scope="module")
def root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb unpacked into a scratch root with ``dpkg -x`` (no root rights needed)."""
    target = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg", "-x", str(deb), str(target)], check=True, timeout=300)
    return target


@pytest.fixture(scope="module")
def self_test(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess[str]:
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ENKASH_DESKTOP_HOME": str(home)}
    return subprocess.run(
        [str(root / "opt/enkash-desktop/enkash-desktop"), "--self-test", "--keyring-timeout", "2"],
        env=env, capture_output=True, text=True, timeout=180, check=False,
    )


def _files(top: Path) -> Iterator[Path]:
    for path in top.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


def test_self_test_passes_in_the_installed_bundle(
    self_test: subprocess.CompletedProcess[str],
) -> None:
    out = self_test.stdout
    assert self_test.returncode == 0, out + self_test.stderr
    assert f"Enkash Desktop {__version__} from a bundle" in out
    for name in ("sandbox", "token", "send", "folders", "qt", "images", "fonts", "icon"):
        assert re.search(rf"^ok\s+{name}:", out, re.M), f"{name} is not ok:\n{out}"
    assert re.search(r"^(ok|WARNING)\s+keyring:", out, re.M), out
    assert "offscreen platform" in out
    assert "The self-test passed" in out
    for secret in (DEMO.password, DEMO.oauth_client_secret, CANARY):
        assert secret not in out + self_test.stderr


def test_command_line_program_works(root: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ENKASH_DESKTOP_HOME": str(tmp_path)}
    proc = subprocess.run([str(root / "opt/enkash-desktop/enkash-sso"), "--version"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert __version__ in proc.stdout


def test_launchers_desktop_entry_icons_and_metainfo(root: Path) -> None:
    for name in ("enkash-desktop", "enkash-sso"):
        launcher = root / "usr/bin" / name
        assert launcher.is_symlink() or launcher.is_file(), f"{launcher} is missing"
        if launcher.is_symlink():
            assert os.readlink(launcher) == f"/opt/enkash-desktop/{name}"
        assert os.access(root / "opt/enkash-desktop" / name, os.X_OK)
    desktop = (root / "usr/share/applications/enkash-desktop.desktop").read_text()
    assert re.search(r"^Exec=enkash-desktop", desktop, re.M)
    assert re.search(r"^Icon=enkash-desktop$", desktop, re.M)
    icons = root / "usr/share/icons/hicolor"
    assert (icons / "scalable/apps/enkash-desktop.svg").is_file()
    for size in (16, 32, 48, 64, 128, 256):
        assert (icons / f"{size}x{size}/apps/enkash-desktop.png").is_file(), size
    metainfo = list((root / "usr/share/metainfo").glob("*.metainfo.xml"))
    assert len(metainfo) == 1
    component = ET.parse(metainfo[0]).getroot()
    assert metainfo[0].name == f"{component.findtext('id')}.metainfo.xml"
    assert component.findtext("launchable") == "enkash-desktop.desktop"
    assert component.find("releases/release").get("version") == __version__


def test_control_file(deb: Path) -> None:
    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True,
                              text=True, check=True, timeout=60).stdout.strip()

    assert field("Package") == "enkash-desktop"
    assert field("Version") == __version__
    depends = {d.strip() for d in field("Depends").split(",")}
    assert set(REQUIRED_DEPENDS) <= depends
    assert "gnome-keyring" in field("Recommends")


def test_sizes(root: Path, deb: Path) -> None:
    bundle = sum(p.lstat().st_size for p in (root / "opt/enkash-desktop").rglob("*"))
    assert bundle < BUNDLE_LIMIT_MB * MB, f"bundle is {bundle / MB:.1f} MB"
    assert deb.stat().st_size < DEB_LIMIT_MB * MB, f".deb is {deb.stat().st_size / MB:.1f} MB"


def test_no_tests_dev_tools_or_user_data(root: Path) -> None:
    bundle = root / "opt/enkash-desktop"
    for path in bundle.rglob("*"):
        rel = path.relative_to(bundle)
        assert path.name != "conftest.py" and not re.fullmatch(r"test_.*\.py[c]?", path.name), rel
        assert not (path.is_dir() and path.name in ("tests", "test")), rel
        assert path.name not in ("settings.json", "history.sqlite3", "login_state.json"), rel
        assert rel.parts[:2] not in [("_internal", name) for name in TEST_ONLY_PACKAGES], rel
        assert not re.match(r"(pytest|hypothesis|mypy|ruff|pillow|zxing)", path.name.lower()), rel
    # Pure-Python modules live in the archive inside each program, not as files.
    viewer = Path(sys.executable).with_name("pyi-archive_viewer")
    if viewer.exists():
        for program in ("enkash-desktop", "enkash-sso"):
            listing = subprocess.run([str(viewer), "--recursive", "--brief", str(bundle / program)],
                                     capture_output=True, text=True, timeout=120,
                                     check=True).stdout
            modules = {line.strip() for line in listing.splitlines()}
            for package in TEST_ONLY_PACKAGES:
                assert package not in modules and not any(
                    m.startswith(package + ".") for m in modules), f"{package} in {program}"
            assert "enkash_desktop.selftest" in modules or program == "enkash-sso"
            assert not any(m.startswith("tests.") for m in modules), program


def test_no_secrets_in_any_installed_file(root: Path) -> None:
    # The demo partner's credentials are public and ship on purpose (demo mode); what must
    # never ship is a secret the build could see: the canary planted in its environment, and
    # whatever real secrets the building user has in the environment.
    secrets = {CANARY} if os.environ.get("ENKASH_REUSE_BUILD") != "1" else set()
    secrets |= {os.environ[name] for name in SECRET_ENV
                if len(os.environ.get(name, "")) >= 8 and os.environ[name] not in
                (DEMO.password, DEMO.oauth_client_secret)}
    needles = [s.encode() for s in secrets]
    for path in _files(root):
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"a build-time secret is in {path.relative_to(root)}"


# ------------------------------------------------------------------ apt and lintian (as root)

LINTIAN_EXPLAINED = ROOT / "packaging" / "linux" / "lintian-explained.txt"
# Where a package could leave files outside the users' own folders: folders whose entries
# are looked at, and (smaller) trees that are walked whole.
SYSTEM_FOLDERS = ("/opt", "/usr/bin", "/usr/share/doc", "/etc", "/var/lib", "/var/cache",
                  "/usr/share/applications", "/usr/share/metainfo")
SYSTEM_TREES = ("/usr/share/icons/hicolor",)
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
APT_LOCK = ["-o", "DPkg::Lock::Timeout=300"]


def _as_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("Installing the .deb with apt-get needs root; CI runs these tests as root.")


def _apt(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["apt-get", *APT_LOCK, *args], cwd=cwd, env=APT_ENV,
                          capture_output=True, text=True, timeout=900, check=False)


def _ours_on_the_system() -> set[str]:
    """Every path in SYSTEM_FOLDERS and SYSTEM_TREES whose name mentions enkash."""
    found: set[str] = set()
    for folder in SYSTEM_FOLDERS:
        with contextlib.suppress(FileNotFoundError):
            found |= {os.path.join(folder, name) for name in os.listdir(folder)
                      if "enkash" in name.lower()}
    for tree in SYSTEM_TREES:
        for top, dirs, files in os.walk(tree):
            found |= {os.path.join(top, name) for name in dirs + files
                      if "enkash" in name.lower()}
    return found


def _installed() -> bool:
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "enkash-desktop"],
                          capture_output=True, text=True, timeout=60, check=False)
    return proc.returncode == 0 and "installed" in proc.stdout.split()


def test_apt_installs_self_tests_and_purges_cleanly(deb: Path, tmp_path: Path) -> None:
    _as_root()
    if _installed():
        _apt("purge", "-y", "enkash-desktop")
    before = _ours_on_the_system()
    try:
        install = _apt("install", "-y", f"./{deb.name}", cwd=deb.parent)
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
        assert _installed()
        listed = subprocess.run(["dpkg", "-L", "enkash-desktop"], capture_output=True,
                                text=True, timeout=60, check=True).stdout.split("\n")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "ENKASH_DESKTOP_HOME": str(tmp_path / "home")}
        self_test = subprocess.run(["/usr/bin/enkash-desktop", "--self-test",
                                    "--keyring-timeout", "2"], env=env, capture_output=True,
                                   text=True, timeout=180, check=False)
        assert self_test.returncode == 0, self_test.stdout + self_test.stderr
        assert "The self-test passed" in self_test.stdout
        sso = subprocess.run(["/usr/bin/enkash-sso", "send", "--demo", "--json"], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
        assert sso.returncode == 0, sso.stderr
    finally:
        purge = _apt("purge", "-y", "enkash-desktop")
    assert purge.returncode == 0, purge.stdout[-3000:] + purge.stderr[-3000:]
    assert not _installed()
    # Nothing is left outside the users' folders: every installed path is gone, and no
    # file or folder named after the program appeared anywhere the package could write.
    left = [p for p in listed if p and "enkash" in p and os.path.lexists(p)]
    assert left == [], left
    assert _ours_on_the_system() == before
    assert (tmp_path / "home").is_dir()  # the user's data is the user's: purge leaves it


def _lintian_tags(output: str) -> dict[str, str]:
    """``{tag: the first line reporting it}`` for lintian's errors and warnings."""
    tags: dict[str, str] = {}
    for line in output.splitlines():
        match = re.match(r"^([EW]): enkash-desktop(?: \S+)?: (\S+)", line)
        if match:
            tags.setdefault(match.group(2), line)
    return tags


def _explained() -> dict[str, str]:
    explained: dict[str, str] = {}
    for line in LINTIAN_EXPLAINED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tag, _, reason = line.partition(" ")
            explained[tag] = reason.strip()
    return explained


def test_lintian_findings_are_fixed_or_explained(deb: Path) -> None:
    if shutil.which("lintian") is None:
        _as_root()
        installed = _apt("install", "-y", "--no-install-recommends", "lintian")
        if installed.returncode != 0:
            _apt("update")
            installed = _apt("install", "-y", "--no-install-recommends", "lintian")
        assert installed.returncode == 0, "lintian could not be installed:\n" + installed.stderr
    proc = subprocess.run(["lintian", "--no-tag-display-limit", str(deb)], capture_output=True,
                          text=True, timeout=900, check=False)
    assert "Traceback" not in proc.stderr
    tags = _lintian_tags(proc.stdout)
    explained = _explained()
    unexplained = {tag: line for tag, line in tags.items() if tag not in explained}
    assert unexplained == {}, (
        "lintian found problems that are neither fixed nor explained in "
        f"{LINTIAN_EXPLAINED.relative_to(ROOT)}:\n" + "\n".join(unexplained.values()))
    assert all(reason.endswith(".") for reason in explained.values())
