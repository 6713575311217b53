"""Reminders, invitations and the status list through the real bot: the clock is moved, the timers'
work is run (`run_due_work`, as each process's timer does), and what arrives at the fake Slack counts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.app import Kikitori
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN, ADMIN_CHANNEL, Clock, Person, complete_survey, start_and_answer_org

TOKYO = ZoneInfo("Asia/Tokyo")
REMINDER = "回答が途中になっています"
NOT_STARTED = "まだ回答が始まっていません"


def jst(month: int, day: int, hour: int, minute: int = 0, *, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


def at(bot: Kikitori, clock: Clock, when: datetime) -> None:
    clock.now = when
    bot.run_due_work()


def texts(person: Person) -> list[str]:
    return [m.get("text", "") + str(m.get("blocks", "")) for m in person.messages()]


def reminders_to(person: Person) -> int:
    return sum(REMINDER in text or NOT_STARTED in text for text in texts(person))


def escalations(fake: FakeSlack) -> list[dict]:
    return [m for m in fake.messages(ADMIN_CHANNEL) if "未回答のお知らせ" in m.get("text", "")]


def test_idle_draft_across_a_holiday_weekend_is_reminded_three_times_then_escalated_once(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    clock.now = jst(11, 20, 16, 30)  # Friday; Monday 11/23 is 勤労感謝の日
    start_and_answer_org(respondent)
    for quiet in (jst(11, 21, 10), jst(11, 23, 10), jst(11, 24, 9), jst(11, 24, 16, 29)):
        at(bot, clock, quiet)
        assert reminders_to(respondent) == 0, quiet
    at(bot, clock, jst(11, 24, 16, 30))  # one business day after the last answer
    assert reminders_to(respondent) == 1
    reminder = next(m for m in respondent.messages() if REMINDER in m.get("text", "") + str(m["blocks"]))
    assert "回答済み 1問" in str(reminder["blocks"])
    actions = {e.get("action_id") for b in reminder["blocks"] for e in b.get("elements", [])}
    assert {refs.RESUME, refs.SNOOZE} <= actions
    at(bot, clock, jst(11, 24, 16, 45))
    assert reminders_to(respondent) == 1  # not twice
    at(bot, clock, jst(11, 26, 16, 30))
    at(bot, clock, jst(11, 30, 16, 30))
    assert reminders_to(respondent) == 3
    assert escalations(fake_slack) == []
    at(bot, clock, jst(12, 2, 16, 30))
    [escalation] = escalations(fake_slack)
    assert f"<@{respondent.user_id}>" in str(escalation["blocks"]) and "3回" in str(escalation["blocks"])
    for later in (jst(12, 3, 10), jst(12, 7, 10), jst(12, 21, 10)):
        at(bot, clock, later)
    assert reminders_to(respondent) == 3 and len(escalations(fake_slack)) == 1

    # Coming back starts the count again (12/22, 12/24, then 1/4 after the year-end closure), and the
    # administrators are never told twice.
    name = respondent.question("respondent_name")
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.question("q1_title")
    for later in (jst(12, 22, 10), jst(12, 23, 10), jst(12, 25, 10), jst(1, 5, 10, year=2027)):
        at(bot, clock, later)
    assert reminders_to(respondent) == 6
    assert len(escalations(fake_slack)) == 1


def test_snooze_moves_the_reminder_to_the_next_business_morning(
    bot: Kikitori, respondent: Person, clock: Clock
) -> None:
    clock.now = jst(11, 24, 10)
    start_and_answer_org(respondent)
    at(bot, clock, jst(11, 25, 10))
    reminder = next(m for m in respondent.messages() if REMINDER in str(m["blocks"]))
    respondent.act(reminder, refs.SNOOZE)
    respondent.fake.wait_for(
        lambda: "承知しました" in str(respondent.fake.versions(respondent.dm, reminder["ts"])[-1])
    )
    at(bot, clock, jst(11, 25, 16, 59))
    at(bot, clock, jst(11, 26, 8, 59))
    assert reminders_to(respondent) == 0  # the first reminder now reads 承知しました
    at(bot, clock, jst(11, 26, 9, 0))
    assert reminders_to(respondent) == 1


def test_answering_again_resets_the_timer(bot: Kikitori, respondent: Person, clock: Clock) -> None:
    clock.now = jst(11, 24, 10)
    start_and_answer_org(respondent)
    clock.now = jst(11, 25, 9, 30)
    name = respondent.question("respondent_name")
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    respondent.question("q1_title")  # the click's work is done (it runs after the ack) at 9:30
    at(bot, clock, jst(11, 25, 10))  # a business day after the first answer, not the last
    assert reminders_to(respondent) == 0
    at(bot, clock, jst(11, 26, 9, 30))
    assert reminders_to(respondent) == 1


def test_no_reminder_after_cancel_or_submit(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    clock.now = jst(11, 24, 10)
    start_and_answer_org(respondent)
    respondent.command("中止")
    asked = respondent.wait_for_message(lambda m: "中止しますか" in m.get("text", ""))
    respondent.act(asked, refs.CANCEL)
    respondent.wait_for_message(lambda m: "削除しました" in m.get("text", ""))

    other_person.command("")
    review = complete_survey(other_person, bot.catalog.current, LONGEST_PATH_ANSWERS)
    other_person.act(review, refs.SUBMIT)
    other_person.wait_for_message(lambda m: "受付番号" in m.get("text", ""))

    for later in (jst(11, 25, 10), jst(11, 27, 10), jst(12, 1, 10), jst(12, 3, 10), jst(12, 8, 10)):
        at(bot, clock, later)
    assert reminders_to(respondent) == 0 and reminders_to(other_person) == 0
    assert escalations(fake_slack) == []


def test_invitation_with_due_date_is_reminded_and_escalated_once_when_overdue(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    admin = Person(ADMIN, fake_slack, respondent.sender)
    clock.now = jst(11, 30, 10)
    refused = respondent.command_reply(f"assign <@{other_person.user_id}|nagaoka> 期限 2026-12-02")
    assert "管理者のみ" in refused
    reply = admin.command_reply(f"依頼 <@{other_person.user_id}|nagaoka> 期限 2026-12-02")
    assert "依頼を送りました" in reply and "令和8年12月2日(水)" in reply
    bot.run_due_work()
    invitation = other_person.wait_for_message(lambda m: "回答のお願い" in m.get("text", ""))
    assert "令和8年12月2日(水)" in str(invitation["blocks"]) and f"<@{ADMIN}>" in str(invitation["blocks"])

    at(bot, clock, jst(12, 1, 10))  # a business day after the invitation
    assert reminders_to(other_person) == 1
    assert NOT_STARTED in texts(other_person)[-1]
    at(bot, clock, jst(12, 2, 17, 30))  # the due day, after hours: not yet overdue, nothing sent
    at(bot, clock, jst(12, 3, 9, 0))  # overdue at the next business instant
    [overdue] = escalations(fake_slack)
    assert "回答期限を過ぎています" in overdue["text"] and "未着手" in str(overdue["blocks"])
    for later in (jst(12, 4, 10), jst(12, 8, 10), jst(12, 15, 10)):
        at(bot, clock, later)
    assert len(escalations(fake_slack)) == 1


def test_assign_explains_bad_input(bot: Kikitori, fake_slack: FakeSlack, respondent: Person) -> None:
    admin = Person(ADMIN, fake_slack, respondent.sender)
    assert "受け付けました" in admin.command("assign 期限 2026-12-02").text  # acknowledged before any work
    admin.wait_for_message(lambda m: "メンション" in m.get("text", ""))  # then the reply, in the DM
    assert "日付として読めません" in admin.command_reply(f"assign <@{respondent.user_id}> 期限 来週")
    assert "存在しない日付" in admin.command_reply(f"assign <@{respondent.user_id}> 期限 2026-02-30")
    assert "すでに過ぎています" in admin.command_reply(f"assign <@{respondent.user_id}> 期限 2026-11-01")
    assert fake_slack.messages(respondent.dm) == []  # nothing was sent


def test_status_lists_everyone_for_administrators(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    admin = Person(ADMIN, fake_slack, respondent.sender)
    clock.now = jst(11, 26, 10)
    start_and_answer_org(respondent)
    admin.command_reply(f"assign <@{other_person.user_id}> 期限 2026-12-10")
    admin.command("状況")
    status = admin.wait_for_message(lambda m: "回答状況" in m.get("text", ""))
    shown = str(status["blocks"])
    assert "未提出 *2件*(回答途中 1件・未着手 1件)" in shown
    assert f"<@{respondent.user_id}> 回答途中(回答済み 1問" in shown
    assert f"<@{other_person.user_id}> 未着手" in shown and "令和8年12月10日(木)" in shown

    # A respondent sees only their own.
    respondent.command("状況")
    own = respondent.wait_for_message(lambda m: "回答済み 1問" in m.get("text", ""))
    assert other_person.user_id not in str(own)


def test_an_invited_person_sees_the_invitation_in_their_status(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    admin = Person(ADMIN, fake_slack, respondent.sender)
    clock.now = jst(11, 26, 10)
    admin.command_reply(f"assign <@{respondent.user_id}> 期限 2026-12-10")
    respondent.command("状況")
    respondent.wait_for_message(
        lambda m: "回答の依頼が届いています(回答期限 令和8年12月10日(木))" in m.get("text", "")
    )
