"""One profile's card in the view model: its metrics, checklist, flags and evidence, and
the posts behind the numbers, in the audit's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from auditor.audit import ProfileResult
from auditor.i18n import Translator
from auditor.messages import Msg, known_text
from auditor.metrics import MIN_POSTS_FOR_AUTOMATION, Completeness, Metrics
from auditor.models import ProfileRecord
from auditor.report import clean_text
from auditor.report.audience import audience_view
from auditor.report.charts import ChartView, Column, Segment, bar_chart
from auditor.report.evidence import check_labels, flag_view
from auditor.report.format import (
    BIO_CHARS,
    CHECK_MARKS,
    CODE_RANK,
    HANDLE_CHARS,
    NA,
    NAME_CHARS,
    NOTE_CHARS,
    NOTES_SHOWN,
    POST_TEXT_CHARS,
    POSTS_SHOWN,
    SEVERITY_RANK,
    URL_CHARS,
    days_ago,
    format_date,
    format_datetime,
    kind_text,
    not_available,
    number,
    percent,
    web_url,
    zone_name,
)
from auditor.report.overview import (
    platform_name,
    profile_state,
    recognisable_name,
    short_name,
)
from auditor.report.viewmodel import (
    CheckView,
    LinkView,
    MetricView,
    PostView,
    ProfileView,
)
from auditor.verdicts import (
    FLAG_CODES,
    JUDGED_OUTCOMES,
    MISSING_OUTCOMES,
    SEVERITIES,
    outcome_message,
)


def profile_view(anchor: str, result: ProfileResult, t: Translator, *,
                  compact: bool = False) -> ProfileView:
    record, metrics = result.record, result.metrics
    facts = record.profile
    flags = tuple(flag_view(flag, t) for flag in sorted(
        result.flags,
        key=lambda flag: (SEVERITY_RANK.get(flag.severity, len(SEVERITIES)),
                          CODE_RANK.get(flag.code, len(FLAG_CODES)), flag.code),
    ))
    if record.outcome in JUDGED_OUTCOMES:  # read, or observed by hand (auditor.observed)
        outcome_class = "ok"
    elif record.outcome in MISSING_OUTCOMES:
        outcome_class = "missing"
    else:
        outcome_class = "unread"
    reasons = metrics.null_reasons
    completeness = metrics.completeness
    posts, posts_more = ((), "") if compact else _post_views(record, metrics, t)
    charted = record.outcome == "ok" and not compact
    handle = clean_text(record.handle, HANDLE_CHARS)
    display_name = clean_text(facts.display_name if facts else None, NAME_CHARS)
    url_text = clean_text(record.url, URL_CHARS)
    name = recognisable_name(handle, display_name, url_text)
    return ProfileView(
        anchor=anchor,
        url=LinkView(url_text, web_url(record.url)),
        platform=clean_text(record.platform, 40),
        handle=handle,
        display_name=display_name,
        bio=clean_text(facts.bio if facts else None, BIO_CHARS, multiline=True),
        outcome=clean_text(record.outcome, 40),
        outcome_text=t.msg(outcome_message(record.outcome)),
        outcome_detail=clean_text(t.msg(known_text(record.outcome_detail)), NOTE_CHARS),
        outcome_class=outcome_class,
        worst_severity=flags[0].severity if flags else "",
        last_post=format_date(metrics.last_post_at, t),
        days_since=days_ago(metrics.days_since_last_post, t),
        posts_per_week=number(metrics.posts_per_week, t),
        reply_share=percent(metrics.reply_share, t),
        score=t(NA) if completeness.score is None else f"{completeness.score}/100",
        metrics=_observed(_metric_views(record.outcome, metrics, reasons, t), record, t),
        checks=_check_views(completeness, t),
        score_text=_score_text(completeness, t),
        flags=flags,
        notes=tuple(clean_text(t.msg(known_text(note)), NOTE_CHARS)
                    for note in record.notes[:NOTES_SHOWN]),
        timeline=_timeline(metrics, record.replies_observable, t) if charted else None,
        weekdays=_weekday_chart(metrics, t) if charted and metrics.own_posts else None,
        hours=_hour_chart(metrics, t) if charted and metrics.own_posts else None,
        posts=posts,
        posts_more=posts_more,
        state=profile_state([(f.code, f.severity) for f in flags], outcome_class, t),
        platform_name=platform_name(clean_text(record.platform, 40), t),
        name=name,
        short_name=short_name(name),
        audience=audience_view(result, t),
    )


def _timeline(metrics: Metrics, replies_shown: bool, t: Translator) -> ChartView:
    columns = []
    for bucket in metrics.weekly:
        start = bucket.start.isoformat()
        if not bucket.covered:
            title = t("week of {date}: not covered by the sample (unknown)", date=start)
            columns.append(Column(bucket.start.strftime("%d-%m"), (), title, known=False))
            continue
        title = t("week of {date}: {posts} posts, {replies} replies, {reposts} reposts",
                  date=start, posts=bucket.posts, replies=bucket.replies,
                  reposts=bucket.reposts)
        columns.append(Column(bucket.start.strftime("%d-%m"),
                              (Segment("posts", bucket.posts), Segment("replies", bucket.replies),
                               Segment("reposts", bucket.reposts)), title))
    legend = [("posts", t("posts")), ("reposts", t("reposts"))]
    if replies_shown:
        legend.insert(1, ("replies", t("replies to others")))
    legend.append(("unknown", t("not covered (unknown)")))
    return bar_chart(columns, caption=t("Posts per week over the last {days} days",
                                        days=metrics.window_days),
                     legend=legend, label_every=3)


def _weekday_chart(metrics: Metrics, t: Translator) -> ChartView:
    names = [t("Mon"), t("Tue"), t("Wed"), t("Thu"), t("Fri"), t("Sat"), t("Sun")]
    columns = [Column(name, (Segment("posts", count),), f"{name}: {count}")
               for name, count in zip(names, metrics.local_weekday_profile
                                      or metrics.weekday_profile, strict=True)]
    return bar_chart(columns, caption=t("Own posts per weekday"), legend=(), height=80)


def _hour_chart(metrics: Metrics, t: Translator) -> ChartView:
    zone = zone_name(t)
    columns = [Column(f"{hour:02d}", (Segment("posts", count),),
                      f"{hour:02d}:00 {zone}: {count}")
               for hour, count in enumerate(metrics.local_hour_profile
                                            or metrics.hour_profile)]
    return bar_chart(columns, caption=t("Own posts per hour of the day ({zone})", zone=zone),
                     legend=(),
                     height=80, column_width=12, label_every=6)


def _post_views(record: ProfileRecord, metrics: Metrics,
                t: Translator) -> tuple[tuple[PostView, ...], str]:
    if record.outcome != "ok" or not record.items:
        return (), ""
    items = sorted(record.items, key=lambda item: item.published_at, reverse=True)
    shown = items[:POSTS_SHOWN]
    views = tuple(PostView(
        date=format_datetime(item.published_at, t),
        kind=kind_text(item.kind, t) + (f" · {t('pinned')}" if item.pinned else "")
        + (f" · {clean_text(item.format, 20)}" if item.format else ""),
        link=LinkView(clean_text(item.url or item.id, URL_CHARS), web_url(item.url)),
        text=clean_text(item.text, POST_TEXT_CHARS),
    ) for item in shown)
    hidden = len(items) - len(shown)
    more = t.n(hidden, "… {n} more item in report.json's records (records.jsonl)",
               "… {n} more items in report.json's records (records.jsonl)") if hidden else ""
    return views, more


def _observed(views: tuple[MetricView, ...], record: ProfileRecord,
              t: Translator) -> tuple[MetricView, ...]:
    """An observed profile's numbers, each with who observed it and when (provenance)."""
    if record.outcome != "observed" or not record.outcome_detail:
        return views
    seen = t.msg(known_text(record.outcome_detail))
    return tuple(replace(view, basis=seen) if view.known else view for view in views)


