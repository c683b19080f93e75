"""Sample pages for Telegram public channels: the web preview ``t.me/s/<channel>``.

Modelled on the real markup in ../shared/realcases/telegram (a full ``t.me/s/`` page and
tchan's snippets: ``.tgme_channel_info`` with its counters, ``.tgme_widget_message``
with ``data-post`` and ``<time datetime>``, ``.tgme_widget_message_forwarded_from``,
``.service_message``, the ``?before=`` "more" link) and on Telegram's contact card
``t.me/<name>`` (``.tgme_page``), where ``t.me/s/<name>`` redirects when a channel has
no preview or the name does not exist. Every channel, message and link is invented.

Two pages are not in the demo (the parser tests read them): Fietsclub Noord's preview,
whose description ends with its website written out and not linked, and its contact card
offering "Preview channel" (``.tgme_page_context_link`` to ``/s/<name>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from samples.common import AS_OF, HTML, Expect, Writer

BASE = "https://t.me"
CDN = "https://cdn4.telesco.pe/file"
BUBBLE_TAIL = """<i class="tgme_widget_message_bubble_tail">
      <svg class="bubble_icon" width="9px" height="20px" viewBox="0 0 9 20">
        <g fill="none"><path class="background" fill="#ffffff" d="M8,1 L9,1 L9,20 Z"></path>
        </g>
      </svg>
    </i>"""


@dataclass
class Message:
    id: int
    days: float
    minute: int
    text: str = ""
    #: Name of the channel a forward comes from.
    forwarded_from: str | None = None
    #: Service notice text ("Channel created", "pinned ...").
    service: str | None = None
    views: str = "312"


@dataclass
class Channel:
    name: str
    title: str
    #: Description as Telegram renders it (HTML with <br/> and <a>); None: no description.
    description: str | None
    photo: bool
    counters: list[tuple[str, str]]


def ago(days: float, minute: int) -> datetime:
    """``days`` before AS_OF at ``minute`` past the hour (never later than the nominal age)."""
    nominal = AS_OF - timedelta(days=days)
    moment = nominal.replace(minute=minute % 60, second=(minute * 13) % 60)
    return moment - timedelta(hours=1) if moment > nominal else moment


def _photo(channel: Channel, css: str) -> str:
    letter = escape(channel.title[:1])
    if not channel.photo:
        # Telegram draws the first letter on a coloured disc when there is no photo.
        return f'<i class="{css} bgcolor2" data-content="{letter}"></i>'
    return (f'<i class="{css} bgcolor6" data-content="{letter}">'
            f'<img src="{CDN}/{channel.name}-avatar.jpg"></i>')


def _message(channel: Channel, message: Message) -> str:
    when = ago(message.days, message.minute)
    post = f"{channel.name}/{message.id}"
    classes = "tgme_widget_message text_not_supported_wrap js-widget_message"
    if message.service:
        classes = ("tgme_widget_message text_not_supported_wrap service_message "
                   "js-widget_message")
    forwarded = ""
    if message.forwarded_from:
        source = message.forwarded_from
        forwarded = (
            '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from&nbsp;'
            f'<a class="tgme_widget_message_forwarded_from_name" href="{BASE}/{source}/'
            f'{message.id * 3 + 17}"><span dir="auto">{escape(source)}</span></a></div>')
    text = message.service or message.text
    views = "" if message.service else (
        f'<span class="tgme_widget_message_views">{message.views}</span>'
        '<span class="copyonly"> views</span>')
    return f"""
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="{classes}" \
data-post="{post}" data-view="dmlldy17bWVzc2FnZS5pZH0">
  <div class="tgme_widget_message_user"><a href="{BASE}/{channel.name}">\
{_photo(channel, "tgme_widget_message_user_photo")}</a></div>
  <div class="tgme_widget_message_bubble">
    {BUBBLE_TAIL}
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" \
href="{BASE}/{channel.name}"><span dir="auto">{escape(channel.title)}</span></a></div>
{forwarded}
<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>
<div class="tgme_widget_message_footer compact js-message_footer">
  <div class="tgme_widget_message_info short js-message_info">
    {views}<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" \
href="{BASE}/{post}"><time datetime="{when:%Y-%m-%dT%H:%M:%S}+00:00" class="time">\
{when:%H:%M}</time></a></span>
  </div>
