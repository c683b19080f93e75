"""Sample pages for blogs and newsletters: RSS 2.0, Atom, JSON Feed and feed discovery.

Modelled on the real feeds in ../shared/realcases/rss_atom (a WordPress RSS 2.0 feed with
``dc:creator``, ``wfw:commentRss`` and ``slash:comments``; an Atom feed with offsets in its
dates; JSON Feed 1.1) but every blog, post and host is invented.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from samples.common import AS_OF, HTML, Expect, Writer

RSS = {"Content-Type": "application/rss+xml; charset=UTF-8"}
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}
JSON_FEED = {"Content-Type": "application/feed+json; charset=utf-8"}


def ago(days: float, minute: int = 0) -> datetime:
    """A moment ``days`` before AS_OF, moved to ``minute`` past the hour (posts vary)."""
    return (AS_OF - timedelta(days=days)).replace(minute=minute % 60, second=(minute * 7) % 60)


def rfc3339(when: datetime, offset_hours: int = 2) -> str:
    """An Atom/JSON Feed date in a local (Amsterdam) offset, as blog engines write them."""
    local = when + timedelta(hours=offset_hours)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + f"+{offset_hours:02d}:00"


# -- Spaak: a healthy WordPress blog (RSS 2.0) -------------------------------------------

SPAAK_POSTS = [
    ("Zo maak je je fiets winterklaar in vijf stappen", "winterklaar", 4),
    ("Nieuw in de winkel: de Spaak Stadsfiets 3", "stadsfiets-3", 11),
    ("Waarom een naafdynamo het waard is", "naafdynamo", 0),
    ("Verslag: de najaarsrit langs de Vecht", "najaarsrit-vecht", 23),
    ("Werkplaatstip: je ketting goed smeren", "ketting-smeren", 2),
    ("E-bike accu: zo gaat hij langer mee", "accu-langer-mee", 17),
    ("Onze monteur Sanne vertelt over haar vak", "monteur-sanne", 9),
    ("Fietsverlichting: wat zegt de wet?", "fietsverlichting-wet", 31),
    ("Zomerrit naar Amelisweerd: de foto's", "zomerrit-amelisweerd", 6),
    ("Tweedehands fiets kopen: let hierop", "tweedehands-kopen", 14),
]


def spaak_rss() -> str:
    items = []
    for index, (title, slug, minute) in enumerate(SPAAK_POSTS):
        when = ago(1.3 + index * 7.0, minute)
        post_id = 4120 - index * 13
        link = f"https://blog.spaak.example/{when:%Y/%m}/{slug}/"
        sentence = title if title[-1] in "?!." else f"{title}."
        excerpt = (f"{sentence} Lees in dit stuk van onze werkplaats wat je zelf kunt doen "
                   f"en wanneer je beter even langskomt.")
        items.append(f"""	<item>
		<title>{escape(title)}</title>
		<link>{link}</link>
		<dc:creator><![CDATA[Redactie Spaak]]></dc:creator>
		<pubDate>{format_datetime(when)}</pubDate>
		<category><![CDATA[Werkplaats]]></category>
		<guid isPermaLink="false">https://blog.spaak.example/?p={post_id}</guid>
		<description><![CDATA[{excerpt} <a href="{link}">Lees verder</a>]]></description>
		<content:encoded><![CDATA[<p>{excerpt}</p>
<p>Vragen? Kom langs in de winkel aan de Biltstraat of
<a href="https://www.spaak.example/contact">neem contact op</a>.</p>]]></content:encoded>
		<wfw:commentRss>{link}feed/</wfw:commentRss>
		<slash:comments>{(index * 5 + 3) % 11}</slash:comments>
	</item>""")
    built = format_datetime(ago(1.3, SPAAK_POSTS[0][2]))
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>Spaak Fietsen – Werkplaatsblog</title>
	<atom:link href="https://blog.spaak.example/feed/" rel="self" type="application/rss+xml" />
	<link>https://www.spaak.example</link>
	<description>Tips, nieuws en verhalen uit de werkplaats van Spaak Fietsen in Utrecht.\
</description>
	<lastBuildDate>{built}</lastBuildDate>
	<language>nl-NL</language>
	<managingEditor>blog@spaak.example (Redactie Spaak)</managingEditor>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.6.2</generator>

<image>
	<url>https://blog.spaak.example/wp-content/uploads/2024/03/cropped-spaak-logo-32x32.png</url>
	<title>Spaak Fietsen – Werkplaatsblog</title>
	<link>https://www.spaak.example</link>
	<width>32</width>
	<height>32</height>
</image>
{chr(10).join(items)}
</channel>
</rss>
"""


