"""Notifications through apprise (e-mail, Slack, Teams workflows, generic JSON webhooks...) with
de-duplication: one message per alert kind per period.

The state (when each kind was last sent, how many repeats were held back since) is kept in
`Paths.notifications` (data/runtime/notifications.json, private). A kind whose last message is younger than
the period is not sent again; the next message after the period says how many were held back. A failed
delivery is not recorded as sent, so the next run tries again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import apprise

from scoring.errors import ScoringError
from scoring.io import PRIVATE_FILE_MODE, write_json_atomic
from scoring.monitoring.alerts import Alert

logger = logging.getLogger(__name__)
SENT, HELD, FAILED, NO_TARGET = "sent", "held back", "failed", "no target"


class NotifyError(ScoringError, ValueError):
    """A notification URL apprise cannot use."""


def _shown(url: str) -> str:
    """The scheme and host only: URLs carry tokens and passwords."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0].rsplit('@', 1)[-1]}/..."


@dataclass
class Notifier:
    """Sends alerts to every configured URL, at most once per kind per `period`."""

    urls: list[str]
    state_path: Path
    period: timedelta

    def __post_init__(self) -> None:
        self._apprise = apprise.Apprise()
        for url in self.urls:
            if not self._apprise.add(url):
                raise NotifyError(f"SCORING_NOTIFY_URLS: apprise cannot use {_shown(url)}")

    def _state(self) -> dict:
        try:
            data = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def notify(self, alerts: list[Alert], now: datetime | None = None) -> dict[str, str]:
        """Send each alert unless its kind was sent within the period; returns kind -> what happened."""
        now = now or datetime.now(UTC)
        state = self._state()
        outcome = {}
        for alert in alerts:
            entry = state.setdefault(alert.kind.value, {"last_sent": None, "held_back": 0})
            last = datetime.fromisoformat(entry["last_sent"]) if entry["last_sent"] else None
            if last is not None and now - last < self.period:
                entry["held_back"] += 1
                outcome[alert.kind.value] = HELD
                continue
            outcome[alert.kind.value] = self._send(alert, entry, now)
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.state_path, state, PRIVATE_FILE_MODE)
        return outcome

    def _send(self, alert: Alert, entry: dict, now: datetime) -> str:
        if not self.urls:
            return NO_TARGET
        body = alert.body()
        if entry["held_back"]:
            body += f"\n\n({entry['held_back']} repeat(s) of this alert held back since the last message)"
        title = f"[credit scoring] {alert.title}"
        if not self._apprise.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT):
            logger.error("notification %s could not be delivered to every target", alert.kind.value)
            return FAILED
        entry.update(last_sent=now.isoformat(), held_back=0)
        return SENT
