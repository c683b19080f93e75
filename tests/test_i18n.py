"""The Dutch catalogue: complete, placeholder-exact, and used for a whole Dutch audit; the
judgement itself is the same in every language."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import string
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest

from auditor.audit import AuditResult, judge_audit
from auditor.config import config_from_data
from auditor.i18n import load_catalogue, translator
from auditor.messages import ENGLISH, Msg, known_text
from auditor.report.brief import render_brief
from auditor.report.html import render_html
from auditor.report.json_report import report_data
from tests.conftest import AS_OF, COMPLETE_PROFILE, REPO, make_items, make_record


def _load_check() -> ModuleType:
    path = REPO / "scripts" / "i18n_check.py"
    spec = importlib.util.spec_from_file_location("i18n_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECK = _load_check()
LABELS, _ = CHECK.scan()
NL = load_catalogue("nl")
DUTCH = translator("nl")


def fields(text: str) -> set[tuple[str, str]]:
    """The placeholders of a text with their formats ({share:%} -> ("share", "%"))."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text)
            if name is not None}


def english_texts() -> list[str]:
    """Every English text the reports can show: the writers' labels and the messages."""
    texts: list[str] = []
    for label in LABELS:
        texts += [label] if isinstance(label, str) else list(label)
    for msgid, template in ENGLISH.items():
        if msgid not in ("text", "join"):
            texts += [template] if isinstance(template, str) else list(template)
    return texts


# --------------------------------------------------------------------------- the catalogue


def test_the_scan_finds_labels_from_every_kind_of_source() -> None:
    # t("..."), t.n(..., "singular", "plural"), t(NA) via a constant, a template's _("...")
    for label in ("{n} profile audited", "n/a", "What the flags mean",
                  "{days} days before the audit date"):
        assert any(label == found or (isinstance(found, tuple) and label in found)
                   for found in LABELS), label
    assert ("{n} profile audited", "{n} profiles audited") in LABELS
    assert len(LABELS) > 150


def test_the_scan_reads_each_form_of_label(tmp_path: Path) -> None:
    (tmp_path / "auditor").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "auditor" / "mod.py").write_text(
        'X = "constant"\n'
        'WORDS = {"A": "word a", "B": "word b"}\n'
        'def f(t, code, text):\n'
        '    word = WORDS.get(code)\n'
        '    return t("one " "two"), t.n(1, "{n} cat", "{n} cats"), t(X), _("u"), t(word)\n'
        'def g(t, text):\n'
        '    return t(text)\n',
        encoding="utf-8")
    (tmp_path / "templates" / "r.html").write_text(
        '{{ _("Say \\"hi\\"") }} {{ _( "a {x} b", x=1) }} {{ _(\'single\') }}',
        encoding="utf-8")
    labels, unresolved = CHECK.scan(tmp_path)
    assert labels == {"one two", ("{n} cat", "{n} cats"), "constant", "u", "word a", "word b",
                      'Say "hi"', "a {x} b", "single"}
    assert len(unresolved) == 1 and "t(text)" in unresolved[0]


def test_every_text_has_a_dutch_translation() -> None:
    missing, unused = CHECK.problems("nl")
    assert not missing, "run scripts/i18n_check.py --update and translate: " + repr(missing)
    assert not unused, "entries no code uses: " + repr(unused)


def test_every_message_and_its_parameters_are_in_the_template() -> None:
    template = CHECK.template_catalog()
    for msgid, english in ENGLISH.items():
        if msgid in ("text", "join"):
            continue
        singular = english if isinstance(english, str) else english[0]
        assert template.get(singular, context=msgid) is not None, msgid


@pytest.mark.parametrize("key", sorted(NL, key=lambda key: (key[0] or "", key[1])))
def test_a_translation_keeps_exactly_the_placeholders(key: tuple[str | None, str]) -> None:
    context, english = key
    translations = NL[key]
    forms = (translations,) if isinstance(translations, str) else translations
    if context is not None and isinstance(ENGLISH[context], tuple):
        sources = ENGLISH[context]
    else:
        sources = (english,)
    for form in forms:
        assert form.strip(), key
        assert fields(form) <= set().union(*(fields(source) for source in sources)), key
        assert {name for name, _ in fields(form)} >= {
            name for name, _ in fields(sources[-1]) if name != "n"}, key