def _metric_views(outcome: str, metrics: Metrics, reasons: Mapping[str, Msg],
                  t: Translator) -> tuple[MetricView, ...]:
    def why(name: str, otherwise: str) -> str:
        reason = reasons.get(name)
        return t.msg(reason) if reason is not None else otherwise

    def unknown(label: str, name: str) -> MetricView:
        return MetricView(label, not_available(why(name, t("not measured")), t), "", False)

    if outcome not in JUDGED_OUTCOMES:
        # Nothing was measured: one line says why instead of five identical ones.
        return (MetricView(t("Activity"), not_available(why("last_post_at",
                                                            t("profile not read")), t),
                           "", False),)
    views: list[MetricView] = []
    if metrics.last_post_at is None:
        views.append(unknown(t("Last post"), "last_post_at"))
    else:
        source = {"items": t("the newest fetched item"),
                  "platform": t("the date the platform reports (no post fetched)")}
        basis = source.get(metrics.last_post_source or "", "")
        views.append(MetricView(t("Last post"), format_date(metrics.last_post_at, t), basis,
                                True, web_url(metrics.last_post_url)))
    if metrics.days_since_last_post is None:
        views.append(unknown(t("Days since last post"), "days_since_last_post"))
    else:
        views.append(MetricView(t("Days since last post"),
                                days_ago(metrics.days_since_last_post, t),
                                t("counted back from the audit date"), True))
    if metrics.posts_per_week is None:
        views.append(unknown(t("Posts per week"), "posts_per_week"))
    else:
        views.append(MetricView(t("Posts per week"), number(metrics.posts_per_week, t),
                                _rate_basis(metrics, t), True))
    if metrics.median_gap_days is None:
        views.append(unknown(t("Gap between posts"), "median_gap_days"))
    else:
        views.append(MetricView(
            t("Gap between posts"),
            t("median {median} days, longest {longest} days",
              median=number(metrics.median_gap_days, t),
              longest=number(metrics.longest_gap_days, t)),
            t("between consecutive own posts in the covered span"), True))
    if metrics.reply_share is None:
        views.append(unknown(t("Reply share"), "reply_share"))
    else:
        views.append(MetricView(t("Reply share"), percent(metrics.reply_share, t),
                                t.n(metrics.own_posts, "{replies} of {n} own post",
                                    "{replies} of {n} own posts", replies=metrics.replies),
                                True))
    if metrics.median_response_hours is not None:  # Facebook pages read with their token
        views.append(MetricView(
            t("Response to visitors' comments"),
            t("median {hours} hours", hours=number(metrics.median_response_hours, t)),
            t.n(metrics.responses_timed, "{n} answer timed", "{n} answers timed"), True))
    if metrics.repost_share is None:
        views.append(unknown(t("Repost share"), "repost_share"))
    else:
        views.append(MetricView(t("Repost share"), percent(metrics.repost_share, t),
                                t.n(metrics.items_in_window, "{reposts} of {n} item",
                                    "{reposts} of {n} items", reposts=metrics.reposts),
                                True))
    if metrics.posts_total is not None:
        views.append(MetricView(t("Posts ever"), str(metrics.posts_total),
                                t("as the platform counts them"), True))
    auto = metrics.automation
    if auto.basis >= MIN_POSTS_FOR_AUTOMATION:
        parts = [t("{share} at minute {minute}", share=percent(auto.same_minute_share, t),
                   minute=f"{auto.top_minute:02d}" if auto.top_minute is not None else "--")]
        if auto.own_link_share is not None:
            parts.append(t("{share} only a link to the own site",
                           share=percent(auto.own_link_share, t)))
        if auto.crossposted_share is not None:
            parts.append(t("{share} also on another profile",
                           share=percent(auto.crossposted_share, t)))
        views.append(MetricView(t("Automation signs"), "; ".join(parts),
                                t.n(auto.basis, "over {n} own post", "over {n} own posts"),
                                True))
    return tuple(views)


