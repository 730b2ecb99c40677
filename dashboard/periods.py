"""The periods the Operations page looks back over, shared by its sections: label, span and bucket length."""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard.i18n import N_

PERIODS = {
    "1h": (N_("The last hour"), timedelta(hours=1), "5m"),
    "24h": (N_("The last 24 hours"), timedelta(days=1), "1h"),
    "7d": (N_("The last 7 days"), timedelta(days=7), "6h"),
    "30d": (N_("The last 30 days"), timedelta(days=30), "1d"),
}
DEFAULT_PERIOD = "24h"


def window(period: str, now: datetime) -> tuple[str, str, str]:
    """ISO since/until and the bucket length of a period ending now."""
    _, span, bucket = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    return (now - span).isoformat(), now.isoformat(), bucket