# -- Spaak: a newsletter archive page that names its Atom feed (discovery) --------------

NEWSLETTER_ISSUES = 12


def spaak_newsletter_page() -> str:
    return """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Archief – Spaak Nieuwsbrief</title>
<link rel="stylesheet" href="/static/archief.css">
<link rel="alternate" hreflang="en" href="https://nieuws.spaak.example/en/">
<link rel="alternate" type="application/json+oembed" href="/oembed?url=%2F">
<link rel="alternate" type="application/atom+xml" title="Spaak Nieuwsbrief"
      href="/archief/atom.xml">
<meta property="og:title" content="Spaak Nieuwsbrief">
</head>
<body>
<h1>Spaak Nieuwsbrief</h1>
<p>Elke maand het nieuws van Spaak Fietsen. <a href="/aanmelden">Meld je aan</a>.</p>
<ul class="archive">
<li><a href="/archief/nieuwsbrief-oktober">Oktober</a></li>
<li><a href="/archief/nieuwsbrief-september">September</a></li>
</ul>
</body>
</html>
"""


def spaak_newsletter_atom() -> str:
    months = ["oktober", "september", "augustus", "juli", "juni", "mei", "april", "maart",
              "februari", "januari", "december", "november"]
    entries = []
    for index in range(NEWSLETTER_ISSUES):
        when = ago(12.4 + index * 30.4, 7 + index * 4)
        slug = f"nieuwsbrief-{months[index]}"
        entries.append(f"""  <entry>
    <title>Nieuwsbrief {months[index]}: acties, ritten en werkplaatstips</title>
    <link rel="alternate" type="text/html" href="https://nieuws.spaak.example/archief/{slug}"/>
    <id>tag:nieuws.spaak.example,2024:issue-{200 - index}</id>
    <published>{rfc3339(when)}</published>
    <updated>{rfc3339(when)}</updated>
    <summary type="html">&lt;p&gt;De nieuwsbrief van {months[index]}: wat er nieuw is in \
de winkel, de rit van deze maand en een tip uit de werkplaats.&lt;/p&gt;</summary>
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">
  <title>Spaak Nieuwsbrief</title>
  <subtitle>Elke maand het nieuws van Spaak Fietsen: acties, werkplaatstips en ritten.</subtitle>
  <link rel="alternate" type="text/html" href="https://nieuws.spaak.example/"/>
  <link rel="self" type="application/atom+xml" href="https://nieuws.spaak.example/archief/atom.xml"/>
  <id>tag:nieuws.spaak.example,2024:archive</id>
  <updated>{rfc3339(ago(12.4, 7))}</updated>
  <icon>https://nieuws.spaak.example/static/spaak-icon-192.png</icon>
  <logo>https://nieuws.spaak.example/static/spaak-logo.png</logo>
  <author>
    <name>Spaak Fietsen</name>
    <email>nieuwsbrief@spaak.example</email>
  </author>
{chr(10).join(entries)}
</feed>
"""


# -- Ratel: a blog that stopped (Atom, newest entry 190 days old) -------------------------

RATEL_POSTS = [
    ("Voorjaarsbeurt: plan nu je afspraak", "voorjaarsbeurt", 190.2, 12),
    ("Nieuw: bakfietsen te huur per dag", "bakfiets-verhuur", 211.6, 41),
    ("Onze werkplaats is verhuisd", "werkplaats-verhuisd", 243.1, 26),
    ("Winterstop: openingstijden december", "openingstijden-december", 301.4, 53),
    ("Test: drie e-bikes onder de 2000 euro", "test-e-bikes", 330.9, 18),
    ("Ratel bestaat 25 jaar!", "ratel-25-jaar", 372.3, 35),
]


def ratel_atom() -> str:
    entries = []
    for index, (title, slug, days, minute) in enumerate(RATEL_POSTS):
        when = ago(days, minute)
        link = f"https://www.ratel.example/blog/{slug}"
        replies = (f'\n    <link rel="replies" type="text/html" href="{link}#reacties" '
                   f'thr:count="{index + 2}"/>' if index < 3 else "")
        entries.append(f"""  <entry>
    <title>{escape(title)}</title>
    <link rel="alternate" type="text/html" href="{link}"/>{replies}
    <id>tag:www.ratel.example,2025:blog/{slug}</id>
    <published>{rfc3339(when)}</published>
    <updated>{rfc3339(when + timedelta(hours=3))}</updated>
    <author><name>Ratel Tweewielers</name></author>
    <summary type="html">&lt;p&gt;{escape(title)}. Alles over onderhoud en verhuur bij Ratel \
in Amersfoort.&lt;/p&gt;</summary>
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <title>Ratel Tweewielers – Blog</title>
  <subtitle>Nieuws over onderhoud, verhuur en nieuwe modellen van Ratel Tweewielers in \
Amersfoort.</subtitle>
  <link rel="alternate" type="text/html" href="https://www.ratel.example/blog/"/>
  <link rel="self" type="application/atom+xml" href="https://www.ratel.example/blog/atom.xml"/>
  <id>tag:www.ratel.example,2025:blog</id>
  <updated>{rfc3339(ago(190.2, 12) + timedelta(hours=3))}</updated>
  <logo>https://www.ratel.example/img/ratel-logo.png</logo>
  <author>
    <name>Ratel Tweewielers</name>
    <email>info@ratel.example</email>
  </author>
  <generator uri="https://gohugo.io/">Hugo</generator>
{chr(10).join(entries)}
</feed>
"""


# -- Velo Vlot: an active JSON Feed with no title, description or icon --------------------

def velovlot_json_feed() -> dict[str, object]:
    titles = ["Proefrit op de nieuwe Vlot E3", "Onderhoudsabonnement: hoe werkt het?",
              "Velo Vlot opent in Zwolle", "Leasen via je werkgever", "Accu's recyclen",
              "De Vlot E3 in de test"]
    items = []
    for index, title in enumerate(titles):
        when = ago(2.2 + index * 9.5, 19 + index * 9)
        slug = "-".join("".join(c for c in word if c.isalnum()) for word in title.lower().split())
        items.append({
            "id": f"https://www.velovlot.example/nieuws/{slug}",
            "url": f"https://www.velovlot.example/nieuws/{slug}",
            "title": title,
            "content_html": f"<p>{title}: lees het hele bericht op onze site.</p>",
            "date_published": rfc3339(when, 1),
            "tags": ["nieuws"],
        })
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "home_page_url": "https://www.velovlot.example/",
        "feed_url": "https://www.velovlot.example/feed.json",
        "language": "nl",
        "items": items,
    }


def velovlot_spa_shell() -> str:
    """What a single-page app answers for any path, /rss included: a 200 with an app shell."""
    return """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Velo Vlot</title>
<script type="module" src="/assets/index-4f9c2a.js"></script></head>
<body><div id="app"></div><noscript>Zet JavaScript aan om deze site te gebruiken.</noscript>
</body></html>
"""


def build(out: Writer) -> list[Expect]:
    out.add("https://blog.spaak.example/feed", 200, RSS, "feed/spaak-blog.rss", spaak_rss())
    out.add("https://nieuws.spaak.example/", 200, HTML, "feed/spaak-nieuws.html",
            spaak_newsletter_page())
    out.add("https://nieuws.spaak.example/archief/atom.xml", 200, ATOM,
            "feed/spaak-nieuws.atom", spaak_newsletter_atom())
    out.add("https://www.ratel.example/blog/atom.xml", 200, ATOM, "feed/ratel-blog.atom",
            ratel_atom())
    out.add("https://www.velovlot.example/feed.json", 200, JSON_FEED, "feed/velovlot.json",
            json.dumps(velovlot_json_feed(), indent=2, ensure_ascii=False) + "\n")
    out.add("https://www.velovlot.example/rss", 200, HTML, "feed/velovlot-rss.html",
            velovlot_spa_shell())
    return [
        Expect("https://blog.spaak.example/feed", "Spaak Fietsen", "ok", [],
               "a WordPress blog posting weekly, with an editor's e-mail and comment counts",
               platform="feed"),
        Expect("https://nieuws.spaak.example/", "Spaak Fietsen", "ok", [],
               "a newsletter archive page: its <link rel=alternate> names a monthly Atom feed",
               platform="feed"),
        Expect("https://www.ratel.example/blog/atom.xml", "Ratel Tweewielers", "ok", ["DEAD"],
               "a complete Atom feed whose newest entry is 190 days old", platform="feed"),
        Expect("https://www.velovlot.example/feed.json", "Velo Vlot", "ok", ["INCOMPLETE"],
               "an active JSON Feed without a title, description or icon", platform="feed"),
        Expect("https://www.velovlot.example/rss", "Velo Vlot", "error", ["UNAUDITABLE"],
               "the listed feed URL answers 200 with the site's JavaScript app shell, not a feed",
               platform="feed"),
    ]
