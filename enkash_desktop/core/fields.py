"""The cardholder's fields, declared once: every place that names them iterates this table.

The form, validation, the cURL import, the batch CSV (input headers and results columns),
the history's columns and the command line's flags all read :data:`CARDHOLDER_IDS`. Adding
a field means adding a row here (and the attribute on :class:`~.models.Cardholder`).
"""

from __future__ import annotations

from typing import NamedTuple


class CardholderField(NamedTuple):
    key: str  # the Cardholder attribute, the history column, the results CSV column
    label: str  # what a person reads ("Card account id")
    phrase: str  # the same inside a sentence ("card account id")
    json_name: str  # in EnKash's SSO request body
    csv_aliases: tuple[str, ...]  # input CSV headers, normalised (lower case, letters, digits)
    cli_flag: str  # the command line's option
    example: str  # a realistic value, for placeholders and help

    @property
    def json_aliases(self) -> tuple[str, ...]:
        """Body keys a pasted request may use, normalised (EnKash spells enKashCardId too)."""
        return (self.json_name.lower(),)


CARDHOLDER_IDS: tuple[CardholderField, ...] = (
    CardholderField("card_account_id", "Card account id", "card account id", "cardAccountId",
                    ("cardaccountid", "cardaccount", "rewardaccountid"),
                    "--card-account-id", "CAQL8YCV3"),
    CardholderField("company_id", "Company id", "company id", "companyId", ("companyid",),
                    "--company-id", "CEK1PU9AOO"),
    CardholderField("enkash_card_id", "EnKash card id", "EnKash card id", "enkashCardId",
                    ("enkashcardid", "enkashcard"), "--enkash-card-id", "EKCDM5AVZY"),
)
ID_KEYS: tuple[str, ...] = tuple(f.key for f in CARDHOLDER_IDS)
BY_KEY: dict[str, CardholderField] = {f.key: f for f in CARDHOLDER_IDS}