</div>
  </div>
</div></div>"""


def preview_page(channel: Channel, messages: list[Message], older: int | None) -> str:
    """A ``t.me/s/`` page: channel info, then ``messages`` oldest first."""
    ordered = sorted(messages, key=lambda m: m.id)
    counters = "".join(
        f'<div class="tgme_channel_info_counter"><span class="counter_value">{value}</span> '
        f'<span class="counter_type">{kind}</span></div>' for value, kind in channel.counters)
    description = ""
    if channel.description is not None:
        description = (f'<div class="tgme_channel_info_description">{channel.description}'
                       "</div>")
    more = ""
    prev_link = ""
    if older is not None:
        more = (f'<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/'
                f'{channel.name}?before={older}" class="tme_messages_more js-messages_more" '
                f'data-before="{older}"></a></div>')
        prev_link = f'<link rel="prev" href="/s/{channel.name}?before={older}">'
    og_image = f"{CDN}/{channel.name}-avatar.jpg" if channel.photo \
        else "https://telegram.org/img/t_logo.png"
    title = escape(channel.title)
    subscribers = next((v for v, k in channel.counters if k.startswith("subscriber")), "0")
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{title} – Telegram</title>
<meta property="og:title" content="{title}">
<meta property="og:image" content="{og_image}">
<meta property="og:site_name" content="Telegram">
<meta property="og:description" content="">
<meta property="al:android:url" content="tg://resolve?domain={channel.name}">
    {prev_link}
<link rel="canonical" href="/s/{channel.name}?before={ordered[-1].id + 1 if ordered else 1}">
    <link href="//telegram.org/css/widget-frame.css?73" rel="stylesheet" media="screen">
    <link href="//telegram.org/css/telegram-web.css?39" rel="stylesheet" media="screen">
  </head>
  <body class="widget_frame_base tgme_webpreview emoji_image thin_box_shadow tme_mode">
    <header class="tgme_header search_collapsed">
  <div class="tgme_container">
    <div class="tgme_header_right_column">
      <section class="tgme_right_column">
        <div class="tgme_channel_info">
          <div class="tgme_channel_info_header">
            {_photo(channel, "tgme_page_photo_image")}
            <div class="tgme_channel_info_header_title_wrap">
              <div class="tgme_channel_info_header_title"><span dir="auto">{title}</span></div>
              <div class="tgme_channel_info_header_labels"></div>
            </div>
            <div class="tgme_channel_info_header_username"><a href="{BASE}/{channel.name}">\
@{channel.name}</a></div>
          </div>
          <div class="tgme_channel_info_counters">{counters}</div>
          {description}
        </div>
      </section>
    </div>
    <div class="tgme_header_info">
      <a class="tgme_header_link" href="{BASE}/{channel.name}">
        {_photo(channel, "tgme_page_photo_image")}
        <div class="tgme_header_title_wrap">
          <div class="tgme_header_title"><span dir="auto">{title}</span></div>
        </div>
        <div class="tgme_header_counter">{subscribers} subscribers</div>
      </a>
    </div>
  </div>
</header>
<main class="tgme_main" data-url="/{channel.name}">
  <div class="tgme_container">
    <section class="tgme_channel_history js-message_history">
      {more}
{"".join(_message(channel, m) for m in ordered)}
    </section>
  </div>
</main>
    <script src="//telegram.org/js/telegram-web.js?14"></script>
  </body>
</html>
"""


