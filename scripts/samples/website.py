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
  profiles, one of which was suspended (``@velovlot_promo``, gone in the audit); its head
  names its RSS feed and, first, its comments feed (``<link rel="alternate">``), as
  WordPress themes do.

Two more pages are not in the demo; the parser tests read them (issue 17, what real
data showed):

- Fietsblog Noord: a WordPress post page as WordPress 6 writes it (``#comments``,
  ``ol.comment-list``, ``.comment-author.vcard`` with the commenter's own link, a
  comment linking the commenter's X account, ``#respond``), an older theme's
  ``ol.commentlist``, a Disqus box, an embedded tweet (``blockquote.twitter-tweet``), an
  embedded Instagram post (``blockquote.instagram-media``), a YouTube ``<iframe>``, a
  Jetpack share bar (``div.sharedaddy``) and WordPress's default tagline "Just another
  WordPress site" as its description. Only the footer's links are the blog's own.
- Bakkerij Kruimel: a page whose description is its title again, and one whose
  description is "Welcome to our website" (a site builder's default).

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

SPAAK_CONTACT = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Contact – Spaak Fietsen</title>
<meta name="description" content="Bel, mail of kom langs: Voorstraat 12, Utrecht.">
<meta property="og:site_name" content="Spaak Fietsen">
</head>
<body>
<header><a href="/"><img src="/wp-content/uploads/spaak-logo.png" alt="Spaak Fietsen"></a>
<nav><a href="/fietsen/">Fietsen</a> <a href="/werkplaats/">Werkplaats</a>
<a href="/contact/" aria-current="page">Contact</a></nav></header>
<main>
<h1>Contact</h1>
<p>Winkel: <a href="tel:+31301234567">030 123 4567</a> ·
<a href="mailto:info@spaak.example">info@spaak.example</a></p>
<p>Werkplaats (reparaties, afspraken): <a href="tel:+31301234599">030 123 4599</a> ·
<a href="mailto:werkplaats@spaak.example">werkplaats@spaak.example</a></p>
<p>Een vraag stellen kan ook
op <a href="https://mastodon.example/@spaak">Mastodon</a>,
op <a href="https://bsky.app/profile/spaakfietsen.example">Bluesky</a>
of via ons <a href="https://t.me/spaakfietsen">Telegram-kanaal</a>.</p>
<form action="/contact/#wpcf7" method="post"><label>Uw bericht <textarea name="bericht"></textarea></label>
<button>Verstuur</button></form>
</main>
<footer><p>Voorstraat 12, Utrecht</p></footer>
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
<link rel="alternate" type="application/rss+xml" title="Velo Vlot » Reacties-feed" href="https://www.velovlot.example/comments/feed/">
<link rel="alternate" type="application/rss+xml" title="Velo Vlot » Feed" href="https://www.velovlot.example/rss">
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


BLOG = """<!DOCTYPE html>
<html lang="nl-NL">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Een bakfiets voor drie kinderen &#8211; Fietsblog Noord</title>
<meta name="description" content="Just another WordPress site">
<link rel="canonical" href="https://fietsblog.example/2026/10/bakfiets/">
<meta property="og:site_name" content="Fietsblog Noord">
<meta property="og:image" content="https://fietsblog.example/wp-content/uploads/2026/10/bakfiets.jpg">
</head>
<body class="post-template-default single single-post postid-212 single-format-standard has-comments">
<div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="https://fietsblog.example/" rel="home">Fietsblog Noord</a></p>
<p class="site-description">Just another WordPress site</p></header>
<main id="main" class="site-main">
<article id="post-212" class="post-212 post type-post status-publish format-standard hentry category-bakfietsen">
<h1 class="entry-title">Een bakfiets voor drie kinderen</h1>
<div class="entry-content">
<p>Na een maand proefrijden kozen we de bakfiets met de lange bak. Een lezer tipte ons:</p>
<blockquote class="twitter-tweet" data-dnt="true"><p lang="nl" dir="ltr">Rij hem eerst een week in de regen, dan weet je het. <a href="https://twitter.com/hashtag/bakfiets?src=hash&amp;ref_src=twsrc%5Etfw">#bakfiets</a> met dank aan <a href="https://twitter.com/fietsvriend_ams?ref_src=twsrc%5Etfw">@fietsvriend_ams</a></p>&mdash; Marieke (@marieke_rijdt) <a href="https://twitter.com/marieke_rijdt/status/1849001234567890123?ref_src=twsrc%5Etfw">October 23, 2026</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/DAbCdEfGhIj/?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14"><div><a href="https://www.instagram.com/p/DAbCdEfGhIj/?utm_source=ig_embed&amp;utm_campaign=loading" target="_blank">Bekijk dit bericht op Instagram</a></div><p><a href="https://www.instagram.com/p/DAbCdEfGhIj/?utm_source=ig_embed&amp;utm_campaign=loading" target="_blank">Een bericht gedeeld door Bakfietsen Amsterdam (@bakfietsen_ams)</a></p></blockquote>
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
<iframe title="Proefrit" width="500" height="281" src="https://www.youtube-nocookie.com/embed/aBcDeFgHiJk?feature=oembed" allowfullscreen><a href="https://www.youtube.com/@bakfietstv">Bakfiets TV</a></iframe>
</div></figure>
</div>
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Delen:</h3><div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" data-shared="sharing-facebook-212" class="share-facebook sd-button share-icon" href="https://fietsblog.example/2026/10/bakfiets/?share=facebook" target="_blank" title="Klik om te delen op Facebook"><span>Facebook</span></a></li>
<li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button share-icon" href="https://x.com/intent/post?url=https%3A%2F%2Ffietsblog.example%2F2026%2F10%2Fbakfiets%2F&amp;via=fietsblognoord" target="_blank" title="Delen via X"><span>X</span></a></li>
<li class="share-mastodon"><a rel="nofollow noopener noreferrer" class="share-mastodon sd-button share-icon" href="https://toot.kytta.dev/?text=Een%20bakfiets%20voor%20drie%20kinderen" target="_blank"><span>Mastodon</span></a></li>
</ul></div></div></div>
</article>
<div id="comments" class="comments-area default-max-width show-avatars">
<h2 class="comments-title">2 reacties op &ldquo;Een bakfiets voor drie kinderen&rdquo;</h2>
<ol class="comment-list">
<li id="comment-31" class="comment even thread-even depth-1 parent">
<article id="div-comment-31" class="comment-body">
<footer class="comment-meta">
<div class="comment-author vcard">
<img alt='' src='https://secure.gravatar.com/avatar/5d1a2b3c?s=60&#038;d=mm&#038;r=g' class='avatar avatar-60 photo' height='60' width='60' loading='lazy' decoding='async'/>
<b class="fn"><a href="https://www.facebook.com/jan.jansen.fietst" class="url" rel="ugc external nofollow">Jan Jansen</a></b> <span class="says">schreef:</span>
</div>
<div class="comment-metadata"><a href="https://fietsblog.example/2026/10/bakfiets/#comment-31"><time datetime="2026-10-24T09:12:44+02:00">24 oktober 2026 om 09:12</time></a></div>
</footer>
<div class="comment-content"><p>Mooi verhaal! Mijn ritjes staan op <a href="https://x.com/piet_fietst" rel="nofollow ugc">x.com/piet_fietst</a> en <a href="https://mastodon.example/@pietfietst" rel="nofollow ugc">Mastodon</a>.</p></div>
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-31" data-commentid="31" data-postid="212" aria-label="Reageer op Jan Jansen">Beantwoorden</a></div>
</article>
</li>
</ol>
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Geef een reactie</h3>
<form action="https://fietsblog.example/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200"></p>
</form></div>
</div>
<section class="older-comments">
<ol class="commentlist">
<li class="comment byuser comment-author-anna" id="li-comment-7"><div id="comment-7"><div class="comment-author vcard"><cite class="fn"><a href="https://www.instagram.com/anna.op.de.fiets/" rel="external nofollow ugc" class="url">Anna</a></cite></div>
<p>Wij fietsen ook bakfiets! <a href="mailto:anna@mail.example">anna@mail.example</a></p></div></li>
</ol>
</section>
<div id="disqus_thread"><noscript>Schakel JavaScript in voor de <a href="https://disqus.com/?ref_noscript" rel="nofollow">reacties via Disqus</a>, of volg <a href="https://www.facebook.com/disqus">Disqus</a>.</noscript></div>
</main>
<footer id="colophon" class="site-footer">
<p>Fietsblog Noord · <a href="mailto:redactie@fietsblog.example">redactie@fietsblog.example</a></p>
<ul class="wp-block-social-links">
<li class="wp-social-link wp-social-link-mastodon"><a rel="me" href="https://mastodon.example/@fietsblognoord" class="wp-block-social-link-anchor">Mastodon</a></li>
<li class="wp-social-link wp-social-link-instagram"><a href="https://www.instagram.com/fietsblognoord/" class="wp-block-social-link-anchor">Instagram</a></li>
</ul>
</footer>
</div>
</body>
</html>
"""

BAKERY_TITLE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Bakkerij Kruimel | Brood en gebak in Zwolle</title>
<meta name="description" content="Bakkerij Kruimel | Brood en gebak in Zwolle">
<meta property="og:title" content="Bakkerij Kruimel">
<meta property="og:description" content="Bakkerij Kruimel | Brood en gebak in Zwolle">
</head>
<body><h1>Bakkerij Kruimel</h1><p>Vers brood, elke ochtend vanaf zeven uur.</p>
<p><a href="https://www.instagram.com/bakkerijkruimel/">Instagram</a></p></body>
</html>
"""

BAKERY_WELCOME = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Home | Bakkerij Kruimel</title>
<meta name="description" content="Welcome to our website!">
<meta property="og:title" content="Bakkerij Kruimel">
</head>
<body><h1>Bakkerij Kruimel</h1><p>Fresh bread every morning.</p></body>
</html>
"""


def build(out: Writer) -> list[Expect]:
    out.add("https://www.spaak.example/", 200, HTML, "website/spaak.html", SPAAK)
    out.add("https://www.spaak.example/contact/", 200, HTML, "website/spaak-contact.html",
            SPAAK_CONTACT)
    out.add("https://www.ratel.example/", 200, HTML, "website/ratel.html", RATEL)
    out.add("https://www.velovlot.example/", 200, HTML, "website/velovlot.html", VELO)
    # not in the demo: read by tests/test_platforms_website.py
    out.add("https://fietsblog.example/2026/10/bakfiets/", 200, HTML,
            "website/fietsblog-comments.html", BLOG)
    out.add("https://kruimel.example/", 200, HTML, "website/kruimel-title.html", BAKERY_TITLE)
    out.add("https://kruimel.example/en/", 200, HTML, "website/kruimel-welcome.html",
            BAKERY_WELCOME)
    return []
