"""The sandbox page in a real browser: Debian's Chromium driven by Playwright (no browser is downloaded).

One person answers the whole shipped survey in the page, by clicking and typing as in Slack; the
admin channel then shows the summary with the receipt number. Screenshots go to the test's tmp dir,
and to $KIKITORI_SCREENSHOT_DIR (docs/sandbox-survey.png for the README) when that is set.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import Sandbox
from sandbox.people import ADMIN, PEOPLE

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]

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
            for choice in value:
                message.get_by_role("checkbox", name=choice, exact=True).click()
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

    handled: list[str] = []
    asked: list[str] = []
    while True:
        prompt = page.wait_for_function(NEXT_PROMPT_JS, arg=handled, timeout=10_000).json_value()
        handled.append(prompt["ts"])
        if prompt["question"] is None:
            break  # the review
        question = flow.by_id[prompt["question"]]
        asked.append(question.id)
        answer(page, prompt["ts"], question.type, ANSWERS[question.id])
    assert asked == list(ANSWERS)

    review = page.locator(f'#dm-timeline article[data-ts="{handled[-1]}"]')
    expect(review).to_contain_text("回答内容の確認")
    expect(review).to_contain_text("令和7年8月1日(金)")
    review.get_by_role("button", name="送信").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("送信後は修正できません")
    dialog.get_by_role("button", name="送信する").click()

    receipt_message = page.locator("#dm-timeline article.msg", has_text="受付番号")
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
