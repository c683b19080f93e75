"""Sample pages for the organisations' own websites (read for their links to profiles).

Modelled on the real pages in ../shared/realcases/jsonld_profile and html_profile (a
Yoast-style JSON-LD ``@graph`` with an Organization and its ``sameAs`` list, OpenGraph
tags, ``rel=me`` links, an h-card) but every site, address and link is invented. Each
organisation's site shows a different way of naming its profiles:

- Spaak Fietsen: JSON-LD (a BikeStore in an ``@graph``, written with a trailing comma
  and a comment as hand-edited JSON-LD often is) whose ``sameAs`` lists its Mastodon
  profile; the footer links its LinkedIn page, an Instagram profile the audit does not
  list, and its old Hyves page; a "share on Facebook" button is not a profile link.
- Ratel Tweewielers: OpenGraph tags and ``rel=me`` links (``<link>`` and ``<a>``), one
  to twitter.com (the audit lists x.com), and a Google+ page from long ago.
- Velo Vlot: an h-card (name, logo, e-mail, phone, note) and links to its Mastodon
  profiles, one of which was suspended (``@velovlot_promo``, gone in the audit).

Websites are not demo profiles: ``build`` returns no expectations.
"""

# The payloads below are pages as servers send them: long lines are part of the data.
# ruff: noqa: E501

from __future__ import annotations

from samples.common import HTML, Expect, Writer

