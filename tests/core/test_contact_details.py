"""Registration numbers and contact details: tidy what is right, say clearly what is wrong."""

from __future__ import annotations

import pytest

from desktop_app.core.contact_details import (
    ContactDetailError,
    parse_charity_number,
    parse_company_number,
    parse_email,
    parse_phone,
)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("1234567", "1234567"),
        (" 123456 ", "123456"),
        ("12345678", "12345678"),
        ("1234567-1", "1234567-1"),
        ("1 234 567", "1234567"),
        ("sc012345", "SC012345"),
    ],
)
def test_a_charity_number_is_accepted_and_tidied(typed, stored):
    assert parse_charity_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "123456789", "12A4567", "1234567-", "1234567/1", ""])
def test_a_wrong_charity_number_is_refused_naming_it(typed):
    with pytest.raises(ContactDetailError, match="is not a charity number") as refused:
        parse_charity_number(typed)
    assert f"'{typed}'" in str(refused.value)
    assert "e.g. 1234567" in str(refused.value)


@pytest.mark.parametrize(
    "typed, stored",
    [("01234567", "01234567"), ("SC123456", "SC123456"), ("oc 301234", "OC301234"), ("R0123456", "R0123456"), ("NI012345", "NI012345")],
)
def test_a_company_number_is_accepted_and_tidied(typed, stored):
    assert parse_company_number(typed) == stored


def test_a_short_company_number_is_refused_not_padded():
    with pytest.raises(ContactDetailError) as refused:
        parse_company_number("1234567")
    message = str(refused.value)
    assert "'1234567' is not a company number" in message
    assert "8 characters" in message and "e.g. 01234567" in message


@pytest.mark.parametrize("typed", ["123456789", "S1234567", "SC12345", "ABC12345", "0123 456X"])
def test_a_wrong_company_number_is_refused(typed):
    with pytest.raises(ContactDetailError, match="8 characters, e.g. 01234567"):
        parse_company_number(typed)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("jo.bloggs@Example.ORG", "jo.bloggs@example.org"),
        ("  help@victim-support.org.uk ", "help@victim-support.org.uk"),
        ("o'neill+referrals@aid.example", "o'neill+referrals@aid.example"),
    ],
)
def test_an_email_address_is_accepted_with_its_domain_lower_cased(typed, stored):
    assert parse_email(typed) == stored


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("jo bloggs@example.org", "cannot contain spaces"),
        ("jo.example.org", "exactly one @"),
        ("jo@@example.org", "exactly one @"),
        ("@example.org", "a name before the @"),
        ("jo@localhost", "a domain with a dot"),
        ("jo@example.", "a domain with a dot"),
        ("jo@.example.org", "a domain with a dot"),
        ("jo@example..org", "a domain with a dot"),
    ],
)
def test_a_wrong_email_address_is_refused_with_the_reason(typed, reason):
    with pytest.raises(ContactDetailError) as refused:
        parse_email(typed)
    assert f"'{typed}' is not an e-mail address" in str(refused.value)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("01134960123", "0113 496 0123"),
        ("02079460018", "020 7946 0018"),
        ("07700900123", "07700 900123"),
        ("01632960123", "01632 960123"),
        ("0113  496 0123", "0113 496 0123"),
        ("(0113) 496-0123", "(0113) 496-0123"),
        ("+44 113 496 0123", "+44 113 496 0123"),
        ("+44 (0)113 496 0123", "+44 (0)113 496 0123"),
        ("07700 900 123", "07700 900 123"),
    ],
)
def test_a_uk_phone_number_is_accepted_keeping_the_officers_spacing(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("0113 496 01", "9 digits"),
        ("0113 496 01234 5", "13 digits"),
        ("+33 1 23 45 67 89", "only UK numbers"),
        ("0113 496 O123", "use only digits"),
        ("ext. 0113 4960123", "use only digits"),
        ("113 496 0123", "start with 0 or +44"),
    ],
)
def test_a_wrong_phone_number_is_refused_with_the_reason(typed, reason):
    with pytest.raises(ContactDetailError) as refused:
        parse_phone(typed)
    assert f"'{typed}' is not a UK phone number" in str(refused.value)
    assert reason in str(refused.value)


def test_the_errors_are_value_errors_so_forms_can_catch_bad_input_alike():
    assert issubclass(ContactDetailError, ValueError)