def _rate_basis(metrics: Metrics, t: Translator) -> str:
    covered = metrics.covered_days
    posts = t.n(metrics.own_posts, "{n} own post", "{n} own posts")
    if covered is None or covered >= metrics.window_days:
        span = t("over the {days}-day window", days=metrics.window_days)
    else:
        span = t("over {covered} of the {days} window days (the sample covers less)",
                 covered=number(covered, t), days=metrics.window_days)
    text = f"{posts} {span}, " + t.n(metrics.sampled_items, "{n} item sampled",
                                      "{n} items sampled")
    if metrics.page_cap_cut_sample:
        text += "; " + t("the page cap stopped the sample")
    return text


def _check_views(completeness: Completeness, t: Translator) -> tuple[CheckView, ...]:
    words = {"yes": t("yes"), "no": t("no"), "unknown": t("unknown")}
    views: list[CheckView] = []
    for name, value in completeness.checks.items():
        mark, state = CHECK_MARKS.get(value, CHECK_MARKS[None])
        label = check_labels(t)
        views.append(CheckView(
            name=clean_text(name, 40),
            label=label.get(name, clean_text(name, 40)),
            mark=mark,
            state=state,
            state_text=words[state],
            note=clean_text(t.msg(completeness.notes.get(name)), NOTE_CHARS),
        ))
    return tuple(views)


def _score_text(completeness: Completeness, t: Translator) -> str:
    if completeness.score is not None:
        applicable = sum(1 for value in completeness.checks.values() if value is not None)
        return t.n(applicable, "{score}/100 over {n} applicable item",
                   "{score}/100 over {n} applicable items", score=completeness.score)
    notes = {t.msg(note) for note in completeness.notes.values()}
    reason = notes.pop() if len(notes) == 1 else t("no checklist item could be observed")
    return not_available(reason, t)
