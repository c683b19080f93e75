"""``auditor discover``: from an organisation's website to a ready config.

The websites are read by the crawl itself (the ``website`` platform target of
:mod:`auditor.platforms.website`, run through :func:`auditor.crawl.run_crawl`, with
``--replay`` passed through), so the same manners hold as in an audit (robots.txt, the
address rules, timeouts). The website record's ``profile.links`` are the social links the
home page shows, already without comment sections, embedded posts and share buttons;
which of them are profiles is :func:`auditor.platforms.is_profile_link`'s word. How each
link was found (schema.org ``sameAs``, ``rel=me``, a header/footer link, another link on
the page) is read again from the page as the crawl saw it: from the replay directory, or
from the responses the crawl recorded into its work folder.

The website reader reads the home page and, where the home page links one on the same
site, its contact page (:func:`auditor.platforms.website.contact_page`); links found on
the contact page say so. The site's own feeds (``<link rel="alternate">`` in the page's
head, and links to feed addresses on the site's domain) are listed too: the audit reads
them as the organisation's blog or news.

With ``guess=True`` (``--guess``), the organisation's name is tried as a handle on the
public platforms (:mod:`auditor.guess`); a candidate is kept only when the profile links
back to the website's domain, and is listed apart from what the website links.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import urljoin

from auditor.crawl import CrawlPlan, crawl_command, read_records, run_crawl, write_plan
from auditor.guess import candidates, links_back, site_domain
from auditor.messages import known_text
from auditor.models import ProfileRecord
from auditor.platforms import adapter_for, is_profile_link, profile_url
from auditor.platforms.base import CrawlOptions, Target
from auditor.platforms.feed import find_feed_links, looks_like_feed_url
from auditor.platforms.htmlmeta import MAX_HTML_BYTES, HtmlMeta, parse_html, read_html_meta
from auditor.platforms.website import CUT_NOTE, contact_page, dead_network
from auditor.replay import ReplayError, ReplayStore
from auditor.urls import BadURL, canonicalise, host_of

FORMATS = ("toml", "csv")
#: How each link was found, in the order they are named.
SAME_AS, REL_ME, HEADER_FOOTER, PAGE_LINK = ("schema.org sameAs", "rel=me",
                                             "header/footer link", "link on the home page")
CONTACT_PAGE, FEED_LINK = "link on the contact page", "feed named in the page's head"
#: Page regions whose links are the site's own navigation: header, footer, menus.
_FRAME_TAGS = frozenset({"header", "footer", "nav"})
_REDIRECT_NOTE = "the website redirected to "
#: At most this many redirects are followed when the page is read again from a replay.
_MAX_HOPS = 10


_T = TypeVar("_T")


class DiscoverProblem(Exception):
    """Bad input to ``discover``: one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class FoundProfile:
    url: str
    platform: str
    #: How the link was found (SAME_AS, REL_ME, HEADER_FOOTER, PAGE_LINK), at least one.
    how: tuple[str, ...]


@dataclass(slots=True)
class Discovered:
    """What one website says about its organisation."""

    website: str
    role: str
    name: str
    profiles: list[FoundProfile] = field(default_factory=list)
    #: One line each, in English: what went wrong or needs a look.
    problems: list[str] = field(default_factory=list)
    #: ``--guess``: profiles found by name that link back to the website.
    guessed: list[GuessedProfile] = field(default_factory=list)
    #: ``--guess``: candidates that answered but do not link back (not kept).
    unconfirmed: list[str] = field(default_factory=list)
    #: ``--guess``: how many candidates were tried.
    tried: int = 0


@dataclass(frozen=True, slots=True)
class GuessedProfile:
    url: str
    platform: str
    #: How the profile links back to the website ("its bio names spaak.example").
    evidence: str


def website_urls(urls: Sequence[str]) -> list[str]:
    """The websites in canonical spelling, each once; DiscoverProblem for a bad one."""
    seen: dict[str, None] = {}
    for url in urls:
        try:
            seen.setdefault(canonicalise(url if "://" in url else f"https://{url}"))
        except BadURL as exc:
            raise DiscoverProblem(f"{url!r}: {exc}") from None
    return list(seen)


