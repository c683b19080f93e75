"""The demo's report.html as a person sees it: opened in headless Chromium.

The bundled demo is run once per language (``auditor demo --out DIR --lang en|nl``) and its
report.html is loaded by a real browser (the Debian package ``chromium``). Checked:

- the page loads with no console message at all (no script error, no CSP violation: the
  report carries a strict Content-Security-Policy and no script);
- the rendered DOM shows one ``section.profile-card`` per profile in report.json, each ``ok``
  profile's card holds SVG charts with bars, and the comparison table and the
  ``#unauditable`` section are there;
- a desktop screenshot (1280x4000) and a phone screenshot (390x3000) render;
- at phone width (390 px) nothing makes the page scroll sideways and no table cell is
  narrower than an ordinary word in it (its text would break into a column of letters);
  measured by a small script in a wrapper page that loads the report in a 390 px iframe
  (the report itself stays script-free).

Without chromium the tests skip, except under CI (``CI`` set, e.g. ``CI=true``): there a
missing browser fails. Set ``REPORT_SCREENSHOT_DIR=/some/folder`` to keep the screenshots
for a look.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from auditor.verdicts import MISSING_OUTCOMES

REPO = Path(__file__).resolve().parent.parent
LANGS = ("en", "nl")
DEMO_TIMEOUT = 180
BROWSER_TIMEOUT = 90
PHONE_WIDTH = 390

# A console message in Chromium's log, or a CSP / script error however it is worded.
CONSOLE_PATTERNS = (
    re.compile(r"\bCONSOLE\b"),
    re.compile(r"Uncaught"),
    re.compile(r"Refused to"),
    re.compile(r"Content Security Policy"),
)

# Loads the report in an iframe of phone width and writes what it measured into
# <pre id="result">. File pages may read each other only with --allow-file-access-from-files.
PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="frame" src="{src}" style="width:{width}px;height:50000px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById("frame").addEventListener("load", () => {{
  const out = document.getElementById("result");
  try {{
    const doc = document.getElementById("frame").contentDocument;
    const root = doc.documentElement;
    const name = (el) => el.tagName.toLowerCase()
      + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string"
         ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    const where = (el) => {{
      const card = el.closest("section[id]");
      return name(el) + (card ? " in #" + card.id : "");
    }};
    // Where the first screen ends: the scoreboard and the client's fixes, folded as it opens.
    const rect = (selector) => {{
      const el = doc.querySelector(selector);
      if (!el || el.getClientRects().length === 0) return null;
      const box = el.getBoundingClientRect();
      return {{top: Math.round(box.top), bottom: Math.round(box.bottom)}};
    }};
    const first = {{board: rect("table.scoreboard"), narrow: rect(".board-narrow .org-board"),
                   fixes: rect("ol.fixes"), title: rect("header h1")}};
    // Then every fold opened: the worst case for width (post tables, checklists).
    for (const fold of doc.querySelectorAll("details")) fold.open = true;
    // A box that scrolls sideways: its content is wider than the screen.
    const scrollers = [];
    for (const el of doc.body.querySelectorAll("*")) {{
      const style = doc.defaultView.getComputedStyle(el);
      // (a 1 px box is a heading for screen readers only, clipped on purpose)
      if (style.overflowX === "visible" || el.clientWidth <= 1) continue;
      if (el.scrollWidth > el.clientWidth + 1) scrollers.push(
        name(el) + ": " + el.scrollWidth + " px in " + el.clientWidth + " px");
    }}
    const overflowing = [];
    for (const el of doc.body.querySelectorAll("*")) {{
      const style = doc.defaultView.getComputedStyle(el);
      if (style.overflowX !== "visible" || el.clientWidth === 0) continue;
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      // Report the innermost culprit only: skip when a child overflows as well.
      const child = Array.from(el.children).some(
        (c) => c.scrollWidth > c.clientWidth + 1 && c.clientWidth > 0);
      if (!child) overflowing.push(where(el) + ": content " + el.scrollWidth
                                   + " px wide in " + el.clientWidth + " px: "
                                   + el.textContent.trim().slice(0, 80));
    }}
    // A cell narrower than an ordinary word in it (URLs and handles may break; words
    // should not, except after a hyphen): its text breaks into a column of letters.
    const ctx = document.createElement("canvas").getContext("2d");
    const squeezed = [];
    for (const cell of doc.querySelectorAll("td, th")) {{
      if (cell.getClientRects().length === 0) continue;  // not shown at this width
      const style = doc.defaultView.getComputedStyle(cell);
      const inner = cell.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
      const walker = doc.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      let worst = null;
      while (walker.nextNode()) {{
        const node = walker.currentNode;
        ctx.font = doc.defaultView.getComputedStyle(node.parentElement).font;
        for (const word of node.data.split(/\\s+|(?<=-)/)) {{
          if (!word || word.length > 15) continue;
          const needed = ctx.measureText(word).width;
          if (needed > inner + 1 && (!worst || needed > worst.needed)) worst = {{word, needed}};
        }}
      }}
      if (worst) {{
        squeezed.push(where(cell) + ": " + Math.round(inner) + " px wide, "
                      + JSON.stringify(worst.word) + " needs " + Math.round(worst.needed));
      }}
    }}
    out.textContent = JSON.stringify({{
      client_width: root.clientWidth, scroll_width: root.scrollWidth, first, scrollers,
      overflowing: overflowing.slice(0, 20), squeezed: squeezed.slice(0, 20),
      squeezed_count: squeezed.length}});
  }} catch (error) {{
    out.textContent = JSON.stringify({{error: String(error)}});
  }}
}});
</script>
</body></html>
"""


