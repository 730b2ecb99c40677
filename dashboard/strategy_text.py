"""A strategy simulation's names in the page's language, from the API's fields: the strategy in force (an
active version, or the model's threshold alone) and the applications it was simulated on."""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.i18n import ENGLISH, Translator


def in_force_name(current: Mapping, t: Translator = ENGLISH) -> str:
    """'demo (version 1)', or 'the model's threshold 8.26%' when no strategy is active."""
    if current.get("version") is None:
        return t.gettext("the model's threshold {threshold}").format(
            threshold=t.percent(current["threshold"], 2)
        )
    return t.gettext("{name} (version {version})").format(name=current["name"], version=current["version"])


def population_text(result: Mapping, t: Translator = ENGLISH) -> str:
    """The applications simulated: the model's out-of-fold clients, or a data file's (as the API names it)."""
    if result.get("bundle_version") is None:
        return str(result["population"])
    return t.gettext("the out-of-fold clients of model {version}").format(version=result["bundle_version"])
