"""The sandbox's Get User Card Details endpoint (ENKASH_API.md §7).

``POST /api/v0/partner/enKashCard/search`` with ``cardAccountId``, ``companyId`` and optional
``enKashCardId`` answers the account's cards from :data:`~.demo.DEMO_CARDS`: a list, or one
object when one card matches; an empty list for :data:`~.demo.DEMO_EMPTY_CARD_ACCOUNT`; and a
refusal (HTTP 200, ``response_code`` 1) for an account the company does not have. Each card
carries a card ``token``, as EnKash's reply does, so tests can prove it is never shown.
"""

from __future__ import annotations

from typing import Any

from .demo import DEMO, DEMO_CARDS, DEMO_EMPTY_CARD_ACCOUNT, DemoCard

CARD_SEARCH_PATH = "/api/v0/partner/enKashCard/search"
NO_ACCOUNT_MESSAGE = "Card account not found for this company."
NO_CARD_MESSAGE = "Card not found in this card account."


def _card_json(card: DemoCard) -> dict[str, Any]:
    holder = card.cardholder
    return {
        "enKashCardId": holder.enkash_card_id,
        "userId": card.user_id,
        "cardAccountId": holder.card_account_id,
        "token": card.token,
        "maskedNumber": f"XXXX XXXX XXXX {card.last4}",
        "name": card.name,
        "mobile": card.mobile,
        "email": card.email,
        "status": card.status,
        "role": card.role,
    }


def search_reply(data: Any) -> tuple[int, dict[str, Any]]:
    """(HTTP status, reply object) for a decoded search request body."""
    if not isinstance(data, dict):
        return 400, _envelope(1, "The request body must be a JSON object.")
    for name in ("cardAccountId", "companyId"):
        value = data.get(name)
        if not isinstance(value, str) or not value:
            return 400, _envelope(1, f"Missing or invalid field: {name}.")
    card_id = data.get("enKashCardId", data.get("enkashCardId", ""))
    if not isinstance(card_id, str):
        return 400, _envelope(1, "Invalid field: enKashCardId.")
    account, company = data["cardAccountId"], data["companyId"]
    if company == DEMO.company_id and account == DEMO_EMPTY_CARD_ACCOUNT:
        return 200, _envelope(0, "Success", [])
    cards = [c for c in DEMO_CARDS if c.cardholder.card_account_id == account
             and c.cardholder.company_id == company]
    if not cards:
        return 200, _envelope(1, NO_ACCOUNT_MESSAGE, NO_ACCOUNT_MESSAGE)
    if card_id:
        cards = [c for c in cards if c.cardholder.enkash_card_id == card_id]
        if not cards:
            return 200, _envelope(1, NO_CARD_MESSAGE, NO_CARD_MESSAGE)
    payload: Any = _card_json(cards[0]) if len(cards) == 1 else [_card_json(c) for c in cards]
    return 200, _envelope(0, "Success", payload)


def _envelope(code: int, message: str, payload: Any = None) -> dict[str, Any]:
    return {"response_code": code, "response_message": message, "payload": payload}
