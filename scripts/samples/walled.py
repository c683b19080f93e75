"""Sample pages for the walled networks (LinkedIn, X, Facebook, Instagram, Threads, TikTok,
Reddit).

The demo profiles are not fetched at all (``fetch_walled_networks`` is off by default):
each is reported ``login_wall`` at once, so they have no responses here. One of them is a
login URL as people paste it (``x.com/i/flow/login?redirect_after_login=%2F...``), which
the adapter decodes to the profile.

The responses below belong to invented ``walldemo`` accounts, not to the demo: they are
what the tests read with ``fetch_walled`` on, modelled on the real logged-out pages in
../shared/realcases (x_twitter: the 4 KB OpenGraph page X serves to crawlers; instagram:
og:description with counters and the bio in ``<meta name=description>``; tiktok: the
JSON-LD ProfilePage; reddit: the 403 "whoa there, pardner" block page) and on the walls
the networks put up (LinkedIn's HTTP 999 and its ``authwall`` redirect, Instagram's
redirect to ``accounts/login``, a captcha page).
"""

# The payloads below are pages as servers send them: long lines are part of the data.
# ruff: noqa: E501

from __future__ import annotations

from datetime import date
from typing import Any

from auditor.platforms import adapter_for
from auditor.platforms.walled import WalledAdapter
from auditor.sheet import csv_bytes
from samples.common import HTML, Expect, Writer


def _checklist(url: str) -> str:
    adapter = adapter_for(url)
    assert isinstance(adapter, WalledAdapter)
    return adapter.checklist(url)

WHY_WALL = "walled network: not crawled logged out, checked by hand"

X_PROFILE = """<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8" />
<meta content="X (formerly Twitter)" property="og:site_name" />
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","url":"https://twitter.com/"}</script>
<meta content="profile" property="og:type" /><meta content="https://x.com/walldemo" property="og:url" />
<meta content="Wall Demo Fietsen (@walldemo) on X" property="og:title" />
<meta content="Fietsen en onderdelen. Vragen? https://t.co/AbCdEf1234" property="og:description" />
<meta content="https://pbs.twimg.com/profile_images/1/walldemo_200x200.jpg" property="og:image" />
<meta content="Wall Demo Fietsen (@walldemo) on X" name="title" />
</head><body style="background-color: #FFFFFF;"><div id="react-root"></div></body></html>
"""

X_SHELL = """<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8" />
<meta content="X (formerly Twitter)" property="og:site_name" /><title>X</title>
</head><body><noscript>JavaScript is not available.</noscript><div id="react-root"></div>
</body></html>
"""

LINKEDIN_999 = """<html><head><script>
window.onload = function() { window.location.href = "https://www.linkedin.com"; }
</script></head></html>
"""

