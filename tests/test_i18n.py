"""The Dutch catalogue: complete, placeholder-exact, and used for a whole Dutch audit."""

from __future__ import annotations

import html
import importlib.util
import re
import string
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest

from auditor.audit import AuditResult, judge_audit
from auditor.config import config_from_data
from auditor.i18n import translate_detail, translator
from auditor.locale_nl import NL
from auditor.report.brief import render_brief
from auditor.report.html import render_html
from tests.conftest import AS_OF, COMPLETE_PROFILE, REPO, make_items, make_record

#: NL keys no code uses but kept on purpose (none so far; say why beside each one).
ALLOWED_UNUSED: frozenset[str] = frozenset()


def _load_check() -> ModuleType:
    path = REPO / "scripts" / "i18n_check.py"
    spec = importlib.util.spec_from_file_location("i18n_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECK = _load_check()
IDS = CHECK.message_ids()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --------------------------------------------------------------------------- the catalogue


def test_the_scan_finds_ids_from_every_kind_of_source() -> None:
    # t("..."), t.n(..., "singular", "plural"), t(NA) via a constant, t(fix) via _FIXES,
    # a template's _("..."), and an adapter's unobservable reason.
    for msgid in ("last post {days} days ago, threshold {threshold}",
                  "{n} profile audited", "{n} profiles audited",
                  "n/a",
                  "Post again and answer questions, or close the account and say where to go "
                  "instead.",
                  "What the flags mean", "{days} days before the audit date",
                  "feeds have no banner image"):
        assert msgid in IDS, msgid
    assert len(IDS) > 150


def test_the_scan_reads_each_form_of_message_id(tmp_path: Path) -> None:
    (tmp_path / "auditor" / "platforms").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "auditor" / "mod.py").write_text(
        'X = "constant"\n'
        'FIXES = {"A": "fix a", "B": "fix b"}\n'
        'def f(t, code, text):\n'
        '    fix = FIXES.get(code)\n'
        '    return t("one " "two"), t.n(1, "{n} cat", "{n} cats"), t(X), _("u"), t(fix)\n'
        'def g(t, text):\n'
        '    return t(text)\n',
        encoding="utf-8")
    (tmp_path / "auditor" / "platforms" / "p.py").write_text(
        'class A:\n    unobservable = {"banner": "no banners here"}\n', encoding="utf-8")
    (tmp_path / "templates" / "r.html").write_text(
        '{{ _("Say \\"hi\\"") }} {{ _( "a {x} b", x=1) }} {{ _(\'single\') }}',
        encoding="utf-8")
    ids, unresolved = CHECK.scan(tmp_path)
    assert ids == CHECK.message_ids(tmp_path) == {
        "one two", "{n} cat", "{n} cats", "constant", "u", "fix a", "fix b", "no banners here",
        'Say "hi"', "a {x} b", "single",
    }
    assert len(unresolved) == 1 and "t(text)" in unresolved[0]


def test_every_message_id_has_a_dutch_translation() -> None:
    missing = sorted(IDS - NL.keys())
    assert not missing, "run scripts/i18n_check.py; missing from NL: " + repr(missing)


@pytest.mark.parametrize("msgid", sorted(NL))
def test_a_translation_keeps_exactly_the_placeholders(msgid: str) -> None:
    translation = NL[msgid]
    assert translation.strip(), msgid
    assert placeholders(translation) == placeholders(msgid), msgid


def test_no_dutch_key_is_unused() -> None:
    unused = sorted(NL.keys() - IDS - ALLOWED_UNUSED)
    assert not unused, "NL keys no code uses: " + repr(unused)


