"""Start-up facts: the proxy is described by scheme and host only, whatever its text holds."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from enkash_desktop.store.facts import (
    all_facts,
    basic_facts,
    describe_proxies,
    installed_versions,
)

HOST = st.from_regex(r"[a-z][a-z0-9.-]{0,20}(:[0-9]{1,5})?", fullmatch=True)


def test_proxies_without_credentials() -> None:
    assert describe_proxies({}) == "none"
    assert describe_proxies({"https": "http://u:p%40ss@proxy.corp:3128/x?token=1",
                             "no": "localhost,127.0.0.1"}) == (
        "https=http://***@proxy.corp:3128, no=localhost,127.0.0.1")
    assert describe_proxies({"http": "proxy.corp:8080"}) == "http=proxy.corp:8080"


@given(user=st.text(max_size=30), password=st.text(min_size=6, max_size=40), host=HOST,
       scheme=st.sampled_from(["http", "https", "socks5", ""]), tail=st.text(max_size=30))
def test_no_user_or_password_ever_shows(user: str, password: str, host: str, scheme: str,
                                        tail: str) -> None:
    assume(password not in f"{scheme}://***@{host}")
    url = f"{scheme + '://' if scheme else ''}{user}:{password}@{host}/{tail}"
    text = describe_proxies({"https": url})
    assert password not in text
    if "@" not in tail:  # with an "@" in its path the host is not told apart: safe, not shown
        assert host in text
    text.encode("utf-8")  # it can be written to the UTF-8 log as it is
    assert "\n" not in text


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=200), max_size=5))
def test_any_mapping_gives_one_printable_line(proxies: dict[str, str]) -> None:
    text = describe_proxies(proxies)
    text.encode("utf-8")
    assert text.isprintable()


def test_facts_name_versions_platform_and_proxy() -> None:
    facts = all_facts()
    for key in ("app_version", "python", "platform", "proxy", "httpx", "keyring",
                "pyside6-essentials"):
        assert facts[key] and facts[key] != "unknown", key
    assert set(basic_facts()) <= set(facts)
    json.dumps(facts)


def test_versions_are_what_the_package_metadata_says() -> None:
    from importlib import metadata

    names = ("PySide6-Essentials", "httpx", "keyring", "platformdirs", "jaraco.classes",
             "No-Such-Distribution")
    versions = installed_versions(names)
    for name in names[:-1]:
        assert versions[name.lower()] == metadata.version(name), name
    assert versions["no-such-distribution"] == "unknown"
    # Spelt as the folder spells it, or otherwise.
    assert installed_versions(["pyside6_essentials", "Jaraco-Classes"]) == {
        "pyside6_essentials": metadata.version("PySide6-Essentials"),
        "jaraco-classes": metadata.version("jaraco.classes")}


def test_versions_from_a_path_of_odd_entries(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("httpx-9.9.dist-info", "-1.0.dist-info", "keyring.dist-info",
                 "platformdirs-.dist-info", "dist-info", ".dist-info", "httpx-1.0.egg-info"):
        (tmp_path / name).mkdir()
    (tmp_path / "a file").write_text("x", "utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "a file"), str(tmp_path / "gone"), "",
                                      str(tmp_path)])
    monkeypatch.chdir(tmp_path.parent)  # "" on sys.path is the working folder
    assert installed_versions(("httpx", "keyring", "platformdirs")) == {
        "httpx": "9.9", "keyring": "unknown", "platformdirs": "unknown"}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_characters="/\x00"),
                        min_size=1, max_size=40), max_size=8, unique=True))
def test_any_folder_names_give_versions_not_errors(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   names: list[str]) -> None:
    folder = tmp_path / str(len(list(tmp_path.iterdir())))
    folder.mkdir()
    for name in names:
        if name not in (".", ".."):
            with contextlib.suppress(OSError):  # a name too long for this file system
                (folder / name).mkdir()
    monkeypatch.setattr(sys, "path", [str(folder)])
    versions = installed_versions(["httpx", "x"])
    assert set(versions) == {"httpx", "x"}
    assert all(isinstance(v, str) and v for v in versions.values())


def test_facts_load_no_package_metadata_reader_and_start_no_process() -> None:
    """The start-up facts are read on a thread while the window starts: without
    ``importlib.metadata`` (and its e-mail parser) or a ``uname -p`` subprocess."""
    code = ("import sys\nfrom enkash_desktop.store.facts import all_facts\nfacts = all_facts()\n"
            "print(sorted(m for m in ('importlib.metadata', 'subprocess', 'email.parser') "
            "if m in sys.modules), facts['httpx'] != 'unknown')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2], check=True)
    assert done.stdout.split("\n")[0] == "[] True", done.stdout + done.stderr
