"""A provider's registration numbers and contact details: checked, and written one way.

Each `parse_*` function takes what the officer typed and returns it tidied, or raises
`ContactDetailError` with a message that names the value and shows the expected form. Blank
text is the caller's business (these fields are optional), so a blank is refused here too.
"""

from __future__ import annotations

import re

__all__ = [
    "ContactDetailError",
    "parse_charity_number",
    "parse_company_number",
    "parse_email",
    "parse_phone",
]

# [0-9] rather than \d, which would also take other scripts' digits.
# England and Wales: 6 to 8 digits, and "-1" style suffixes for linked (subsidiary) charities.
# Scotland's OSCR numbers (SC + 6 digits) are accepted too: national providers often hold one.
_CHARITY_RE = re.compile(r"(?:[0-9]{6,8}(?:-[0-9]{1,3})?|SC[0-9]{6})")
# Companies House: 8 characters, all digits (England and Wales) or a two-character prefix
# (SC Scotland, NI Northern Ireland, OC LLPs, SO Scottish LLPs, NC, R0 old NI companies...).
_COMPANY_RE = re.compile(r"(?:[0-9]{8}|[A-Z]{2}[0-9]{6}|R0[0-9]{6})")
_PHONE_CHARACTERS_RE = re.compile(r"[0-9 ()+\-]+")
_EMAIL_DOMAIN_LABEL_RE = re.compile(r"[^\s@.]+")


class ContactDetailError(ValueError):
    """A registration number or contact detail in the wrong form; the message is for officers."""


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    return text.strip()


def parse_charity_number(text: str) -> str:
    """A registered charity number: `1234567`, `1234567-1` (a linked charity) or `SC012345`."""
    body = re.sub(r"\s+", "", _check_text(text)).upper()
    if not _CHARITY_RE.fullmatch(body):
        raise ContactDetailError(
            f"'{text.strip()}' is not a charity number: use the 6 to 8 digits the Charity "
            "Commission gives, e.g. 1234567 (1234567-1 for a linked charity)"
        )
    return body


def parse_company_number(text: str) -> str:
    """A Companies House number: 8 characters, e.g. `01234567` or `SC123456`."""
    body = re.sub(r"\s+", "", _check_text(text)).upper()
    if _COMPANY_RE.fullmatch(body):
        return body
    if body.isascii() and body.isdigit() and len(body) < 8:
        # Leading zeros matter: 1234567 and 01234567 are written differently on every filing.
        reason = "it has 8 characters, including any leading zeros, e.g. 01234567"
    else:
        reason = "it has 8 characters, e.g. 01234567, or two letters and 6 digits, e.g. SC123456"
    raise ContactDetailError(f"'{text.strip()}' is not a company number: {reason}")


def parse_email(text: str) -> str:
    """An e-mail address, checked pragmatically: one @, a dot in the domain, no spaces.

    The domain is lower-cased (it is not case-sensitive); the part before the @ is kept as typed.
    """
    body = _check_text(text)

    def fail(reason: str) -> ContactDetailError:
        return ContactDetailError(f"'{body}' is not an e-mail address: {reason}, e.g. name@example.org")

    if any(c.isspace() for c in body):
        raise fail("it cannot contain spaces")
    if body.count("@") != 1:
        raise fail("it needs exactly one @")
    local, domain = body.split("@")
    if not local:
        raise fail("it needs a name before the @")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_DOMAIN_LABEL_RE.fullmatch(label) for label in labels):
        raise fail("it needs a domain with a dot after the @")
    return f"{local}@{domain.lower()}"


def _national_digits(body: str) -> str | None:
    """The number as UK national digits (0...), or None when it is not a UK number."""
    compact = re.sub(r"[ ()\-]", "", body)
    for prefix in ("+44", "0044"):
        if compact.startswith(prefix):
            rest = compact[len(prefix) :]
            # "+44 (0)113 ..." writes the trunk 0 as well; drop it so it is not doubled.
            return rest if rest.startswith("0") else f"0{rest}"
    if compact.startswith("+"):
        return None
    return compact


def _grouped(digits: str) -> str:
    """National digits spaced as Ofcom writes them, e.g. `0113 496 0123`, `020 7946 0018`."""
    if len(digits) == 11:
        if digits.startswith("02"):
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if digits[:4] in ("0800", "0808") or digits[:2] in ("03", "08", "09") or (
            digits.startswith("01") and "1" in (digits[2], digits[3])
        ):
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        return f"{digits[:5]} {digits[5:]}"
    if digits.startswith("0800"):
        return f"{digits[:4]} {digits[4:]}"
    return f"{digits[:5]} {digits[5:]}"


def parse_phone(text: str) -> str:
    """A UK telephone number: digits, spaces, brackets, hyphens and an optional +44.

    It must come to 10 or 11 digits in national form. Spacing the officer chose is kept (tidied);
    a number typed as bare digits is spaced the usual way: `01134960123` -> `0113 496 0123`.
    """
    body = _check_text(text)

    def fail(reason: str) -> ContactDetailError:
        return ContactDetailError(f"'{body}' is not a UK phone number: {reason}, e.g. 0113 496 0123")

    if not body.isascii() or not _PHONE_CHARACTERS_RE.fullmatch(body) or "+" in body[1:]:
        raise fail("use only digits, spaces, brackets and a leading +44")
    digits = _national_digits(body)
    if digits is None:
        raise fail("only UK numbers are accepted, starting 0 or +44")
    if not digits.startswith("0"):
        raise fail("it should start with 0 or +44")
    if not 10 <= len(digits) <= 11:
        raise fail(f"it has {len(digits)} digits, and a UK number has 10 or 11")
    if re.fullmatch(r"\+?[0-9]+", body):
        return _grouped(digits) if not body.startswith("+") else body
    return " ".join(body.split())