def discover(urls: Sequence[str], *, replay: Path | None = None,
             settings: Sequence[str] = (), guess: bool = False) -> list[Discovered]:
    """Crawl each website's home page (and contact page) and read what they say; the first
    is the client. ``guess``: try the organisations' names as handles as well."""
    sites = website_urls(urls)
    if replay is not None:
        try:
            ReplayStore(replay)
        except ReplayError as exc:
            raise DiscoverProblem(f"--replay: {exc}") from None
    targets = tuple(Target(url=url, platform="website", organisation=url,
                           role="client" if index == 0 else "competitor", source_url=url)
                    for index, url in enumerate(sites))

    def pages(store: ReplayStore | None) -> dict[str, _Pages]:
        return {target.url: _site_pages(store, target.url) for target in targets}

    records, bodies = _crawl(targets, replay=replay, settings=settings, read=pages)
    found = [read_site(target.url, target.role or "competitor", records.get(target.url),
                       *bodies[target.url]) for target in targets]
    _distinct_names(found)
    if guess:
        _guess(found, replay=replay, settings=settings)
    return found


#: The home page and the contact page as the crawl saw them: (final URL, body) or None.
_Pages = tuple[tuple[str, bytes] | None, tuple[str, bytes] | None]


def _site_pages(store: ReplayStore | None, url: str) -> _Pages:
    home = _page_body(store, url)
    if home is None:
        return None, None
    contact = contact_page(read_html_meta(home[1], home[0]), home[0])
    return home, (_page_body(store, contact) if contact is not None else None)


def _crawl(targets: Sequence[Target], *, replay: Path | None, settings: Sequence[str],
           read: Callable[[ReplayStore | None], _T]) -> tuple[dict[str, ProfileRecord], _T]:
    """Crawl ``targets`` (as the audit does); their records, and what ``read`` takes from
    the answers (the replay directory's, or those the crawl recorded)."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="auditor-discover-") as folder:
        work = Path(folder)
        plan = write_plan(CrawlPlan(tuple(targets), CrawlOptions(as_of=now)),
                          work / "plan.json")
        recorded = work / "pages"
        records_path = work / "records.jsonl"
        command = crawl_command(plan=plan, records=records_path, as_of=now,
                                log_file=work / "crawl.log", replay=replay,
                                record=None if replay is not None else recorded,
                                settings=settings)
        run = run_crawl(command, records_path)
        if run.interrupted:
            raise KeyboardInterrupt
        records = {record.url: record for record in read_records(records_path)}
        try:
            store: ReplayStore | None = ReplayStore(replay if replay is not None else recorded)
        except ReplayError:
            store = None  # nothing answered: every record says why
        return records, read(store)


def _guess(found: list[Discovered], *, replay: Path | None, settings: Sequence[str]) -> None:
    """Try each organisation's name as a handle; keep the profiles that link back."""
    targets: list[Target] = []
    owners: dict[str, Discovered] = {}
    for site in found:
        known = {p.url for p in site.profiles}
        for url in candidates(site.name, site.website, known):
            adapter = adapter_for(url)
            if adapter is None or url in owners:
                continue
            owners[url] = site
            site.tried += 1
            targets.append(Target(url=url, platform=adapter.platform, organisation=site.name,
                                  role=site.role, source_url=url))
    if not targets:
        return
    records, _ = _crawl(targets, replay=replay, settings=settings, read=lambda store: None)
    for target in targets:
        site = owners[target.url]
        record = records.get(target.url)
        evidence = links_back(record, site.website)
        if evidence is not None:
            site.guessed.append(GuessedProfile(target.url, target.platform, evidence))
        elif record is not None and record.profile is not None:
            site.unconfirmed.append(target.url)  # it exists, but whose is it?


def _page_body(store: ReplayStore | None, url: str) -> tuple[str, bytes] | None:
    """(final URL, body) of the page as the crawl saw it, following recorded redirects."""
    if store is None:
        return None
    for _ in range(_MAX_HOPS):
        entry = store.lookup(url)
        if entry is None:
            return None
        if 300 <= entry.status < 400:
            location = entry.headers.get("Location") or entry.headers.get("location")
            if isinstance(location, list):
                location = location[0] if location else None
            if not location:
                return None
            url = urljoin(url, location)
            continue
        try:
            return url, entry.body()
        except OSError:
            return None
    return None