def card_page(name: str, title: str | None, extra: str | None, description: str,
              photo: bool, action: str, preview: bool = False) -> str:
    """Telegram's contact card ``t.me/<name>``; with no title it is the "no such name" page.
    ``preview``: the card offers "Preview channel" (a link to ``/s/<name>``) below it."""
    context = (f"""
      <div class="tgme_page_context_link_wrap">
        <a href="/s/{name}" class="tgme_page_context_link">Preview channel</a>
      </div>""" if preview else "")
    og_title = escape(title) if title else f"Telegram: Contact @{name}"
    og_image = f"{CDN}/{name}-avatar.jpg" if photo else "https://telegram.org/img/t_logo.png"
    photo_html = (f'<div class="tgme_page_photo"><a href="tg://resolve?domain={name}">'
                  f'<img class="tgme_page_photo_image" src="{CDN}/{name}-avatar.jpg"></a></div>'
                  if photo else "")
    title_html = (f'<div class="tgme_page_title"><span dir="auto">{escape(title)}</span></div>'
                  if title else "")
    extra_html = f'<div class="tgme_page_extra">{extra}</div>' if extra else ""
    return f"""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{og_title}</title>
<meta property="og:title" content="{og_title}">
<meta property="og:image" content="{og_image}">
<meta property="og:site_name" content="Telegram">
<meta property="og:description" content="">
    <link href="//telegram.org/css/telegram.css?245" rel="stylesheet" media="screen">
  </head>
  <body>
    <div class="tgme_page_wrap">
      <div class="tgme_head_wrap">
        <div class="tgme_head">
          <a href="//telegram.org/" class="tgme_head_brand">Telegram</a>
        </div>
      </div>
      <div class="tgme_body_wrap">
        <div class="tgme_page">
          {photo_html}
          {title_html}
          {extra_html}
          <div class="tgme_page_description" dir="auto">{description}</div>
          <div class="tgme_page_action">
            <a class="tgme_action_button_new shine" href="tg://resolve?domain={name}">\
{action}</a>
          </div>
        </div>{context}
      </div>
    </div>
  </body>
</html>
"""


# -- Spaak Fietsen: a healthy channel, two pages of recent messages ---------------------

SPAAK = Channel(
    name="spaakfietsen",
    title="Spaak Fietsen",
    description=(
        "Fietsenmaker in Utrecht sinds 1982: reparaties, nieuwe fietsen en e-bikes. "
        "Werkplaatstips en acties uit de winkel aan de Biltstraat.<br/><br/>"
        "Bel 030-2345678 of mail winkel@spaak.example<br/>"
        '<a href="https://www.spaak.example/" target="_blank" rel="noopener">'
        "www.spaak.example</a>"),
    photo=True,
    counters=[("1.2K", "subscribers"), ("184", "photos"), ("23", "videos"), ("61", "links")],
)
SPAAK_TOPICS = [
    "Werkplaatstip: controleer je bandenspanning elke twee weken, zeker in de herfst.",
    "Nieuw binnen: de Stadsfiets 3 in mosgroen. Kom gerust een proefrit maken.",
    "Zaterdag zijn we open van 9 tot 17 uur, ook voor spoedreparaties.",
    "Zo houd je je ketting schoon: een doek, wat ontvetter en een druppel olie.",
    "Onze monteur Sanne laat zien hoe je een lekke band plakt. Video in de winkel!",
    "Winteractie: een onderhoudsbeurt met gratis verlichtingscheck.",
    "De e-bike accu houdt van 15 tot 20 graden. Bewaar hem binnen als het vriest.",
    "Fietsen in de regen? Spatborden en een goede regenbroek maken het verschil.",
    "Vragen over leasen via je werkgever? We leggen het uit in de winkel.",
    "Verslag van de najaarsrit langs de Vecht: 42 km en veel zon.",
]
#: Messages per preview page (Telegram shows about 20).
SPAAK_PAGE_SIZE = 20


