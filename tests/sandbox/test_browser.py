"""The sandbox page in a real browser: Debian's Chromium driven by Playwright (no browser is downloaded).

One person answers the whole shipped survey in the page, by clicking and typing as in Slack; the
admin channel then shows the summary with the receipt number. The administrator's /survey 集計 and
/survey export come back as files: charts shown in place and an Excel file to download. Screenshots
go to the test's tmp dir, and to $KIKITORI_SCREENSHOT_DIR (docs/sandbox-survey.png for the README,
sandbox-stats.png for the charts) when that is set.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import openpyxl
import pytest

import storage
from bot import texts
from flows.engine import apply_answer
from flows.model import Flow
from sandbox import Sandbox
from sandbox import slack_payloads as sp
from sandbox.people import ADMIN, ADMIN_CHANNEL_ID, PEOPLE

try:
    from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]

T = TypeVar("T")
CHROMIUM = Path(os.environ.get("KIKITORI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.skipif(
        sync_playwright is None, reason="playwright is not installed (pip install -e '.[dev]')"
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set KIKITORI_CHROMIUM)",
    ),
]

# A short path through the shipped survey that still uses every kind of input the page renders:
# the department search, text with Enter, radio buttons, numbers, checkboxes with 次へ, the date and
# time pickers, and the long-text modal.
ANSWERS: dict[str, Any] = {
    "org": ("法務", "010020 総務部 法務文書課"),
    "respondent_name": "新潟 太郎",
    "q1_title": "主任",
    "q2_age": "30代",
    "q3_years_employed": "10",
    "q4_years_in_unit": "3",
    "q5_years_in_task": "2",
    "q6_training": "ない",
    "q7_rule_doc": "内容まで知っている",
    "q8_rule_steps": "一部知っていた",
    "q10_when_precision": "日時まで特定できる",
    "q10_date": "2025-08-01",
    "q10_time": "10:30",
    "q11_place": "執務室(自席)",
    "q12_task": "メール送信",
    "q13_info_kinds": ["氏名", "メールアドレス"],
    "q14_persons": "5",
    "q15_discovery": "本人からの連絡",
    "q16_experience": "初めて行った",
    "q17_before": "同じ作業を続けていた",
    "q18_busyness": "普段どおり",
    "q19_multitask": "していなかった",
    "q20_followed": "すべて実施した",
    "q21_burden": "負担ではなかった",
    "q21_6_reactions": ["特に反応はなかった"],
    "q22_causes": ["確認不足(ダブルチェックの未実施等)"],
    "q23_measures": "送付前のダブルチェックを徹底する。",
    "q24_improvements": "宛先の自動チェック機能がほしい。",
    "q25_alert_known": "知らなかった",
    "q26_alert_use": "している",
    "q27_checksheet": "促している",
    "q_uses_contractors": "していない",
}

# The newest message that waits for the person (a question with its input, or the review), unless it
# is one already answered: then null, so wait_for_function keeps waiting for the next one.
NEXT_PROMPT_JS = """(handled) => {
  const messages = Array.from(document.querySelectorAll('#dm-timeline article.msg'));
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    const input = message.querySelector('[data-block-id$="|input"]');
    const review = message.querySelector('[data-block-id$="|review_actions"]');
    if (!input && !review) continue;
    if (handled.includes(message.dataset.ts)) return null;
    return {ts: message.dataset.ts, question: input ? input.dataset.blockId.split('|')[3] : null};
  }
  return null;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def save(page: Page, tmp_path: Path, name: str, *, publish_as: str | None = None) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    published = os.environ.get("KIKITORI_SCREENSHOT_DIR")
    if published and publish_as:
        Path(published).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(published) / publish_as)
    return shot


def answer(page: Page, ts: str, question_type: str, value: Any) -> None:
    """Answer the question in the message `ts` as a person would with its element."""
    message = page.locator(f'#dm-timeline article[data-ts="{ts}"]')
    match question_type:
        case "single":
            message.get_by_role("radio", name=value, exact=True).click()
        case "multi":
            for choice in value:  # a choice that excludes the others says so after its label
                name = re.compile(f"^{re.escape(choice)}(?:{re.escape(texts.EXCLUSIVE_MARK)})?$")
                message.get_by_role("checkbox", name=name).click()
            message.get_by_role("button", name="次へ").click()
        case "integer" | "text":
            box = message.get_by_role("textbox")
            box.fill(value)
            box.press("Enter")
        case "date":
            message.locator('input[type="date"]').fill(value)
        case "time":
            message.locator('input[type="time"]').fill(value)
        case "org":
            keyword, label = value
            search = message.get_by_role("combobox")
            search.click()
            search.fill(keyword)
            page.get_by_role("option", name=label, exact=True).click()
        case "long_text":
            message.get_by_role("button", name=re.compile("入力する")).click()
            modal = page.locator(".modal")
            modal.get_by_role("textbox").fill(value)
            modal.get_by_role("button", name="保存").click()
            expect(modal).to_be_hidden()
        case _:
            raise AssertionError(f"no way to answer a {question_type} question")


