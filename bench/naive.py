"""The audit as someone would write it by hand: sequential requests + beautifulsoup4.

    python bench/naive.py CONFIG.toml [--limit N] [--out naive.csv]

The benchmark's baseline (c). It reads the same config, and for each profile fetches the
same pages the auditor's adapters fetch (Mastodon lookup + statuses pages, Bluesky
getProfile + getAuthorFeed pages, the YouTube channel page + uploads feed, Telegram
``/s/NAME`` pages, feeds; the avatar, for its hash; each organisation's website), one
request after another with one ``requests.Session``. It parses with json / bs4, works out
the last post, posts per week, reply share and a crude completeness score, gives a crude
verdict, and writes a CSV. Like the auditor it reads up to 3 pages of 40 posts within a
90-day window and waits as a 429's Retry-After asks (up to twice); it does not read
robots.txt and sleeps between nothing: the way a hand-written script usually is.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

DEFAULT_ENDPOINTS = {"bluesky": "https://public.api.bsky.app",
                     "youtube": "https://www.youtube.com", "telegram": "https://t.me"}
WINDOW_DAYS = 90
MAX_PAGES = 3
PAGE_SIZE = 40
RETRY_AFTER_TIMES = 2
TIMEOUT = 20
_YT_DATA = re.compile(r"ytInitialData\s*=\s*(\{.*?\});\s*</script>", re.S)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass
class Result:
    organisation: str
    url: str
    platform: str
    status: str = "ok"
    name: str | None = None
    bio: str | None = None
    avatar: str | None = None
    avatar_sha256: str | None = None
    website: str | None = None
    posts: list[tuple[datetime, bool]] = field(default_factory=list)  # (when, is a reply)
    pages: int = 0


class Fetcher:
    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "naive-audit/0.1"
        self.requests = 0
        self.waits = 0

    def get(self, url: str, **headers: str) -> requests.Response | None:
        for attempt in range(RETRY_AFTER_TIMES + 1):
            try:
                self.requests += 1
                response = self.session.get(url, headers=headers, timeout=TIMEOUT)
            except requests.RequestException:
                return None
            retry_after = response.headers.get("Retry-After", "")
            if (response.status_code in (429, 503) and retry_after.isdigit()
                    and attempt < RETRY_AFTER_TIMES and int(retry_after) <= 60):
                self.waits += 1
                time.sleep(int(retry_after))
                continue
            return response
        return None


def status_of(response: requests.Response | None) -> str | None:
    if response is None:
        return "error"
    if response.status_code == 404:
        return "not_found"
    if response.status_code == 410:
        return "gone"
    if response.status_code in (429, 503):
        return "rate_limited"
    if response.status_code >= 400:
        return f"http_{response.status_code}"
    return None


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def text_of(html: str | None) -> str:
    return BeautifulSoup(html or "", "html.parser").get_text(" ", strip=True)


def platform_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    path = urlsplit(url).path
    if host == "bsky.app":
        return "bluesky"
    if host.endswith("youtube.com"):
        return "youtube"
    if host == "t.me":
        return "telegram"
    if path.startswith("/@"):
        return "mastodon"
    return "feed"


# -- platforms ------------------------------------------------------------------------------


def mastodon(fetch: Fetcher, result: Result, window_start: datetime) -> None:
    parts = urlsplit(result.url)
    base = f"{parts.scheme}://{parts.netloc}"
    acct = parts.path[2:]
    answer = fetch.get(f"{base}/api/v1/accounts/lookup?acct={quote(acct, safe='@')}",
                       Accept="application/json")
    if (problem := status_of(answer)) is not None:
        result.status = problem
        return
    assert answer is not None
    account = answer.json()
    result.name = account.get("display_name") or None
    result.bio = text_of(account.get("note"))
    avatar = account.get("avatar")
    result.avatar = None if not avatar or "missing.png" in avatar else avatar
    for extra in account.get("fields") or []:
        links = BeautifulSoup(extra.get("value") or "", "html.parser").find_all("a")
        if links and result.website is None:
            result.website = links[0].get("href")
    url: str | None = f"{base}/api/v1/accounts/{account['id']}/statuses?limit={PAGE_SIZE}"
    while url and result.pages < MAX_PAGES:
        answer = fetch.get(url, Accept="application/json")
        if status_of(answer) is not None or answer is None:
            break
        statuses = answer.json()
        result.pages += 1
        for status in statuses:
            when = parse_time(status.get("created_at"))
            if when is not None:
                text_of(status.get("content"))
                result.posts.append((when, status.get("in_reply_to_account_id") not in
                                     (None, str(account["id"]))))
        link = answer.links.get("next", {}).get("url")
        oldest = min((when for when, _ in result.posts), default=None)
        url = link if statuses and not (oldest and oldest < window_start) else None


def bluesky(fetch: Fetcher, result: Result, window_start: datetime, base: str) -> None:
    actor = urlsplit(result.url).path.split("/")[2]
    answer = fetch.get(f"{base}/xrpc/app.bsky.actor.getProfile?actor={quote(actor)}")
    if (problem := status_of(answer)) is not None:
        result.status = problem
        return
    assert answer is not None
    profile = answer.json()
    result.name = profile.get("displayName") or None
    result.bio = profile.get("description") or ""
    result.avatar = profile.get("avatar")
    match = re.search(r"https?://\S+", result.bio)
    result.website = match.group(0) if match else None
    feed_url = (f"{base}/xrpc/app.bsky.feed.getAuthorFeed?actor={quote(profile['did'], safe='')}"
                f"&filter=posts_with_replies&includePins=true&limit={PAGE_SIZE}")
    url: str | None = feed_url
    while url and result.pages < MAX_PAGES:
        answer = fetch.get(url)
        if status_of(answer) is not None or answer is None:
            break
        body = answer.json()
        result.pages += 1
        feed = body.get("feed") or []
        for entry in feed:
            record = (entry.get("post") or {}).get("record") or {}
            when = parse_time(record.get("createdAt"))
            if when is not None and not entry.get("reason"):
                result.posts.append((when, "reply" in record))
        oldest = min((when for when, _ in result.posts), default=None)
        cursor = body.get("cursor")
        url = (f"{feed_url}&cursor={quote(cursor, safe='')}"
               if cursor and feed and not (oldest and oldest < window_start) else None)


def youtube(fetch: Fetcher, result: Result, base: str) -> None:
    answer = fetch.get(base + urlsplit(result.url).path, **{"Accept-Language": "en"})
    if (problem := status_of(answer)) is not None:
        result.status = problem
        return
    assert answer is not None
    soup = BeautifulSoup(answer.text, "html.parser")
    match = None
    for script in soup.find_all("script"):
        match = _YT_DATA.search(str(script))
        if match:
            break
    if match is None:
        result.status = "no_data"
        return
    data = json.loads(match.group(1))
    metadata = (data.get("metadata") or {}).get("channelMetadataRenderer") or {}
    if data.get("alerts") or not metadata.get("externalId"):
        result.status = "gone" if data.get("alerts") else "no_data"
        return
    result.name = metadata.get("title") or None
    result.bio = metadata.get("description") or ""
    thumbnails = (metadata.get("avatar") or {}).get("thumbnails") or []
    result.avatar = thumbnails[-1]["url"] if thumbnails else None
    feed = fetch.get(f"{base}/feeds/videos.xml?channel_id={quote(metadata['externalId'])}")
    if feed is None or feed.status_code != 200:
        return
    result.pages = 1
    for entry in BeautifulSoup(feed.content, "xml").find_all("entry"):
        published = entry.find("published")
        when = parse_time(published.get_text()) if published else None
        if when is not None:
            result.posts.append((when, False))


def telegram(fetch: Fetcher, result: Result, window_start: datetime, base: str) -> None:
    name = urlsplit(result.url).path.strip("/")
    url: str | None = f"{base}/s/{name}"
    while url and result.pages < MAX_PAGES:
        answer = fetch.get(url)
        if (problem := status_of(answer)) is not None or answer is None:
            if result.pages == 0:
                result.status = problem or "error"
            break
        if answer.history and "/s/" not in answer.url:  # redirected to the contact card
            result.status = "preview_disabled"
            return
        soup = BeautifulSoup(answer.text, "html.parser")
        result.pages += 1
        if result.pages == 1:
            title = soup.select_one(".tgme_channel_info_header_title")
            result.name = title.get_text(strip=True) if title else None
            description = soup.select_one(".tgme_channel_info_description")
            result.bio = description.get_text(" ", strip=True) if description else ""
            photo = soup.select_one(".tgme_page_photo_image img")
            result.avatar = photo.get("src") if photo else None
        ids = []
        for message in soup.select(".tgme_widget_message[data-post]"):
            stamp = message.select_one("time[datetime]")
            when = parse_time(stamp.get("datetime")) if stamp else None
            if when is not None:
                result.posts.append((when, False))
            post_id = str(message.get("data-post")).rsplit("/", 1)[-1]
            if post_id.isdigit():
                ids.append(int(post_id))
        oldest = min((when for when, _ in result.posts), default=None)
        url = (f"{base}/s/{name}?before={min(ids)}"
               if ids and min(ids) > 1 and not (oldest and oldest < window_start) else None)


def feed(fetch: Fetcher, result: Result) -> None:
    answer = fetch.get(result.url)
    if (problem := status_of(answer)) is not None:
        result.status = problem
        return
    assert answer is not None
    result.pages = 1
    if answer.text.lstrip().startswith("{"):
        body = answer.json()
        result.name = body.get("title")
        for item in body.get("items") or []:
            when = parse_time(item.get("date_published"))
            if when is not None:
                result.posts.append((when, False))
        return
    soup = BeautifulSoup(answer.content, "xml")
    title = soup.find("title")
    result.name = title.get_text(strip=True) if title else None
    for item in soup.find_all(["item", "entry"]):
        stamp = item.find(["pubDate", "published", "updated"])
        if stamp is None:
            continue
        text = stamp.get_text(strip=True)
        when = parse_time(text)
        if when is None:
            try:
                when = datetime.strptime(text, "%a, %d %b %Y %H:%M:%S %z")
            except ValueError:
                continue
        result.posts.append((when, False))


# -- the audit ------------------------------------------------------------------------------


def verdict(result: Result, as_of: datetime) -> dict[str, Any]:
    if result.status != "ok":
        return {"verdict": "GONE" if result.status in ("not_found", "gone") else "UNAUDITABLE",
                "last_post": None, "posts_per_week": None, "reply_share": None,
                "completeness": None}
    window = [(when, reply) for when, reply in result.posts
              if when >= as_of - timedelta(days=WINDOW_DAYS)]
    last = max((when for when, _ in result.posts), default=None)
    replies = sum(1 for _, reply in window if reply)
    share = replies / len(window) if window else None
    checks = [bool(result.name), bool(result.bio and len(result.bio) >= 20),
              bool(result.avatar), bool(result.website or (result.bio and "http" in result.bio)),
              bool(result.bio and _EMAIL.search(result.bio))]
    completeness = sum(checks) / len(checks)
    flags = []
    if last is None or (as_of - last).days > WINDOW_DAYS:
        flags.append("DEAD")
    if share is not None and len(window) >= 20 and share < 0.10 and result.platform in (
            "mastodon", "bluesky"):
        flags.append("BROADCAST_ONLY")
    if completeness < 0.8:
        flags.append("INCOMPLETE")
    return {"verdict": " ".join(flags) or "OK", "last_post": last.date().isoformat() if last
            else None, "posts_per_week": round(len(window) / (WINDOW_DAYS / 7), 2),
            "reply_share": round(share, 3) if share is not None else None,
            "completeness": round(completeness, 2)}


def audit_one(fetch: Fetcher, result: Result, endpoints: dict[str, str], as_of: datetime,
              avatars: dict[str, str | None]) -> None:
    window_start = as_of - timedelta(days=WINDOW_DAYS)
    try:
        if result.platform == "mastodon":
            mastodon(fetch, result, window_start)
        elif result.platform == "bluesky":
            bluesky(fetch, result, window_start, endpoints["bluesky"])
        elif result.platform == "youtube":
            youtube(fetch, result, endpoints["youtube"])
        elif result.platform == "telegram":
            telegram(fetch, result, window_start, endpoints["telegram"])
        else:
            feed(fetch, result)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        result.status = f"error: {type(exc).__name__}"
    avatar = result.avatar
    if result.status == "ok" and avatar and avatar.startswith("http"):
        if avatar not in avatars:
            answer = fetch.get(avatar)
            avatars[avatar] = (hashlib.sha256(answer.content).hexdigest()
                               if answer is not None and answer.ok else None)
        result.avatar_sha256 = avatars[avatar]


def read_website(fetch: Fetcher, url: str) -> list[str]:
    answer = fetch.get(url)
    if answer is None or not answer.ok:
        return []
    soup = BeautifulSoup(answer.text, "html.parser")
    return [urljoin(url, str(a.get("href"))) for a in soup.find_all("a", href=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="audit only the first N profiles")
    parser.add_argument("--out", type=Path, default=Path("naive.csv"))
    args = parser.parse_args(argv)
    config = tomllib.loads(args.config.read_text(encoding="utf-8"))
    audit = config.get("audit", {})
    as_of = parse_time(str(audit.get("as_of") or "")) or datetime.now(UTC)
    endpoints = {**DEFAULT_ENDPOINTS, **config.get("endpoints", {})}
    endpoints = {name: url.rstrip("/") for name, url in endpoints.items()}
    todo: list[Result] = []
    websites: list[str] = []
    for organisation in config.get("organisation", []):
        for url in organisation.get("profiles", []):
            if args.limit and len(todo) >= args.limit:
                break
            todo.append(Result(organisation["name"], url, platform_of(url)))
        else:
            if organisation.get("website"):
                websites.append(organisation["website"])
            continue
        break
    fetch = Fetcher()
    avatars: dict[str, str | None] = {}
    started = time.monotonic()
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "url", "platform", "status", "verdict", "last_post",
                         "posts_per_week", "reply_share", "completeness", "pages"])
        for result in todo:
            audit_one(fetch, result, endpoints, as_of, avatars)
            judged = verdict(result, as_of)
            writer.writerow([result.organisation, result.url, result.platform, result.status,
                             judged["verdict"], judged["last_post"], judged["posts_per_week"],
                             judged["reply_share"], judged["completeness"], result.pages])
    for website in websites:
        read_website(fetch, website)
    elapsed = time.monotonic() - started
    print(json.dumps({"profiles": len(todo), "websites": len(websites),
                      "requests": fetch.requests, "retry_after_waits": fetch.waits,
                      "seconds": round(elapsed, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
