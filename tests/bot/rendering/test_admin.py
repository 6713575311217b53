"""The admin side of a submission: the masked channel summary and the full-answers modal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot import refs, texts
from bot.admin_post import submission_view
from bot.clock import Clock
from bot.masking import EMAIL, NAME_MAX, PHONE, TWELVE_DIGITS
from bot.rendering.admin import SubmissionView, full_answers_view, summary_message
from bot.rendering.elements import Block, escape
from bot.settings import SHIPPED_FLOW
from flows.engine import asked_questions, missing_answers, prune
from flows.load import load_flow
from flows.model import Flow
from flows.paths import explore
from sandbox.fake_slack import FakeSlack
from storage import Notification, Submission, register_flow, start_draft, submit_draft
from tests.storage.helpers import NOW, make_flow

TOKYO = ZoneInfo("Asia/Tokyo")
SURVEY = load_flow(SHIPPED_FLOW)
TEAM = "T0KIKITORI"
ADMIN = "U0ADMIN"

# What people typed into free text: none of it may reach the channel unmasked.
MOBILE = "090-1234-5678"
LANDLINE = "025-280-5021"
ADDRESS = "taro.yamada@example.jp"
MY_NUMBER = "1234 5678 9012"


def view_of(submission: Submission) -> SubmissionView:
    """The plain values the rendering takes, as the admin post builds them."""
    return submission_view(submission, Clock(TOKYO))


def sample_answers(**changes: Any) -> dict[str, Any]:
    """A complete, valid set of answers to the shipped survey with personal data in free text."""
    answers: dict[str, Any] = {
        "org": {"code": "010020", "name": "総務部 法務文書課"},
        "respondent_name": "新潟 太郎",
        "q1_title": "主任",
        "q2_age": "30代",
        "q3_years_employed": 8,
        "q4_years_in_unit": 2,
        "q5_years_in_task": 2,
        "q6_training": "ない",
        "q7_rule_doc": "知らない",
        "q8_rule_steps": "一部知っていた",
        "q10_when_precision": "日時まで特定できる",
        "q10_date": "2025-08-01",
        "q10_time": "10:30",
        "q11_place": "執務室(自席)",
        "q12_task": "メール送信",
        "q13_info_kinds": ["氏名", "電話番号", "その他"],
        "q13_info_kinds_other": f"緊急連絡先 {MOBILE} と {ADDRESS}",
        "q14_persons": 5,
        "q15_discovery": "その他",
        "q15_discovery_other": f"受信者({LANDLINE})から電話",
        "q16_experience": "初めて行った",
        "q17_before": "同じ作業を続けていた",
        "q18_busyness": "やや忙しかった",
        "q19_multitask": "していた",
        "q20_followed": "すべて実施した",
        "q21_burden": "あまり負担ではなかった",
        "q21_6_reactions": ["理解を示してくれた"],
        "q22_causes": ["確認不足(ダブルチェックの未実施等)", "その他"],
        "q22_causes_other": f"マイナンバー {MY_NUMBER} を誤記載 <!channel> & more",
        "q23_measures": f"送信前に {MOBILE} へ電話で宛先を確認する。",
        "q24_improvements": "",
        "q25_alert_known": "知らなかった",
        "q26_alert_use": "している",
        "q27_checksheet": "促している",
        "q_uses_contractors": "していない",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def longest_path_answers(long_text: str, other_text: str) -> dict[str, Any]:
    """Answers that take the survey's longest path, every free text at its maximum length."""
    assert len(long_text) == 2000 and len(other_text) == 200
    everything = {
        q.id: [c.value for c in q.choices if not c.exclusive] for q in SURVEY.questions if q.type == "multi"
    }
    answers = sample_answers(
        q1_title="その他",
        q6_training="ある",
        q10_when_precision="日時まで特定できる",
        q11_place="その他",
        q12_task="その他",
        q15_discovery="その他",
        q16_experience="何度か行った(通算の回数を入力)",
        q16_count=120,
        q17_before="その他",
        q20_followed="一部実施しなかった",
        q20_2_why_not="その他",
        q21_burden="非常に負担だった",
        q23_measures=long_text,
        q24_improvements=long_text[::-1],
        q25_alert_known="知っていた",
        q25_2_alert_view="その他",
        q_uses_contractors="している",
        q28_selection="している",
        q29_clauses="一部している",
        q30_minimum="している",
        q31_scope="していない",
        q32_checksheet="している",
        **everything,
    )
    for question in SURVEY.questions:
        if question.follow_up_of is not None:
            answers[question.id] = other_text
    assert prune(SURVEY, answers)[1] == []
    return answers


def submit(
    engine: Engine,
    answers: dict[str, Any],
    *,
    user_id: str = "U0SATO",
    now: datetime = NOW,
    flow: Flow = SURVEY,
    notifications: Callable[[Submission], Iterable[Notification]] | None = None,
) -> Submission:
    """A submission made the way the conversation makes one: register, start, submit."""
    assert prune(flow, answers)[1] == [] and not missing_answers(flow, answers)
    version = register_flow(engine, flow, now=now)
    draft = start_draft(engine, team_id=TEAM, user_id=user_id, flow_version_id=version.id, now=now)
    assert draft.id is not None
    return submit_draft(
        engine,
        draft.id,
        expected_version=draft.version,
        answers=answers,
        now=now,
        timezone=ZoneInfo("Asia/Tokyo"),
        notifications=notifications,
    )


