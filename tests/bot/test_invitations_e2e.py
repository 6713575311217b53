"""Bulk invitations through the real bot over signed HTTP: `/survey assign` with a user group, a
channel and mentions at once, the administrator's report, one invitation DM per person after the
outbox delivers, and the pacing of a large launch under Slack's rate limits (the fake's limit mode,
on the test's clock: nothing sleeps)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from slack_sdk import WebClient

import storage
from bot import invitations as invitations_module
from bot.app import Kikitori
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN, Clock, Person, start_and_answer_org

INVITATION = "回答のお願い"
DUE = "令和8年12月10日(木)"
STAFF = [f"U0STAFF{n:03d}" for n in range(6)]


@pytest.fixture
def admin(fake_slack: FakeSlack, respondent: Person) -> Person:
    return Person(ADMIN, fake_slack, respondent.sender)


@pytest.fixture
def staff(fake_slack: FakeSlack) -> Iterator[list[str]]:
    """Six people; 総務課 (a user group) and #soumu (a channel) overlap."""
    for number, user_id in enumerate(STAFF):
        fake_slack.add_user(user_id, f"職員 {number}")
    yield STAFF


def invitations_to(fake: FakeSlack, user_id: str) -> int:
    return sum(INVITATION in m.get("text", "") for m in fake.messages(user_id))


def test_an_administrator_invites_a_group_a_channel_and_people_at_once(
    bot: Kikitori,
    fake_slack: FakeSlack,
    admin: Person,
    respondent: Person,
    other_person: Person,
    staff: list[str],
) -> None:
    start_and_answer_org(respondent)  # already answering
    assert "依頼を送りました" in admin.command_reply(f"assign <@{other_person.user_id}>")  # already invited
    bot.deliver()
    fake_slack.add_usergroup("S0SOUMU", "soumu-ka", [staff[0], staff[1], staff[2], respondent.user_id])
    fake_slack.add_channel(  # the bot is a member of the channel, so it is listed too
        "C0SOUMU", "soumu", members=[staff[2], staff[3], staff[4], other_person.user_id]
    )

    command = (
        f"assign <!subteam^S0SOUMU|@soumu-ka> <#C0SOUMU|soumu> <@{respondent.user_id}|niigata> "
        f"<@{staff[5]}> 期限 2026-12-10"
    )
    refused = respondent.command_reply(command)
    assert "管理者のみ" in refused
    reply = admin.command_reply(command)
    lines = reply.splitlines()
    assert lines[0] == f"6人に依頼を送りました。(期限 {DUE})"
    assert f"依頼済みのため期限を更新しました(1人): <@{other_person.user_id}>" in lines
    assert f"回答中のため期限を設定しました(1人): <@{respondent.user_id}>" in lines
    assert len(lines) == 3

    bot.deliver()  # the command nudged the outbox's timer too: wait for whichever sends them
    fake_slack.wait_for(lambda: all(invitations_to(fake_slack, user_id) == 1 for user_id in staff))
    for user_id in staff:
        assert invitations_to(fake_slack, user_id) == 1, user_id
    assert invitations_to(fake_slack, other_person.user_id) == 1  # from the first command only
    assert invitations_to(fake_slack, respondent.user_id) == 0
    opened = {params.get("users") for method, params in fake_slack.calls if method == "conversations.open"}
    assert fake_slack.bot_user_id not in opened

    # Again: everyone is reported as already invited, and nobody gets a second DM.
    again = admin.command_reply(command).splitlines()
    assert again[0] == f"新たに依頼した人はいません。(期限 {DUE})"
    assert again[1].startswith("依頼済みのため期限を更新しました(7人): ")
    assert all(f"<@{user_id}>" in again[1] for user_id in [*staff, other_person.user_id])
    assert again[2] == f"回答中のため期限を設定しました(1人): <@{respondent.user_id}>"
    bot.deliver()
    assert [invitations_to(fake_slack, user_id) for user_id in staff] == [1] * 6


def test_a_long_list_is_cut_and_what_slack_would_not_list_is_said(
    bot: Kikitori, fake_slack: FakeSlack, admin: Person, staff: list[str]
) -> None:
    crowd = [f"U0CROWD{n:03d}" for n in range(14)]
    fake_slack.add_channel("C0CROWD", "crowd", members=crowd)
    admin.command_reply("assign <#C0CROWD|crowd>")
    fake_slack.add_channel("G0SECRET", "secret", is_private=True, is_member=False, members=staff)
    reply = admin.command_reply(
        f"assign <#C0CROWD> <!subteam^S0NONE|@nobody> <#G0SECRET|secret> <@{staff[0]}>"
    ).splitlines()
    assert reply[0] == f"<@{staff[0]}> さんに依頼を送りました。(期限なし)"
    listed = " ".join(f"<@{user_id}>" for user_id in crowd[:10])
    assert reply[1] == f"依頼済みのため期限を更新しました(14人): {listed} ほか4人"
    assert "@nobody のメンバーを読み取れませんでした(ユーザーグループが見つかりません)。" in reply
    assert any(
        line.startswith("<#G0SECRET> のメンバーを読み取れませんでした(チャンネルが見つからないか")
        for line in reply
    )

    nobody = admin.command_reply("assign <!subteam^S0NONE|@nobody>").splitlines()
    assert nobody[-1] == "依頼する相手がいませんでした(グループやチャンネルにメンバーがいません)。"


