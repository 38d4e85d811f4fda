"""Normalising actor codes from gold files before they are compared.

Gold files written for CAMEO/TABARI use a few country codes that predate or
differ from ISO 3166-1 alpha-3 (the PLOVER gold standard records have `JAP`
and `ITL`), and code international bodies by class (`IGO`, `NGO`) where
dragoman may give a specific one (`UNO`, `IGOUNO`). Both sides go through
`country()` so a code compares by what it means, not how it is spelled.
"""

from __future__ import annotations

# Old CAMEO/TABARI country codes → ISO 3166-1 alpha-3. Only codes that name the
# same country today; historical states (USR, YUG, DDR…) are left alone.
COUNTRY_ALIASES: dict[str, str] = {
    "JAP": "JPN",  # Japan
    "ITL": "ITA",  # Italy
    "VTN": "VNM",  # Vietnam
    "ROM": "ROU",  # Romania (ISO changed 2002)
    "TMP": "TLS",  # East Timor (ISO changed 2002)
    "ZAR": "COD",  # Zaire → DR Congo
    "BRM": "MMR",  # Burma → Myanmar
}

# Country-slot codes for non-state actors (PLOVER sector table): a gold `IGO`
# matches any intergovernmental body, however specific the prediction is.
NONSTATE_CLASSES = ("IGO", "NGO", "IMG", "MNC", "ISM")
# Specific IGO codes that sit in the country slot on their own (PLOVER: UN, EU).
IGO_CODES = frozenset({"UNO", "EUR"})

_EMPTY = frozenset({"", "---", "***", "NONE", "NULL"})


def country(code: str | None) -> str | None:
    """The comparable country part of an actor or country code, or None.

    `JAP` → `JPN`; `IGOUNO`, `UNO`, `EUR` → `IGO`; `NGOAMN` → `NGO`;
    `USAGOV` → `USA`; empty and placeholder codes (`---`, `***`) → None.
    """
    if code is None:
        return None
    code = code.strip().upper()
    if code in _EMPTY:
        return None
    head = code[:3]
    if head in _EMPTY or head.startswith("-"):
        return None
    if head in NONSTATE_CLASSES or head in IGO_CODES:
        return "IGO" if head in IGO_CODES else head
    return COUNTRY_ALIASES.get(head, head)


def sector(code: str | None) -> str | None:
    """The primary sector of a gold sector field, or None when there is none.

    Gold sectors carry ethnic/religious suffixes (`CVLalb`, `REFKUR`, `GOVMOS`)
    and placeholders (`***`); only the first three letters are the sector.
    `CIV` (a typo for `CVL` in the PLOVER gold records) is read as `CVL`.
    """
    if not code:
        return None
    head = code.strip()[:3].upper()
    if not head.isalpha() or len(head) < 3:
        return None
    return "CVL" if head == "CIV" else head