def answer_until(page: Page, flow: Flow, stop_at: str | None) -> tuple[list[str], list[str]]:
    """Answer the survey in the DM with ANSWERS until the question `stop_at` (None: the review) waits.
    The ts of every prompt seen, the last being the one waiting, and the ids of the questions answered."""
    handled: list[str] = []
    asked: list[str] = []
    while True:
        prompt = page.wait_for_function(NEXT_PROMPT_JS, arg=handled, timeout=10_000).json_value()
        handled.append(prompt["ts"])
        if prompt["question"] == stop_at:
            return handled, asked
        if prompt["question"] is None:
            raise AssertionError(f"the review came before {stop_at}")
        question = flow.by_id[prompt["question"]]
        asked.append(question.id)
        answer(page, prompt["ts"], question.type, ANSWERS[question.id])


def record_requests(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the sandbox sends the bot from now on: each request's payload, command fields or event."""
    received: list[dict[str, Any]] = []
    sender = sandbox.interactions.sender
    send = sender.send

    def recording(request: sp.SlackRequest, **options: Any) -> sp.Response:
        received.append(request.data)
        return send(request, **options)

    monkeypatch.setattr(sender, "send", recording)
    return received


def picked(received: list[dict[str, Any]], kind: str) -> list[str]:
    """The values of the datepicker or timepicker actions the bot received, in order."""
    field = {"datepicker": "selected_date", "timepicker": "selected_time"}[kind]
    return [
        action[field]
        for payload in received
        if payload.get("type") == "block_actions"
        for action in payload["actions"]
        if action["type"] == kind
    ]


def assert_in_viewport(page: Page, what: Locator) -> None:
    """`what` lies inside the viewport and is what the person sees there: nothing covers or clips it."""
    box = what.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    top, left = box["y"], box["x"]
    assert top >= 0 and top + box["height"] <= viewport["height"], (box, viewport)
    assert left >= 0 and left + box["width"] <= viewport["width"], (box, viewport)
    for y in (box["y"] + 4, box["y"] + box["height"] - 4):
        on_top = what.evaluate(
            "(node, [x, y]) => node.contains(document.elementFromPoint(x, y))",
            [box["x"] + box["width"] / 2, y],
        )
        assert on_top, f"something else is on top of it at y={y}"


def phone(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    return context.new_page()


def test_the_whole_survey_in_the_page(sandbox: Sandbox, browser: Browser, tmp_path: Path) -> None:
    flow = sandbox.kikitori.catalog.current
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(sandbox.url)
    expect(page.locator("#person")).to_have_value(PEOPLE[0].id)

    composer = page.get_by_label("メッセージまたはスラッシュコマンド")
    composer.fill("/survey")
    composer.press("Enter")

    handled, asked = answer_until(page, flow, None)
    assert asked == list(ANSWERS)

    review = page.locator(f'#dm-timeline article[data-ts="{handled[-1]}"]')
    expect(review).to_contain_text("回答内容の確認")
    expect(review).to_contain_text("令和7年8月1日(金)")
    review.get_by_role("button", name="送信").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(texts.AFTER_SUBMIT_NOTE)
    dialog.get_by_role("button", name="送信する").click()

    receipt_message = page.locator("#dm-timeline article.msg", has_text="受付番号").last
    expect(receipt_message).to_be_visible()
    receipt = re.search(r"\d{4}-\d{4}", receipt_message.inner_text())
    assert receipt is not None
    admin_channel = page.locator("#admin-timeline")
    expect(admin_channel).to_contain_text(receipt.group())
    expect(admin_channel).to_contain_text("漏えい等事案の回答が届きました")
    # A respondent is not in the private channel: its buttons are not theirs to press.
    expect(admin_channel.get_by_role("button").first).to_be_disabled()
    assert errors == []
    save(page, tmp_path, "desktop.png", publish_as="sandbox-survey.png")

    # The administrator sees the same channel and may act in it.
    page.locator("#person").select_option(ADMIN.id)
    expect(page.locator("#admin-note")).to_contain_text("メンバーです")
    expect(admin_channel).to_contain_text(receipt.group())
    expect(admin_channel.get_by_role("button").first).to_be_enabled()
    expect(page.locator("#dm-timeline")).not_to_contain_text("受付番号")  # someone else's DM
    page.close()


def test_phone_sized_screen(sandbox: Sandbox, browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.goto(sandbox.url)
    page.get_by_role("button", name="/survey", exact=True).click()
    expect(page.locator("#dm-timeline")).to_contain_text("所属")
    expect(page.locator("#dm-timeline")).to_contain_text("個人情報漏えい等事案に関する調査")
    # One pane at a time, chosen with the tabs; nothing wider than the screen.
    expect(page.locator("#pane-dm")).to_be_visible()
    expect(page.locator("#pane-admin")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save(page, tmp_path, "phone-dm.png")
    page.get_by_role("tab", name="管理者チャンネル").click()
    expect(page.locator("#pane-admin")).to_be_visible()
    expect(page.locator("#pane-dm")).to_be_hidden()
    page.get_by_role("tab", name="ホーム").click()
    expect(page.locator("#pane-home")).to_be_visible()
    context.close()


def test_the_clock_moves_forward_from_the_page(sandbox: Sandbox, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(sandbox.url)
    before = page.locator("#clock-now").inner_text()
    page.get_by_role("button", name="+1日").click()
    expect(page.locator("#clock-offset")).to_contain_text("+1日")
    assert page.locator("#clock-now").inner_text() != before
    page.close()


def test_moving_the_clock_shows_a_reminder_and_then_the_escalation(
    sandbox: Sandbox, browser: Browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(sandbox.url)
    page.locator("#person").select_option(PEOPLE[1].id)  # someone with no draft yet
    composer = page.get_by_label("メッセージまたはスラッシュコマンド")
    composer.fill("/survey")
    composer.press("Enter")
    prompt = page.wait_for_function(NEXT_PROMPT_JS, arg=[], timeout=10_000).json_value()
    answer(page, prompt["ts"], "org", ANSWERS["org"])
    expect(page.locator("#dm-timeline")).to_contain_text("回答済み 1問")

    next_morning = page.get_by_role("button", name="翌営業日の始業")
    dm = page.locator("#dm-timeline")
    for _ in range(2):  # one full business day after the answer has passed by the second morning
        next_morning.click()
    expect(dm).to_contain_text("回答が途中になっています", timeout=10_000)
    expect(dm.get_by_role("button", name="あとで").last).to_be_visible()
    save(page, tmp_path, "reminder.png")

    admin_channel = page.locator("#admin-timeline")
    for _ in range(12):  # three reminders two business days apart, then the one escalation
        if "未回答のお知らせ" in admin_channel.inner_text():
            break
        next_morning.click()
        page.wait_for_timeout(300)
    expect(admin_channel).to_contain_text("未回答のお知らせ")
    expect(admin_channel).to_contain_text(PEOPLE[1].name)
    save(page, tmp_path, "escalation.png")
    page.close()


def test_a_date_typed_with_the_keyboard_reaches_the_bot_whole(
    sandbox: Sandbox, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack's datepicker reports only a whole date. Typed field by field, the date input has a value
    (0002-08-15) from the first digit of the year; only the confirmed, complete date may reach the bot."""
    received = record_requests(sandbox, monkeypatch)
    # In this locale Chromium's date field reads month/day/year, the order typed below.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(sandbox.url)
    page.get_by_role("button", name="/survey", exact=True).click()
    handled, _ = answer_until(page, sandbox.kikitori.catalog.current, "q10_date")
    message = page.locator(f'#dm-timeline article[data-ts="{handled[-1]}"]')
    day = message.locator('input[type="date"]')

    day.focus()
    page.keyboard.type("08152", delay=20)  # the year cut short: 0002-08-15 in the field
    page.locator("#dm-title").click()  # leaving the field does not send it either
    page.wait_for_timeout(500)  # room for anything sent to reach the bot
    assert picked(received, "datepicker") == []
    expect(message).to_contain_text("年(4桁)・月・日まで入力してください")
    day.focus()
    page.keyboard.type("08152025", delay=20)
    expect(message).to_contain_text("Enter キーを押すか、欄の外に移ると確定します")
    page.wait_for_timeout(500)
    assert picked(received, "datepicker") == []
    page.keyboard.press("Enter")

    dm = page.locator("#dm-timeline")
    expect(dm).to_contain_text("令和7年8月15日")
    time_prompt = page.wait_for_function(NEXT_PROMPT_JS, arg=handled, timeout=10_000).json_value()
    assert time_prompt["question"] == "q10_time"
    assert picked(received, "datepicker") == ["2025-08-15"]
    assert not re.search(r"(?<!令和7)年8月15日", dm.inner_text())

    # The time picker likewise: typed, then confirmed by leaving the field.
    moment = page.locator(f'#dm-timeline article[data-ts="{time_prompt["ts"]}"] input[type="time"]')
    moment.focus()
    page.keyboard.type("1030A", delay=20)
    page.locator("#dm-title").click()
    expect(dm).to_contain_text("午前10時30分")
    assert picked(received, "timepicker") == ["10:30"]
    context.close()


def test_mentioning_someone_from_the_message_box(
    sandbox: Sandbox, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing @ offers the workspace's people; the chosen one goes out as Slack sends a mention:
    <@U…|username> in a slash command's text (should_escape), <@U…> in a message. On a phone, by tapping."""
    received = record_requests(sandbox, monkeypatch)
    respondent = PEOPLE[1]
    due = sandbox.clock().astimezone(sandbox.clock.timezone).date() + timedelta(days=30)
    page = phone(browser)
    page.goto(sandbox.url)
    page.locator("#person").select_option(ADMIN.id)
    expect(page.locator("#admin-note")).to_contain_text("メンバーです")
    composer = page.get_by_label("メッセージまたはスラッシュコマンド")
    people = page.get_by_role("listbox", name="メンションする人")

    composer.tap()
    composer.press_sequentially("/survey assign @")
    expect(people.get_by_role("option")).to_have_count(len(PEOPLE))
    composer.press_sequentially("naga")  # the Slack username matches as well as the name
    expect(people.get_by_role("option")).to_have_count(1)
    assert_in_viewport(page, people)
    people.get_by_role("option", name=re.compile(respondent.name)).tap()
    expect(people).to_be_hidden()
    expect(composer).to_have_value(f"/survey assign @{respondent.name} ")
    composer.press_sequentially(f"期限 {due:%Y-%m-%d}")
    composer.press("Enter")

    replied = f"@{respondent.name} さんに依頼を送りました。"
    expect(page.locator("#dm-timeline")).to_contain_text(replied)
    commands = [fields for fields in received if fields.get("command") == "/survey"]
    assert commands[-1]["text"] == f"assign <@{respondent.id}|{respondent.handle}> 期限 {due:%Y-%m-%d}"
    admin_dm = sandbox.fake.dm_channel(ADMIN.id)
    shown = sandbox.fake.ephemeral(admin_dm, ADMIN.id) + sandbox.fake.messages(admin_dm)
    assert any(f"<@{respondent.id}> さんに依頼を送りました。" in str(m) for m in shown), shown
    # The invitation itself reaches the respondent's DM (through the bot's outbox).
    sandbox.fake.wait_for(lambda: sandbox.fake.messages(sandbox.fake.dm_channel(respondent.id)), timeout=10)

    # In a plain message the keyboard chooses too (Enter), and the text carries <@U…>.
    composer.press_sequentially("@長岡")
    expect(people.get_by_role("option")).to_have_count(1)
    composer.press("Enter")
    expect(composer).to_have_value(f"@{respondent.name} ")
    composer.press_sequentially("さんに依頼しました。")
    composer.press("Enter")
    expect(page.locator("#dm-timeline")).to_contain_text(f"@{respondent.name} さんに依頼しました。")
    events = [body["event"] for body in received if body.get("type") == "event_callback"]
    assert events[-1]["text"] == f"<@{respondent.id}> さんに依頼しました。"
    page.context.close()


def test_phone_department_suggestions_open_where_they_can_be_seen(sandbox: Sandbox, browser: Browser) -> None:
    """The 所属 question sits at the bottom of the timeline, just above the message box: its options
    must open where the person sees them (here above the box), not under the message box."""
    page = phone(browser)
    page.goto(sandbox.url)
    page.get_by_role("button", name="/survey", exact=True).click()
    prompt = page.wait_for_function(NEXT_PROMPT_JS, arg=[], timeout=10_000).json_value()
    message = page.locator(f'#dm-timeline article[data-ts="{prompt["ts"]}"]')
    search = message.get_by_role("combobox")
    search.tap()
    options = message.get_by_role("listbox")
    expect(options.get_by_role("option").first).to_be_visible()
    assert_in_viewport(page, options)

    search.fill("法務")
    choice = options.get_by_role("option", name=ANSWERS["org"][1], exact=True)
    expect(choice).to_have_count(1)
    assert_in_viewport(page, options)
    choice.tap()
    expect(page.locator("#dm-timeline")).to_contain_text("回答済み 1問")
    page.context.close()


def test_phone_admin_channel_opens_at_its_latest_message(sandbox: Sandbox, browser: Browser) -> None:
    """On a phone the admin channel is hidden until its tab is chosen; it then shows its newest message."""
    fake = sandbox.fake

    def bot_posts(text: str) -> None:  # as the bot would, through the Web API
        fake.dispatch("chat.postMessage", {"channel": ADMIN_CHANNEL_ID, "text": text}, fake.token)

    for number in range(1, 31):
        bot_posts(f"お知らせ {number}")
    page = phone(browser)
    page.goto(sandbox.url)
    channel = page.locator("#admin-timeline")
    expect(channel.locator("article.msg")).to_have_count(30)  # rendered while the DM pane is shown
    page.get_by_role("tab", name="管理者チャンネル").click()
    latest = channel.locator("article.msg").last
    expect(latest).to_contain_text("お知らせ 30")
    expect(latest).to_be_in_viewport()
    expect(channel.locator("article.msg").first).not_to_be_in_viewport()

    # Back to the DM and again to the channel, after a new message came while it was hidden.
    page.get_by_role("tab", name="メッセージ").click()
    bot_posts("お知らせ 31")
    expect(channel.locator("article.msg")).to_have_count(31)
    page.get_by_role("tab", name="管理者チャンネル").click()
    expect(channel.locator("article.msg").last).to_be_in_viewport()
    page.context.close()


def message_at(page: Page, ts: str) -> Locator:
    return page.locator(f'#dm-timeline article[data-ts="{ts}"]')


def stored_answers(sandbox: Sandbox, person_id: str = PEOPLE[0].id) -> dict[str, Any]:
    """What the bot saved for the person's open draft, read from the sandbox's database."""
    draft = storage.find_active_draft(
        sandbox.kikitori.engine,
        team_id=sp.TEAM_ID,
        user_id=person_id,
        flow_id=sandbox.kikitori.catalog.current.id,
    )
    assert draft is not None
    return dict(draft.answers)


def actions_named(received: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    """The block_actions payloads the bot received for `action_id`, in order."""
    return [
        payload
        for payload in received
        if payload.get("type") == "block_actions"
        and any(action["action_id"] == action_id for action in payload["actions"])
    ]


def test_the_answer_shown_again_after_going_back_is_kept_with_its_button(
    sandbox: Sandbox, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """戻る shows 質問2 again with 30代 chosen. Choosing 30代 again sends nothing (as in Slack), so the
    way forward is 「この回答のまま次へ」: 質問3 comes back and 質問2's answer is still 30代."""
    flow = sandbox.kikitori.catalog.current
    received = record_requests(sandbox, monkeypatch)
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(sandbox.url)
    page.get_by_role("button", name="/survey", exact=True).click()
    handled, asked = answer_until(page, flow, "q3_years_employed")
    assert asked[-1] == "q2_age"
    assert stored_answers(sandbox)["q2_age"] == ANSWERS["q2_age"]

    third = message_at(page, handled[-1])
    third.get_by_role("button", name=texts.BUTTON_BACK, exact=True).click()
    again = page.wait_for_function(NEXT_PROMPT_JS, arg=handled, timeout=10_000).json_value()
    assert again["question"] == "q2_age"
    handled.append(again["ts"])
    expect(third).to_contain_text(texts.WENT_BACK)  # the message left behind says where the person went
    second = message_at(page, again["ts"])
    expect(second.get_by_role("radio", name=ANSWERS["q2_age"], exact=True)).to_be_checked()
    expect(second.get_by_role("radio", checked=True)).to_have_count(1)
    keep = second.get_by_role("button", name=texts.BUTTON_KEEP_CURRENT)
    expect(keep).to_be_visible()

    # Choosing the selected option again is no change: the browser, like Slack, reports nothing.
    before = len(received)
    second.get_by_role("radio", name=ANSWERS["q2_age"], exact=True).click()
    page.wait_for_timeout(500)
    assert actions_named(received[before:], "kk_answer") == []

    keep.click()
    back_at_three = page.wait_for_function(NEXT_PROMPT_JS, arg=handled, timeout=10_000).json_value()
    assert back_at_three["question"] == "q3_years_employed"
    assert len(actions_named(received, "kk_keep_current")) == 1
    # 質問2's message now shows the answer it kept, with its 修正 button; 質問3 asks afresh.
    expect(second).to_contain_text(flow.by_id["q2_age"].label)
    expect(second).to_contain_text(ANSWERS["q2_age"])
    expect(second.get_by_role("button", name=texts.BUTTON_EDIT)).to_be_visible()
    expect(second.get_by_role("radio")).to_have_count(0)
    expect(message_at(page, back_at_three["ts"]).get_by_role("textbox")).to_have_value("")
    answers = stored_answers(sandbox)
    assert answers["q2_age"] == ANSWERS["q2_age"]
    assert "q3_years_employed" not in answers
    assert errors == []
    page.close()


def checkbox_ticks(sandbox: Sandbox, channel: str, ts: str) -> list[str]:
    """The values the message's checkboxes hold as the bot last sent it (its initial_options)."""
    message = next(m for m in sandbox.fake.messages(channel) if m["ts"] == ts)
    for _, element in sp.iter_elements(message["blocks"]):
        if element["type"] == "checkboxes":
            return [option["value"] for option in element.get("initial_options", [])]
    raise AssertionError("the message has no checkboxes")


def ticked_on_page(message: Locator) -> list[str]:
    return message.locator('input[type="checkbox"]').evaluate_all(
        "(boxes) => boxes.filter((box) => box.checked).map((box) => box.value)"
    )


def sent_ticks(payload: dict[str, Any]) -> list[str]:
    """The checkboxes' selected options in a block_actions payload's state.values."""
    found = [
        [option["value"] for option in element.get("selected_options", [])]
        for block in payload["state"]["values"].values()
        for element in block.values()
        if element["type"] == "checkboxes"
    ]
    assert len(found) == 1, payload["state"]
    return found[0]


def test_phone_ticks_survive_an_exclusive_choice_error_and_untick_as_expected(
    sandbox: Sandbox, browser: Browser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """質問21‐6: 「理解を示してくれた」 with 「特に反応はなかった」 (exclusive) is flagged at once and
    again on 次へ, both ticks kept; unticking the exclusive one clears the flag and 次へ saves the rest.
    After every update of the message the page shows exactly the ticks the message holds."""
    flow = sandbox.kikitori.catalog.current
    received = record_requests(sandbox, monkeypatch)
    channel = sandbox.fake.dm_channel(PEOPLE[0].id)
    page = phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(sandbox.url)
    page.get_by_role("button", name="/survey", exact=True).tap()
    handled, _ = answer_until(page, flow, "q21_6_reactions")
    ts = handled[-1]
    message = message_at(page, ts)
    understood = "理解を示してくれた"
    no_reaction = "特に反応はなかった"
    understood_box = message.get_by_role("checkbox", name=understood, exact=True)
    no_reaction_box = message.get_by_role("checkbox", name=no_reaction + texts.EXCLUSIVE_MARK, exact=True)
    warning = f"「{no_reaction}」は他の選択肢と同時に選べません"

    def shows_the_message_ticks(expected: list[str]) -> None:
        """The bot's message holds `expected` and the page shows just those, once it has caught up."""
        sandbox.fake.wait_for(lambda: checkbox_ticks(sandbox, channel, ts) == expected, timeout=10)
        expect(message.locator('input[type="checkbox"]:checked')).to_have_count(len(expected))
        assert sorted(ticked_on_page(message)) == sorted(expected)

    understood_box.tap()
    expect(understood_box).to_be_checked()
    edits = sandbox.fake.edit_count(channel, ts)
    no_reaction_box.tap()
    # The conflict is flagged at once (chat.update), both ticks kept in the updated message.
    expect(message).to_contain_text(warning)
    assert sandbox.fake.edit_count(channel, ts) == edits + 1
    shows_the_message_ticks([understood, no_reaction])
    expect(understood_box).to_be_checked()
    expect(no_reaction_box).to_be_checked()
    # On the phone the warning is seen right under the boxes, and nothing is wider than the screen.
    warning_line = message.get_by_text(warning)
    choices = message.get_by_role("group")
    expect(warning_line).to_be_in_viewport()
    expect(no_reaction_box).to_be_in_viewport()
    below, above = warning_line.bounding_box(), choices.bounding_box()
    assert below is not None and above is not None
    assert 0 <= below["y"] - (above["y"] + above["height"]) < 40, (above, below)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save(page, tmp_path, "multi-warning.png")

    # 次へ with the conflict: the error again, the ticks kept, nothing saved.
    edits = sandbox.fake.edit_count(channel, ts)
    message.get_by_role("button", name=texts.BUTTON_NEXT, exact=True).tap()
    sandbox.fake.wait_for(lambda: sandbox.fake.edit_count(channel, ts) > edits, timeout=10)
    expect(message).to_contain_text(warning)
    shows_the_message_ticks([understood, no_reaction])
    assert sent_ticks(actions_named(received, "kk_next")[-1]) == [understood, no_reaction]
    assert "q21_6_reactions" not in stored_answers(sandbox)

    # Unticking the exclusive choice unticks it (and it stays so when the bot takes the flag away).
    no_reaction_box.tap()
    expect(no_reaction_box).not_to_be_checked()
    expect(message).not_to_contain_text(warning)
    shows_the_message_ticks([understood])
    expect(no_reaction_box).not_to_be_checked()
    expect(understood_box).to_be_checked()
    assert sent_ticks(actions_named(received, "kk_toggle")[-1]) == [understood]

    message.get_by_role("button", name=texts.BUTTON_NEXT, exact=True).tap()
    following = page.wait_for_function(NEXT_PROMPT_JS, arg=handled, timeout=10_000).json_value()
    assert following["question"] == "q22_causes"
    assert sent_ticks(actions_named(received, "kk_next")[-1]) == [understood]
    assert stored_answers(sandbox)["q21_6_reactions"] == [understood]
    expect(message).to_contain_text(understood)
    expect(message).not_to_contain_text(no_reaction)
    assert errors == []
    page.context.close()


def answered_earlier(sandbox: Sandbox, person_id: str = PEOPLE[0].id) -> None:
    """A draft holding every answer in ANSWERS, as if the person had answered them in the page (as
    test_the_whole_survey_in_the_page does) and left before sending: 再開 shows the review."""
    flow = sandbox.kikitori.catalog.current
    code, name = ANSWERS["org"][1].split(" ", 1)
    raw = {**ANSWERS, "org": {"code": code, "name": name}}
    answers: dict[str, Any] = {}
    for question in flow.questions:
        if question.id in raw:
            answers = apply_answer(flow, answers, question.id, raw[question.id]).answers
    now = sandbox.clock()
    engine = sandbox.kikitori.engine
    version = sandbox.kikitori.catalog.current_version_id
    draft = storage.start_draft(
        engine, team_id=sp.TEAM_ID, user_id=person_id, flow_version_id=version, now=now
    )
    assert draft.id is not None
    storage.save_answers(
        engine, draft.id, expected_version=draft.version, answers=answers, current_question_id=None, now=now
    )


def submit_from_the_review(page: Page) -> str:
    """As the respondent: 再開, then 送信 on the review and in its confirmation; the receipt number."""
    page.get_by_role("button", name="/survey 再開", exact=True).click()
    prompt = page.wait_for_function(NEXT_PROMPT_JS, arg=[], timeout=10_000).json_value()
    review = message_at(page, prompt["ts"])
    expect(review).to_contain_text(texts.REVIEW_TITLE)
    review.get_by_role("button", name=texts.BUTTON_SUBMIT, exact=True).click()
    page.get_by_role("alertdialog").get_by_role("button", name=texts.CONFIRM_SUBMIT[2]).click()
    receipt_message = page.locator("#dm-timeline article.msg", has_text="受付番号").last
    expect(receipt_message).to_be_visible()
    receipt = re.search(r"\d{4}-\d{4}", receipt_message.inner_text())
    assert receipt is not None
    return receipt.group()


def settled(found: Callable[[], list[T]], *, quiet: float = 2.0, timeout: float = 30.0) -> list[T]:
    """What `found` returns once it has been non-empty and unchanged for `quiet` seconds: the bot sends
    one chart after another and says nothing when the last one is out."""
    deadline = time.monotonic() + timeout
    last, since = found(), time.monotonic()
    while not last or time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, f"still changing after {timeout} s: {last}"
        time.sleep(0.1)
        now = found()
        if now != last:
            last, since = now, time.monotonic()
    return last


def test_an_administrator_sees_the_charts_and_downloads_the_export(
    sandbox: Sandbox, browser: Browser, tmp_path: Path
) -> None:
    """/survey 集計 and /survey export upload files into the administrator's DM (files_upload_v2): the
    page shows each chart in place, scaled to the pane and opening at full size, and the export as a
    file card whose link downloads the very bytes the bot uploaded."""
    fake = sandbox.fake
    admin_dm = fake.dm_channel(ADMIN.id)
    answered_earlier(sandbox)
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(sandbox.url)
    receipt = submit_from_the_review(page)

    page.locator("#person").select_option(ADMIN.id)
    expect(page.locator("#admin-note")).to_contain_text("メンバーです")
    composer = page.get_by_label("メッセージまたはスラッシュコマンド")
    composer.fill("/survey 集計")
    composer.press("Enter")
    dm = page.locator("#dm-timeline")
    expect(dm).to_contain_text(texts.STATS_TITLE, timeout=10_000)
    charts = settled(
        lambda: [
            f for m in fake.messages(admin_dm) for f in m.get("files", []) if f["mimetype"] == "image/png"
        ]
    )
    images = dm.locator("figure.file-image img")
    expect(images).to_have_count(len(charts), timeout=10_000)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('#dm-timeline figure.file-image img'))
                 .every((img) => img.complete && img.naturalWidth > 0)""",
        timeout=10_000,
    )
    first = images.first
    expect(page.locator("figure.file-image figcaption").first).to_have_text(charts[0]["title"])
    assert first.get_attribute("src") == f"/files/{charts[0]['id']}"  # from the page's own server
    natural, shown, pane = first.evaluate(
        "(img) => [img.naturalWidth, img.getBoundingClientRect().width, img.closest('.timeline').clientWidth]"
    )
    assert natural == charts[0]["original_w"] and shown <= pane < natural, (natural, shown, pane)

    # The first chart under the end of the statistics, as the administrator scrolls back to it.
    first.evaluate(
        """(img) => {
          const timeline = img.closest('.timeline');
          timeline.scrollTop += img.closest('article').getBoundingClientRect().top
            - timeline.getBoundingClientRect().top - 150;
          return img.decode();  // painted before the screenshot
        }"""
    )
    save(page, tmp_path, "stats.png", publish_as="sandbox-stats.png")

    # Tapping a chart opens it at full size; Escape closes it.
    first.click()
    full = page.locator("#image-layer img")
    expect(full).to_be_visible()
    assert full.evaluate("(img) => img.complete && img.clientWidth === img.naturalWidth")
    save(page, tmp_path, "chart-full-size.png")
    page.keyboard.press("Escape")
    expect(page.locator("#image-layer")).to_be_hidden()

    composer.fill("/survey export")
    composer.press("Enter")
    download_link = page.get_by_role("link", name=re.compile(r"\.xlsx をダウンロード$"))
    card = dm.locator("article.msg", has=download_link)
    link = card.locator(download_link)
    expect(link).to_be_visible(timeout=20_000)
    expect(card).to_contain_text(texts.EXPORT_COMMENT)  # the upload's initial_comment
    expect(card).to_contain_text("Excel スプレッドシート")
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    [export] = [u for u in fake.uploads.values() if u["filename"].endswith(".xlsx")]
    assert download.suggested_filename == export["filename"]
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == export["content"]  # the very bytes the bot uploaded
    book = openpyxl.load_workbook(saved)
    assert "回答" in book.sheetnames
    assert receipt in [cell.value for cell in book["回答"]["A"]]

    # On a phone the chart fits the screen too.
    page.set_viewport_size({"width": 390, "height": 844})
    first.scroll_into_view_if_needed()
    assert first.evaluate("(img) => img.getBoundingClientRect().right") <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    page.close()


def test_an_administrator_returns_a_submission_from_the_channel(
    sandbox: Sandbox, browser: Browser, tmp_path: Path
) -> None:
    """状況を変更 on the summary opens the form; 差戻し with a reason updates the summary, posts in
    its thread and sends the respondent 「回答を修正する」."""
    answered_earlier(sandbox)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(sandbox.url)
    receipt = submit_from_the_review(page)
    page.locator("#person").select_option(ADMIN.id)
    channel = page.locator("#admin-timeline")
    summary = channel.locator("article.msg", has_text=receipt).first
    expect(summary).to_contain_text(f"{texts.SUMMARY_STATUS}")
    summary.get_by_role("button", name=texts.BUTTON_CHANGE_STATUS).click()
    form = page.get_by_role("dialog")
    expect(form).to_contain_text(texts.STATUS_FORM_TITLE)
    form.get_by_role("combobox").select_option("returned")
    form.get_by_role("textbox").fill("発生日時をご確認ください")
    save(page, tmp_path, "status-form.png", publish_as="sandbox-status-form.png")
    form.get_by_role("button", name=texts.STATUS_FORM_SUBMIT).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(channel).to_contain_text("差戻し中", timeout=10_000)
    expect(channel).to_contain_text("発生日時をご確認ください")
    save(page, tmp_path, "status-returned.png", publish_as="sandbox-status-returned.png")
    page.locator("#person").select_option(PEOPLE[0].id)
    expect(page.locator("#dm-timeline")).to_contain_text(texts.BUTTON_OPEN_CORRECTION, timeout=10_000)
    page.close()