def test_the_check_script_passes_and_reports_nothing_missing(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert CHECK.main([]) == 0
    assert "Every text has a translation in every catalogue." in capsys.readouterr().out


def test_the_check_script_fails_on_a_missing_translation(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real = CHECK.read_catalog

    def without_summary(lang: str):  # type: ignore[no-untyped-def]
        catalog = real(lang)
        catalog.delete("Summary")
        return catalog

    monkeypatch.setattr(CHECK, "read_catalog", without_summary)
    assert CHECK.main([]) == 1
    assert "'Summary'" in capsys.readouterr().out


def test_fixed_texts_of_the_adapters_are_messages() -> None:
    """Outcome details and checklist notes the adapters store in records as English are
    found again as messages, so the writers translate them and the history stores ids."""
    from auditor.platforms import ADAPTERS, feed, youtube
    from auditor.platforms.base import outcome_for_status

    texts = [reason for adapter in ADAPTERS for reason in adapter.unobservable.values()]
    texts += [adapter.by_hand for adapter in ADAPTERS if hasattr(adapter, "by_hand")]
    texts += [feed.NO_CONTACT, youtube.NO_CONTACT, youtube.CUT_PAGE_NOTE]
    texts += [detail for status in (404, 410, 403, 451, 429)
              if (found := outcome_for_status(status)) for detail in [found[1]]]
    for text in texts:
        message = known_text(text)
        assert message is not None and _ids(message) - {"text"}, text
        assert str(message) == text


def _ids(message: Msg) -> set[str]:
    ids = {message.id}
    for value in message.params.values():
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, Msg):
                ids |= _ids(part)
    return ids - {"join"}


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
    start = page.rindex('<section class="profile-card', 0,
                        page.index(f'<p class="card-sub"><a href="{url}"'))
    return page[start:page.index("</section>", start)]


def nl(label: str, **params: object) -> str:
    """The Dutch text of a writer's label as report.html shows it (HTML-escaped)."""
    assert (None, label) in NL, label
    return html.escape(DUTCH(label, **params))


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
    assert html.escape(DUTCH.msg(Msg("fix.INCOMPLETE"))) in incomplete

    walled = card(page, SPAAK_DICHT)
    assert "kon niet worden gecontroleerd: inlogmuur (HTTP 401)" in walled
    assert html.escape(DUTCH.msg(Msg("fix.UNAUDITABLE"))) in walled

    healthy = card(page, SPAAK)
    assert nl("No flags.") in healthy
    assert "Aandeel reacties" in healthy and "33,3%" in healthy  # Dutch decimal comma

    assert "Het ophalen is voortijdig gestopt: 1 opgegeven profiel" in page
    assert "2026-11-01" in page  # dates stay ISO


def english_sentences() -> list[str]:
    """Every fixed English text of three words or more (the parts between placeholders of a
    text with placeholders), unless Dutch uses the same words."""
    dutch = {form for value in NL.values()
             for form in ((value,) if isinstance(value, str) else value)}
    pieces: set[str] = set()
    for text in english_texts():
        for literal, _, _, _ in string.Formatter().parse(text):
            literal = literal.strip(" ,.;:()“”")
            if len(literal.split()) >= 3 and not any(literal in form for form in dutch):
                pieces.add(literal)
    return sorted(pieces)


def test_no_english_sentence_leaks_into_the_dutch_report() -> None:
    page = html.unescape(render_html(dutch_audit()))
    leaked = [sentence for sentence in english_sentences() if sentence in page]
    assert not leaked
    # the check does find translated texts: the fix is on the first screen and on the card
    assert page.count("Plaats weer berichten") == 2


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
    assert t.msg(known_text("HTTP 404: no such account")) == "HTTP 404: dit account bestaat niet"
    walled = ("not crawled logged out: X shows profiles and posts only to logged-in users: check "
              "by hand the date of the newest post (pinned posts aside), whether the account "
              "answers replies, and the bio, website link, avatar and header image")
    assert t.msg(known_text(walled)).startswith("niet uitgelezen zonder in te loggen: X toont")
    # parts that are not message ids (hosts, server messages) stay as they came
    assert t.msg(known_text("statuses: HTTP 500")) == "statuses: HTTP 500"
    assert known_text("statuses: HTTP 500") == Msg("text", {"text": "statuses: HTTP 500"})
    assert str(known_text("HTTP 404: no such account")) == "HTTP 404: no such account"


# --------------------------------------------------------------------------- language-free


def test_the_judgement_is_the_same_in_every_language() -> None:
    """report.json of one audit judged for --lang en and --lang nl: the same apart from the
    language it names, and its texts are English in both."""
    english, dutch = report_data(dutch_audit("en")), report_data(dutch_audit("nl"))
    assert english["audit"].pop("lang") == "en" and dutch["audit"].pop("lang") == "nl"
    assert json.dumps(english, ensure_ascii=False) == json.dumps(dutch, ensure_ascii=False)
    flags = [flag for organisation in dutch["organisations"]
             for profile in organisation["profiles"] for flag in profile["flags"]]
    dead = next(flag for flag in flags if flag["code"] == "DEAD")
    assert dead["reason"] == "last post 212 days ago, threshold 90"
    assert dead["reason_id"] == "flag.last_post"
    assert dead["reason_params"] == {"days": 212, "threshold": 90}
    assert dead["fix_id"] == "fix.DEAD"


def test_a_message_renders_in_each_language_from_its_id_and_parameters() -> None:
    message = Msg.from_dict(json.loads(json.dumps(Msg(
        "flag.broadcast_only", {"share": 0.05, "posts": 40, "days": 90, "threshold": 0.1}
    ).to_dict())))
    assert str(message) == ("5% of 40 own posts in the last 90 days are replies to others, "
                            "threshold 10%")
    assert DUTCH.msg(message) == ("5% van 40 eigen berichten in de afgelopen 90 dagen is een "
                                  "reactie op anderen, drempel 10%")
    assert DUTCH.msg(Msg("flag.never_used", {"n": 1, "threshold": 2})).startswith("1 bericht ")
    assert DUTCH.msg(Msg("flag.never_used", {"n": 2, "threshold": 2})).startswith(
        "2 berichten ")