def chromium_binary() -> str:
    """The browser, or skip (locally) / fail (under CI) when it is not installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = ("chromium is not installed (Debian: apt-get install chromium); "
               "the browser tests of report.html need it")
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{message}. CI is set, so a missing browser is a failure.")
    pytest.skip(message)


@dataclass(frozen=True)
class Browser:
    binary: str
    profile_dir: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """One headless Chromium run; its own profile folder, never longer than the timeout."""
        command = [
            self.binary, "--headless", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--mute-audio",
            f"--user-data-dir={self.profile_dir}",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", *args,
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                 timeout=BROWSER_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail(f"chromium did not finish within {BROWSER_TIMEOUT} s: {command}")
        assert run.returncode == 0, f"chromium failed ({run.returncode}): {run.stderr[-3000:]}"
        return run

    def dump_dom(self, url: str, *, width: int, height: int,
                 extra: tuple[str, ...] = ()) -> tuple[str, list[str]]:
        run = self.run(f"--window-size={width},{height}", *extra, "--dump-dom", url)
        return run.stdout, console_messages(run.stderr)

    def screenshot(self, url: str, path: Path, *, width: int, height: int) -> list[str]:
        run = self.run("--hide-scrollbars", f"--window-size={width},{height}",
                       f"--screenshot={path}", url)
        return console_messages(run.stderr)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if any(pattern.search(line) for pattern in CONSOLE_PATTERNS)]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def keep_screenshot(path: Path, name: str) -> None:
    folder = os.environ.get("REPORT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(folder) / name)


def probe(browser: Browser, folder: Path, page: str, width: int) -> dict[str, Any]:
    """Measure ``folder/page`` at ``width`` px with the wrapper page; the result as a dict."""
    wrapper = folder / f"probe-{width}-{Path(page).stem}.html"
    wrapper.write_text(PROBE.format(src=page, width=width), encoding="utf-8")
    dom, _ = browser.dump_dom(wrapper.as_uri(), width=1280, height=1000,
                              extra=("--allow-file-access-from-files",))
    result = BeautifulSoup(dom, "html.parser").find("pre", id="result")
    assert isinstance(result, Tag), f"the probe page did not render: {dom[:500]}"
    data: dict[str, Any] = json.loads(result.get_text())
    assert "error" not in data, f"the probe could not read the report: {data['error']}"
    return data


def run_demo(out: Path, lang: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "auditor", "demo", "--out", str(out), "--lang", lang],
            cwd=REPO, capture_output=True, text=True, timeout=DEMO_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"auditor demo --lang {lang} did not finish within {DEMO_TIMEOUT} s")


def demo_or_skip(out: Path, lang: str) -> Path:
    """Run the demo into ``out``; fail with its output when it does not finish."""
    run = run_demo(out, lang)
    if run.returncode != 0:
        pytest.fail(f"auditor demo --lang {lang} exited {run.returncode}:\n"
                    f"{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    report = out / "report.html"
    assert report.is_file() and report.stat().st_size > 0, "the demo wrote no report.html"
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Browser:
    return Browser(chromium_binary(), tmp_path_factory.mktemp("chromium-profile"))


@dataclass(frozen=True)
class Rendered:
    lang: str
    folder: Path
    report: dict[str, Any]
    dom: BeautifulSoup
    console: list[str]


@pytest.fixture(scope="module", params=LANGS)
def rendered(request: pytest.FixtureRequest, browser: Browser,
             tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    lang: str = request.param
    folder = demo_or_skip(tmp_path_factory.mktemp(f"demo-{lang}"), lang)
    dom, console = browser.dump_dom((folder / "report.html").as_uri(), width=1280, height=4000)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return Rendered(lang, folder, report, BeautifulSoup(dom, "html.parser"), console)


def profiles(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for org in report["organisations"] for p in org["profiles"]]


def card_url(card: Tag) -> str:
    """The profile's address, the first link under the card's heading."""
    link = card.select_one("p.card-sub a")
    assert isinstance(link, Tag), f"a profile card without its address: {card.get('id')}"
    return link.get_text(strip=True)


# --- the checks themselves work -------------------------------------------------------------

def test_console_check_catches_csp_violations_and_script_errors(
        browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'\"></head><body><p>x</p>"
        "<script>console.log('inline')</script></body></html>", encoding="utf-8")
    _, blocked = browser.dump_dom(page.as_uri(), width=800, height=600)
    assert blocked, "a CSP violation left no console message: the console check is blind"
    page.write_text("<!DOCTYPE html><body><script>noSuchFunction()</script></body>",
                    encoding="utf-8")
    _, errors = browser.dump_dom(page.as_uri(), width=800, height=600)
    assert any("Uncaught" in line for line in errors), errors


def test_phone_probe_catches_overflow_and_squeezed_cells(
        browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "wide.html").write_text(
        "<!DOCTYPE html><meta name=viewport content=\"width=device-width\"><body>"
        "<p>https://example.org/a/very/long/unbreakable/path/that/does/not/fit/anywhere/x</p>"
        "<table style=\"width:100%\"><tr><th style=\"width:330px\">label</th>"
        "<td style=\"overflow-wrap:anywhere\">squeezed words here</td></tr>"
        "</table></body>", encoding="utf-8")
    data = probe(browser, tmp_path, "wide.html", PHONE_WIDTH)
    assert data["scroll_width"] > data["client_width"], data
    assert data["overflowing"] and data["squeezed"], data


# --- the demo report ------------------------------------------------------------------------

def test_report_loads_without_console_messages(rendered: Rendered) -> None:
    assert rendered.console == [], (
        f"[{rendered.lang}] the browser logged console messages:\n" + "\n".join(rendered.console))


def test_every_profile_has_a_card(rendered: Rendered) -> None:
    cards = rendered.dom.select("section.profile-card")
    expected = [p["url"] for p in profiles(rendered.report)]
    assert len(expected) >= 10, "the demo should hold a good number of profiles"
    assert len(cards) == len(expected), (len(cards), len(expected))
    assert sorted(card_url(card) for card in cards) == sorted(expected)


def test_ok_profiles_have_rendered_charts(rendered: Rendered) -> None:
    cards = {card_url(card): card for card in rendered.dom.select("section.profile-card")}
    outcomes = {p["url"]: p["outcome"] for p in profiles(rendered.report)}
    assert "ok" in outcomes.values()
    for url, outcome in outcomes.items():
        card = cards[url]
        charts = card.select("figure.chart svg")
        if outcome != "ok":
            assert not charts, f"[{rendered.lang}] {url} ({outcome}) shows activity charts"
            continue
        assert charts, f"[{rendered.lang}] {url} is ok but shows no chart"
        for svg in charts:
            # html.parser lower-cases attribute names.
            assert svg.get("viewbox"), f"{url}: a chart without a viewBox"
            bars = svg.find_all("rect")
            assert bars, f"[{rendered.lang}] {url}: a chart without bars"
            for bar in bars:
                numbers = [float(str(bar.get(a))) for a in ("x", "y", "width", "height")]
                assert all(n >= 0 for n in numbers), f"{url}: a bar off the chart: {bar}"
            assert svg.find("title") and svg.find("title").get_text(strip=True), url
    # The healthy client profile posts every week: its bars have height.
    client = cards["https://mastodon.example/@spaak"].select("figure.chart.timeline rect")
    assert sum(float(str(bar["height"])) for bar in client) > 100


def test_comparison_table_and_unauditable_section(rendered: Rendered) -> None:
    table = rendered.dom.select_one("table.comparison")
    assert table is not None, "no comparison table"
    rows = table.select("tbody tr")
    names = {org["name"] for org in rendered.report["organisations"]}
    assert {row.find_all("td")[1].get_text(strip=True) for row in rows} == names
    assert len(rows[0].find_all("td")) == len(table.select("thead th"))

    section = rendered.dom.select_one("section#unauditable")
    assert section is not None, "no #unauditable section"
    # observed by hand (the observation sheet) is a reading too: judged, not unauditable
    unread = [p for p in profiles(rendered.report)
              if p["outcome"] not in ("ok", "observed") and p["outcome"] not in MISSING_OUTCOMES]
    assert unread, "the demo should hold a profile that could not be read"
    items = section.select("li")
    assert len(items) == len(unread)
    links = {str(a["href"]) for a in section.select("li > a")}
    anchors = {f"#{card['id']}" for card in rendered.dom.select("section.profile-card")
               if card_url(card) in {p["url"] for p in unread}}
    assert links == anchors


def test_report_is_in_the_asked_language(rendered: Rendered) -> None:
    html = rendered.dom.find("html")
    assert isinstance(html, Tag) and html.get("lang") == rendered.lang
    heading = rendered.dom.select_one("section#unauditable h2")
    assert heading is not None
    words = {"en": "Could not be audited", "nl": "Niet te controleren"}[rendered.lang]
    assert words in heading.get_text()


def test_desktop_screenshot_renders(rendered: Rendered, browser: Browser) -> None:
    shot = rendered.folder / "desktop.png"
    console = browser.screenshot((rendered.folder / "report.html").as_uri(), shot,
                                 width=1280, height=4000)
    assert console == []
    assert shot.is_file()
    assert png_size(shot) == (1280, 4000)
    # A blank or near-blank page compresses to a few kB; the demo's first 4000 px hold
    # headings, tables, coloured flags and charts.
    assert shot.stat().st_size > 100_000, shot.stat().st_size
    keep_screenshot(shot, f"report-{rendered.lang}-desktop.png")


def test_phone_width_renders(rendered: Rendered, browser: Browser) -> None:
    viewport = rendered.dom.find("meta", attrs={"name": "viewport"})
    assert isinstance(viewport, Tag)
    assert "width=device-width" in str(viewport.get("content"))
    shot = rendered.folder / "phone.png"
    console = browser.screenshot((rendered.folder / "report.html").as_uri(), shot,
                                 width=PHONE_WIDTH, height=3000)
    assert console == []
    assert png_size(shot) == (PHONE_WIDTH, 3000)
    assert shot.stat().st_size > 50_000, shot.stat().st_size
    keep_screenshot(shot, f"report-{rendered.lang}-phone.png")


@pytest.fixture(scope="module")
def phone(rendered: Rendered, browser: Browser) -> dict[str, Any]:
    """The report measured at phone width (once per language)."""
    return probe(browser, rendered.folder, "report.html", PHONE_WIDTH)


def test_phone_width_has_no_sideways_scrolling(rendered: Rendered,
                                              phone: dict[str, Any]) -> None:
    data = phone
    # 390 px minus a vertical scrollbar, if the browser draws one.
    assert PHONE_WIDTH - 20 <= data["client_width"] <= PHONE_WIDTH, data
    assert data["scroll_width"] <= data["client_width"], (
        f"[{rendered.lang}] at {PHONE_WIDTH} px the page is {data['scroll_width']} px wide:\n"
        + "\n".join(data["overflowing"]))


def test_phone_width_keeps_table_cells_readable(rendered: Rendered,
                                                phone: dict[str, Any]) -> None:
    data = phone
    assert data["squeezed_count"] == 0, (
        f"[{rendered.lang}] at {PHONE_WIDTH} px {data['squeezed_count']} table cells are "
        "narrower than a word in them, so their text breaks into a column of letters:\n"
        + "\n".join(data["squeezed"]))


# --- a report the client reads in five minutes (issue 18) -----------------------------------

DESKTOP = (1366, 768)
PHONE_SCREEN = 844
#: The demo printed (A4, the report's print CSS) stays a short document.
MAX_PDF_PAGES = 12


@pytest.fixture(scope="module")
def desktop(rendered: Rendered, browser: Browser) -> dict[str, Any]:
    """The report measured at a laptop's width (once per language)."""
    return probe(browser, rendered.folder, "report.html", DESKTOP[0])