def read_site(website: str, role: str, record: ProfileRecord | None,
              page: tuple[str, bytes] | None,
              contact: tuple[str, bytes] | None = None) -> Discovered:
    """What the website's record (and its pages, for how each link was found) says."""
    meta = read_html_meta(page[1], page[0]) if page is not None else None
    name = _name(record, meta) or host_of(website).removeprefix("www.") or website
    found = Discovered(website=website, role=role, name=name)
    if record is None:
        found.problems.append(f"{website}: not read (the crawl ended before it)")
        return found
    if record.outcome != "ok" or record.profile is None:
        detail = record.outcome_detail or record.outcome
        found.problems.append(f"{website}: could not be read ({record.outcome}: {detail})")
        return found
    for note in record.notes:
        said = known_text(note)
        if (note.startswith(_REDIRECT_NOTE) or note == CUT_NOTE
                or (said is not None and said.id == "detail.site_contact_failed")):
            found.problems.append(f"{website}: {note}")
    if meta is not None and meta.has_password_form:
        found.problems.append(f"{website}: the page shows a login form; the links of the "
                              "public site may be missing")
    ways = _ways(meta, *page) if meta is not None and page is not None else {}
    if contact is not None:
        contact_meta = read_html_meta(contact[1], contact[0])
        for key in {_key(url) for url in (*contact_meta.links, *contact_meta.same_as,
                                          *contact_meta.rel_me)}:
            if key is not None:
                ways[key] = (*ways.get(key, ()), CONTACT_PAGE)
    seen: set[str] = set()
    for link in record.profile.links:
        dead = dead_network(link)
        if dead is not None:
            found.problems.append(f"{website}: links to {dead[0]}, a network that closed in "
                                  f"{dead[1]}: {link}")
            continue
        platform = is_profile_link(link)
        key = _key(link)
        if platform is None or key is None or key in seen:
            continue
        seen.add(key)
        found.profiles.append(FoundProfile(key, platform, ways.get(key, (PAGE_LINK,))))
    for url, how in _feeds(website, page, contact):
        if url not in seen:
            seen.add(url)
            found.profiles.append(FoundProfile(url, "feed", how))
    if not found.profiles:
        found.problems.append(f"{website}: the home page links to no social profile")
    return found


def _feeds(website: str, *pages: tuple[str, bytes] | None
           ) -> list[tuple[str, tuple[str, ...]]]:
    """The site's own feeds: the first posts feed its pages name in ``<link
    rel="alternate">``, and links to feed addresses on the site's domain."""
    domain = site_domain(website)
    found: dict[str, list[str]] = {}

    def add(url: str, how: str) -> None:
        try:
            key = canonicalise(url)
        except BadURL:
            return
        host = host_of(key).removeprefix("www.")
        if domain and (host == domain or host.endswith("." + domain)):
            ways = found.setdefault(key, [])
            if how not in ways:
                ways.append(how)

    for index, page in enumerate(pages):
        if page is None:
            continue
        html = page[1][:MAX_HTML_BYTES].decode("utf-8", "replace")
        heads = [url for url in find_feed_links(html, page[0])
                 if "comment" not in url.lower()]  # comments feeds: others' words
        if heads:
            add(heads[0], FEED_LINK)
        frame = set(_frame_links(page[1], page[0]))
        for link in read_html_meta(page[1], page[0]).links:
            if looks_like_feed_url(link):
                add(link, CONTACT_PAGE if index else
                    HEADER_FOOTER if link in frame else PAGE_LINK)
    return [(url, tuple(how)) for url, how in found.items()]


def _name(record: ProfileRecord | None, meta: HtmlMeta | None) -> str | None:
    """JSON-LD name / og:site_name (the website reader's display name), else the title."""
    candidates = [record.profile.display_name if record and record.profile else None]
    if meta is not None:
        candidates += [meta.name, meta.site_name, meta.title]
    for candidate in candidates:
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    return None


def _key(url: str) -> str | None:
    try:
        return profile_url(canonicalise(url))
    except (BadURL, ValueError):
        return None