def test_one_command_invites_at_most_the_cap_and_running_it_again_continues(
    bot: Kikitori, fake_slack: FakeSlack, admin: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(invitations_module, "MAX_INVITED_AT_ONCE", 3)
    people = [f"U0MANY{n:03d}" for n in range(5)]
    fake_slack.add_channel("C0MANY", "many", members=people)
    first = admin.command_reply("assign <#C0MANY>").splitlines()
    assert first[0] == "3人に依頼を送りました。(期限なし)"
    assert first[1] == (
        "一度に依頼できるのは3人までです。残りの2人にはまだ依頼していません。"
        "同じコマンドをもう一度実行すると、続きの人に依頼します。"
    )
    second = admin.command_reply("assign <#C0MANY>").splitlines()
    assert second[0] == "2人に依頼を送りました。(期限なし)"
    assert second[1].startswith("依頼済みのため期限を更新しました(3人): ")
    assert len(second) == 2


@dataclass
class Seconds:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_rate_limited_member_list_is_reported_at_once_without_sleeping(
    bot: Kikitori, fake_slack: FakeSlack, admin: Person, staff: list[str]
) -> None:
    fake_slack.add_usergroup("S0SOUMU", "soumu-ka", staff)
    fake_slack.enforce_rate_limits(Seconds())  # the clock never moves: a refusal lasts
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    for _ in range(20):  # usergroups.users.list is Tier 2: 20 a minute
        client.usergroups_users_list(usergroup="S0SOUMU")
    started = time.monotonic()
    reply = admin.command_reply(f"assign <!subteam^S0SOUMU|@soumu-ka> <@{staff[0]}>").splitlines()
    assert time.monotonic() - started < 5  # Retry-After says 60 s; nobody waited for it
    assert reply[0] == f"<@{staff[0]}> さんに依頼を送りました。(期限なし)"
    assert reply[1] == (
        "@soumu-ka のメンバーを読み取れませんでした(Slack の呼び出し回数の上限に達しました。"
        "60秒ほど待ってから、もう一度実行してください)。"
    )
    assert fake_slack.ratelimited() == {"usergroups.users.list": 1}


def test_bots_and_deactivated_accounts_get_no_invitation(
    bot: Kikitori, fake_slack: FakeSlack, admin: Person, staff: list[str]
) -> None:
    fake_slack.add_user("U0OTHERBOT", "勤怠ボット", is_bot=True)
    fake_slack.add_user("U0RETIRED", "退職 者", deleted=True)
    fake_slack.add_channel("C0MIXED", "mixed", members=[staff[0], "U0OTHERBOT", "U0RETIRED"])
    assert admin.command_reply("assign <#C0MIXED>").splitlines()[0] == "3人に依頼を送りました。(期限なし)"
    bot.deliver()  # the command nudged the outbox's timer too: wait for whichever sends them

    def failed() -> set[str | None]:
        return {m.last_error for m in outbox_rows(bot) if m.sent_at is None}

    fake_slack.wait_for(lambda: failed() == {"bot_user", "user_disabled"})
    assert invitations_to(fake_slack, staff[0]) == 1
    assert fake_slack.messages("U0OTHERBOT") == [] and fake_slack.messages("U0RETIRED") == []


def outbox_rows(bot: Kikitori) -> list[storage.OutboxMessage]:
    from sqlmodel import Session, select

    with Session(bot.engine) as session:
        return list(session.exec(select(storage.OutboxMessage)))


def test_two_hundred_invitations_go_out_within_slacks_limits(
    bot: Kikitori, fake_slack: FakeSlack, admin: Person, clock: Clock
) -> None:
    """A launch to a 200-person channel: every invitation needs users.info (Tier 4),
    conversations.open (Tier 3: 50 a minute) and chat.postMessage. With Slack's minimum budgets
    enforced on the bot's clock, the outbox's rounds (every 10 s, up to 20 messages) are refused
    where Slack would refuse them, wait as long as Retry-After says, and deliver each invitation once."""
    people = [f"U0LAUNCH{n:03d}" for n in range(200)]
    for user_id in people:
        fake_slack.add_user(user_id, user_id)
    fake_slack.add_channel("C0LAUNCH", "launch", members=people)
    fake_slack.enforce_rate_limits(lambda: clock.now.timestamp())
    # The rounds below run on the test's clock, ten seconds a round; the process's own timer (which
    # the command nudges) must not deliver beside them in real time, or a claim it holds would
    # lapse on this clock while it still works.
    bot.outbox_timer.stop()
    assert admin.command_reply("assign <#C0LAUNCH>").splitlines()[0] == "200人に依頼を送りました。(期限なし)"

    start = clock.now

    def delivered() -> int:
        return sum(invitations_to(fake_slack, user_id) for user_id in people)

    rounds = 0
    while delivered() < len(people) and rounds < 200:
        clock.now += timedelta(seconds=10)  # OUTBOX_INTERVAL_SECONDS
        bot.deliver()
        rounds += 1
    elapsed = clock.now - start
    assert [invitations_to(fake_slack, user_id) for user_id in people] == [1] * len(people)
    assert fake_slack.ratelimited().get("conversations.open", 0) > 0  # Slack did push back
    # A round ends at its first 429 and the rest wait for Retry-After: one refusal a round at most.
    assert sum(fake_slack.ratelimited().values()) <= rounds
    # 200 conversations.open at 50 a minute need at least three full minutes; the outbox's backoff
    # after refusals stretches that, but not without bound.
    assert timedelta(minutes=3) <= elapsed <= timedelta(minutes=15), elapsed
    print(
        f"200 invitations delivered in {elapsed} of Slack time, {rounds} rounds, 429s: {fake_slack.ratelimited()}"
    )
