"""The App Home tab: published when opened, showing the person's own draft, with working buttons."""

from __future__ import annotations

from typing import Any

from bot import refs
from bot.app import Kikitori
from bot.conversation import Actor
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import Person, start_and_answer_org, wait_until_found


def _open_home(person: Person) -> dict:
    before = [m for m, _ in person.fake.calls].count("views.publish")
    response = person.sender.send(sr.app_home_opened(person.user_id))
    assert response.status == 200
    person.fake.wait_for(lambda: [m for m, _ in person.fake.calls].count("views.publish") > before)
    home = person.fake.home_view(person.user_id)
    assert home is not None
    return home


def _click_in_home(person: Person, home: dict, action_id: str) -> None:
    block_id, element = sr.find_element(home["blocks"], lambda el: el.get("action_id") == action_id)
    request = sr.view_block_actions(
        user_id=person.user_id, team_id=sr.TEAM_ID, view=home, action=sr.action_for(block_id, element)
    )
    assert person.sender.send(request).status == 200


def test_home_without_a_draft_offers_to_start_and_the_button_starts_in_the_dm(
    bot: Kikitori, respondent: Person
) -> None:
    home = _open_home(respondent)
    text = str(home["blocks"])
    assert "個人情報" in text and "回答途中の調査はありません" in text
    _click_in_home(respondent, home, refs.START)
    respondent.question("org")  # the first question arrives in the DM

    def refreshed_home() -> dict[str, Any] | None:
        home = respondent.fake.home_view(respondent.user_id)
        return home if home and "回答途中です" in str(home) else None

    refreshed = wait_until_found(respondent.fake, refreshed_home)
    assert "メッセージ" in str(refreshed["blocks"])  # says where the question went
    assert "回答済み 0問" in str(refreshed["blocks"])
    assert "最終回答" not in str(refreshed["blocks"])  # nothing answered yet: no time to show


def test_home_shows_progress_and_resumes_where_left(bot: Kikitori, respondent: Person) -> None:
    start_and_answer_org(respondent)
    home = _open_home(respondent)
    assert "回答済み 1問" in str(home["blocks"])
    assert "最終回答 令和8年11月26日(木) 午前10時" in str(home["blocks"])  # in the one date style
    before = len(respondent.messages())
    _click_in_home(respondent, home, refs.RESUME)
    respondent.question("respondent_name", after=before)


def test_the_messages_tab_does_not_publish_a_home(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    response = respondent.sender.send(sr.app_home_opened(respondent.user_id, tab="messages"))
    assert response.status == 200
    _open_home(respondent)  # a later home event is handled, so the first one was seen and ignored
    assert [m for m, _ in fake_slack.calls].count("views.publish") == 1


def test_cancel_from_home_asks_for_confirmation_in_the_dm(bot: Kikitori, respondent: Person) -> None:
    respondent.command("")
    respondent.question("org")
    home = _open_home(respondent)
    before = len(respondent.messages())
    _click_in_home(respondent, home, refs.ASK_TO_CANCEL)
    asked = respondent.wait_for_message(lambda m: "中止しますか" in m.get("text", ""), after=before)
    respondent.act(asked, refs.CANCEL)
    respondent.wait_for_message(lambda m: "削除しました" in m.get("text", ""))
    assert bot.use_cases.starting.drafts.active_draft(_actor(respondent)) is None


def _actor(person: Person) -> Actor:  # the identity the listeners read from Slack's payloads
    return Actor(team_id=sr.TEAM_ID, user_id=person.user_id)
