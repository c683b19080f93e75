"""Dutch (nl) translations of every English message id (see auditor/i18n.py).

Keys are the English texts exactly as the code writes them, placeholders included; values
keep the same ``{placeholders}``. Flag codes (DEAD, STALE, ...), outcome codes, dates (ISO)
and file names stay as they are. Grouped by the file that uses a text first; a text used in
several files is listed once. ``python scripts/i18n_check.py`` lists ids missing here, and
tests/test_i18n.py fails on them.

Word choices: post -> bericht, reply -> reactie, repost -> repost, flag -> melding,
audit date / as of -> peildatum, window -> meetperiode, login wall -> inlogmuur,
broadcast-only -> alleen zenden, reply share -> aandeel reacties, n/a -> n.v.t.
Fixes use the neutral imperative ("Plaats weer berichten ...").
"""

from __future__ import annotations

from typing import Final

NL: Final[dict[str, str]] = {
    # auditor/consistency.py
    ("display name “{name}” shares no word with “{usual}” used on the organisation's other "
     "profiles"):
        ("weergavenaam “{name}” heeft geen woord gemeen met “{usual}” op de andere profielen van "
         "de organisatie"),
    "a different photo than the {count} other profiles that share one":
        "een andere foto dan de {count} andere profielen, die dezelfde foto gebruiken",
    "links to {hosts}, not to the organisation's website {website}":
        "linkt naar {hosts}, niet naar de website van de organisatie {website}",
    # auditor/metrics.py
    "profile not read (outcome {outcome})": "profiel niet gelezen (resultaat {outcome})",
    "profile not read": "profiel niet gelezen",
    "the account has never posted": "het account heeft nooit iets geplaatst",
    "no public post was seen": "geen openbaar bericht gezien",
    "no post was fetched and the history was not fully read":
        "geen bericht opgehaald en de geschiedenis is niet volledig gelezen",
    "the covered span is shorter than a day": "de gedekte periode is korter dan een dag",
    "not measurable: {platform} does not show replies":
        "niet meetbaar: {platform} toont geen reacties",
    "only {posts} own posts in the window; at least {minimum} needed":
        "slechts {posts} eigen berichten in de meetperiode; minstens {minimum} nodig",
    "only {items} items in the window; at least {minimum} needed":
        "slechts {items} items in de meetperiode; minstens {minimum} nodig",
    "{posts} own post(s) in the span; a gap needs two":
        "{posts} eigen bericht(en) in de periode; voor een tussentijd zijn er twee nodig",
    "the platform's default avatar": "de standaardavatar van het platform",
    "no avatar": "geen avatar",
    "not shown by the platform": "niet getoond door het platform",
    "empty": "leeg",
    "only the handle": "alleen de gebruikersnaam",
    "only {count} characters": "slechts {count} tekens",
    "no e-mail address, phone number or contact link in the bio or profile fields":
        "geen e-mailadres, telefoonnummer of contactlink in de bio of de profielvelden",
    "the platform's default header image": "de standaardbannerafbeelding van het platform",
    # auditor/platforms/feed.py
    ("the feed names no contact (no e-mail in managingEditor, webMaster or the author, none in "
     "the description); feeds seldom carry one"):
        ("de feed noemt geen contact (geen e-mail in managingEditor, webMaster of de auteur, "
         "niets in de beschrijving); feeds bevatten er zelden een"),
    "feeds have no banner image": "feeds hebben geen bannerafbeelding",
    # auditor/report/html.py
    "n/a": "n.v.t.",
    "yes": "ja",
    "no": "nee",
    "unknown": "onbekend",
    "under a day ago": "minder dan een dag geleden",
    "{n} day ago": "{n} dag geleden",
    "{n} day": "{n} dag",
    "{n} days ago": "{n} dagen geleden",
    "{n} days": "{n} dagen",
    "high": "hoog",
    ("The crawl was cut short: {n} listed profile could not be fetched. It is shown below as not "
     "audited (outcome error), with no verdict on activity. Run the audit again with --resume to "
     "complete it."):
        ("Het ophalen is voortijdig gestopt: {n} opgegeven profiel kon niet worden opgehaald. "
         "Het staat hieronder als niet gecontroleerd (resultaat error), zonder oordeel over "
         "activiteit. Voer de audit opnieuw uit met --resume om hem af te maken."),
    ("The crawl was cut short: {n} listed profiles could not be fetched. They are shown below as "
     "not audited (outcome error), with no verdict on activity. Run the audit again with "
     "--resume to complete it."):
        ("Het ophalen is voortijdig gestopt: {n} opgegeven profielen konden niet worden "
         "opgehaald. Ze staan hieronder als niet gecontroleerd (resultaat error), zonder oordeel "
         "over activiteit. Voer de audit opnieuw uit met --resume om hem af te maken."),
    "{n} profile audited": "{n} profiel gecontroleerd",
    "{n} profile": "{n} profiel",
    "{n} profiles audited": "{n} profielen gecontroleerd",
    "{n} profiles": "{n} profielen",
    "{n} flag": "{n} melding",
    "{n} flags": "{n} meldingen",
    "on {n} profile.": "op {n} profiel.",
    "on {n} profiles.": "op {n} profielen.",
    "Social presence audit": "Audit sociale media",
    "Since the last audit (run {run}, as of {date})":
        "Sinds de vorige audit (run {run}, peildatum {date})",
    "Nothing changed.": "Er is niets veranderd.",
    "medium": "middel",
    "low": "laag",
    "client": "klant",
    "competitor": "concurrent",
    "person": "persoon",
    "post": "bericht",
    "reply": "reactie",
    "thread": "thread",
    "repost": "repost",
    ("Open the profile while logged in and check the date of the last post, whether the account "
     "answers people, and the photo, bio and contact details."):
        ("Open het profiel als ingelogde gebruiker en controleer de datum van het laatste "
         "bericht, of het account mensen antwoordt, en de foto, bio en contactgegevens."),
    ("The site asks crawlers not to read this page. Open it in a browser and check the last post "
     "and the profile by hand."):
        ("De site vraagt crawlers deze pagina niet te lezen. Open de pagina in een browser en "
         "controleer het laatste bericht en het profiel handmatig."),
    ("The server refused a logged-out reader (or showed a captcha). Open the profile in a "
     "browser and check it by hand."):
        ("De server weigerde een niet-ingelogde bezoeker (of toonde een captcha). Open het "
         "profiel in een browser en controleer het handmatig."),
    ("The server asked us to slow down. Run the audit again later, or check the profile in a "
     "browser."):
        ("De server vroeg om minder verzoeken. Voer de audit later opnieuw uit, of controleer "
         "het profiel in een browser."),
    ("The owner turned off the public web preview. Open the channel in the app to see its last "
     "post."):
        ("De eigenaar heeft de openbare webweergave uitgeschakeld. Open het kanaal in de app om "
         "het laatste bericht te zien."),
    ("No adapter reads this kind of address. Check the profile by hand, or list its RSS feed "
     "instead."):
        ("Geen adapter kan dit soort adres lezen. Controleer het profiel handmatig, of geef in "
         "plaats daarvan de RSS-feed op."),
    ("The page could not be read (see the detail). Run the audit again, or check the profile by "
     "hand."):
        ("De pagina kon niet worden gelezen (zie de toelichting). Voer de audit opnieuw uit, of "
         "controleer het profiel handmatig."),
    "Check this profile by hand.": "Controleer dit profiel handmatig.",
    "Dead after": "Dood na",
    "{n} day without a post": "{n} dag zonder bericht",
    "{n} days without a post": "{n} dagen zonder bericht",
    "Stale after": "Stilgevallen na",
    "Never used": "Nooit gebruikt",
    "at most {n} post ever": "in totaal hooguit {n} bericht",
    "at most {n} posts ever": "in totaal hooguit {n} berichten",
    "Broadcast-only": "Alleen zenden",
    "reply share below {share}": "aandeel reacties onder {share}",
    "Shares need": "Minimum voor aandelen",
    "at least {n} own post": "minstens {n} eigen bericht",
    "at least {n} own posts": "minstens {n} eigen berichten",
    "Automated": "Geautomatiseerd",
    ("link-only posts from {links}, posts at one minute from {minute}, cross-posted texts from "
     "{cross}"):
        ("berichten met alleen een link vanaf {links}, berichten op één vaste minuut vanaf "
         "{minute}, dezelfde tekst op andere profielen vanaf {cross}"),
    "Activity window": "Meetperiode",
    "Activity": "Activiteit",
    "For {role}": "Voor {role}",
    ("The listed profile does not exist: not found, suspended, deleted or moved. Visitors "
     "following your link hit a dead end."):
        ("Het opgegeven profiel bestaat niet: niet gevonden, geschorst, verwijderd of verhuisd. "
         "Wie de link volgt, komt op een dood spoor."),
    "At most {n} post ever: registered \"for safety\" and never used.":
        "In totaal hooguit {n} bericht: ‘voor de zekerheid’ aangemaakt en nooit gebruikt.",
    "At most {n} posts ever: registered \"for safety\" and never used.":
        "In totaal hooguit {n} berichten: ‘voor de zekerheid’ aangemaakt en nooit gebruikt.",
    ("No post for {days} days or more. A dead account is worse than none: people still try to "
     "reach it."):
        ("{days} dagen of langer geen bericht. Een dood account is erger dan geen account: "
         "mensen proberen het nog steeds te bereiken."),
    "No post for {low} to {high} days.": "{low} tot {high} dagen geen bericht.",
    ("Under {share} of at least {posts} own posts answer someone else: a press-release channel, "
     "not a dialogue."):
        ("Minder dan {share} van minstens {posts} eigen berichten is een reactie op iemand "
         "anders: een persberichtenkanaal, geen dialoog."),
    "high / medium / low": "hoog / middel / laag",
    ("A profile item is missing: no photo (high), no bio or contact details (medium), no website "
     "link, display name or banner (low)."):
        ("Er ontbreekt een profielonderdeel: geen foto (hoog), geen bio of contactgegevens "
         "(middel), geen websitelink, weergavenaam of banner (laag)."),
    ("The profile could not be read (login wall, blocked, rate limited, error…). Not judged on "
     "activity: check it by hand."):
        ("Het profiel kon niet worden gelezen (inlogmuur, geblokkeerd, rate limit, fout…). Niet "
         "beoordeeld op activiteit: controleer het handmatig."),
    ("Strong signs of automatic posting: mostly bare links to the own site, the same text on "
     "several profiles, or posts at a fixed minute."):
        ("Sterke aanwijzingen voor automatisch posten: vooral kale links naar de eigen site, "
         "dezelfde tekst op meerdere profielen, of berichten op een vaste minuut."),
    "The organisation's profiles disagree on name, photo or website link.":
        "De profielen van de organisatie verschillen in naam, foto of websitelink.",
    "See the flag's reason.": "Zie de reden bij de melding.",
    "No profiles listed.": "Geen profielen opgegeven.",
    "The {n} profile is in order.": "Het profiel is in orde ({n} van {n}).",
    "All {n} profiles are in order.": "Alle {n} profielen zijn in orde.",
    "gone": "verdwenen",
    "never used": "nooit gebruikt",
    "dead": "dood",
    "stale": "stilgevallen",
    "broadcast-only": "alleen zenden",
    "incomplete": "onvolledig",
    "not auditable": "niet te controleren",
    "automated": "geautomatiseerd",
    "inconsistent": "inconsistent",
    "{flagged} of {total} profiles need attention: {parts}.":
        "{flagged} van {total} profielen vragen aandacht: {parts}.",
    "posts": "berichten",
    "week of {date}: not covered by the sample (unknown)":
        "week van {date}: niet gedekt door de steekproef (onbekend)",
    "week of {date}: {posts} posts, {replies} replies, {reposts} reposts":
        "week van {date}: {posts} berichten, {replies} reacties, {reposts} reposts",
    "reposts": "reposts",
    "replies to others": "reacties op anderen",
    "not covered (unknown)": "niet gedekt (onbekend)",
    "Posts per week over the last {days} days": "Berichten per week in de afgelopen {days} dagen",
    "Posts per week": "Berichten per week",
    "Mon": "ma",
    "Tue": "di",
    "Wed": "wo",
    "Thu": "do",
    "Fri": "vr",
    "Sat": "za",
    "Sun": "zo",
    "Own posts per weekday": "Eigen berichten per weekdag",
    "Own posts per hour of the day (UTC)": "Eigen berichten per uur van de dag (UTC)",
    "… {n} more item in report.json's records (records.jsonl)":
        "… nog {n} item in de records van report.json (records.jsonl)",
    "… {n} more items in report.json's records (records.jsonl)":
        "… nog {n} items in de records van report.json (records.jsonl)",
    "not measured": "niet gemeten",
    "Last post": "Laatste bericht",
    "the newest fetched item": "het nieuwste opgehaalde item",
    "the date the platform reports (no post fetched)":
        "de datum die het platform opgeeft (geen bericht opgehaald)",
    "Days since last post": "Dagen sinds laatste bericht",
    "counted back from the audit date": "teruggerekend vanaf de peildatum",
    "Gap between posts": "Tijd tussen berichten",
    "median {median} days, longest {longest} days":
        "mediaan {median} dagen, langst {longest} dagen",
    "between consecutive own posts in the covered span":
        "tussen opeenvolgende eigen berichten in de gedekte periode",
    "Reply share": "Aandeel reacties",
    "{replies} of {n} own post": "{replies} van {n} eigen bericht",
    "{replies} of {n} own posts": "{replies} van {n} eigen berichten",
    "Repost share": "Aandeel reposts",
    "{reposts} of {n} item": "{reposts} van {n} item",
    "{reposts} of {n} items": "{reposts} van {n} items",
    "Posts ever": "Berichten in totaal",
    "as the platform counts them": "zoals het platform ze telt",
    "{share} at minute {minute}": "{share} op minuut {minute}",
    "{share} only a link to the own site": "{share} alleen een link naar de eigen site",
    "{share} also on another profile": "{share} ook op een ander profiel",
    "Automation signs": "Tekenen van automatisering",
    "over {n} own post": "over {n} eigen bericht",
    "over {n} own posts": "over {n} eigen berichten",
    "{n} own post": "{n} eigen bericht",
    "{n} own posts": "{n} eigen berichten",
    "over the {days}-day window": "in de meetperiode van {days} dagen",
    "over {covered} of the {days} window days (the sample covers less)":
        "over {covered} van de {days} dagen van de meetperiode (de steekproef dekt minder)",
    "{n} item sampled": "{n} item in de steekproef",
    "{n} items sampled": "{n} items in de steekproef",
    "the page cap stopped the sample": "de paginalimiet heeft de steekproef afgekapt",
    "Photo": "Foto",
    "Display name": "Weergavenaam",
    "Bio": "Bio",
    "Contact (e-mail, phone or contact link)": "Contact (e-mail, telefoon of contactlink)",
    "Website link": "Websitelink",
    "Banner image": "Bannerafbeelding",
    "{score}/100 over {n} applicable item": "{score}/100 over {n} beoordeelbaar onderdeel",
    "{score}/100 over {n} applicable items": "{score}/100 over {n} beoordeelbare onderdelen",
    "no checklist item could be observed": "geen enkel checklistonderdeel kon worden waargenomen",
    "… {n} more evidence item not shown (report.json has them all)":
        "… nog {n} bewijsstuk niet getoond (report.json bevat ze allemaal)",
    "… {n} more evidence items not shown (report.json has them all)":
        "… nog {n} bewijsstukken niet getoond (report.json bevat ze allemaal)",
    "none": "geen",
    "pinned": "vastgezet",
    # auditor/verdicts.py
    "Remove the link from your website and materials, or claim the account again.":
        "Verwijder de link van de website en uit ander materiaal, of claim het account opnieuw.",
    "Start using the account or close it; an empty account suggests nobody answers.":
        ("Ga het account gebruiken of sluit het; een leeg account wekt de indruk dat niemand "
         "antwoordt."),
    "Post again and answer questions, or close the account and say where to go instead.":
        ("Plaats weer berichten en beantwoord vragen, of sluit het account en vermeld waar "
         "mensen nu terechtkunnen."),
    "Plan regular posts; followers notice a silence of weeks.":
        "Plan regelmatig berichten in; volgers merken het als het weken stil blijft.",
    "Answer questions and react to followers instead of only posting news.":
        "Beantwoord vragen en reageer op volgers in plaats van alleen nieuws te plaatsen.",
    "Fill in the missing profile items; a photo matters most.":
        "Vul de ontbrekende profielonderdelen aan; een foto is het belangrijkst.",
    "Check this profile by hand; the auditor could not read it.":
        "Controleer dit profiel handmatig; de auditor kon het niet lezen.",
    ("Write for each network and answer by hand; automatic cross-posting reads as nobody being "
     "there."):
        ("Schrijf voor elk netwerk apart en antwoord zelf; automatisch crossposten wekt de "
         "indruk dat er niemand is."),
    ("Use the same name, photo and website link on every profile, and link every profile from "
     "your website."):
        ("Gebruik op elk profiel dezelfde naam, foto en websitelink, en link vanaf de website "
         "naar elk profiel."),
    "could not be audited: {outcome}": "kon niet worden gecontroleerd: {outcome}",
    "login wall": "inlogmuur",
    "read": "gelezen",
    "not found": "niet gevonden",
    "robots.txt forbids it": "robots.txt verbiedt het",
    "blocked": "geblokkeerd",
    "rate limited": "afgeremd (rate limit)",
    "preview disabled": "voorbeeldweergave uitgeschakeld",
    "unsupported": "niet ondersteund",
    "error": "fout",
    "the account moved to {target}": "het account is verhuisd naar {target}",
    "the listed account does not exist": "het opgegeven account bestaat niet",
    "the account was suspended or deleted": "het account is geschorst of verwijderd",
    "{n} post ever, threshold {threshold}": "{n} bericht in totaal, drempel {threshold}",
    "{n} posts ever, threshold {threshold}": "{n} berichten in totaal, drempel {threshold}",
    "last post {days} days ago, threshold {threshold}":
        "laatste bericht {days} dagen geleden, drempel {threshold}",
    ("{share} of {posts} own posts in the last {days} days are replies to others, threshold "
     "{threshold}"):
        ("{share} van {posts} eigen berichten in de afgelopen {days} dagen is een reactie op "
         "anderen, drempel {threshold}"),
    "{share} of {posts} own posts are only a link to the own website (threshold {threshold})":
        ("{share} van {posts} eigen berichten is alleen een link naar de eigen website (drempel "
         "{threshold})"),
    "{share} of posts go out at minute {minute} past the hour (threshold {threshold})":
        ("{share} van de berichten verschijnt op minuut {minute} van het uur (drempel "
         "{threshold})"),
    "{share} of own posts repeat the text of {profiles} (threshold {threshold})":
        "{share} van de eigen berichten herhaalt de tekst van {profiles} (drempel {threshold})",
    "photo": "foto",
    "bio": "bio",
    "missing: {items}; completeness {score}/100": "ontbreekt: {items}; volledigheid {score}/100",
    "display name": "weergavenaam",
    "contact details": "contactgegevens",
    "website link": "websitelink",
    "banner image": "bannerafbeelding",
    # templates/report.html
    "as of": "peildatum",
    "As of": "Peildatum",
    "Generated": "Gemaakt",
    "Tool version": "Versie",
    "Window": "Meetperiode",
    "{days} days before the audit date": "{days} dagen vóór de peildatum",
    "Thresholds used": "Gebruikte drempelwaarden",
    "Incomplete audit.": "Onvolledige audit.",
    "Summary": "Samenvatting",
    "Profiles needing attention:": "Profielen die aandacht vragen:",
    "Profiles": "Profielen",
    "No profile needs attention.": "Geen enkel profiel vraagt aandacht.",
    "Side by side": "Vergelijking",
    ("Ranked on posts per week, reply share, completeness and days since the last post (the mean "
     "of the four ranks); unknown values rank last."):
        ("Gerangschikt op berichten per week, aandeel reacties, volledigheid en dagen sinds het "
         "laatste bericht (het gemiddelde van de vier posities); onbekende waarden komen "
         "achteraan."),
    "completeness": "volledigheid",
    "Organisation": "Organisatie",
    "Role": "Rol",
    "Completeness": "Volledigheid",
    "Flags": "Meldingen",
    "Website": "Website",
    "Platform": "Platform",
    "Handle": "Gebruikersnaam",
    "Name": "Naam",
    "Outcome": "Resultaat",
    "Profile checklist": "Checklist profiel",
    "Fix:": "Oplossing:",
    "No flags.": "Geen meldingen.",
    "The posts behind the numbers": "De berichten achter de cijfers",
    "Crawl notes": "Opmerkingen bij het ophalen",
    "Could not be audited: check by hand": "Niet te controleren: handmatig nakijken",
    "What the flags mean": "Wat de meldingen betekenen",
    "Unknown is not zero.": "Onbekend is niet nul.",
    ("“n/a” means the value could not be observed, and the reason is given beside it; it never "
     "means 0. A profile that could not be read (login wall, block, rate limit, error) is never "
     "judged on activity and is never called dead."):
        ("“n.v.t.” betekent dat de waarde niet kon worden waargenomen; de reden staat erbij. Het "
         "betekent nooit 0. Een profiel dat niet gelezen kon worden (inlogmuur, blokkade, rate "
         "limit, fout), wordt nooit op activiteit beoordeeld en nooit dood genoemd."),
    ("Every number is counted back from the audit date ({date}); definitions are in "
     "docs/metrics.md."):
        ("Elk getal is teruggerekend vanaf de peildatum ({date}); de definities staan in "
         "docs/metrics.md."),
    "Generated {moment} by social presence auditor {version}.":
        "Gemaakt op {moment} door social presence auditor {version}.",
    # auditor/report/brief.py
    "Generated {moment} by social presence auditor {version}; activity window {window}.":
        "Gemaakt op {moment} door social presence auditor {version}; meetperiode {window}.",
    "Most useful fixes:": "Wat het meest oplevert:",
    "No flags on {n} profile.": "Geen meldingen op {n} profiel.",
    "No flags on {n} profiles.": "Geen meldingen op {n} profielen.",
    "WARNING:": "WAARSCHUWING:",
    "last post {last} · {per_week} posts/week · replies {replies} · profile {score}":
        "laatste bericht {last} · {per_week} berichten/week · reacties {replies} · "
        "profiel {score}",
    "n/a = could not be measured (not zero); unreadable profiles are never judged dead.":
        "n.v.t. = niet te meten (niet nul); onleesbare profielen worden nooit dood genoemd.",
    "no profiles listed": "geen profielen opgegeven",
    "{flags} ({counts}) on {flagged} of {profiles}.":
        "{flags} ({counts}) op {flagged} van {profiles}.",
    # auditor/report/html.py: evidence labels
    "address": "adres",
    "automation signs": "tekenen van automatisering",
    "checklist": "checklist",
    "created": "aangemaakt",
    "cross-posted posts": "elders herhaalde berichten",
    "cross-posted with": "herhaald op",
    "days covered": "gedekte dagen",
    "detail": "toelichting",
    "finding": "bevinding",
    "last post": "laatste bericht",
    "last post link": "link naar het laatste bericht",
    "link-only posts": "berichten met alleen een link",
    "missing": "ontbreekt",
    "most common minute": "meest voorkomende minuut",
    "originals": "eigen berichten",
    "outcome": "uitkomst",
    "own posts": "eigen berichten",
    "posts compared": "vergeleken berichten",
    "posts ever": "berichten ooit",
    "replies": "reacties",
    "score": "score",
    "share at that minute": "aandeel op die minuut",
    "share cross-posted": "aandeel elders herhaald",
    "share of link-only posts": "aandeel berichten met alleen een link",
    "source": "bron",
    "thread replies": "vervolgberichten",
    "threshold": "drempel",
    "threshold (days)": "drempel (dagen)",
    # auditor/metrics.py
    "posts could not be read (the platform's post list did not answer)":
        "berichten konden niet worden gelezen (de berichtenlijst van het platform gaf geen "
        "antwoord)",
    # adapters' unobservable reasons
    "YouTube shows a channel's business e-mail only after a captcha; the description and "
    "links name no e-mail, phone or contact page":
        "YouTube toont het zakelijke e-mailadres van een kanaal pas na een captcha; de "
        "beschrijving en links noemen geen e-mailadres, telefoonnummer of contactpagina",
    "Telegram channels have no banner image": "Telegramkanalen hebben geen bannerafbeelding",
    "a website has no banner image": "een website heeft geen bannerafbeelding",
    # auditor/audit.py: what the website links to
    "the organisation's website {website} does not link to this profile":
        "de website van de organisatie ({website}) linkt niet naar dit profiel",
    "the website could not be read ({outcome}), so its links to the profiles are unknown":
        "de website kon niet worden gelezen ({outcome}); of hij naar de profielen linkt, is "
        "onbekend",
    "the website links to {link}, which is not in the audit list":
        "de website linkt naar {link}, dat niet in de auditlijst staat",
    "the website links to {network}, a network that closed in {year}: {link}":
        "de website linkt naar {network}, een netwerk dat in {year} is gesloten: {link}",
    "the website links to {profile}": "de website linkt naar {profile}",
    "the website links to {profile}, which no longer exists":
        "de website linkt naar {profile}, dat niet meer bestaat",
    # outcome details (auditor/platforms/base.py, walled.py), translated where shown
    "HTTP 404: no such account": "HTTP 404: dit account bestaat niet",
    "HTTP 410: the account was suspended or deleted":
        "HTTP 410: het account is geschorst of verwijderd",
    "HTTP 451: unavailable for legal reasons": "HTTP 451: om juridische redenen niet beschikbaar",
    "the server refuses logged-out access": "de server weigert bezoekers die niet zijn ingelogd",
    "not crawled logged out": "niet uitgelezen zonder in te loggen",
    "Facebook shows pages only to logged-in users: check by hand the date of the newest "
    "post, whether comments are answered, the About section (website, phone, e-mail, "
    "opening hours) and the profile and cover photo":
        "Facebook toont pagina's alleen aan ingelogde gebruikers: controleer handmatig de datum "
        "van het nieuwste bericht, of reacties worden beantwoord, de Info-sectie (website, "
        "telefoon, e-mail, openingstijden) en de profiel- en omslagfoto",
    "Instagram shows only a preview to logged-out readers: check by hand the date of the "
    "newest post (pinned posts aside), whether comments are answered, and the bio, link and "
    "profile photo":
        "Instagram toont niet-ingelogde bezoekers alleen een voorproefje: controleer handmatig "
        "de datum van het nieuwste bericht (vastgezette berichten niet meegerekend), of "
        "reacties worden beantwoord, en de bio, link en profielfoto",
    "LinkedIn shows company pages only to logged-in members: check by hand the last post "
    "date on the Posts tab, whether the About section has a website and phone, and the logo "
    "and cover image":
        "LinkedIn toont bedrijfspagina's alleen aan ingelogde leden: controleer handmatig de "
        "datum van het laatste bericht op het tabblad Posts, of de Info-sectie een website en "
        "telefoonnummer heeft, en het logo en de omslagafbeelding",
    "Reddit blocks logged-out crawlers: check by hand the date of the newest post or "
    "comment, whether the account answers in its threads, and the profile's description and "
    "avatar":
        "Reddit blokkeert crawlers die niet zijn ingelogd: controleer handmatig de datum van "
        "het nieuwste bericht of de nieuwste reactie, of het account in zijn threads antwoordt, "
        "en de beschrijving en avatar van het profiel",
    "Threads shows little to logged-out readers: check by hand the date of the newest post, "
    "whether replies are answered, and the bio, link and photo":
        "Threads toont weinig aan niet-ingelogde bezoekers: controleer handmatig de datum van "
        "het nieuwste bericht, of reacties worden beantwoord, en de bio, link en foto",
    "TikTok lists videos only through a signed, logged-in API: check by hand the date of the "
    "newest video (pinned videos aside), whether comments are answered, and the bio, link "
    "and photo":
        "TikTok toont video's alleen via een ondertekende API voor ingelogde gebruikers: "
        "controleer handmatig de datum van de nieuwste video (vastgezette video's niet "
        "meegerekend), of reacties worden beantwoord, en de bio, link en foto",
    "X shows profiles and posts only to logged-in users: check by hand the date of the "
    "newest post (pinned posts aside), whether the account answers replies, and the bio, "
    "website link, avatar and header image":
        "X toont profielen en berichten alleen aan ingelogde gebruikers: controleer handmatig "
        "de datum van het nieuwste bericht (vastgezette berichten niet meegerekend), of het "
        "account op reacties antwoordt, en de bio, websitelink, avatar en headerafbeelding",
    # templates/report.html: large audits
    "Profile": "Profiel",
    "This audit has {n} profiles: each is one row of the tables below, without charts; "
    "report.json holds every number and all evidence.":
        "Deze audit telt {n} profielen: elk is één rij in de tabellen hieronder, zonder "
        "grafieken; report.json bevat alle getallen en al het bewijs.",
    "the channel page was cut short (ytInitialData truncated): only its meta tags were read, "
    "which show no links or banner":
        "de kanaalpagina was afgebroken (ytInitialData onvolledig): alleen de metatags zijn "
        "gelezen, en die tonen geen links of banner",
}