def test_the_first_desktop_screen_holds_the_scoreboard_and_the_clients_fixes(
        rendered: Rendered, desktop: dict[str, Any]) -> None:
    first = desktop["first"]
    assert first["board"] is not None, f"[{rendered.lang}] no scoreboard: {first}"
    assert first["narrow"] is None  # the phone's layout is hidden on a laptop
    # the whole scoreboard and the list of fixes end above the fold of a 1366x768 screen
    assert first["board"]["bottom"] <= DESKTOP[1], (rendered.lang, first)
    assert first["fixes"] is not None and first["fixes"]["bottom"] <= DESKTOP[1], first
    board = rendered.dom.select_one("table.scoreboard")
    assert board is not None
    chips = board.select("a.chip .state")
    assert len(chips) == len(profiles(rendered.report))  # every profile, in words
    words = {chip.get_text(" ", strip=True).split(" ", 1)[1] for chip in chips}
    expected = {"en": {"dead", "gone", "broadcast-only", "incomplete", "active", "not read"},
                "nl": {"dood", "verdwenen", "alleen zenden", "onvolledig", "actief"}}
    assert expected[rendered.lang] <= words, words


def test_the_first_phone_screen_starts_the_scoreboard(rendered: Rendered,
                                                      phone: dict[str, Any]) -> None:
    first = phone["first"]
    assert first["board"] is None  # the wide table is replaced by one block per organisation
    assert first["narrow"] is not None and first["narrow"]["top"] < PHONE_SCREEN, first


def test_nothing_at_phone_width_needs_a_sideways_scroller(rendered: Rendered,
                                                          phone: dict[str, Any]) -> None:
    # with every fold opened: the side-by-side table, post tables and checklists fit
    assert phone["scrollers"] == [], (
        f"[{rendered.lang}] at {PHONE_WIDTH} px these boxes scroll sideways:\n"
        + "\n".join(phone["scrollers"]))


def pdf_pages(path: Path) -> int:
    """Pages in a PDF Chromium printed (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def test_pdf_page_counter_counts_pages(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "three.html"
    page.write_text("<!DOCTYPE html><body>" + "<p style=\"break-after:page\">x</p>" * 3,
                    encoding="utf-8")
    pdf = tmp_path / "three.pdf"
    browser.run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf_pages(pdf) == 3


def test_the_demo_prints_to_a_short_pdf(rendered: Rendered, browser: Browser) -> None:
    pdf = rendered.folder / "report.pdf"
    browser.run("--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                (rendered.folder / "report.html").as_uri())
    pages = pdf_pages(pdf)
    assert 2 <= pages <= MAX_PDF_PAGES, f"[{rendered.lang}] the demo prints to {pages} pages"