def fields_of(blocks: list[Block]) -> dict[str, str]:
    """{label: value} of the summary's section fields ("*label*\\nvalue")."""
    found: dict[str, str] = {}
    for block in blocks:
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def assert_message_within_limits(blocks: list[Block]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block.get("fields", [])) <= 10
            assert all(len(field["text"]) <= 2000 for field in block.get("fields", []))
            assert len(block.get("text", {}).get("text", "")) <= 3000
        for element in block.get("elements", []):
            if element["type"] == "button":
                assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000


@pytest.fixture
def fake() -> Iterable[FakeSlack]:
    with FakeSlack(users={ADMIN: "Admin"}) as running:
        yield running


# --- the channel summary --------------------------------------------------------------------------


def test_summary_shows_the_key_facts_and_masks_free_text(engine: Engine) -> None:
    submission = submit(engine, sample_answers())
    message = summary_message(SURVEY, view_of(submission))

    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "漏えい等事案の回答が届きました", "emoji": True},
    }
    assert fields_of(message.blocks) == {
        "受付番号": "2026-0001",
        "送信日時": "令和8年5月11日(月) 午前9時30分",  # NOW is 00:30 UTC
        "状況": "受付",
        "所属": "010020 総務部 法務文書課",
        "回答者": "新潟 太郎",
        "発生日時": "令和7年8月1日(金) 午前10時30分頃",
        "漏えい等した情報": f"氏名、電話番号、その他(緊急連絡先 {PHONE} と {EMAIL})",
        "人数": "5人分",
        "発覚の経緯": f"その他(受信者({PHONE})から電話)",
        "原因": f"確認不足(ダブルチェックの未実施等)、その他(マイナンバー {TWELVE_DIGITS} を誤記載 &lt;!channel&gt; &amp; more)",
    }
    [actions] = [block for block in message.blocks if block["type"] == "actions"]
    full, change = actions["elements"]
    assert (change["action_id"], change["value"]) == (refs.ADMIN_CHANGE_STATUS, str(submission.id))
    assert (full["text"]["text"], full["action_id"], full["value"]) == (
        "全回答を表示",
        refs.ADMIN_FULL_ANSWERS,
        str(submission.draft_id),
    )
    posted = json.dumps(message.as_kwargs(), ensure_ascii=False)
    for secret in (MOBILE, LANDLINE, ADDRESS, MY_NUMBER, "<!channel>", "宛先を確認"):
        assert secret not in posted  # masked, escaped, or (long texts) not in the summary at all
    assert message.text == "漏えい等事案の回答が届きました(受付番号 2026-0001)"
    assert_message_within_limits(message.blocks)


def _summary_fields(**changes: Any) -> dict[str, str]:
    answers = sample_answers(**changes)
    submission = Submission(
        draft_id=7,
        receipt_number="2026-0042",
        receipt_year=2026,
        receipt_seq=42,
        team_id=TEAM,
        user_id="U0SATO",
        flow_version_id=1,
        answers=answers,
        submitted_at=NOW,
    )
    return fields_of(summary_message(SURVEY, view_of(submission)).blocks)


def test_occurrence_reads_as_a_date_a_masked_period_or_unknown() -> None:
    by_date = _summary_fields(q10_when_precision="日付まで特定できる", q10_time=None)
    assert by_date["発生日時"] == "令和7年8月1日(金)"
    by_period = _summary_fields(
        q10_when_precision="期間で特定できる",
        q10_date=None,
        q10_time=None,
        q10_period=f"令和7年8月1日から8月5日までの間(担当 {LANDLINE})",
    )
    assert by_period["発生日時"] == f"令和7年8月1日から8月5日までの間(担当 {PHONE})"
    unknown = _summary_fields(q10_when_precision="特定できない", q10_date=None, q10_time=None)
    assert unknown["発生日時"] == "特定できない"


def test_respondent_name_is_shown_escaped_and_masked_only_when_it_holds_more_than_a_name() -> None:
    assert _summary_fields(respondent_name="佐藤 <花子> & 1")["回答者"] == "佐藤 &lt;花子&gt; &amp; 1"
    assert _summary_fields(respondent_name="山田一二三")["回答者"] == "山田一二三"
    assert _summary_fields(respondent_name=f"佐藤 {MOBILE} {ADDRESS}")["回答者"] == f"佐藤 {PHONE} {EMAIL}"
    long = "佐藤花子 総務部法務文書課 文書管理担当 主任 兼 情報公開担当 兼 広報担当"
    assert _summary_fields(respondent_name=long)["回答者"] == long[: NAME_MAX - 1] + "…"


