"""The plan of a cURL import: what would change, worked out before anything changes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from enkash_desktop.core import Cardholder
from enkash_desktop.core.curl_import import CurlImport, is_placeholder_host, parse_curl
from enkash_desktop.core.curl_plan import PLAN_KEYS, UrlKept, plan_import

SAMPLE = (Path(__file__).parents[1] / "data" / "docs_sso_curl_sample.txt").read_text()

# Values as a form may hold them: empty, padded, ids, URLs with and without a slash.
texts = st.one_of(st.just(""), st.from_regex(r" ?[A-Za-z0-9_-]{1,12} ?", fullmatch=True))
urls = st.sampled_from(["", "https://pay-uat.enkash.in", "https://pay-uat.enkash.in/",
                        " https://pay.enkash.in ", "http://127.0.0.1:4123",
                        "https://test.your-api-server.com", "https://api.example.com/v2"])
currents = st.fixed_dictionaries({"base_url": urls, "partner_id": texts,
                                  "card_account_id": texts, "company_id": texts,
                                  "enkash_card_id": texts})
ids = st.one_of(st.just(""), st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True))
imports = st.builds(
    CurlImport,
    base_url=urls.map(lambda u: u.strip() or "https://pay-uat.enkash.in"),
    partner_id=texts,
    cardholder=st.builds(Cardholder, ids, ids, ids),
    authorization=st.sampled_from(["", "Bearer tok.abc"]),
    cookie=st.sampled_from(["", "JSESSIONID=42"]),
)


@settings(max_examples=300, deadline=None)
@given(imports, currents, st.booleans())
def test_a_plan_applied_once_has_nothing_left_to_change(imported: CurlImport,
                                                         current: dict[str, str],
                                                         managed: bool) -> None:
    plan = plan_import(imported, current, managed=managed)
    after = plan.applied_to(current)
    assert plan_import(imported, after, managed=managed).changes == ()
    # Every listed change changes something, once per field, and only known fields.
    keys = [c.key for c in plan.changes]
    assert len(keys) == len(set(keys)) and set(keys) <= set(PLAN_KEYS)
    assert all(c.old != c.new and current[c.key] == c.old for c in plan.changes)
    # The cardholder becomes the command's, whole: never a mix of two cardholders.
    assert Cardholder.from_ids(after) == imported.cardholder
    # What is not changed stays exactly as typed.
    assert all(after[k] == current[k] for k in PLAN_KEYS if plan.change(k) is None)


@settings(max_examples=300, deadline=None)
@given(imports, currents, st.booleans())
def test_the_base_url_is_kept_for_a_placeholder_or_a_managed_profile(
        imported: CurlImport, current: dict[str, str], managed: bool) -> None:
    plan = plan_import(imported, current, managed=managed)
    same = imported.base_url.rstrip("/") == current["base_url"].strip().rstrip("/")
    if same:
        assert plan.change("base_url") is None and plan.url_kept is UrlKept.NO
    elif is_placeholder_host(imported.base_url):
        assert plan.change("base_url") is None and plan.url_kept is UrlKept.PLACEHOLDER
    elif managed:
        assert plan.change("base_url") is None and plan.url_kept is UrlKept.MANAGED
    else:
        change = plan.change("base_url")
        assert change is not None and change.new == imported.base_url.rstrip("/")
    # A command without a partner id never empties the profile's.
    if not imported.partner_id.strip():
        assert plan.change("partner_id") is None
    assert plan.replaces_typed_values == any(c.old.strip() for c in plan.changes)
    assert set(plan.secrets) == {k for k in ("authorization", "cookie")
                                 if getattr(imported, k)}


def test_the_docs_sample_over_the_demo_form() -> None:
    current = {"base_url": "http://127.0.0.1:4123", "partner_id": "CRMXWB3ZM",
               "card_account_id": "", "company_id": "", "enkash_card_id": ""}
    plan = plan_import(parse_curl(SAMPLE), current)
    assert plan.url_kept is UrlKept.PLACEHOLDER
    assert [c.key for c in plan.changes] == ["card_account_id", "company_id",
                                             "enkash_card_id"]
    assert not plan.replaces_typed_values
    assert plan.secrets == ("cookie",)
    assert "JSESSIONID" not in repr(plan)  # the import's secrets stay out of any repr
