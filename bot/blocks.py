"""Block Kit for the conversation: one message per question, the review, confirmations.

Only elements that work in messages are used (no number_input or email_text_input). Every
message stays inside Slack's limits; tests render the whole shipped survey and check them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot import ids
from bot.ids import DraftRef
from flows.answers import AnswerValue
from flows.display import display_answer
from flows.engine import Progress, ReviewSection
from flows.model import Flow, Question

Block = dict[str, Any]

MAX_BLOCKS = 50
OPTION_TEXT_MAX = 75
SECTION_TEXT_MAX = 3000
RADIO_MAX = 10
REVIEW_VALUE_MAX = 300  # a long answer is cut in the review; 修正 shows it whole


@dataclass(frozen=True)
class Message:
    text: str  # the notification and accessibility fallback
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Slack mrkdwn control characters; people's answers are shown as they typed them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = OPTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(text, SECTION_TEXT_MAX)}


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value}


def button(
    text: str, action_id: str, value: str = "-", *, style: str | None = None, confirm: dict | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(
    title: str, text: str, yes: str, no: str = "戻る", *, danger: bool = False
) -> dict[str, Any]:
    dialog = {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


# --- a question ------------------------------------------------------------------------------


def question_message(
    flow: Flow,
    question: Question,
    ref: DraftRef,
    *,
    progress: Progress,
    current: AnswerValue | None = None,
    typed: str | None = None,
    error: str | None = None,
    can_go_back: bool = True,
) -> Message:
    """The message that asks one question. `typed` keeps what the person typed after an error."""
    item = flow.item_of[question.id]
    blocks: list[Block] = [
        context(f"{escape(item.title)}  |  回答済み {progress.answered}問・残り約 {progress.remaining}問"),
        {"type": "section", "block_id": ref.block_id("text"), "text": mrkdwn(_question_text(question))},
    ]
    if question.note:
        blocks.append(context(escape(question.note)))
    blocks.extend(_input_blocks(question, ref, current=current, typed=typed))
    if error:
        blocks.append(context(f":warning: *{escape(error)}*"))
    navigation = [button("戻る", ids.BACK, question.id)] if can_go_back else []
    if _answered_on_next(question):
        navigation.insert(0, button("次へ", ids.NEXT, question.id, style="primary"))
    if navigation:
        blocks.append({"type": "actions", "block_id": ref.block_id("nav"), "elements": navigation})
    blocks.append(
        context("いつでも中断できます。回答は1問ごとに保存され、`/survey 再開` で続きから回答できます。")
    )
    return Message(text=f"{question.label}", blocks=blocks)


def _question_text(question: Question) -> str:
    lines = []
    if question.title:
        lines.append(f"*{escape(question.title)}*")
        lines.append(escape(question.text))
    else:
        lines.append(f"*{escape(question.text)}*")
    if question.optional:
        lines.append("_(任意)_")
    if question.hint:
        lines.append(f"_{escape(question.hint)}_")
    if question.type == "multi":
        lines.append("_当てはまるものをすべて選び、「次へ」を押してください。_")
    return "\n".join(lines)


def _answered_on_next(question: Question) -> bool:
    return question.type in ("multi", "integer", "text")


def _input_blocks(
    question: Question, ref: DraftRef, *, current: AnswerValue | None, typed: str | None
) -> list[Block]:
    block_id = ref.block_id("input")
    match question.type:
        case "single":
            return [
                {"type": "actions", "block_id": block_id, "elements": [_single_element(question, current)]}
            ]
        case "multi":
            return [
                {"type": "actions", "block_id": block_id, "elements": [_multi_element(question, current)]}
            ]
        case "integer" | "text":
            initial = typed if typed is not None else ("" if current is None else str(current))
            element: dict[str, Any] = {
                "type": "plain_text_input",
                "action_id": ids.ANSWER,
                "placeholder": plain("数字を入力" if question.type == "integer" else "入力してください", 150),
            }
            if question.type == "text" and question.max_length:
                element["max_length"] = question.max_length
            if initial:
                element["initial_value"] = initial
            return [
                {
                    "type": "input",
                    "block_id": block_id,
                    "dispatch_action": True,
                    "element": element,
                    "label": plain("回答(入力後 Enter または「次へ」)", 2000),
                }
            ]
        case "long_text":
            shown = escape(cut(str(current), REVIEW_VALUE_MAX)) if current else "_(まだ入力されていません)_"
            limit = f"{question.max_length:,}文字以内" if question.max_length else ""
            return [
                {"type": "section", "block_id": ref.block_id("current"), "text": mrkdwn(f"{shown}")},
                {
                    "type": "actions",
                    "block_id": block_id,
                    "elements": [
                        button(f"入力する({limit})", ids.OPEN_LONG_TEXT, question.id, style="primary")
                    ],
                },
            ]
        case "date":
            element = {"type": "datepicker", "action_id": ids.ANSWER, "placeholder": plain("日付を選ぶ")}
            if current:
                element["initial_date"] = str(current)
            return [{"type": "actions", "block_id": block_id, "elements": [element]}]
        case "time":
            element = {"type": "timepicker", "action_id": ids.ANSWER, "placeholder": plain("時刻を選ぶ")}
            if current:
                element["initial_time"] = str(current)
            return [{"type": "actions", "block_id": block_id, "elements": [element]}]
        case "org":
            element = {
                "type": "external_select",
                "action_id": ids.ANSWER,
                "placeholder": plain("所属名・所属コードで検索"),
                "min_query_length": 0,
            }
            if isinstance(current, dict):
                element["initial_option"] = org_option(current["code"], current["name"])
            return [{"type": "actions", "block_id": block_id, "elements": [element]}]
    raise ValueError(question.type)  # pragma: no cover


def org_option(code: str, name: str) -> dict[str, Any]:
    return option(f"{code} {name}", code)


def _single_element(question: Question, current: AnswerValue | None) -> dict[str, Any]:
    return _choice_element(question, [current], few="radio_buttons", many="static_select", multiple=False)


def _multi_element(question: Question, current: AnswerValue | None) -> dict[str, Any]:
    chosen = current if isinstance(current, list) else []
    return _choice_element(question, chosen, few="checkboxes", many="multi_static_select", multiple=True)


def _choice_element(
    question: Question, chosen: list[Any], *, few: str, many: str, multiple: bool
) -> dict[str, Any]:
    """Buttons for up to 10 choices (Slack's limit), a menu beyond; the current answer preselected.
    A single choice answers at once; several are read on 次へ."""
    options = [option(c.display, c.value) for c in question.choices]
    element: dict[str, Any] = {
        "type": few if len(options) <= RADIO_MAX else many,
        "action_id": ids.TOGGLE if multiple else ids.ANSWER,
        "options": options,
    }
    if len(options) > RADIO_MAX:
        element["placeholder"] = plain("選択してください")
    selected = [o for o in options if o["value"] in chosen]
    if selected and multiple:
        element["initial_options"] = selected
    elif selected:
        element["initial_option"] = selected[0]
    return element


def answered_message(question: Question, value: AnswerValue | None, ref: DraftRef) -> Message:
    """A question's message once answered: the answer and a 修正 button."""
    shown = escape(cut(display_answer(question, value), REVIEW_VALUE_MAX))
    return Message(
        text=f"{question.label}: 回答済み",
        blocks=[
            {
                "type": "section",
                "block_id": ref.block_id("answered"),
                "text": mrkdwn(f":white_check_mark: *{escape(cut(question.label, 200))}*\n{shown}"),
                "accessory": button("修正", ids.EDIT, question.id),
            }
        ],
    )


def left_message(question: Question, ref: DraftRef, note: str) -> Message:
    """A question's message after the person moved elsewhere (戻る, a newer message)."""
    return Message(
        text=question.label,
        blocks=[
            {
                "type": "section",
                "block_id": ref.block_id("left"),
                "text": mrkdwn(f"~{escape(cut(question.label, 200))}~\n_{escape(note)}_"),
            }
        ],
    )


# --- path changes, review, submission -------------------------------------------------------


def path_change_message(
    flow: Flow, question: Question, value: AnswerValue, ref: DraftRef, *, dropped: list[str], added: list[str]
) -> Message:
    """Changing an answer changes the path: say what goes and what comes, and ask first."""
    lines = [
        f"*{escape(question.label)}* の回答を「{escape(display_answer(question, value))}」に変更すると、"
    ]
    if dropped:
        lines.append("次の回答が削除されます:")
        lines.extend(f"• {escape(cut(flow.by_id[q].label, 100))}" for q in dropped if q in flow.by_id)
    if added:
        lines.append("次の質問に新たに回答が必要になります:")
        lines.extend(f"• {escape(cut(flow.by_id[q].label, 100))}" for q in added)
    lines.append("変更しますか?")
    payload = json.dumps({"q": question.id, "a": value}, ensure_ascii=False)
    return Message(
        text="回答の変更の確認",
        blocks=[
            {"type": "section", "block_id": ref.block_id("change"), "text": mrkdwn("\n".join(lines))},
            {
                "type": "actions",
                "block_id": ref.block_id("change_actions"),
                "elements": [
                    button("変更する", ids.CONFIRM_CHANGE, payload, style="danger"),
                    button("変更しない", ids.KEEP_ANSWER, question.id),
                ],
            },
        ],
    )


def review_message(flow: Flow, sections: list[ReviewSection], ref: DraftRef) -> Message:
    blocks: list[Block] = [
        {"type": "header", "text": plain("回答内容の確認", 150)},
        context(
            "内容を確認し、よければ「送信」を押してください。修正するときは各項目の「修正する質問」から選びます。"
        ),
    ]
    for number, section in enumerate(sections):
        lines = [f"*{escape(section.item.title)}*"]
        lines.extend(
            f"• {escape(cut(entry.question.label, 120))}: {escape(cut(entry.display, REVIEW_VALUE_MAX))}"
            for entry in section.entries
        )
        edit_menu = {
            "type": "static_select",
            "action_id": ids.REVIEW_EDIT,
            "placeholder": plain("修正する質問"),
            "options": [option(entry.question.label, entry.question.id) for entry in section.entries][:100],
        }
        for part, text in enumerate(_chunks(lines, SECTION_TEXT_MAX)):
            block: Block = {
                "type": "section",
                "block_id": ref.block_id(f"review{number}_{part}"),
                "text": mrkdwn(text),
            }
            if part == 0:
                block["accessory"] = edit_menu
            blocks.append(block)
    blocks.append(
        {
            "type": "actions",
            "block_id": ref.block_id("review_actions"),
            "elements": [
                button(
                    "送信",
                    ids.SUBMIT,
                    style="primary",
                    confirm=confirm_dialog(
                        "回答の送信", "この内容で送信します。送信後は修正できません。", "送信する"
                    ),
                ),
                button("戻る", ids.BACK),
            ],
        }
    )
    return Message(text="回答内容の確認", blocks=blocks)


def _chunks(lines: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def submitted_message(flow: Flow, receipt_number: str) -> Message:
    return Message(
        text=f"送信しました。受付番号は {receipt_number} です。",
        blocks=[
            {"type": "header", "text": plain("送信しました", 150)},
            {
                "type": "section",
                "text": mrkdwn(
                    f"ご回答ありがとうございました。\n*受付番号: {receipt_number}*\n"
                    "お問い合わせの際は、この受付番号をお伝えください。"
                ),
            },
            *([context(escape(contact_text(flow)))] if flow.contact else []),
        ],
    )


def contact_text(flow: Flow) -> str:
    if not flow.contact:
        return ""
    parts = [f"問い合わせ先: {flow.contact.organization}"]
    if flow.contact.phone:
        parts.append(f"電話 {flow.contact.phone}")
    if flow.contact.fax:
        parts.append(f"FAX {flow.contact.fax}")
    if flow.contact.email:
        parts.append(flow.contact.email)
    return " / ".join(parts)


def intro_message(flow: Flow) -> Message:
    blocks: list[Block] = [{"type": "header", "text": plain(flow.title, 150)}]
    if flow.purpose:
        blocks.append({"type": "section", "text": mrkdwn(escape(flow.purpose))})
    if flow.intro:
        blocks.append(context(escape(flow.intro)))
    blocks.append(
        context(
            "1問ずつ質問します。回答は自動で保存されるので、いつでも中断・再開できます。"
            "最後に回答内容を確認してから送信します。"
        )
    )
    if flow.contact:
        blocks.append(context(escape(contact_text(flow))))
    return Message(text=flow.title, blocks=blocks)


def notice(text: str, *buttons: dict[str, Any]) -> Message:
    """A short message, optionally with buttons (resume, start …)."""
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(text)}]
    if buttons:
        blocks.append({"type": "actions", "elements": list(buttons)})
    return Message(text=text, blocks=blocks)


def long_text_modal(question: Question, current: AnswerValue | None, private_metadata: str) -> dict[str, Any]:
    """Several lines read better in a modal; errors come back next to the input."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.ANSWER, "multiline": True}
    if question.max_length:
        element["max_length"] = question.max_length
    if current:
        element["initial_value"] = str(current)
    return {
        "type": "modal",
        "callback_id": ids.LONG_TEXT_VIEW,
        "private_metadata": private_metadata,
        "title": plain("回答の入力", 24),
        "submit": plain("保存", 24),
        "close": plain("キャンセル", 24),
        "blocks": [
            {"type": "section", "text": mrkdwn(_question_text(question))},
            {
                "type": "input",
                "block_id": ids.LONG_TEXT_VIEW,
                "optional": question.optional,
                "label": plain("回答", 2000),
                "element": element,
            },
        ],
    }