def test_the_check_script_passes_and_reports_nothing_missing(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert CHECK.main() == 0
    out = capsys.readouterr().out
    assert "Missing from NL" not in out
    assert "Every message id has a Dutch translation." in out


def test_the_check_script_fails_on_a_missing_id(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    partial = {key: value for key, value in NL.items() if key != "Summary"}
    monkeypatch.setattr(CHECK, "catalogue", lambda: partial)
    assert CHECK.main() == 1
    assert "'Summary'" in capsys.readouterr().out


# --------------------------------------------------------------------------- a Dutch audit

SPAAK = "https://mastodon.example/@spaak"
SPAAK_OUD = "https://mastodon.example/@spaak_oud"
SPAAK_LEEG = "https://mastodon.example/@spaak_leeg"
SPAAK_DICHT = "https://mastodon.example/@spaak_dicht"
RATEL = "https://mastodon.example/@ratel"
NEVER_FETCHED = "https://mastodon.example/@ratel_nieuws"

CONFIG = {
    "audit": {"name": "Presence audit"},
    "organisation": [
        {"name": "Spaak Fietsen", "role": "client",
         "profiles": [SPAAK, SPAAK_OUD, SPAAK_LEEG, SPAAK_DICHT]},
        {"name": "Ratel Tweewielers", "role": "competitor",
         "profiles": [RATEL, NEVER_FETCHED]},
    ],
}

#: English texts that must not show in the Dutch report.html.
ENGLISH_LABELS = ("Thresholds used", "What the flags mean", "No flags.", "Summary",
                  "Profile checklist", "Fix:", "Incomplete audit.", "Unknown is not zero.",
                  "Reply share", "Posts per week", "days ago", "Post again")


def _healthy_items() -> tuple:
    """30 own posts over the last 87 days, every third a reply: no activity flag."""
    return make_items([(3 * i, "reply" if i % 3 == 0 else "original") for i in range(30)])


def dutch_audit(lang: str = "nl") -> AuditResult:
    no_photo = replace(COMPLETE_PROFILE, avatar_url=None, avatar_is_default=None)
    records = [
        make_record(url=SPAAK, items=_healthy_items()),
        make_record(url=SPAAK_OUD, items=make_items([(212, "original")])),
        make_record(url=SPAAK_LEEG, items=_healthy_items(), profile=no_photo),
        make_record(url=SPAAK_DICHT, outcome="login_wall", profile=None,
                    outcome_detail="HTTP 401"),
        make_record(url=RATEL, items=_healthy_items()),
        # NEVER_FETCHED has no record: the crawl was cut short.
    ]
    config = config_from_data(CONFIG, path=None)
    return judge_audit(config, records, as_of=AS_OF, generated_at=AS_OF + timedelta(hours=2),
                       lang=lang)


def card(page: str, url: str) -> str:
    """The HTML of the profile card whose heading links to ``url``."""
    start = page.rindex('<section class="profile-card', 0, page.index(f'<h3><a href="{url}"'))
    return page[start:page.index("</section>", start)]


def nl(msgid: str, **params: object) -> str:
    """The Dutch text as report.html shows it (HTML-escaped)."""
    return html.escape(NL[msgid].format(**params) if params else NL[msgid])


def test_the_fixture_audit_raises_the_flags_the_dutch_test_relies_on() -> None:
    codes = {result.record.url: [flag.code for flag in result.flags]
             for result in dutch_audit("en").profiles()}
    assert codes[SPAAK] == [] and codes[RATEL] == []
    assert codes[SPAAK_OUD] == ["DEAD"]
    assert codes[SPAAK_LEEG] == ["INCOMPLETE"]
    assert codes[SPAAK_DICHT] == ["UNAUDITABLE"]
    assert codes[NEVER_FETCHED] == ["UNAUDITABLE"]


def test_a_dutch_audit_renders_a_dutch_report() -> None:
    page = render_html(dutch_audit())
    assert '<html lang="nl">' in page
    for label in ("Summary", "Thresholds used", "What the flags mean", "Profile checklist",
                  "Fix:", "Incomplete audit.", "Unknown is not zero.", "No flags.",
                  "Activity", "Reply share", "Could not be audited: check by hand"):
        assert nl(label) in page, label
    for english in ENGLISH_LABELS:
        assert english not in page, english

    dead = card(page, SPAAK_OUD)
    assert '<span class="code">DEAD</span>' in dead  # codes stay as they are
    assert "laatste bericht 212 dagen geleden, drempel 90" in dead
    assert "Plaats weer berichten en beantwoord vragen" in dead
    assert nl("high") in dead
    assert "212 dagen geleden" in dead

    incomplete = card(page, SPAAK_LEEG)
    assert "ontbreekt: foto (geen avatar); volledigheid" in incomplete
    assert nl("Fill in the missing profile items; a photo matters most.") in incomplete

    walled = card(page, SPAAK_DICHT)
    assert "kon niet worden gecontroleerd: inlogmuur (HTTP 401)" in walled
    assert nl("Check this profile by hand; the auditor could not read it.") in walled

    healthy = card(page, SPAAK)
    assert nl("No flags.") in healthy
    assert "Aandeel reacties" in healthy and "33,3%" in healthy  # Dutch decimal comma

    assert "Het ophalen is voortijdig gestopt: 1 opgegeven profiel" in page
    assert "2026-11-01" in page  # dates stay ISO


def test_no_english_sentence_leaks_into_the_dutch_report() -> None:
    page = html.unescape(render_html(dutch_audit()))
    # Every fixed English text of three words or more, unless Dutch uses the same words.
    sentences = [msgid for msgid in IDS if not placeholders(msgid)
                 and len(msgid.split()) >= 3 and msgid not in NL.values()]
    leaked = [msgid for msgid in sentences if msgid in page]
    assert not leaked
    assert page.count("Plaats weer berichten") == 1  # the check does find translated texts


def test_the_english_report_is_unchanged_by_the_catalogue() -> None:
    page = render_html(dutch_audit("en"))
    assert '<html lang="en">' in page
    assert "What the flags mean" in page and "last post 212 days ago, threshold 90" in page
    assert "Wat de meldingen betekenen" not in page


def test_the_brief_of_a_dutch_audit_uses_the_dutch_texts() -> None:
    text = render_brief(dutch_audit())
    t = translator("nl")
    assert "laatste bericht 212 dagen geleden, drempel 90" in text  # the DEAD reason
    assert "kon niet worden gecontroleerd: inlogmuur (HTTP 401)" in text
    assert "ontbreekt: foto (geen avatar)" in text
    assert "(212 dagen geleden)" in text  # days since the last post
    assert t.percent(10 / 30) in text  # the reply share, "33,3%"
    # The organisation headings carry the Dutch counts ("4 profielen, 3 meldingen").
    assert re.search(r"^## Spaak Fietsen \(klant\): 4 profielen, 3 meldingen$", text, re.M)
    assert "Wat het meest oplevert:" in text and "last post" not in text
    assert "last post 212 days ago" not in text


def test_stored_outcome_details_are_translated_where_shown() -> None:
    t = translator("nl")
    assert translate_detail("HTTP 404: no such account", t) == "HTTP 404: dit account bestaat niet"
    walled = ("not crawled logged out: X shows profiles and posts only to logged-in users: check "
              "by hand the date of the newest post (pinned posts aside), whether the account "
              "answers replies, and the bio, website link, avatar and header image")
    assert translate_detail(walled, t).startswith("niet uitgelezen zonder in te loggen: X toont")
    # parts that are not message ids (hosts, server messages) stay as they came
    assert translate_detail("statuses: HTTP 500", t) == "statuses: HTTP 500"
    assert translate_detail("HTTP 404: no such account", translator("en")) == (
        "HTTP 404: no such account")