LINKEDIN_AUTHWALL = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Sign Up | LinkedIn</title>
<meta property="og:title" content="Sign Up | LinkedIn">
<meta property="og:site_name" content="LinkedIn">
</head><body><main><h1>Join LinkedIn</h1>
<form action="/uas/login-submit" method="post">
<input type="text" name="session_key"><input type="password" name="session_password">
<button type="submit">Sign in</button></form></main></body></html>
"""

INSTAGRAM_PROFILE = """<!DOCTYPE html><html lang="en"><head>
<meta name="robots" content="noarchive, noimageindex" />
<title>Wall Demo (&#064;walldemo) &#x2022; Instagram photos and videos</title>
<meta property="og:type" content="profile" />
<meta property="og:image" content="https://scontent.cdninstagram.com/v/t51.2885-19/walldemo_n.jpg?stp=dst-jpg_s100x100&amp;_nc_cat=1" />
<meta property="og:title" content="Wall Demo (&#064;walldemo) &#x2022; Instagram photos and videos" />
<meta property="og:url" content="https://www.instagram.com/walldemo/" />
<meta property="og:description" content="1,204 Followers, 88 Following, 317 Posts - See Instagram photos and videos from Wall Demo (&#064;walldemo)" />
<meta content='1,204 Followers, 88 Following, 317 Posts - Wall Demo (&#064;walldemo) on Instagram: "Fietsen, onderdelen en reparaties &#x2014; bel 030 765 4321."' name="description" />
</head><body><div id="splash-screen"></div>
<script type="application/json">{"config":{"/accounts/login/":1,"login":"Log in"}}</script>
</body></html>
"""

INSTAGRAM_LOGIN = """<!DOCTYPE html><html lang="en"><head><title>Login &#x2022; Instagram</title>
<meta property="og:site_name" content="Instagram"></head>
<body><form id="loginForm"><input name="username"><input name="password" type="password">
<button type="submit">Log in</button></form></body></html>
"""

FACEBOOK_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Wall Demo | Facebook</title>
<meta property="og:title" content="Wall Demo" />
<meta property="og:description" content="Wall Demo. 812 likes. Fietsenwinkel in Utrecht." />
<meta property="og:image" content="https://scontent.xx.fbcdn.net/v/t39.30808-1/walldemo.jpg" />
<meta property="og:url" content="https://www.facebook.com/walldemo/" />
<meta property="og:type" content="profile" />
</head><body><div>You must log in to continue.</div>
<form id="login_form" action="/login/device-based/regular/login/" method="post">
<input type="text" name="email"><input type="password" name="pass">
<button name="login" type="submit">Log in</button></form></body></html>
"""

TIKTOK_PROFILE = """<!DOCTYPE html><html lang="en"><head>
<meta property="og:title" content="Wall Demo (@walldemo) | TikTok" />
<meta property="og:site_name" content="TikTok" />
<script type="application/ld+json" id="ProfilePage">{"@context":"https://schema.org/","@type":"ProfilePage","mainEntity":{"@type":"Person","name":"Wall Demo","image":"https://www.tiktok.com/api/img/?userId=1&location=2&aid=1988","description":"Fietsvideo's uit Utrecht","alternateName":"walldemo","url":"https://www.tiktok.com/@walldemo","sameAs":["instagram.com/walldemo"],"interactionStatistic":[{"@type":"InteractionCounter","interactionType":{"@type":"http://schema.org/LikeAction"},"userInteractionCount":5120},{"@type":"InteractionCounter","interactionType":{"@type":"http://schema.org/FollowAction"},"userInteractionCount":431}]}}</script>
</head><body></body></html>
"""

REDDIT_BLOCKED = """<!DOCTYPE html><html><head><title>Blocked</title></head><body>
<h1>whoa there, pardner!</h1>
<p>Your request has been blocked due to a network policy.</p>
<p>Try logging in or creating an account here to get back to browsing.</p>
</body></html>
"""

THREADS_CAPTCHA = """<!DOCTYPE html><html><head><title>Security Check</title></head><body>
<p>Please complete the captcha below to continue.</p>
<div class="g-recaptcha" data-sitekey="x"></div></body></html>
"""


def build(out: Writer) -> list[Expect]:
    # Read only when fetch_walled is on (tests): invented accounts, never in the demo.
    out.add("https://x.com/walldemo", 200, HTML, "walled/x-walldemo.html", X_PROFILE)
    out.add("https://x.com/walldemo_shell", 200, HTML, "walled/x-walldemo_shell.html", X_SHELL)
    out.add("https://www.linkedin.com/company/walldemo-999", 999, HTML,
            "walled/linkedin-walldemo-999.html", LINKEDIN_999)
    out.add_redirect("https://www.linkedin.com/company/walldemo",
                     "https://www.linkedin.com/authwall?trk=bf&trkInfo=AQ&original_referer="
                     "&sessionRedirect=https%3A%2F%2Fwww.linkedin.com%2Fcompany%2Fwalldemo")
    out.add("https://www.linkedin.com/authwall?trk=bf&trkInfo=AQ&original_referer="
            "&sessionRedirect=https%3A%2F%2Fwww.linkedin.com%2Fcompany%2Fwalldemo", 200, HTML,
            "walled/linkedin-authwall.html", LINKEDIN_AUTHWALL)
    out.add("https://www.instagram.com/walldemo", 200, HTML, "walled/instagram-walldemo.html",
            INSTAGRAM_PROFILE)
    out.add_redirect("https://www.instagram.com/walldemo_login",
                     "https://www.instagram.com/accounts/login/?next=%2Fwalldemo_login%2F")
    out.add("https://www.instagram.com/accounts/login/?next=%2Fwalldemo_login%2F", 200, HTML,
            "walled/instagram-login.html", INSTAGRAM_LOGIN)
    out.add("https://www.facebook.com/walldemo", 200, HTML, "walled/facebook-walldemo.html",
            FACEBOOK_PAGE)
    out.add("https://www.tiktok.com/@walldemo", 200, HTML, "walled/tiktok-walldemo.html",
            TIKTOK_PROFILE)
    out.add("https://www.reddit.com/user/walldemo", 403, HTML, "walled/reddit-blocked.html",
            REDDIT_BLOCKED)
    out.add("https://www.threads.net/@walldemo", 200, HTML, "walled/threads-captcha.html",
            THREADS_CAPTCHA)
    rows = [{**row, "look_at": _checklist(row["url"])} for row in OBSERVATIONS]
    (out.root / "observations.csv").write_bytes(csv_bytes(rows))
    return [
        Expect("https://www.linkedin.com/company/spaak-fietsen", "Spaak Fietsen", "observed",
               ["INCOMPLETE"], f"{WHY_WALL} (LinkedIn company page): posts weekly, the About "
               "section has no phone or e-mail", "linkedin"),
        Expect("https://www.linkedin.com/in/joost-spaak", "Spaak Fietsen", "observed",
               ["INCOMPLETE", "STALE"], f"{WHY_WALL} (the owner's LinkedIn profile, a "
               "person: photo, headline, About, recent activity): quiet for 50 days, no "
               "website link", "linkedin"),
    ]


#: The demo's observation sheet (sample_pages/observations.csv, named in demo.toml), as
#: Excel with Dutch settings saves it: BOM, ";", CRLF, dates dd-mm-yyyy, Dutch thousands
#: ("1.284"). X and Instagram are read through their APIs now (issue 14,
#: scripts/samples/apis.py), so their rows went (with Instagram's "3,4K").
OBSERVATIONS: list[dict[str, Any]] = [
    {"organisation": "Spaak Fietsen", "platform": "linkedin",
     "url": "https://www.linkedin.com/company/spaak-fietsen",
     "last_post_on": date(2026, 10, 24), "posts_in_window": 12, "replies": 1,
     "photo": True, "bio": True, "contact": False, "website": True, "followers": "1.284",
     "observed_on": date(2026, 10, 28), "observer": "Anna de Vries",
     "note": "About: address and website, no phone or e-mail"},
    {"organisation": "Spaak Fietsen", "platform": "linkedin",
     "url": "https://www.linkedin.com/in/joost-spaak",
     "last_post_on": date(2026, 9, 12), "posts_looked_at": 3,
     "post_dates": (date(2026, 9, 12), date(2026, 8, 30), date(2026, 7, 2)), "replies": 0,
     "photo": True, "bio": True, "website": False, "followers": 845,
     "observed_on": date(2026, 10, 28), "observer": "Anna de Vries",
     "note": "owner; headline and About filled in, no contact details shown to non-contacts"},
]
