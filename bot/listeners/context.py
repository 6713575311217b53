"""Reading who acted and where from a Slack payload (the same for every listener)."""

from __future__ import annotations

from typing import Any

from bot.conversation import Actor, Posted
from bot.ids import DraftRef


def actor_of(body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    team = body.get("team") or {}
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    team_id = (
        (team.get("id") if isinstance(team, dict) else None) or user.get("team_id") or body.get("team_id")
    )
    return Actor(team_id=str(team_id), user_id=str(user_id))


def posted_of(body: dict[str, Any]) -> Posted | None:
    container = body.get("container") or {}
    if container.get("type") == "message" and container.get("channel_id") and container.get("message_ts"):
        return Posted(container["channel_id"], container["message_ts"])
    return None


def action_of(body: dict[str, Any]) -> dict[str, Any]:
    return (body.get("actions") or [{}])[0]


def ref_of(body: dict[str, Any]) -> DraftRef | None:
    return DraftRef.parse(action_of(body).get("block_id"))


def from_home_tab(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"
