"""Words of the Operations page: headline figures of a period, the length of its buckets, and the text
summaries of its charts. Pure functions of the API's monitoring payload and a translator."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dashboard.i18n import ENGLISH, Translator
from dashboard.text import is_number


def _total(buckets: Iterable[Mapping], key: str) -> int:
    return sum(b.get(key) or 0 for b in buckets)


def _milliseconds(value: float, t: Translator) -> str:
    return t.gettext("{value} ms").format(value=t.number(value))


def errors_by_code(buckets: Iterable[Mapping]) -> dict[str, int]:
    """The period's error answers by HTTP status."""
    errors: dict[str, int] = {}
    for b in buckets:
        for code, count in (b.get("errors") or {}).items():
            errors[code] = errors.get(code, 0) + count
    return errors


def split_errors(errors: Mapping[str, int]) -> tuple[int, int]:
    """(service errors: 5xx, requests refused for what they asked: 4xx, such as an unknown client ID)."""
    server = sum(n for code, n in errors.items() if code.startswith("5"))
    return server, sum(errors.values()) - server


def totals(buckets: Sequence[Mapping], t: Translator = ENGLISH) -> list[tuple[str, str]]:
    """Headline figures of the period, as (label, value): the service's own errors (5xx) apart from the
    requests it refused for their input or rights (4xx: an applicant's mistyped ID is not a failure)."""
    _ = t.gettext
    requests = _total(buckets, "requests")
    server, refused_requests = split_errors(errors_by_code(buckets))
    scores = _total(buckets, "scores")
    refused = sum((b.get("refusal_rate") or 0) * (b.get("scores") or 0) for b in buckets)
    p95 = [b["latency_ms_p95"] for b in buckets if is_number(b.get("latency_ms_p95"))]

    def share(count: int) -> str:
        return f"{t.number(count)} ({t.percent(count / requests) if requests else _('none')})"

    return [
        (_("Requests"), t.number(requests)),
        (_("Service errors (5xx)"), share(server)),
        (_("Requests refused (4xx)"), share(refused_requests)),
        (_("Scores given"), t.number(scores)),
        (_("Refusal rate"), t.percent(refused / scores) if scores else _("no score")),
        (_("Slowest 95th percentile"), _milliseconds(max(p95), t) if p95 else _("not measured")),
    ]


def bucket_words(bucket: str, t: Translator = ENGLISH) -> str:
    """A bucket length such as '5m', '1h' or '1d' in words ('5 minutes', '1 hour'); as it is if unreadable."""
    number, unit = bucket[:-1], bucket[-1:]
    if not number.isdigit():
        return bucket
    count = int(number)
    units = {
        "s": t.ngettext("{count} second", "{count} seconds", count),
        "m": t.ngettext("{count} minute", "{count} minutes", count),
        "h": t.ngettext("{count} hour", "{count} hours", count),
        "d": t.ngettext("{count} day", "{count} days", count),
    }
    return units[unit].format(count=count) if unit in units else bucket


def period_text(payload: Mapping, t: Translator = ENGLISH) -> str:
    return t.gettext("From {since} to {until} UTC, in periods of {bucket}.").format(
        since=t.moment(payload["since"]),
        until=t.moment(payload["until"]),
        bucket=bucket_words(payload["bucket"], t),
    )


def traffic_summary(buckets: Sequence[Mapping], t: Translator = ENGLISH) -> str:
    requests = _total(buckets, "requests")
    errors = errors_by_code(buckets)
    if not requests:
        return t.gettext("No request in this period.")
    server, refused = split_errors(errors)
    text = t.gettext(
        "{requests} requests in the period. Service errors (5xx): {server} ({server_share}); requests "
        "refused for their input or rights (4xx, such as an unknown client ID): {refused} ({refused_share})"
    ).format(
        requests=t.number(requests),
        server=t.number(server),
        server_share=t.percent(server / requests),
        refused=t.number(refused),
        refused_share=t.percent(refused / requests),
    )
    listed = ", ".join(f"{t.number(count)} \u00d7 HTTP {code}" for code, count in sorted(errors.items()))
    if not listed:
        return f"{text}."
    return t.gettext("{text}: {errors}.").format(text=text, errors=listed)


def latency_summary(buckets: Sequence[Mapping], t: Translator = ENGLISH) -> str:
    timed = [b for b in buckets if is_number(b.get("latency_ms_p95"))]
    if not timed:
        return t.gettext("No latency measured in this period.")
    worst = max(timed, key=lambda b: b["latency_ms_p95"])
    median = sorted(b["latency_ms_p50"] for b in timed)[len(timed) // 2]
    return t.gettext(
        "Typical median latency {median}; the slowest period ({start}) had a 95th percentile of {p95} and a "
        "99th of {p99}."
    ).format(
        median=_milliseconds(median, t),
        start=t.moment(worst["start"]),
        p95=_milliseconds(worst["latency_ms_p95"], t),
        p99=_milliseconds(worst["latency_ms_p99"], t),
    )


def decisions_summary(buckets: Sequence[Mapping], t: Translator = ENGLISH) -> str:
    scores = _total(buckets, "scores")
    if not scores:
        return t.gettext("No score was given in this period.")
    refused = sum((b.get("refusal_rate") or 0) * (b.get("scores") or 0) for b in buckets)
    mean = sum((b.get("mean_probability") or 0) * (b.get("scores") or 0) for b in buckets) / scores
    return t.ngettext(
        "{scores} score given; {refused} refused; mean risk of default {mean}. The 10th, 50th and 90th "
        "percentile lines show how the spread of risk moves from period to period.",
        "{scores} scores given; {refused} refused; mean risk of default {mean}. The 10th, 50th and 90th "
        "percentile lines show how the spread of risk moves from period to period.",
        round(scores),
    ).format(scores=t.number(scores), refused=t.percent(refused / scores), mean=t.percent(mean))