def test_summary_fields_are_verbatim_and_say_what_is_masked() -> None:
    message = summary_message(SURVEY, _view_of_answers(sample_answers()))
    fields = [field for block in message.blocks for field in block.get("fields", [])]
    assert fields and all(field["verbatim"] is True for field in fields)
    assert message.blocks[-1]["elements"][0]["text"] == texts.SUMMARY_MASKED_NOTE


def _view_of_answers(answers: dict[str, Any]) -> SubmissionView:
    return SubmissionView(draft_id=7, receipt_number="2026-0042", submitted_at=NOW, answers=answers)


def test_summary_of_the_longest_path_stays_within_message_limits() -> None:
    answers = longest_path_answers("長" * 2000, f"{MOBILE}&<>" * 10 + "x" * 40)
    fields = _summary_fields(**answers)
    assert fields["発生日時"] == "令和7年8月1日(金) 午前10時30分頃"
    assert MOBILE not in "".join(fields.values())
    submission = Submission(
        draft_id=1, receipt_number="2026-0001", receipt_year=2026, receipt_seq=1, team_id=TEAM,
        user_id="U0SATO", flow_version_id=1, answers=answers, submitted_at=NOW,
    )  # fmt: skip
    assert_message_within_limits(summary_message(SURVEY, view_of(submission)).blocks)


def test_a_flow_without_the_survey_questions_still_renders(engine: Engine) -> None:
    flow = make_flow()
    submission = submit(
        engine, {"name": "鈴木 一郎", "role": "主事", "years": 3, "channels": ["メール"]}, flow=flow
    )
    message = summary_message(flow, view_of(submission))
    assert message.blocks[0]["text"]["text"] == f"{flow.title}: 回答が届きました"
    assert fields_of(message.blocks) == {
        "受付番号": "2026-0001",
        "送信日時": "令和8年5月11日(月) 午前9時30分",
        "状況": "受付",
    }
    assert message.blocks[2]["elements"][0]["action_id"] == refs.ADMIN_FULL_ANSWERS
    full = full_answers_view(flow, view_of(submission))
    assert "鈴木 一郎" in json.dumps(full, ensure_ascii=False)


# --- the full answers -----------------------------------------------------------------------------


def _section_texts(view: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in view["blocks"] if block["type"] == "section"]


def _assert_view_within_limits(view: dict[str, Any]) -> None:
    assert view["type"] == "modal" and 0 < len(view["title"]["text"]) <= 24
    assert len(view["blocks"]) <= 100
    assert all(len(text) <= 3000 for text in _section_texts(view))
    assert all(len(b["text"]["text"]) <= 150 for b in view["blocks"] if b["type"] == "header")


def test_full_view_shows_every_answer_unmasked_grouped_by_item(engine: Engine, fake: FakeSlack) -> None:
    answers = sample_answers()
    submission = submit(engine, answers)
    view = full_answers_view(SURVEY, view_of(submission))

    _assert_view_within_limits(view)
    assert (view["title"]["text"], view["close"]["text"]) == ("回答の全文", "閉じる")
    headers = [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]
    assert headers == [item.title for item in SURVEY.items]
    text = "\n".join(_section_texts(view))
    for secret in (MOBILE, LANDLINE, ADDRESS, MY_NUMBER, "新潟 太郎", "010020 総務部 法務文書課"):
        assert secret in text
    assert "&lt;!channel&gt; &amp; more" in text and "<!channel>" not in text
    asked = [q for q in asked_questions(SURVEY, answers) if q.id in answers]
    assert all(f"*{escape(q.label)}*" in text for q in asked)
    assert text.index("*質問1 職名*") < text.index("*質問2 年代*") < text.index("*質問22 原因分析*")
    assert view["blocks"][0]["elements"][0]["action_id"] == refs.ADMIN_CHANGE_STATUS
    assert "2026-0001" in view["blocks"][1]["elements"][0]["text"]
    # Slack itself (the fake's checks) accepts the view.
    client = WebClient(token=fake.token, base_url=fake.base_url, timeout=5)
    client.views_open(trigger_id=fake.issue_trigger(ADMIN), view=view)
    assert len(fake.open_views(ADMIN)) == 1


@pytest.mark.parametrize(
    "long_text",
    [
        pytest.param("あ" * 1999 + "\n", id="japanese"),
        pytest.param("<&>" * 666 + "&&", id="escapes-quintuple"),
    ],
)
def test_full_view_of_the_longest_path_with_long_texts_fits(engine: Engine, long_text: str) -> None:
    other_text = "&<>" * 66 + "xy"
    answers = longest_path_answers(long_text, other_text)
    assert len(asked_questions(SURVEY, answers)) == len(explore(SURVEY).longest) == 60
    submission = submit(engine, answers)

    view = full_answers_view(SURVEY, view_of(submission))

    _assert_view_within_limits(view)
    joined = "".join(_section_texts(view))
    # Cut into pieces across sections, each long answer is still there whole and in order.
    assert escape(long_text.strip()) in joined and escape(long_text.strip()[::-1]) in joined
    assert joined.count(escape(other_text)) == sum(
        1 for q in SURVEY.questions if q.follow_up_of and q.id in answers
    )
    assert "表示しきれない" not in json.dumps(view, ensure_ascii=False)