SPAAK = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Spaak Fietsen – fietsenwinkel en werkplaats in Utrecht</title>
<meta name="description" content="Fietsenwinkel en werkplaats in Utrecht sinds 1987.">
<meta property="og:title" content="Home - Spaak Fietsen">
<meta property="og:site_name" content="Spaak Fietsen">
<meta property="og:image" content="https://www.spaak.example/wp-content/uploads/winkel.jpg">
<script type="application/ld+json" class="yoast-schema-graph">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "@id": "https://www.spaak.example/#website",
   "url": "https://www.spaak.example/", "name": "Spaak Fietsen",
   "publisher": {"@id": "https://www.spaak.example/#organization"}},
  // added by hand after the plugin update
  {"@type": "BikeStore", "@id": "https://www.spaak.example/#organization",
   "name": "Spaak Fietsen",
   "url": "https://www.spaak.example/",
   "description": "Fietsenwinkel en werkplaats in Utrecht sinds 1987: verkoop, reparatie en verhuur.",
   "logo": {"@type": "ImageObject", "@id": "https://www.spaak.example/#logo",
            "url": "https://www.spaak.example/wp-content/uploads/spaak-logo.png"},
   "image": {"@id": "https://www.spaak.example/#logo"},
   "email": "info@spaak.example",
   "telephone": "+31 30 123 4567",
   "address": {"@type": "PostalAddress", "streetAddress": "Voorstraat 12",
               "addressLocality": "Utrecht", "addressCountry": "NL"},
   "sameAs": [
     "https://mastodon.example/@spaak",
     "https://bsky.app/profile/spaakfietsen.example",
     "https://www.youtube.com/@spaakfietsen",
     "https://t.me/spaakfietsen",
   ],
  },
]}
</script>
</head>
<body>
<header><a href="/"><img src="/wp-content/uploads/spaak-logo.png" alt="Spaak Fietsen"></a>
<nav><a href="/fietsen/">Fietsen</a> <a href="/werkplaats/">Werkplaats</a>
<a href="/contact/">Contact</a></nav></header>
<main>
<h1>Welkom bij Spaak Fietsen</h1>
<p>Stadsfietsen, e-bikes en bakfietsen. Reparatie terwijl u wacht.</p>
<p><a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.spaak.example%2F">Deel
op Facebook</a></p>
</main>
<footer>
<p>Voorstraat 12, Utrecht · <a href="tel:+31301234567">030 123 4567</a> ·
<a href="mailto:info@spaak.example">info@spaak.example</a></p>
<ul class="social">
<li><a href="https://mastodon.example/@spaak">Mastodon</a></li>
<li><a href="https://blog.spaak.example/feed">Werkplaatsblog (RSS)</a></li>
<li><a href="https://nieuws.spaak.example/">Nieuwsbrief</a></li>
<li><a href="https://www.linkedin.com/company/spaak-fietsen/">LinkedIn</a></li>
<li><a href="https://www.instagram.com/spaak_werkplaats/">Instagram</a></li>
<li><a href="http://spaakfietsen.hyves.nl/">Hyves</a></li>
</ul>
</footer>
</body>
</html>
"""

RATEL = """<!DOCTYPE html>
<html lang="nl" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8">
<title>Ratel Tweewielers Amersfoort</title>
<meta property="og:type" content="website">
<meta property="og:title" content="Ratel Tweewielers">
<meta property="og:description" content="Tweewielers, onderhoud en verhuur in Amersfoort. Bel ons: +31 33 765 4321">
<meta property="og:image" content="https://www.ratel.example/img/ratel-logo.png">
<meta property="og:url" content="https://www.ratel.example/">
<meta property="og:site_name" content="Ratel">
<meta name="twitter:card" content="summary">
<meta name="twitter:site" content="@RatelFietsen">
<link rel="me" href="https://fedi.example/@ratel">
<link rel="stylesheet" href="/css/site.css">
</head>
<body>
<h1>Ratel Tweewielers</h1>
<p>Scooters, fietsen en e-bikes. Onderhoud op afspraak.</p>
<p>Volg ons: <a rel="me noopener" href="https://twitter.com/RatelFietsen">Twitter</a>,
<a rel="me" href="https://fedi.example/@ratelwerkplaats">de werkplaats op Mastodon</a>,
<a href="https://plus.google.com/+RatelTweewielers">Google+</a>,
<a href="https://bsky.app/profile/rateltweewielers.example">Bluesky</a>,
<a href="https://www.youtube.com/channel/UCRatelTweewielersKanaal">YouTube</a>,
<a href="https://t.me/rateltweewielers">Telegram</a>,
<a href="https://www.ratel.example/blog/atom.xml">ons blog</a>.</p>
<p>Contact: <a href="mailto:info@ratel.example?subject=Vraag">info@ratel.example</a></p>
</body>
</html>
"""

VELO = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Velo Vlot – e-bikes voor woon-werkverkeer</title>
</head>
<body>
<div class="h-card">
  <a class="u-url" href="https://www.velovlot.example/"><img class="u-logo"
     src="/img/velovlot.svg" alt=""></a>
  <h1 class="p-name">Velo Vlot</h1>
  <p class="p-note">E-bikes en leasefietsen voor woon-werkverkeer, in heel Nederland.</p>
  <p><a class="u-email" href="mailto:hallo@velovlot.example">hallo@velovlot.example</a>
     · <span class="p-tel">+31 20 555 0101</span></p>
</div>
<section>
<h2>Blijf op de hoogte</h2>
<ul>
<li><a href="https://mastodon.example/@velovlot">@velovlot@mastodon.example</a></li>
<li><a href="https://mastodon.example/@velovlot_promo">Acties en kortingen</a></li>
<li><a href="https://bsky.app/profile/velovlot.example">Bluesky</a></li>
<li><a href="https://www.youtube.com/c/VeloVlot">YouTube</a></li>
<li><a href="https://t.me/velovlot">Telegram</a></li>
<li><a href="https://www.velovlot.example/feed.json">Nieuws (JSON Feed)</a></li>
<li><a href="https://www.instagram.com/velovlot">Instagram</a></li>
</ul>
</section>
</body>
</html>
"""


def build(out: Writer) -> list[Expect]:
    out.add("https://www.spaak.example/", 200, HTML, "website/spaak.html", SPAAK)
    out.add("https://www.ratel.example/", 200, HTML, "website/ratel.html", RATEL)
    out.add("https://www.velovlot.example/", 200, HTML, "website/velovlot.html", VELO)
    return []