def spaak_messages() -> list[Message]:
    """40 messages every three days, newest first, with forwards and a pinned notice."""
    messages: list[Message] = []
    next_id = 412
    for index in range(40):
        days = 0.8 + index * 3.05
        minute = (7 + index * 17) % 60
        if index == 6:
            messages.append(Message(next_id, days - 0.01, minute + 1,
                                    service="Spaak Fietsen pinned «Winteractie»"))
            next_id -= 1
        if index % 9 == 4:
            messages.append(Message(next_id, days, minute,
                                    text="Mooie route voor dit weekend, doorgestuurd van de "
                                         "fietsersbond: een rondje Kromme Rijn van 35 km.",
                                    forwarded_from="fietsersbond_utrecht", views="498"))
        else:
            topic = SPAAK_TOPICS[index % len(SPAAK_TOPICS)]
            link = ""
            if index % 5 == 1:
                link = ('<br/><br/><a href="https://www.spaak.example/werkplaats" '
                        'target="_blank" rel="noopener">www.spaak.example/werkplaats</a>')
            messages.append(Message(next_id, days, minute, text=escape(topic) + link,
                                    views=f"{1200 - index * 19}"))
        next_id -= 1
    return messages


# -- Ratel Tweewielers: complete, but silent for seven months ---------------------------

RATEL = Channel(
    name="rateltweewielers",
    title="Ratel Tweewielers",
    description=("Tweewielerspecialist in Amersfoort: scooters, fietsen en onderhoud. "
                 "Bel ons op 033-4567890.<br/>"
                 '<a href="https://www.ratel.example/" target="_blank" rel="noopener">'
                 "www.ratel.example</a>"),
    photo=True,
    counters=[("318", "subscribers"), ("42", "photos"), ("4", "links")],
)


def ratel_messages() -> list[Message]:
    texts = [
        "Nieuwe scooters van het merk Vonk staan in de showroom.",
        "Voorjaarsbeurt? Plan hem nu in, de agenda loopt snel vol.",
        "Wij zijn op Koningsdag gesloten.",
        "Open dag op zaterdag: koffie, taart en proefritten.",
        "Tip: laat je remmen elk jaar nakijken.",
        "Onze nieuwe website staat online!",
        "Welkom op het kanaal van Ratel Tweewielers.",
    ]
    messages = [Message(1, 420.0, 3, service="Channel created")]
    for index, text in enumerate(reversed(texts)):
        days = 410.0 - index * 35.0
        messages.append(Message(2 + index, days, (11 + index * 23) % 60, text=text,
                                views=str(90 + index * 7)))
    return messages


# -- Velo Vlot: active, but no photo and no description ---------------------------------

VELO = Channel(name="velovlot", title="Velo Vlot", description=None, photo=False,
               counters=[("57", "subscribers"), ("9", "photos")])


def velo_messages() -> list[Message]:
    texts = [
        "Deze week: 10% korting op fietstassen.",
        "Nieuwe collectie kinderfietsen binnen.",
        "Maandag gesloten wegens inventaris.",
        "Wie heeft onze nieuwe etalage al gezien?",
        "Vanaf nu ook reparaties op zaterdag.",
        "Zomeractie: gratis slot bij elke nieuwe fiets.",
    ]
    messages = [Message(1, 120.0, 5, service="Channel created")]
    for index, text in enumerate(reversed(texts)):
        days = 95.0 - index * 18.5
        messages.append(Message(2 + index, days, (4 + index * 29) % 60, text=text,
                                views=str(20 + index)))
    return messages


# -- not in the demo: pages the parser tests read (issue 17, what real data showed) ------

#: A channel whose description ends with its website written out, not linked.
CLUB = Channel(
    name="fietsclubnoord",
    title="Fietsclub Noord",
    description=("Toertochten elke zondag vanaf het Noorderplantsoen, voor iedereen.<br/>"
                 "Routes, uitslagen en foto's: https://www.fietsclubnoord.example/tochten"),
    photo=True,
    counters=[("486", "subscribers"), ("37", "photos")],
)


