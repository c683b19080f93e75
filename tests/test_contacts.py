"""Phone numbers and e-mail addresses in free text: auditor.contacts.find_contacts."""

from __future__ import annotations

import pytest

from auditor.contacts import MAX_PHONE_TEXT_CHARS, find_contacts


def phones_in(text: str) -> list[str]:
    return find_contacts([text])[1]


@pytest.mark.parametrize("number", [
    # Dutch, in the usual spellings
    "020-1234567", "020 123 45 67", "+31 20 123 4567", "0031 20 1234567", "06-12345678",
    "+31 6 12345678", "030 123 4567", "(020) 123 4567", "+31 (0)20 123 4567", "0612345678",
    "0800-0234567",
    # Belgian (Brussels and mobile), German, British
    "+32 2 555 12 34", "+32 470 12 34 56", "+49 30 12345678", "0049 30 12345678",
    "+44 20 7946 0958",
])
def test_phone_numbers_are_found_as_written(number: str) -> None:
    assert phones_in(f"Bel ons: {number} (ma-vr)") == [number]


@pytest.mark.parametrize("text", [
    # KvK (Chamber of Commerce) numbers, also those that read as 0800/0900 numbers
    "KvK 12345678", "KvK-nummer: 12345678", "KvK: 30123456", "Chamber of Commerce 12345678",
    "KvK 09001234", "KvK-nummer 08001234",
    # IBAN, BTW/VAT
    "NL91ABNA0417164300", "IBAN: NL91 ABNA 0417 1643 00", "NL69 INGB 0123 4567 89",
    "BTW NL123456789B01", "VAT: NL123456789B01", "btw-nummer NL 8012 34 567 B01",
    # dates, also with a time
    "2026-11-30", "30-11-2026", "30.11.2026", "Geopend sinds 01-02-2026 10:30",
    # postcode and house number, order and invoice numbers, years, opening hours
    "1234 AB 12", "Postbus 12345, 1000 AB Amsterdam", "Ordernummer 0201234567",
    "Order #0612345678", "Bestelling 2024-001234", "Factuur 2024-0012345", "2019-2024",
    "Actief 2019 - 2024", "ma-vr 09:00-17:30", "ma t/m vr 09.00-17.30", "Sinds 1982 in Utrecht",
])
def test_things_that_are_not_phone_numbers(text: str) -> None:
    assert phones_in(text) == []


def test_a_dutch_footer_has_only_its_real_phone_number() -> None:
    footer = ("Spaak Fietsen B.V. | Oudegracht 12, 3511 AB Utrecht | KvK 30123456 | "
              "BTW NL123456789B01 | IBAN NL91 ABNA 0417 1643 00 | Tel. 030-1234567 | "
              "ma-vr 09:00-17:30 | © 2019-2024")
    assert find_contacts([footer]) == ([], ["030-1234567"])


def test_phones_in_order_found_once_each_across_texts() -> None:
    emails, phones = find_contacts([
        "Bel 020-1234567 of app 06-12345678",
        "Telefoon +31 20 123 4567",  # the same number as 020-1234567
        "WhatsApp 06-12345678, mail info@spaak.example",
        "Duitsland: +49 30 12345678",
    ])
    assert emails == ["info@spaak.example"]
    assert phones == ["020-1234567", "06-12345678", "+49 30 12345678"]


def test_two_numbers_side_by_side() -> None:
    assert phones_in("Tel. 030-1234567 / 06-12345678") == ["030-1234567", "06-12345678"]
    assert phones_in("Bel 020-1234567,06-12345678.") == ["020-1234567", "06-12345678"]


def test_the_phone_matcher_reads_only_the_start_of_a_long_text() -> None:
    before = "x" * (MAX_PHONE_TEXT_CHARS - 20) + " 020-1234567 "
    assert phones_in(before) == ["020-1234567"]
    after = "x" * MAX_PHONE_TEXT_CHARS + " 020-1234567 "
    assert phones_in(after) == []


@pytest.mark.parametrize("junk", [
    "0" * 100_000, "0 " * 50_000, "+31 " * 25_000, "020-1234567 " * 8_000, "a" * 100_000,
    "a@" + "b" * 100_000, "a@b" + ".b" * 50_000,
])
def test_huge_inputs_are_handled(junk: str) -> None:
    emails, phones = find_contacts([junk])
    assert emails == []
    assert len(phones) <= 1


@pytest.mark.parametrize(("text", "emails"), [
    ("mail info@spaak.example", ["info@spaak.example"]),
    ("a.b-c+d@sub.spaak.example en a.b-c+d@sub.spaak.example", ["a.b-c+d@sub.spaak.example"]),
    ("geen adres: @spaak, spaak@, info@localhost", []),
])
def test_emails(text: str, emails: list[str]) -> None:
    assert find_contacts([text])[0] == emails
