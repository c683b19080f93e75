"""The source catalogue: every message id and its English text.

Each id names one thing the audit can say (auditor.messages); the English text is the
gettext msgid translators see beside it (auditor/locale/). Placeholders are Python's:
``{days}``; ``{share:%}`` a share as a percentage, ``{outcome:outcome}`` an outcome code in
words, ``{name:check}`` a checklist item in words. A pair is (singular, plural), chosen by
the parameter ``n``. The ``detail.*`` texts are what the adapters store in records; their
placeholders match any text when a stored detail is read back (``messages.known_text``).
"""

from __future__ import annotations

from typing import Final

#: A message's English text: one template, or (singular, plural) chosen by ``n``.
Template = str | tuple[str, str]

#: The source catalogue: id -> English text. Grouped by who says it.
ENGLISH: Final[dict[str, Template]] = {
    # special
    "text": "{text}",
    "join": "{parts}",
    # outcomes in words ({outcome:outcome})
    "outcome.ok": "read",
    "outcome.not_found": "not found",
    "outcome.gone": "gone",
    "outcome.login_wall": "login wall",
    "outcome.robots_disallowed": "robots.txt forbids it",
    "outcome.blocked": "blocked",
    "outcome.rate_limited": "rate limited",
    "outcome.preview_disabled": "preview disabled",
    "outcome.unsupported": "unsupported",
    "outcome.error": "error",
    "outcome.observed": "observed by hand",
    # checklist items in words ({name:check})
    "check.photo": "photo",
    "check.display_name": "display name",
    "check.bio": "bio",
    "check.contact": "contact details",
    "check.website": "website link",
    "check.banner": "banner image",
    "check.with_note": "{label} ({note})",
    # auditor/verdicts.py: flag reasons
    "flag.gone.moved": "the account moved to {target}",
    "flag.gone.not_found": "the listed account does not exist",
    "flag.gone.deleted": "the account was suspended or deleted",
    "flag.unauditable": "could not be audited: {outcome:outcome}",
    "flag.unauditable.detail": "could not be audited: {outcome:outcome} ({detail})",
    "flag.never_used": ("{n} post ever, threshold {threshold}",
                        "{n} posts ever, threshold {threshold}"),
    "flag.last_post": "last post {days} days ago, threshold {threshold}",
    "flag.broadcast_only": ("{share:%} of {posts} own posts in the last {days} days are "
                            "replies to others, threshold {threshold:%}"),
    "flag.automated.own_link": ("{share:%} of {posts} own posts are only a link to the own "
                                "website (threshold {threshold:%})"),
    "flag.automated.same_minute": ("{share:%} of posts go out at minute {minute} past the "
                                   "hour (threshold {threshold:%})"),
    "flag.automated.crosspost": ("{share:%} of own posts repeat the text of {profiles} "
                                 "(threshold {threshold:%})"),
    "flag.incomplete": "missing: {items}; completeness {score}/100",
    # auditor/verdicts.py: what to do about each flag
    "fix.GONE": "Remove the link from your website and materials, or claim the account again.",
    "fix.NEVER_USED": ("Start using the account or close it; an empty account suggests nobody "
                       "answers."),
    "fix.DEAD": ("Post again and answer questions, or close the account and say where to go "
                 "instead."),
    "fix.STALE": "Plan regular posts; followers notice a silence of weeks.",
    "fix.BROADCAST_ONLY": ("Answer questions and react to followers instead of only posting "
                           "news."),
    "fix.INCOMPLETE": "Fill in the missing profile items; a photo matters most.",
    "fix.UNAUDITABLE": "Check this profile by hand; the auditor could not read it.",
    "fix.AUTOMATED": "Show that a person is behind the account: {advice}.",
    "fix.automated.own_link": ("write posts that say something themselves, not only a link to "
                               "your website"),
    "fix.automated.same_minute": ("post by hand at varied moments, not always at the same "
                                  "minute past the hour"),
    "fix.automated.crosspost": ("write for each network instead of the same text everywhere: "
                                "automatic cross-posting reads as nobody being there"),
    "fix.automated.any": "post and answer by hand",
    "fix.INCONSISTENT": ("Use the same name, photo and website link on every profile, and "
                         "link every profile from your website."),
    # auditor/metrics.py: why a metric is null
    "null.not_read": "profile not read (outcome {outcome})",
    "null.posts_unread": "posts could not be read (the platform's post list did not answer)",
    "null.never_posted": "the account has never posted",
    "null.no_public_post": "no public post was seen",
    "null.no_post_fetched": "no post was fetched and the history was not fully read",
    "null.short_span": "the covered span is shorter than a day",
    "null.replies_not_shown": "not measurable: {platform} does not show replies",
    "null.few_own_posts": "only {posts} own posts in the window; at least {minimum} needed",
    "null.few_items": "only {items} items in the window; at least {minimum} needed",
    "null.gap_needs_two": "{posts} own post(s) in the span; a gap needs two",
    "null.response_time_not_shown": ("not measurable: the auditor does not read who answers "
                                     "visitors' comments on {platform}"),
    "null.no_answer_timed": "no answer to a visitor's comment in the span",
    # auditor/engagement.py: audience and engagement
    "null.followers_hidden": "{platform} does not show a follower count for this profile",
    "null.no_originals": "no original post in the window",
    "null.no_counts": "{platform} shows no interaction counts for these posts",
    "null.no_views": "{platform} does not count views of these posts",
    "null.no_followers": "the profile has no followers to compare with",
    "null.few_counted": ("only {posts} original posts with interaction counts; at least "
                         "{minimum} needed"),
    "null.slots_thin": "no weekday or hour has {minimum} or more counted posts",
    # auditor/observed.py: profiles observed by hand (the observation sheet)
    "null.observed_missing": "left empty on the observation sheet: {what} ({provenance})",
    "null.observed_not_asked": "the observation sheet does not ask for {what}",
    "observed.last_post": "the last post date",
    "observed.posts": "the number of posts",
    "observed.replies": "how many posts answer someone else",
    "observed.reposts": "reposts",
    "observed.gaps": "the gaps between posts",
    "observed.interactions": "interaction counts",
    "observed.followers": "the number of followers",
    "note.not_on_sheet": "the observation sheet does not ask for it",
    "note.not_observed": "left empty on the observation sheet (unknown)",
    "flag.observed": "{reason}; {provenance}",
    # auditor/metrics.py: checklist notes
    "note.not_read": "profile not read",
    "note.default_avatar": "the platform's default avatar",
    "note.no_avatar": "no avatar",
    "note.bad_avatar": "the avatar is not an image address (only http and https are)",
    "note.not_shown": "not shown by the platform",
    "note.empty": "empty",
    "note.only_handle": "only the handle",
    "note.short_bio": "only {count} characters",
    "note.no_contact": ("no e-mail address, phone number or contact link in the bio or "
                        "profile fields"),
    "note.default_banner": "the platform's default header image",
    # auditor/consistency.py
    "finding.display_name": ("display name “{name}” shares no word with “{usual}” used on the "
                             "organisation's other profiles"),
    "finding.avatar": "a different photo than the {count} other profiles that share one",
    "finding.website": "links to {hosts}, not to the organisation's website {website}",
    # auditor/audit.py: what the organisation's website links to
    "site.linked": "the website links to {profile}",
    "site.not_linked": "the organisation's website {website} does not link to this profile",
    "site.unlisted": "the website links to {link}, which is not in the audit list",
    "site.dead_network": ("the website links to {network}, a network that closed in {year}: "
                          "{link}"),
    "site.gone_profile": "the website links to {profile}, which no longer exists",
    "site.unreadable": ("the website could not be read ({outcome}), so its links to the "
                        "profiles are unknown"),
    # fixed texts the platform adapters store in records (outcome details, checklist notes),
    # found again by known_text(); tests/test_messages.py checks every adapter's are here
    "detail.http_404": "HTTP 404: no such account",
    "detail.http_410": "HTTP 410: the account was suspended or deleted",
    "detail.refuses_logged_out": "the server refuses logged-out access",
    "detail.http_451": "HTTP 451: unavailable for legal reasons",
    "detail.rate_limited": "rate limited",
    # spiders/pacing.py: a profile given up to a rate limit, and when to try again
    "detail.rate_limit_until": "try again from {time}, when {host} allows more requests",
    "detail.not_crawled": "not crawled logged out",
    "detail.cut_short": "not fetched: the crawl was cut short",
    "detail.no_such_account": "no such account",
    "detail.no_such_channel": "HTTP 404: no such channel",
    "detail.closed_api": "the server closes its API to logged-out clients",
    "detail.moved": "the account moved to {target}",
    "detail.taken_down": "the account was taken down by Bluesky",
    "detail.deactivated": "the account is deactivated",
    "detail.hidden_bluesky": ("the account asked Bluesky not to show it to logged-out readers "
                              "(label !no-unauthenticated); nothing about it was kept"),
    "detail.no_telegram_name": ("no Telegram channel or user is called @{name} (t.me shows an "
                                "empty contact page)"),
    "detail.preview_off": ("the owner turned the web preview of @{name} off: t.me/s/{path} "
                           "shows the contact card (title, description and photo read; no "
                           "posts)"),
    "detail.not_a_feed": "not a feed",
    "detail.html_page": "the server answered with an HTML page",
    "detail.empty_body": "the body is empty",
    "detail.captcha": "the server answered with a captcha page",
    "detail.login_redirect": "{what} was redirected to a login page ({path})",
    "detail.robots": "robots.txt forbids {url}",
    # spiders/manners.py: robots.txt unreadable (RFC 9309), the specific ones before the last
    "detail.robots_status": ("robots.txt could not be read (HTTP {status}), so nothing on this "
                             "host is fetched; try again later"),
    "detail.robots_timeout": ("robots.txt could not be read (no answer within {seconds} s), so "
                              "nothing on this host is fetched; try again later"),
    "detail.robots_broken": ("robots.txt could not be read (the connection broke off), so "
                             "nothing on this host is fetched; try again later"),
    "detail.robots_unreadable": ("robots.txt could not be read ({error}), so nothing on this "
                                 "host is fetched; try again later"),
    # spiders/manners.py, auditor/platforms/base.py: answers and redirects not read
    "detail.too_large": "the answer was larger than {size} and was not read",
    "detail.broke_off": "the connection broke off before the answer was complete",
    "detail.url_long": "the address is longer than {limit} characters and is not fetched",
    "detail.redirect_scheme": "redirected to a {scheme}: address, which is never followed",
    "detail.redirect_long": ("redirected to an address longer than {limit} characters, which is "
                             "never followed"),
    "detail.redirect_control": ("redirected to an address with a control character ({char}), "
                                "which is never followed"),
    "detail.not_in_replay": "not in replay: {url}",
    "detail.page_empty": "the page is empty",
    "detail.unexpected": "unexpected answer",
    # notes the adapters store in records about how the data was read (found again as
    # messages by known_text, like the details)
    "detail.feed_newest": ("the feed lists only its newest {n} entries with a date, back to "
                           "{oldest}; the window starts {start}, older posts are not visible"),
    "detail.feed_newest_one": ("the feed lists only its newest {n} entry with a date, back to "
                               "{oldest}; the window starts {start}, older posts are not "
                               "visible"),
    "detail.feed_no_dated": "the feed lists no dated entries",
    "detail.feed_named": "feed named by the page: {url}",
    "detail.feeds_named": "the page names {n} feeds; the first was read",
    "detail.feed_entities": "the feed declares its own XML entities; they were ignored",
    "detail.feed_long_words": ("an author or e-mail field of the feed held a word of over {n} "
                               "characters; it was broken up before reading"),
    "detail.parse_budget": ("reading {url} took longer than {seconds} s; the page was given "
                            "up"),
    "detail.first_entries": "only the first {max} of {total} entries were read",
    "detail.unreadable_entries": "{n} entries unreadable, skipped",
    "detail.unreadable_entry": "{n} entry unreadable, skipped",
    "detail.undated_entries": "{n} entries without a readable date, skipped",
    "detail.undated_entry": "{n} entry without a readable date, skipped",
    "detail.future_entries": "{n} entries dated more than a day after the fetch, skipped",
    "detail.future_entry": "{n} entry dated more than a day after the fetch, skipped",
    "detail.ancient_entries": "{n} entries dated before {date}, skipped",
    "detail.ancient_entry": "{n} entry dated before {date}, skipped",
    "detail.naive_entries": "{n} entries gave a time without a time zone; read as UTC",
    "detail.naive_entry": "{n} entry gave a time without a time zone; read as UTC",
    "detail.uploads_capped": ("sample limited to the {n} newest uploads (the uploads feed has "
                              "no paging)"),
    "detail.shorts": "{n} of {total} uploads are shorts",
    "detail.counters": "channel counters: {counters}",
    "detail.unreadable_messages": "{n} unreadable message(s) skipped",
    # auditor/platforms/mastodon.py: statuses not asked for, the lookup giving the verdict
    "detail.statuses_never": ("statuses not read: the server counts no post by this account, "
                              "so there is nothing to read"),
    "detail.statuses_old": ("statuses not read: the server dates the last post {date}, before "
                            "the audit window, so the verdict needs no more"),
    "detail.site_redirected": "the website redirected to {url}",
    "detail.site_contact_read": "links and contact details also read from the contact page {url}",
    "detail.site_contact_failed": "the contact page {url} could not be read ({reason})",
    "detail.no_site_markup": "no JSON-LD, OpenGraph, h-card or rel=me on the page",
    "detail.site_cut": ("the page is too large to read whole: only its first part was read, so "
                        "links further down are not known"),
    "detail.generic_description": ("the page's description is a generic text, not a summary "
                                   "of the organisation: {text}"),
    "detail.preview_offered": ("@{name} is a Telegram channel whose contact card offers a "
                               "preview, but t.me/s/{path} showed the card instead of messages "
                               "(title, description and photo read; no posts)"),
    "detail.no_ytinitialdata": "ytInitialData not found; profile read from the page's meta tags",
    "detail.uploads_missing": "uploads feed answered {status}; activity not known",
    # auditor/platforms/activitypub.py: fediverse servers read through ActivityPub
    "detail.authorized_fetch": "the server only answers signed requests (authorized fetch)",
    "detail.no_fediverse": "{host} answers neither the Mastodon API nor ActivityPub ({reasons})",
    "detail.no_activitypub": "{host} does not answer ActivityPub ({reasons})",
    "detail.tombstone": "the account was deleted (the server shows a Tombstone)",
    "detail.no_outbox": "the actor names no outbox",
    "detail.no_outbox_pages": "the outbox names no page of posts",
    "detail.outbox_oldest_first": ("the outbox lists its oldest posts first and does not say "
                                   "where its newest are, so its posts were not used"),
    "detail.outbox_links_only": ("the outbox lists its posts by address only, so replies "
                                 "cannot be told from other posts"),
    "detail.channel_via_owner": ("the channel's outbox gives its videos no dates; they were "
                                 "read from the outbox of {owner}"),
    "detail.undated_outbox_items": "{n} outbox item(s) without a date, skipped",
    "detail.unreadable_outbox_items": "{n} unreadable outbox item(s) skipped",
    "detail.next_other_host": "next page on another host ignored: {host}",
    "detail.outbox_loop": "the outbox leads back to a page already read",
    # X through its API (auditor.platforms.xapi; issue 14)
    "detail.x_no_token": ("not read, as there is no X API token (set AUDITOR_X_BEARER_TOKEN or "
                          "add it to the credentials file, see docs/platforms.md)"),
    "detail.x_token_unusable": "not read, as the X API token cannot be used ({problem})",
    "detail.x_over_ceiling": ("not read through the X API, as this run could cost up to "
                              "{cost}, over the ceiling of {ceiling} (raise [x] max_cost_usd "
                              "in the config to read X profiles)"),
    "detail.x_bad_token": ("the X API refused the token (HTTP 401) as mistyped, revoked or "
                           "regenerated; set AUDITOR_X_BEARER_TOKEN to the app's current "
                           "bearer token"),
    "detail.x_not_enrolled": ("the X API refused the app (HTTP 403, {reason}); attach the app "
                              "to a project in the X developer console and give it API "
                              "access"),
    "detail.x_no_credits": ("the X API refused the request (HTTP 402) as the developer "
                            "account has no credits left; add credits in the X developer "
                            "console"),
    "detail.x_rate_limited": ("HTTP 429: X's rate limit is reached; it allows more requests "
                              "at {time}"),
    "detail.x_protected": ("the account protects its posts: only followers it approved can "
                           "read them"),
    "detail.x_suspended": "the account is suspended",
    "detail.x_unexpected_user": "X API user lookup: unexpected answer",
    "detail.x_unexpected_posts": "X API posts: unexpected answer",
    "detail.x_reads": "X API: {users} user read(s) and {posts} post read(s), {cost}",
    "detail.x_depth_profile": ("X API depth profile: posts not read (the last post is dated "
                               "from the account's most_recent_tweet_id; [x] depth = "
                               "\"posts\" reads them)"),
    # Facebook pages and Instagram through Meta's Graph API (issue 14)
    "detail.meta_token_expired": ("the Meta access token has expired or was revoked (code "
                                  "190); make a new one and set it as docs/platforms.md says"),
    "detail.meta_permission": ("the Meta access token lacks a permission (code {code}); give "
                               "the app {permissions} and make the token again"),
    "detail.meta_rate_limited": ("Meta's rate limit is reached (code {code}); try again in "
                                 "{minutes} minutes"),
    "detail.meta_not_visible": ("the Graph API does not show this account with this token "
                                "(code 100); {why}"),
    "detail.meta_blocked": "Meta blocked the request for now (code 368)",
    "detail.meta_error": "Graph API error {code}",
    "detail.fb_no_token": ("not read, as there is no page access token for this page (Meta "
                           "lets an app read only pages its user manages or whose admin "
                           "granted it access; set AUDITOR_FB_PAGE_TOKEN or add the page "
                           "under [facebook.pages] in the credentials file, see "
                           "docs/platforms.md)"),
    "detail.fb_not_visible_why": ("a page access token reads only its own page; other pages "
                                  "need Meta's App Review"),
    "detail.fb_unexpected_page": "Graph API page: unexpected answer",
    "detail.fb_unanswered": ("{unanswered} of {comments} visitor comment(s) in the window not "
                             "answered"),
    "detail.fb_more_comments": "{posts} post(s) have more comments than the first 100 read",
    "detail.ig_no_token": ("not read, as there is no Meta token for Instagram (set "
                           "AUDITOR_META_TOKEN and AUDITOR_IG_USER_ID, your own professional "
                           "account, or add them to the credentials file, see "
                           "docs/platforms.md)"),
    "detail.ig_token_unusable": "not read, as the Meta token cannot be used ({problem})",
    "detail.ig_not_professional": ("Business Discovery reads only professional (business or "
                                   "creator) accounts, and this is a personal, private or "
                                   "age-restricted account, or none"),
    "detail.ig_not_visible_why": ("check AUDITOR_IG_USER_ID, the id of your own Instagram "
                                  "professional account"),
    "detail.ig_unexpected": "Business Discovery: unexpected answer",
    "unobservable.ig_banner": "Instagram profiles have no cover image",
    "detail.x_posts_not_needed": ("X API: posts not read: the account's newest post is dated "
                                  "{date}, before the audit window, so the verdict needs no "
                                  "more"),
    "detail.posts_too_early": "{n} post(s) dated before {date}, skipped",
    "detail.posts_too_late": "{n} post(s) dated more than a day after the fetch, skipped",
    "wall.linkedin": ("LinkedIn shows company pages only to logged-in members: check by hand "
                      "the last post date on the Posts tab, whether the About section has a "
                      "website and phone, and the logo and cover image"),
    "wall.x": ("X shows profiles and posts only to logged-in users: check by hand the date of "
               "the newest post (pinned posts aside), whether the account answers replies, "
               "and the bio, website link, avatar and header image"),
    "wall.facebook": ("Facebook shows pages only to logged-in users: check by hand the date of "
                      "the newest post, whether comments are answered, the About section "
                      "(website, phone, e-mail, opening hours) and the profile and cover "
                      "photo"),
    "wall.instagram": ("Instagram shows only a preview to logged-out readers: check by hand "
                       "the date of the newest post (pinned posts aside), whether comments "
                       "are answered, and the bio, link and profile photo"),
    "wall.threads": ("Threads shows little to logged-out readers: check by hand the date of "
                     "the newest post, whether replies are answered, and the bio, link and "
                     "photo"),
    "wall.tiktok": ("TikTok lists videos only through a signed, logged-in API: check by hand "
                    "the date of the newest video (pinned videos aside), whether comments are "
                    "answered, and the bio, link and photo"),
    "wall.reddit": ("Reddit blocks logged-out crawlers: check by hand the date of the newest "
                    "post or comment, whether the account answers in its threads, and the "
                    "profile's description and avatar"),
    "wall.linkedin_person": ("LinkedIn shows a person's profile only to logged-in members: "
                             "check by hand the photo, the headline, the About section and "
                             "recent activity (the date of the newest post or comment, and "
                             "whether they answer people)"),
    "detail.observed": "observed by hand by {observer} on {date}",
    "unobservable.walled_contact": "a logged-out reader sees no contact details",
    "unobservable.walled_website": "a logged-out reader sees no website link",
    "unobservable.walled_banner": "a logged-out reader sees no cover image",
    "unobservable.feed_banner": "feeds have no banner image",
    "unobservable.telegram_banner": "Telegram channels have no banner image",
    "unobservable.website_banner": "a website has no banner image",
    "unobservable.feed_contact": ("the feed names no contact (no e-mail in managingEditor, "
                                  "webMaster or the author, none in the description); feeds "
                                  "seldom carry one"),
    "unobservable.youtube_contact": ("YouTube shows a channel's business e-mail only after a "
                                     "captcha; the description and links name no e-mail, "
                                     "phone or contact page"),
    "unobservable.youtube_cut": ("the channel page was cut short (ytInitialData truncated): "
                                 "only its meta tags were read, which show no links or banner"),
    # auditor/changes.py: what changed since the last audit
    "change.read_again": ("read again; run {run} could not read it ({outcome}) and kept the "
                          "verdict of run {standing}"),
    "change.flag_new": "new flag {code} ({severity}): {reason}",
    "change.flag_cleared": "{code} cleared (was: {reason})",
    "change.last_post": "last post {days} days ago",
    "change.no_post_seen": "no post seen",
    "change.went_quiet": "went quiet ({flags}): {last}",
    "change.came_back": "came back: posted again {date} ({days} days ago); was {flags}",
    "change.came_back_undated": "came back: posting again; was {flags}",
    "change.activity": "{before} became {after}: {last}",
    "change.completeness": "completeness {before} → {after}/100",
    "change.completeness_detail": "completeness {before} → {after}/100 ({detail})",
    "change.now_has": "now has: {items:check}",
    "change.now_missing": "now missing: {items:check}",
    "change.name_set": "name set: “{name}”",
    "change.name_removed": "name removed (was “{name}”)",
    "change.new_name": "new name: “{before}” → “{after}”",
    "change.new_bio": "new bio",
    "change.new_photo": "new profile photo",
    "change.since_run": "run {run}",
    "change.since_last": "the last audit",
    "change.posts_unknown": "posts since {since} unknown",
    "change.posts_deleted": "the post count fell by {count} since {since} (posts deleted)",
    "change.posts_between": ("{n} post since {since}", "{n} posts since {since}"),
    "change.posts_between_days": ("{n} post since {since} ({days} days)",
                                  "{n} posts since {since} ({days} days)"),
    "change.at_least_posts_between": ("at least {n} post since {since}",
                                      "at least {n} posts since {since}"),
    "change.at_least_posts_between_days": ("at least {n} post since {since} ({days} days)",
                                           "at least {n} posts since {since} ({days} days)"),
    "change.rate": "{before} → {after} posts a week",
    "change.followers": "{before} → {after} followers ({delta})",
    "change.never_read": ("not re-checked ({outcome}); no earlier run could read it either, "
                          "so there is no verdict to keep"),
    "change.not_rechecked": ("not re-checked ({outcome}), last known verdict from run {run}: "
                             "{flags}"),
    "change.first_read": "read for the first time (before: {outcome}): {flags}",
    "change.added": "newly listed: {flags}",
    "change.added_unread": "newly listed; could not be read ({outcome})",
    "change.removed": "no longer listed in the config",
    "change.no_flags": "no flags",
    "change.unknown": "unknown",
    "summary.flags": ("{n} new flag, {cleared} cleared", "{n} new flags, {cleared} cleared"),
    "summary.went_quiet": ("{n} account went quiet", "{n} accounts went quiet"),
    "summary.came_back": ("{n} account came back", "{n} accounts came back"),
    "summary.not_rechecked": ("{n} profile not re-checked", "{n} profiles not re-checked"),
    "summary.profile_changes": ("{n} profile with a new name, bio or photo",
                                "{n} profiles with a new name, bio or photo"),
    "summary.completeness": ("{n} completeness change", "{n} completeness changes"),
    "summary.listed": "{added} newly listed, {removed} no longer listed",
    "summary.first_read": ("{n} profile read for the first time",
                           "{n} profiles read for the first time"),
    "summary.none": "no changes",
}