def _ways(meta: HtmlMeta, page_url: str, body: bytes) -> dict[str, tuple[str, ...]]:
    """Canonical link -> how the page gives it."""
    ways: dict[str, list[str]] = {}

    def add(urls: Iterable[str], how: str) -> None:
        for url in urls:
            key = _key(url)
            if key is not None and how not in ways.setdefault(key, []):
                ways[key].append(how)

    add(meta.same_as, SAME_AS)
    add(meta.rel_me, REL_ME)
    add(_frame_links(body, page_url), HEADER_FOOTER)
    add(meta.links, PAGE_LINK)
    return {key: tuple(h for h in how if h != PAGE_LINK or len(how) == 1)
            for key, how in ways.items()}


def _frame_links(body: bytes, page_url: str) -> list[str]:
    """The page's links that sit in its header, footer or menus."""
    try:
        soup = parse_html(body)
        anchors = soup.find_all("a", href=True) if soup is not None else []
        found: list[str] = []
        for anchor in anchors:
            href = anchor.get("href")
            if isinstance(href, str) and any(parent.name in _FRAME_TAGS
                                             for parent in anchor.parents):
                found.append(urljoin(page_url, href.strip()))
    except (RecursionError, ValueError):
        return []
    return found


def _distinct_names(found: list[Discovered]) -> None:
    """Two sites with the same name (one organisation's two domains): the host is added,
    since a config names each organisation once."""
    counts: dict[str, int] = {}
    for site in found:
        counts[site.name] = counts.get(site.name, 0) + 1
    for site in found:
        if counts[site.name] > 1:
            site.name = f"{site.name} ({host_of(site.website)})"


# -- writing the config ------------------------------------------------------------------

def _comment(text: str) -> str:
    return " ".join(text.split())


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def render_toml(found: Sequence[Discovered], *, sources: Sequence[str]) -> str:
    lines = [
        f"# Written by `auditor discover` from {_comment(', '.join(sources))}.",
        "# Check every profile before auditing: the websites' links are what they say, not",
        "# proof. Each home page was read, and its contact page where it links one; add what",
        "# they leave out.",
        "",
        "[audit]",
        f"name = {_string(_audit_name(found))}",
    ]
    for site in found:
        lines.append("")
        block = [
            *(f"# problem: {_comment(problem)}" for problem in site.problems),
            *_guess_summary(site),
            "[[organisation]]",
            f"name = {_string(site.name)}",
            f"role = {_string(site.role)}",
            f"website = {_string(site.website)}",
        ]
        if site.profiles or site.guessed:
            block.append("profiles = [")
            block += [f"  {_string(p.url)},  # {', '.join(p.how)}" for p in site.profiles]
            if site.guessed:
                block.append("  # found by name (--guess), each linking back to the website:")
                block += [f"  {_string(g.url)},  # {_comment(g.evidence)}"
                          for g in site.guessed]
            block.append("]")
            lines += block
        else:
            lines.append("# No profile found: add the URLs by hand and remove the # signs.")
            lines += [line if line.startswith("#") else f"# {line}" for line in block]
            lines.append('# profiles = ["https://..."]')
    return "\n".join(lines) + "\n"


def _guess_summary(site: Discovered) -> list[str]:
    """Comment lines on what ``--guess`` tried for the organisation."""
    if not site.tried:
        return []
    lines = [f"# --guess: {site.tried} address(es) tried with the name as a handle; "
             f"{len(site.guessed)} link back to {site_domain(site.website)} and are listed."]
    if site.unconfirmed:
        lines.append("# Not kept (they exist but do not link back; check by hand whose they "
                     "are):")
        lines += [f"#   {url}" for url in site.unconfirmed]
    return lines


def render_csv(found: Sequence[Discovered]) -> str:
    """The CSV config: a CSV file has no comments, so how each link was found and the
    problems are only on stderr; an organisation without profiles has no row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["organisation", "role", "url", "website"])
    for site in found:
        for url in [p.url for p in site.profiles] + [g.url for g in site.guessed]:
            writer.writerow([site.name, site.role, url, site.website])
    return out.getvalue()


def _audit_name(found: Sequence[Discovered]) -> str:
    if not found:
        return "Social presence audit"
    client = found[0].name
    return f"{client} and competitors" if len(found) > 1 else client


def render(found: Sequence[Discovered], fmt: str, *, sources: Sequence[str]) -> str:
    if fmt == "csv":
        return render_csv(found)
    return render_toml(found, sources=sources)


def loadable(found: Sequence[Discovered]) -> bool:
    """Whether the written config can be audited: at least one profile was found."""
    return any(site.profiles or site.guessed for site in found)
