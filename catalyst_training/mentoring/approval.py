"""The approval rule and its suggestion in words, for the review page and its script."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from .review import Suggestion


def _number(value: float | None) -> str:
    return format_decimal(value, "#,##0.##") if value is not None else "—"


def _percent(share: float | None) -> str:
    return _("%(n)s %%", n=round(100 * share)) if share is not None else "—"


def texts(s: Suggestion | None) -> dict[str, str]:
    """The rule in words and the suggestion's reason, with {placeholders} for the page's script."""
    if s is None:
        return {}
    rule = (
        _("Validation : au moins %(share)s des points et aucun critère au niveau le plus bas.",
          share=_percent(s.min_share))
        if s.no_lowest_level
        else _("Validation : au moins %(share)s des points.", share=_percent(s.min_share))
    )  # fmt: skip
    marks = {"points": "{points}", "max": "{max}", "share": "{share}", "min": "{min}"}
    templates = {
        "rule": rule,
        "incomplete": _("Suggestion : choisissez un niveau pour chaque critère."),
        "approve": _("Suggestion : valider — %(points)s / %(max)s points (%(share)s).", **marks),
        "low_share": _(
            "Suggestion : renvoyer — %(points)s / %(max)s points (%(share)s), moins que les "
            "%(min)s demandés.",
            **marks,
        ),
        "lowest_one": ngettext(
            "Suggestion : renvoyer — le critère %(names)s est au niveau le plus bas.",
            "Suggestion : renvoyer — les critères %(names)s sont au niveau le plus bas.",
            1,
            names="{criteria}",
        ),
        "lowest_many": ngettext(
            "Suggestion : renvoyer — le critère %(names)s est au niveau le plus bas.",
            "Suggestion : renvoyer — les critères %(names)s sont au niveau le plus bas.",
            2,
            names="{criteria}",
        ),
        "quote": _("« %(title)s »", title="{title}"),
        "percent": _("%(n)s %%", n="{n}"),
        "differs": _(
            "Votre décision diffère de la suggestion : c'est possible, dites pourquoi "
            "dans votre commentaire."
        ),
    }
    templates["now"] = _suggestion_text(s, templates)
    return templates


def _suggestion_text(s: Suggestion, t: dict[str, str]) -> str:
    """The suggestion for the levels as shown now (the same wording the script produces)."""
    if s.decision is None:
        return t["incomplete"]
    values = {"points": _number(s.points), "max": _number(s.max_points),
              "share": _percent(s.share), "min": _percent(s.min_share)}  # fmt: skip
    if s.no_lowest_level and s.lowest:
        names = ", ".join(t["quote"].replace("{title}", name) for name in s.lowest)
        key = "lowest_one" if len(s.lowest) == 1 else "lowest_many"
        return t[key].replace("{criteria}", names)
    key = "approve" if s.decision == "approve" else "low_share"
    text = t[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text
