"""The Slack app manifests ask for what the bot uses, and point Slack where the bot listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.listeners.commands.survey import SURVEY_COMMAND
from bot.wsgi import SLACK_EVENTS_PATH

MANIFESTS = Path(__file__).resolve().parents[2] / "bot" / "manifests"
REQUIRED_SCOPES = {"chat:write", "im:write", "im:history", "commands", "users:read", "files:write"}
# conversations.info on the admin channel at start-up (public and private channels).
CHECK_SCOPES = {"channels:read", "groups:read"}
# conversations.history/replies: a post Slack accepted without the bot hearing is found, not repeated.
HISTORY_SCOPES = {"channels:history", "groups:history"}
# usergroups.users.list: `/survey assign @group` invites a user group's members (a channel's members
# come from conversations.members, under channels:read and groups:read above).
INVITATION_SCOPES = {"usergroups:read"}


def load(name: str) -> dict[str, Any]:
    return YAML(typ="safe").load((MANIFESTS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["socket-mode.yaml", "http.yaml"])
def test_manifest_has_the_scopes_events_and_a_writable_messages_tab(name: str) -> None:
    manifest = load(name)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == (
        REQUIRED_SCOPES | CHECK_SCOPES | HISTORY_SCOPES | INVITATION_SCOPES
    )
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {"app_home_opened", "message.im"}
    home = manifest["features"]["app_home"]
    assert home == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == SURVEY_COMMAND
    assert command["should_escape"] is True  # /survey assign reads users, groups, channels escaped
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert len(manifest["display_information"]["name"]) <= 35


def test_socket_mode_manifest_needs_no_url() -> None:
    manifest = load("socket-mode.yaml")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "http" not in str({k: v for k, v in manifest.items() if k != "display_information"})


def test_http_manifest_points_every_url_at_the_events_path() -> None:
    manifest = load("http.yaml")
    settings = manifest["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],  # the 所属 search (block_suggestion)
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    assert all(url.startswith("https://") and url.endswith(SLACK_EVENTS_PATH) for url in urls)
    assert settings["socket_mode_enabled"] is False
