"""The App Home tab of an administrator: this year's and this month's submissions, the latest five,
who is outstanding, and 集計 / エクスポート for a chosen period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import refs, texts
from bot.rendering.elements import Block, button, context, escape, header, mrkdwn, option, plain


@dataclass(frozen=True)
class AdminHomeState:
    title: str
    year_label: str  # 令和8年度
    this_year: int
    month_label: str  # 令和8年11月
    this_month: int
    latest: tuple[tuple[str, str, datetime], ...]  # (receipt number, 所属, local time)
    outstanding: int
    started: int
    periods: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, period text)
    note: str | None = None


def admin_home_view(state: AdminHomeState) -> dict[str, Any]:
    blocks: list[Block] = [header(texts.ADMIN_HOME_TITLE), context(escape(state.title))]
    if state.note:
        blocks.append({"type": "section", "text": mrkdwn(f":point_right: {state.note}")})
    counts = texts.admin_home_counts(state.year_label, state.this_year, state.month_label, state.this_month)
    blocks.append({"type": "section", "text": mrkdwn(counts)})
    blocks.append(
        {"type": "section", "text": mrkdwn(texts.admin_home_outstanding(state.outstanding, state.started))}
    )
    latest = [texts.admin_home_latest_line(escape(r), escape(d), at) for r, d, at in state.latest]
    blocks.append(
        {
            "type": "section",
            "text": mrkdwn(
                f"*{texts.ADMIN_HOME_LATEST}*\n" + ("\n".join(latest) or texts.ADMIN_HOME_NO_SUBMISSION)
            ),
        }
    )
    blocks.append({"type": "divider"})
    menu: dict[str, Any] = {
        "type": "static_select",
        "action_id": refs.RESULTS_PERIOD,
        "placeholder": plain(texts.ADMIN_HOME_PERIOD),
        "options": [option(label, value or "all") for label, value in state.periods],
    }
    if menu["options"]:
        menu["initial_option"] = menu["options"][0]
    blocks.append(
        {
            "type": "actions",
            "block_id": "kk_results",
            "elements": [
                menu,
                button(texts.BUTTON_STATS, refs.RESULTS_STATS, style="primary"),
                button(texts.BUTTON_EXPORT, refs.RESULTS_EXPORT),
            ],
        }
    )
    blocks.append(context(texts.ADMIN_HOME_RESULTS_NOTE))
    return {"type": "home", "blocks": blocks}
