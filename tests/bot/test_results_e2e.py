"""The administrators' results through the real app (issue 11): the export reaches the requesting
administrator's DM through Slack's three upload calls, statistics come as text and charts, the
administrators' Home counts, and nobody else gets any of it."""

from __future__ import annotations

import io
import warnings
from typing import Any

import openpyxl

import storage
from bot import refs, texts
from bot.app import Kikitori
from bot.results.charts import chart_font, choice_chart
from flows.statistics import ChoiceTable, OptionCount
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN, Person, wait_until_found
from tests.bot.test_conversation_no_dead_ends import ALL_BUT_CONTRACTORS, prepare


def submit_one(bot: Kikitori, person: Person) -> str:
    prepare(bot, person, {**ALL_BUT_CONTRACTORS, "q_uses_contractors": "していない"})
    person.command("再開")
    review = person.wait_for_message(lambda m: m.get("text") == texts.REVIEW_TITLE)
    person.act(review, refs.SUBMIT)
    receipt = person.wait_for_message(lambda m: "ご回答ありがとうございました" in str(m.get("blocks")))
    return str(receipt["text"]).split("受付番号は ")[1].split(" ")[0]


def uploads_to(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [upload for upload in fake.uploads.values() if channel in (upload.get("shared_to") or [])]


def test_an_administrator_exports_to_excel_in_their_own_dm(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    receipt = submit_one(bot, respondent)
    admin = Person(ADMIN, fake_slack, respondent.sender)
    ack = admin.command("export 2026年度")
    assert ack.status == 200 and texts.RESULTS_ACCEPTED in ack.text
    [upload] = wait_until_found(fake_slack, lambda: uploads_to(fake_slack, admin.dm))
    called = [method for method, _ in fake_slack.calls]
    assert {"files.getUploadURLExternal", "files.completeUploadExternal"} <= set(called)
    book = openpyxl.load_workbook(io.BytesIO(upload["content"]))
    answers = book["回答"]
    assert receipt in [cell.value for cell in answers["A"]]
    summary = [cell for row in book["集計"].iter_rows(values_only=True) for cell in row]  # the counts too
    assert "質問1 職名" in summary and "主任" in summary
    assert uploads_to(fake_slack, "C0ADMIN001") == []  # never to a channel
    [record] = wait_until_found(fake_slack, lambda: storage.list_exports(bot.engine))  # once Slack has it
    assert (record.actor, record.source, record.rows) == (ADMIN, "slack", 1)
    [audit] = [r for r in storage.list_audit(bot.engine) if r.action == "export"]
    assert (audit.actor, audit.at) == (ADMIN, record.at)  # written with the record, in one transaction
    admin.command("エクスポート履歴")  # administrators can list the records
    log = admin.wait_for_message(lambda m: "エクスポートの記録" in m.get("text", ""))
    assert f"<@{ADMIN}>" in log["text"] and "1件" in log["text"] and "令和8年度" in log["text"]
    assert "\\n" not in log["text"] and len(log["text"].splitlines()) == 2  # one line per record


def test_an_export_slack_refused_is_not_recorded(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    submit_one(bot, respondent)
    admin = Person(ADMIN, fake_slack, respondent.sender)
    fake_slack.fail_next("files.completeUploadExternal", error="internal_error")
    admin.command("export")
    told = fake_slack.wait_for(lambda: fake_slack.ephemeral(admin.dm, ADMIN))
    assert texts.SLACK_FAILED in told[-1]["text"]
    assert storage.list_exports(bot.engine) == []
    assert [r for r in storage.list_audit(bot.engine) if r.action == "export"] == []


def test_statistics_come_as_text_and_charts(bot: Kikitori, respondent: Person, fake_slack: FakeSlack) -> None:
    submit_one(bot, respondent)
    admin = Person(ADMIN, fake_slack, respondent.sender)
    admin.command("集計")
    stats = admin.wait_for_message(lambda m: m.get("text") == texts.STATS_TITLE)
    shown = str(stats["blocks"])
    assert "回答 *1件*" in shown and "主任: 1件 (100%)" in shown
    charts = wait_until_found(fake_slack, lambda: uploads_to(fake_slack, admin.dm))
    assert all(bytes(upload["content"]).startswith(b"\x89PNG") for upload in charts)


def test_nobody_else_gets_results_whatever_they_send(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    submit_one(bot, respondent)
    assert texts.RESULTS_ADMINS_ONLY in respondent.command("export").text
    respondent.wait_for_message(lambda m: texts.RESULTS_ADMINS_ONLY in m.get("text", ""))
    respondent.command("集計")
    # A forged click: the administrators' Home button, sent as the respondent.
    admin = Person(ADMIN, fake_slack, respondent.sender)
    assert admin.sender.send(sr.app_home_opened(ADMIN)).status == 200
    home = wait_until_found(fake_slack, lambda: fake_slack.home_view(ADMIN))
    block_id, button = sr.find_element(home["blocks"], lambda el: el.get("action_id") == refs.RESULTS_EXPORT)
    forged = sr.view_block_actions(
        user_id=respondent.user_id, team_id=sr.TEAM_ID, view=home, action=sr.action_for(block_id, button)
    )
    assert respondent.sender.send(forged).status == 200
    wait_until_found(
        fake_slack,
        lambda: sum(texts.RESULTS_ADMINS_ONLY in m.get("text", "") for m in respondent.messages()) >= 3,
    )
    assert fake_slack.uploads == {} and storage.list_exports(bot.engine) == []


def test_the_administrators_home_counts_and_offers_the_results(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    receipt = submit_one(bot, respondent)
    admin = Person(ADMIN, fake_slack, respondent.sender)
    assert admin.sender.send(sr.app_home_opened(ADMIN)).status == 200
    home = wait_until_found(fake_slack, lambda: fake_slack.home_view(ADMIN))
    shown = str(home["blocks"])
    assert texts.ADMIN_HOME_TITLE in shown and "令和8年度の回答 *1件*" in shown and receipt in shown
    assert "010020 総務部 法務文書課" in shown
    assert respondent.sender.send(sr.app_home_opened(respondent.user_id)).status == 200
    own = wait_until_found(fake_slack, lambda: fake_slack.home_view(respondent.user_id))
    assert texts.ADMIN_HOME_TITLE not in str(own["blocks"])  # respondents keep their own Home

    block_id, button = sr.find_element(home["blocks"], lambda el: el.get("action_id") == refs.RESULTS_EXPORT)
    click = sr.view_block_actions(
        user_id=ADMIN, team_id=sr.TEAM_ID, view=home, action=sr.action_for(block_id, button)
    )
    assert admin.sender.send(click).status == 200
    wait_until_found(fake_slack, lambda: uploads_to(fake_slack, admin.dm))


def test_charts_draw_japanese_with_the_bundled_font() -> None:
    assert chart_font().endswith("ipaexg.ttf")  # matplotlib-fontja's IPAex Gothic, not a fallback
    table = ChoiceTable(
        question_id="q",
        title="質問22 原因分析",
        multi=True,
        respondents=3,
        unanswered=0,
        options=(OptionCount("確認不足(ダブルチェックの未実施等)", 2), OptionCount("思い込み・うっかり", 1)),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = choice_chart("項目4 再発防止策", [table])
    assert png.startswith(b"\x89PNG")
    assert not [w for w in caught if "missing from" in str(w.message)]  # no glyph drawn as a box


def test_every_look_at_the_answers_is_in_the_audit_trail(
    bot: Kikitori, respondent: Person, fake_slack: FakeSlack
) -> None:
    receipt = submit_one(bot, respondent)
    admin = Person(ADMIN, fake_slack, respondent.sender)
    [summary] = wait_until_found(fake_slack, lambda: fake_slack.messages("C0ADMIN001"))
    admin.act({**summary, "channel": "C0ADMIN001"}, refs.ADMIN_FULL_ANSWERS)
    wait_until_found(fake_slack, lambda: fake_slack.open_views(ADMIN))
    admin.command_reply("export")
    admin.command("集計")
    admin.wait_for_message(lambda m: m.get("text") == texts.STATS_TITLE)
    wait_until_found(fake_slack, lambda: len(storage.list_audit(bot.engine)) == 3)
    actions = [(r.action, r.actor, r.source) for r in reversed(storage.list_audit(bot.engine))]
    assert actions == [
        ("full_answers", ADMIN, "slack"),
        ("export", ADMIN, "slack"),
        ("statistics", ADMIN, "slack"),
    ]
    assert storage.list_audit(bot.engine)[-1].receipts == receipt  # which receipt was opened

    before = len(admin.messages())
    admin.command("監査")
    listed = admin.wait_for_message(lambda m: "監査の記録" in m.get("text", ""), after=before)
    assert "全回答を表示" in listed["text"] and receipt in listed["text"] and "3件" in listed["text"]
    csv_files = wait_until_found(
        fake_slack,
        lambda: [u for u in uploads_to(fake_slack, admin.dm) if str(u.get("filename", "")).endswith(".csv")],
    )
    assert receipt in bytes(csv_files[0]["content"]).decode("utf-8-sig")

    respondent.command("監査")  # not for respondents
    respondent.wait_for_message(lambda m: texts.RESULTS_ADMINS_ONLY in m.get("text", ""))