def build(out: Writer) -> list[Expect]:
    spaak = spaak_messages()  # newest first
    first, second = spaak[:SPAAK_PAGE_SIZE], spaak[SPAAK_PAGE_SIZE:2 * SPAAK_PAGE_SIZE]
    before_1 = min(m.id for m in first)
    before_2 = min(m.id for m in second)
    out.add(f"{BASE}/s/spaakfietsen", 200, HTML, "telegram/spaakfietsen.html",
            preview_page(SPAAK, first, before_1))
    out.add(f"{BASE}/s/spaakfietsen?before={before_1}", 200, HTML,
            f"telegram/spaakfietsen-before-{before_1}.html",
            preview_page(SPAAK, second, before_2))

    out.add(f"{BASE}/s/rateltweewielers", 200, HTML, "telegram/rateltweewielers.html",
            preview_page(RATEL, ratel_messages(), None))
    out.add(f"{BASE}/s/velovlot", 200, HTML, "telegram/velovlot.html",
            preview_page(VELO, velo_messages(), None))

    # A channel whose owner turned the web preview off: /s/ redirects to the contact card.
    out.add_redirect(f"{BASE}/s/ratelverhuur", f"{BASE}/ratelverhuur")
    out.add(f"{BASE}/ratelverhuur", 200, HTML, "telegram/ratelverhuur-card.html",
            card_page("ratelverhuur", "Ratel Verhuur", "1 208 subscribers",
                      "Huur een e-bike of scooter bij Ratel Tweewielers in Amersfoort. "
                      "Reserveren: 033-4567891<br/>"
                      '<a href="https://www.ratel.example/verhuur" target="_blank" '
                      'rel="noopener">www.ratel.example/verhuur</a>',
                      True, "View in Telegram"))
    # A name nobody has: the same redirect, to a card without a title.
    out.add_redirect(f"{BASE}/s/velovlotnl", f"{BASE}/velovlotnl")
    out.add(f"{BASE}/velovlotnl", 200, HTML, "telegram/velovlotnl-card.html",
            card_page("velovlotnl", None, None,
                      'If you have <strong>Telegram</strong>, you can contact <a '
                      'class="tgme_username_link" href="tg://resolve?domain=velovlotnl">'
                      "@velovlotnl</a> right away.", False, "Send Message"))
    out.add(f"{BASE}/s/fietsclubnoord", 200, HTML, "telegram/fietsclubnoord.html",
            preview_page(CLUB, [Message(90, 4, 12, "Zondag: de Lauwersmeertocht, 85 km."),
                                Message(91, 1, 47, "Uitslagen van de clubkampioenschappen.")],
                         None))
    # A channel's contact card that offers "Preview channel" while its counter reads
    # members (what made the adapter call it a group).
    out.add(f"{BASE}/fietsclubnoord", 200, HTML, "telegram/fietsclubnoord-card.html",
            card_page("fietsclubnoord", "Fietsclub Noord", "486 members",
                      "Toertochten elke zondag vanaf het Noorderplantsoen, voor iedereen.",
                      True, "View in Telegram", preview=True))
    return [
        Expect(f"{BASE}/spaakfietsen", "Spaak Fietsen", "ok", [],
               "a complete channel (photo, description with phone, e-mail and website) "
               "posting every few days; two preview pages read via ?before=",
               platform="telegram"),
        Expect(f"{BASE}/rateltweewielers", "Ratel Tweewielers", "ok", ["DEAD"],
               "a complete channel whose newest message is 200 days old", platform="telegram"),
        Expect(f"{BASE}/velovlot", "Velo Vlot", "ok", ["INCOMPLETE"],
               "an active channel without a photo or a description", platform="telegram"),
        Expect(f"{BASE}/ratelverhuur", "Ratel Tweewielers", "preview_disabled",
               ["UNAUDITABLE"],
               "t.me/s/ratelverhuur redirects to the contact card: the owner turned the web "
               "preview off", platform="telegram"),
        Expect(f"{BASE}/velovlotnl", "Velo Vlot", "not_found", ["GONE"],
               "t.me/s/velovlotnl redirects to an empty contact card: no such channel",
               platform="telegram"),
    ]
