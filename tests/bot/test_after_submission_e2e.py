"""After 送信, end to end through the real app over signed HTTP, on SQLite and PostgreSQL: status
changes with the summary updated, corrections (by an administrator, and at the respondent's
request), withdrawal, erasure, retention, and every administrator's action refused to others."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

import storage
from bot import refs, texts
from bot.app import Kikitori
from bot.rendering.after_submission import erase_confirm_message, request_message
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN, ADMIN_CHANNEL, Clock, Person, build_bot, wait_until_found
from tests.bot.test_conversation_no_dead_ends import ALL_BUT_CONTRACTORS, prepare

ANSWERS = {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない"}
RECEIPT = "2026-0001"


# --- helpers ---------------------------------------------------------------------------------


def submit(bot: Kikitori, person: Person) -> storage.Submission:
    prepare(bot, person, ANSWERS)
    person.command("再開")
    review = person.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    person.act(review, refs.SUBMIT)
    made = wait_until_found(person.fake, lambda: storage.find_submission(bot.engine, receipt_number=RECEIPT))
    summary_of(person.fake)  # the summary is in the channel before anything changes
    wait_until_found(person.fake, lambda: storage.summary_post(bot.engine, made.id or 0))
    return made


def summary_of(fake: FakeSlack) -> dict[str, Any]:
    def top() -> dict[str, Any] | None:
        posts = [m for m in fake.messages(ADMIN_CHANNEL) if "thread_ts" not in m]
        assert len(posts) <= 1, "exactly one summary per submission"
        return {**posts[0], "channel": ADMIN_CHANNEL} if posts else None

    return wait_until_found(fake, top)


def thread_of(fake: FakeSlack, summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**m, "channel": ADMIN_CHANNEL}
        for m in fake.messages(ADMIN_CHANNEL)
        if m.get("thread_ts") == summary["ts"]
    ]


def status_field(fake: FakeSlack) -> str:
    fields = [
        f["text"] for b in summary_of(fake)["blocks"] if b["type"] == "section" for f in b.get("fields", [])
    ]
    [status] = [text for text in fields if text.startswith(f"*{texts.SUMMARY_STATUS}*")]
    return status.split("\n", 1)[1]


def open_form(person: Person, message: dict[str, Any]) -> dict[str, Any]:
    person.act(message, refs.ADMIN_CHANGE_STATUS)
    return wait_until_found(
        person.fake,
        lambda: next(
            (v for v in person.fake.open_views(person.user_id) if v.get("callback_id") == refs.STATUS_VIEW),
            None,
        ),
    )


def send_form(person: Person, view: dict[str, Any], to: str, reason: str = "") -> Any:
    request = sr.view_submission(
        user_id=person.user_id,
        team_id=sr.TEAM_ID,
        view=view,
        state_values=sr.state_values_for(view["blocks"], {refs.STATUS_TO: to, refs.STATUS_REASON: reason}),
    )
    response = person.sender.send(request)
    assert response.status == 200, response.text
    return response


def change(admin: Person, to: str, reason: str = "") -> None:
    view = open_form(admin, summary_of(admin.fake))
    response = send_form(admin, view, to, reason)
    assert '"errors"' not in response.text
    admin.fake.close_views(admin.user_id)


def deliver(bot: Kikitori, fake: FakeSlack) -> None:
    """Until the outbox is empty: the timer (nudged by every change) and this thread both deliver;
    the clock stays put, so no claim lapses while its message is on its way."""

    def pending() -> list[storage.OutboxMessage]:
        with storage.session_scope(bot.engine) as session:
            rows = session.exec(
                select(storage.OutboxMessage).where(
                    storage.OutboxMessage.status == storage.OutboxStatus.PENDING
                )
            )
            return list(rows)

    def settled() -> bool | None:
        bot.deliver()
        return not pending() or None

    wait_until_found(fake, settled)


def history(bot: Kikitori, made: storage.Submission) -> list[tuple[str, str | None, str | None, str]]:
    return [(e.kind, e.from_status, e.to_status, e.actor) for e in storage.history(bot.engine, made.id or 0)]


def audit_actions(bot: Kikitori) -> list[str]:
    return [record.action for record in reversed(storage.list_audit(bot.engine))]


def admin_of(respondent: Person) -> Person:
    return Person(ADMIN, respondent.fake, respondent.sender)


# --- statuses --------------------------------------------------------------------------------


def test_every_status_change_updates_the_one_summary_and_is_kept(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    made = submit(bot, respondent)
    admin = admin_of(respondent)
    assert status_field(fake_slack) == "受付"

    change(admin, "checking")
    deliver(bot, fake_slack)
    fake_slack.wait_for(lambda: status_field(fake_slack) == "確認中")
    change(admin, "closed", "内容を確認しました")
    deliver(bot, fake_slack)
    fake_slack.wait_for(lambda: status_field(fake_slack) == "確定")
    change(admin, "checking")  # 確定 can be reopened
    deliver(bot, fake_slack)
    fake_slack.wait_for(lambda: status_field(fake_slack) == "確認中")

    assert history(bot, made) == [
        ("status", "received", "checking", ADMIN),
        ("status", "checking", "closed", ADMIN),
        ("status", "closed", "checking", ADMIN),
    ]
    assert [e.reason for e in storage.history(bot.engine, made.id or 0)] == ["", "内容を確認しました", ""]
    lines = [m["text"] for m in thread_of(fake_slack, summary_of(fake_slack))]
    assert lines == [
        texts.status_changed_thread("received", "checking", ADMIN, ""),
        texts.status_changed_thread("checking", "closed", ADMIN, "内容を確認しました"),
        texts.status_changed_thread("closed", "checking", ADMIN, ""),
    ]
    assert audit_actions(bot)[-3:] == ["status", "status", "status"]
    before = len(admin.messages())
    admin.command("監査")
    listed = admin.wait_for_message(lambda m: "監査の記録" in m.get("text", ""), after=before)
    assert f"状況の変更:{RECEIPT}(受付→確認中)" in listed["text"]
    # The respondent is told when the answer is closed, with the reason.
    respondent.wait_for_message(
        lambda m: texts.status_notice(RECEIPT, "closed", "内容を確認しました") in m["text"]
    )


def test_a_return_or_a_withdrawal_needs_a_reason_and_the_form_says_so(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    made = submit(bot, respondent)
    admin = admin_of(respondent)
    view = open_form(admin, summary_of(fake_slack))
    for to in ("returned", "withdrawn"):
        response = send_form(admin, view, to, "  ")
        assert json.loads(response.text) == {
            "response_action": "errors",
            "errors": {refs.STATUS_REASON: texts.STATUS_REASON_REQUIRED},
        }
    assert history(bot, made) == []


def test_the_form_opens_on_top_of_the_full_answers(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    submit(bot, respondent)
    admin = admin_of(respondent)
    admin.act(summary_of(fake_slack), refs.ADMIN_FULL_ANSWERS)
    [full] = fake_slack.wait_for(lambda: fake_slack.open_views(ADMIN))
    request = sr.block_actions(
        user_id=ADMIN,
        team_id=sr.TEAM_ID,
        container_type="view",
        view=full,
        action=sr.action_for(
            *sr.find_element(full["blocks"], lambda el: el.get("action_id") == refs.ADMIN_CHANGE_STATUS), None
        ),
        trigger_id=fake_slack.issue_trigger(ADMIN),
    )
    assert admin.sender.send(request).status == 200
    stack = wait_until_found(
        fake_slack, lambda: fake_slack.open_views(ADMIN) if len(fake_slack.open_views(ADMIN)) == 2 else None
    )
    assert stack[-1]["callback_id"] == refs.STATUS_VIEW


# --- corrections ---------------------------------------------------------------------------------


def correct_name(respondent: Person, notice: dict[str, Any], new_name: str) -> None:
    """回答を修正する, change 氏名 from the review, and 送信 again."""
    before = len(respondent.messages())
    respondent.act(notice, refs.OPEN_CORRECTION)
    review = respondent.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE, after=before)
    respondent.act(review, refs.REVIEW_EDIT, "respondent_name")
    name = respondent.question("respondent_name", after=before)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: new_name})
    review = respondent.wait_for_message(
        lambda m: m.get("text") == texts.REVIEW_TITLE and new_name in str(m["blocks"]), after=before
    )
    respondent.act(review, refs.SUBMIT)
    respondent.wait_for_message(lambda m: texts.corrected_note(RECEIPT) in str(m), after=before)


def test_an_administrator_returns_it_and_the_correction_keeps_the_receipt(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    made = submit(bot, respondent)
    admin = admin_of(respondent)
    change(admin, "returned", "氏名の表記を確認してください")
    deliver(bot, fake_slack)
    notice = respondent.wait_for_message(lambda m: "氏名の表記を確認してください" in m["text"])
    assert texts.BUTTON_OPEN_CORRECTION in str(notice["blocks"])
    fake_slack.wait_for(lambda: status_field(fake_slack) == "差戻し中")

    correct_name(respondent, notice, "新潟 次郎")
    deliver(bot, fake_slack)

    after = storage.find_submission(bot.engine, receipt_number=RECEIPT)
    assert after is not None and after.id == made.id and after.status == "received"
    assert after.answers["respondent_name"] == "新潟 次郎" and after.corrected_at is not None
    [returned, corrected] = storage.history(bot.engine, made.id or 0)
    assert (corrected.kind, corrected.from_status, corrected.to_status) == (
        "corrected",
        "returned",
        "received",
    )
    assert (
        corrected.previous_answers is not None
        and corrected.previous_answers["respondent_name"] == "新潟 太郎"
    )
    with storage.session_scope(bot.engine) as session:
        assert len(session.exec(select(storage.Submission)).all()) == 1  # no second submission
    fake_slack.wait_for(lambda: status_field(fake_slack) == "受付")
    summary = summary_of(fake_slack)  # still exactly one summary, now showing the new name
    assert "新潟 次郎" in str(summary["blocks"])
    fake_slack.wait_for(
        lambda: any(m["text"] == texts.corrected_thread(["氏名"]) for m in thread_of(fake_slack, summary))
    )
    assert "correction" in audit_actions(bot)
    # The button does nothing any more: the answer is no longer returned.
    respondent.act(notice, refs.OPEN_CORRECTION)
    fake_slack.wait_for(lambda: fake_slack.ephemeral(respondent.dm, respondent.user_id))
    assert (
        texts.CORRECTION_NOT_RETURNED in fake_slack.ephemeral(respondent.dm, respondent.user_id)[-1]["text"]
    )


def test_a_respondent_asks_for_a_correction_and_an_administrator_approves(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    made = submit(bot, respondent)
    assert texts.request_accepted(RECEIPT, "correction") in respondent.command_reply(
        f"修正 {RECEIPT} 人数を誤りました"
    )
    assert texts.request_refused(RECEIPT, "received", "correction") in respondent.command_reply(
        f"取下げ {RECEIPT} 重複"
    )
    deliver(bot, fake_slack)
    summary = summary_of(fake_slack)
    request = wait_until_found(
        fake_slack,
        lambda: next(
            (m for m in thread_of(fake_slack, summary) if refs.ADMIN_APPROVE_REQUEST in str(m)), None
        ),
    )
    assert "人数を誤りました" in request["text"]
    fake_slack.wait_for(lambda: status_field(fake_slack) == "受付(修正の依頼中)")

    other_person.act(request, refs.ADMIN_APPROVE_REQUEST)  # not an administrator: nothing happens
    fake_slack.wait_for(lambda: fake_slack.ephemeral(ADMIN_CHANNEL, other_person.user_id))
    assert storage.get_submission_by_id(bot.engine, made.id or 0).status == "received"  # type: ignore[union-attr]

    admin_of(respondent).act(request, refs.ADMIN_APPROVE_REQUEST)
    deliver(bot, fake_slack)
    notice = respondent.wait_for_message(lambda m: texts.BUTTON_OPEN_CORRECTION in str(m.get("blocks")))
    assert "人数を誤りました" in notice["text"]
    fake_slack.wait_for(
        lambda: (
            texts.request_answered_thread("correction", True, ADMIN)
            in [m["text"] for m in thread_of(fake_slack, summary)]
        )
    )
    correct_name(respondent, notice, "新潟 三郎")
    deliver(bot, fake_slack)
    assert [kind for kind, *_ in history(bot, made)] == ["requested", "status", "corrected"]
    corrected = storage.find_submission(bot.engine, receipt_number=RECEIPT)
    assert corrected is not None and corrected.answers["respondent_name"] == "新潟 三郎"
    assert audit_actions(bot)[-3:] == ["request", "status", "correction"]


# --- withdrawal -----------------------------------------------------------------------------------


def test_a_withdrawal_is_confirmed_and_left_out_of_the_results(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    made = submit(bot, respondent)
    assert texts.request_usage("取下げ") in respondent.command_reply(
        f"取下げ {RECEIPT}"
    )  # the reason is required
    respondent.command_reply(f"取下げ {RECEIPT} 別の事案と重複していました")
    deliver(bot, fake_slack)
    summary = summary_of(fake_slack)
    request = wait_until_found(
        fake_slack,
        lambda: next(
            (m for m in thread_of(fake_slack, summary) if refs.ADMIN_APPROVE_REQUEST in str(m)), None
        ),
    )
    admin = admin_of(respondent)
    admin.act(request, refs.ADMIN_APPROVE_REQUEST)
    deliver(bot, fake_slack)
    fake_slack.wait_for(lambda: status_field(fake_slack) == "取下げ")
    respondent.wait_for_message(
        lambda m: texts.status_notice(RECEIPT, "withdrawn", "別の事案と重複していました") in m["text"]
    )
    assert storage.get_submission_by_id(bot.engine, made.id or 0).answers  # type: ignore[union-attr]  # kept until its period ends

    stats = admin.command_reply("集計")  # the only answer is withdrawn: left out, and counted apart
    assert texts.RESULTS_NONE in stats and texts.withdrawn_left_out(1) in stats
    before = len(admin.messages())
    admin.command("集計 取下げ含む")
    included = admin.wait_for_message(lambda m: "回答 *1件*" in str(m.get("blocks")), after=before)
    assert texts.WITHDRAWN_INCLUDED in str(included["blocks"])
    # 取下げ is final: the form has nothing to offer.
    admin.act(summary_of(fake_slack), refs.ADMIN_CHANGE_STATUS)
    fake_slack.wait_for(lambda: fake_slack.ephemeral(ADMIN_CHANNEL, ADMIN))
    assert texts.STATUS_NO_CHANGE in fake_slack.ephemeral(ADMIN_CHANNEL, ADMIN)[-1]["text"]
    # The respondent's copy says so.
    respondent.command("控え")
    respondent.wait_for_message(lambda m: texts.status_line("withdrawn") in str(m.get("blocks")))


# --- erasure and retention --------------------------------------------------------------------------


def test_an_administrator_erases_one_at_once_and_its_posts_go(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    made = submit(bot, respondent)
    admin = admin_of(respondent)
    change(admin, "checking")
    deliver(bot, fake_slack)
    fake_slack.wait_for(lambda: len(thread_of(fake_slack, summary_of(fake_slack))) == 1)

    assert texts.ERASE_USAGE in admin.command_reply(f"削除 {RECEIPT}")  # a reason is required
    before = len(admin.messages())
    admin.command(f"削除 {RECEIPT} 本人から削除の申出")
    confirm = admin.wait_for_message(lambda m: refs.ADMIN_CONFIRM_ERASE in str(m.get("blocks")), after=before)
    admin.act(confirm, refs.ADMIN_CONFIRM_ERASE)
    admin.wait_for_message(lambda m: texts.erased_note(RECEIPT) in m["text"], after=before)
    deliver(bot, fake_slack)
    fake_slack.wait_for(lambda: fake_slack.messages(ADMIN_CHANNEL) == [])  # the summary and its thread

    tombstone = storage.get_submission_by_id(bot.engine, made.id or 0)
    assert tombstone is not None
    assert (tombstone.receipt_number, tombstone.status, tombstone.erased_by, tombstone.erase_reason) == (
        RECEIPT,
        "checking",
        ADMIN,
        "本人から削除の申出",
    )
    assert tombstone.answers == {} and storage.history(bot.engine, made.id or 0) == []
    assert storage.get_draft(bot.engine, made.draft_id).answers == {}
    assert audit_actions(bot)[-1] == "erasure"
    admin.act(confirm, refs.ADMIN_CONFIRM_ERASE)  # a second click erases nothing more
    fake_slack.wait_for(lambda: fake_slack.ephemeral(admin.dm, ADMIN))
    assert audit_actions(bot).count("erasure") == 1
    assert texts.copy_erased(RECEIPT) in respondent.command_reply("控え")


def test_retention_erases_exactly_what_is_due_once_with_two_processes(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack, clock: Clock
) -> None:
    old = submit(bot, respondent)  # 令和8年度 (FY2026)
    # A draft left unfinished by someone else, and a newer submission that must stay.
    prepare(bot, other_person, {"org": ANSWERS["org"]})
    clock.now = datetime(
        2031, 4, 1, 0, 0, tzinfo=UTC
    )  # FY2031 begins in Tokyo: FY2026 + 5 years is not over yet
    bot.run_due_work()
    assert storage.get_submission_by_id(bot.engine, old.id or 0).erased_at is None  # type: ignore[union-attr]
    assert (
        storage.find_active_draft(
            bot.engine, team_id=sr.TEAM_ID, user_id=other_person.user_id, flow_id=bot.catalog.current.id
        )
        is None
    )  # 90 days

    clock.now = datetime(
        2032, 3, 31, 15, 0, tzinfo=UTC
    )  # 1 April 2032 00:00 in Tokyo: FY2026 is 5 years past
    second = build_bot(bot.engine, fake_slack, clock)
    results: list[storage.PurgePlan | None] = []
    threads = [
        threading.Thread(target=lambda b=b: results.append(b.retention.run_if_due())) for b in (bot, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results.count(None) == 1  # one process had the day
    [plan] = [r for r in results if r is not None]
    assert plan.receipts == [RECEIPT]
    bot.deliver()
    fake_slack.wait_for(lambda: fake_slack.messages(ADMIN_CHANNEL) == [])
    tombstone = storage.get_submission_by_id(bot.engine, old.id or 0)
    assert tombstone is not None and tombstone.erased_by == "retention" and tombstone.answers == {}
    assert audit_actions(bot).count("erasure") == 1
    assert second.retention.run_if_due() is None and bot.retention.run_if_due() is None  # same day


# --- administrators only ---------------------------------------------------------------------------


def test_every_administrators_action_is_refused_to_others_even_forged(
    bot: Kikitori, respondent: Person, other_person: Person, fake_slack: FakeSlack
) -> None:
    made = submit(bot, respondent)
    summary = summary_of(fake_slack)
    refusals = 0

    def refused() -> None:
        nonlocal refusals
        refusals += 1
        fake_slack.wait_for(
            lambda: (
                len(fake_slack.ephemeral(ADMIN_CHANNEL, other_person.user_id))
                + len(fake_slack.ephemeral(other_person.dm, other_person.user_id))
                >= refusals
            )
        )

    other_person.act(summary, refs.ADMIN_CHANGE_STATUS)
    refused()
    assert fake_slack.open_views(other_person.user_id) == []

    # The form an administrator opened, sent by someone else.
    view = open_form(admin_of(respondent), summary)
    response = send_form(other_person, view, "withdrawn", "なりすまし")
    assert json.loads(response.text)["errors"] == {refs.STATUS_TO: texts.ADMINS_ONLY}

    # Buttons that were never shown to them, with values naming the submission.
    forged = [
        (request_message(made.id or 0, "correction", other_person.user_id, "x"), refs.ADMIN_APPROVE_REQUEST),
        (request_message(made.id or 0, "withdrawal", other_person.user_id, "x"), refs.ADMIN_DECLINE_REQUEST),
        (erase_confirm_message(made.id or 0, RECEIPT, "x"), refs.ADMIN_CONFIRM_ERASE),
    ]
    for message, action_id in forged:
        other_person.act({"blocks": message.blocks, "ts": summary["ts"], "channel": ADMIN_CHANNEL}, action_id)
        refused()
    assert texts.ADMINS_ONLY in other_person.command_reply(f"削除 {RECEIPT} なりすまし")

    after = storage.get_submission_by_id(bot.engine, made.id or 0)
    assert after is not None and after.status == "received" and after.erased_at is None and after.answers
    assert history(bot, made) == []
    assert [a for a in audit_actions(bot) if a in ("status", "erasure", "request")] == []
