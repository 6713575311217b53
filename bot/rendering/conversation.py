"""Block Kit for the conversation: one message per question, the review, confirmations.

Only elements that work in messages are used (no number_input or email_text_input).
"""

from __future__ import annotations

from typing import Any

from bot import refs, texts
from bot.refs import DraftRef, ProposedChange
from bot.rendering.elements import (
    RADIO_MAX,
    SECTION_TEXT_MAX,
    Block,
    Message,
    button,
    confirm_dialog,
    context,
    cut,
    escape,
    header,
    mrkdwn,
    notice,
    option,
    plain,
)
from flows.answers import AnswerValue
from flows.display import display_answer
from flows.engine import Progress, ReviewSection
from flows.model import Flow, Question

REVIEW_VALUE_MAX = 300  # a long answer is cut in the review; 修正 shows it whole


def contact_text(flow: Flow) -> str:
    if not flow.contact:
        return ""
    return texts.contact(flow.contact.organization, flow.contact.phone, flow.contact.fax, flow.contact.email)


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
    from_review: bool = False,
) -> Message:
    """The message that asks one question. `typed` keeps what the person typed after an error;
    `current` is the stored answer, or what was chosen when an error is shown (ticks survive)."""
    item = flow.item_of[question.id]
    blocks: list[Block] = [
        context(f"{escape(item.title)}  |  {texts.progress_text(progress)}"),
        {"type": "section", "block_id": ref.block_id("text"), "text": mrkdwn(_question_text(question))},
    ]
    if question.note:
        blocks.append(context(escape(question.note)))
    blocks.extend(_input_blocks(question, ref, current=current, typed=typed))
    if error:
        blocks.append(context(f":warning: *{escape(error)}*", verbatim=True))
    navigation = []
    if _answered_on_next(question):
        navigation.append(button(texts.BUTTON_NEXT, refs.NEXT, ref.encode(), style="primary"))
    elif current not in (None, "", []) and error is None:
        # Slack sends nothing when the selected option is chosen again: a way forward as it is.
        navigation.append(button(texts.BUTTON_KEEP_CURRENT, refs.KEEP_CURRENT, ref.encode(), style="primary"))
    if question.optional:
        navigation.append(button(texts.BUTTON_SKIP, refs.SKIP, ref.encode()))
    if from_review:
        navigation.append(button(texts.BUTTON_BACK_TO_REVIEW, refs.BACK_TO_REVIEW, ref.encode()))
    elif can_go_back:
        navigation.append(button(texts.BUTTON_BACK, refs.BACK, ref.encode()))
    if navigation:
        blocks.append({"type": "actions", "block_id": ref.block_id("nav"), "elements": navigation})
    blocks.append(context(texts.SAVED_ANYTIME))
    return Message(text=question.label, blocks=blocks)


def _question_text(question: Question) -> str:
    lines = []
    if question.title:
        lines.append(f"*{escape(question.title)}*")
        lines.append(escape(question.text))
    else:
        lines.append(f"*{escape(question.text)}*")
    if question.optional:
        lines.append(f"_{texts.OPTIONAL}_")
    if question.hint:
        lines.append(f"_{escape(question.hint)}_")
    if question.type == "multi":
        lines.append(f"_{texts.CHOOSE_ALL_THEN_NEXT}_")
    return "\n".join(lines)


def _answered_on_next(question: Question) -> bool:
    return question.type in ("multi", "integer", "text")


def _input_blocks(
    question: Question, ref: DraftRef, *, current: AnswerValue | None, typed: str | None
) -> list[Block]:
    block_id = ref.block_id("input")
    match question.type:
        case "single" | "multi":
            return [
                {"type": "actions", "block_id": block_id, "elements": [choice_element(question, current)]}
            ]
        case "integer" | "text":
            initial = typed if typed is not None else ("" if current is None else str(current))
            element: dict[str, Any] = {
                "type": "plain_text_input",
                "action_id": refs.ANSWER,
                "placeholder": plain(
                    texts.PLACEHOLDER_NUMBER if question.type == "integer" else texts.PLACEHOLDER_TEXT, 150
                ),
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
                    "label": plain(texts.TYPED_ANSWER_LABEL, 2000),
                }
            ]
        case "long_text":
            shown = escape(cut(str(current), REVIEW_VALUE_MAX)) if current else f"_{texts.NOT_ENTERED_YET}_"
            return [
                {
                    "type": "section",
                    "block_id": ref.block_id("current"),
                    "text": mrkdwn(shown, verbatim=True),
                },
                {
                    "type": "actions",
                    "block_id": block_id,
                    "elements": [
                        button(
                            texts.open_long_text(question.max_length),
                            refs.OPEN_LONG_TEXT,
                            ref.encode(),
                            style="primary",
                        )
                    ],
                },
            ]
        case "date":
            element = {
                "type": "datepicker",
                "action_id": refs.ANSWER,
                "placeholder": plain(texts.PLACEHOLDER_DATE),
            }
            if current:
                element["initial_date"] = str(current)
            return [{"type": "actions", "block_id": block_id, "elements": [element]}]
        case "time":
            element = {
                "type": "timepicker",
                "action_id": refs.ANSWER,
                "placeholder": plain(texts.PLACEHOLDER_TIME),
            }
            if current:
                element["initial_time"] = str(current)
            return [{"type": "actions", "block_id": block_id, "elements": [element]}]
        case "org":
            element = {
                "type": "external_select",
                "action_id": refs.ANSWER,
                "placeholder": plain(texts.PLACEHOLDER_ORG),
                "min_query_length": 0,
            }
            if isinstance(current, dict):
                element["initial_option"] = org_option(str(current["code"]), str(current["name"]))
            return [{"type": "actions", "block_id": block_id, "elements": [element]}]
    raise ValueError(question.type)  # pragma: no cover


def org_option(code: str, name: str) -> dict[str, Any]:
    return option(f"{code} {name}", code)


def choice_element(question: Question, current: AnswerValue | None) -> dict[str, Any]:
    """Buttons for up to 10 choices (Slack's limit), a menu beyond; the current answer preselected.
    A single choice answers at once; several are read on 次へ."""
    multiple = question.type == "multi"
    chosen = (current if isinstance(current, list) else []) if multiple else [current]
    options = [
        option(c.display + (texts.EXCLUSIVE_MARK if c.exclusive else ""), c.value) for c in question.choices
    ]
    few = len(options) <= RADIO_MAX
    element: dict[str, Any] = {
        "type": ("checkboxes" if few else "multi_static_select")
        if multiple
        else ("radio_buttons" if few else "static_select"),
        "action_id": refs.TOGGLE if multiple else refs.ANSWER,
        "options": options,
    }
    if not few:
        element["placeholder"] = plain(texts.PLACEHOLDER_CHOICE)
    selected = [o for o in options if o["value"] in chosen]
    if selected and multiple:
        element["initial_options"] = selected
    elif selected:
        element["initial_option"] = selected[0]
    return element


def answered_message(question: Question, value: AnswerValue | None, ref: DraftRef) -> Message:
    """A question's message once answered: the answer and a 修正 button."""
    shown = escape(cut(display_answer(question, value), REVIEW_VALUE_MAX))
    ref = ref.for_question(question.id)
    return Message(
        text=texts.answered(question.label),
        blocks=[
            {
                "type": "section",
                "block_id": ref.block_id("answered"),
                "text": mrkdwn(
                    f":white_check_mark: *{escape(cut(question.label, 200))}*\n{shown}", verbatim=True
                ),
                "accessory": button(texts.BUTTON_EDIT, refs.EDIT, ref.encode()),
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
    lines = [texts.change_lead(escape(question.label), escape(display_answer(question, value)))]
    if dropped:
        lines.append(texts.CHANGE_WILL_DROP)
        lines.extend(f"• {escape(cut(flow.by_id[q].label, 100))}" for q in dropped if q in flow.by_id)
    if added:
        lines.append(texts.CHANGE_WILL_ADD)
        lines.extend(f"• {escape(cut(flow.by_id[q].label, 100))}" for q in added)
    lines.append(texts.CHANGE_ASK)
    change = ProposedChange(ref, value).encode()
    return Message(
        text=texts.CHANGE_TITLE,
        blocks=[
            {
                "type": "section",
                "block_id": ref.block_id("change"),
                "text": mrkdwn("\n".join(lines), verbatim=True),
            },
            {
                "type": "actions",
                "block_id": ref.block_id("change_actions"),
                "elements": [
                    button(texts.BUTTON_CHANGE, refs.CONFIRM_CHANGE, change, style="danger"),
                    button(texts.BUTTON_KEEP, refs.KEEP_ANSWER, ref.encode()),
                ],
            },
        ],
    )


def review_message(
    flow: Flow, sections: list[ReviewSection], ref: DraftRef, *, unanswered: int = 0
) -> Message:
    blocks: list[Block] = [header(texts.REVIEW_TITLE), context(texts.REVIEW_HELP)]
    if unanswered:
        blocks.append(context(texts.review_unanswered(unanswered)))
    for number, section in enumerate(sections):
        lines = [f"*{escape(section.item.title)}*"]
        lines.extend(
            f"• {escape(cut(entry.question.label, 120))}: {escape(cut(entry.display, REVIEW_VALUE_MAX))}"
            for entry in section.entries
        )
        edit_menu = {
            "type": "static_select",
            "action_id": refs.REVIEW_EDIT,
            "placeholder": plain(texts.PLACEHOLDER_REVIEW_EDIT),
            "options": [option(entry.question.label, entry.question.id) for entry in section.entries][:100],
        }
        for part, text in enumerate(_chunks(lines, SECTION_TEXT_MAX)):
            block: Block = {
                "type": "section",
                "block_id": ref.block_id(f"review{number}_{part}"),
                "text": mrkdwn(text, verbatim=True),
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
                    texts.BUTTON_SUBMIT,
                    refs.SUBMIT,
                    ref.encode(),
                    style="primary",
                    confirm=confirm_dialog(texts.confirm_submit(unanswered)),
                ),
                button(texts.BUTTON_BACK, refs.BACK, ref.encode()),
            ],
        }
    )
    return Message(text=texts.REVIEW_TITLE, blocks=blocks)


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
        text=texts.submitted(receipt_number),
        blocks=[
            header(texts.SUBMITTED_TITLE),
            {"type": "section", "text": mrkdwn(texts.submitted_body(receipt_number))},
            *([context(escape(contact_text(flow)))] if flow.contact else []),
        ],
    )


def intro_message(flow: Flow) -> Message:
    blocks: list[Block] = [header(flow.title)]
    if flow.purpose:
        blocks.append({"type": "section", "text": mrkdwn(escape(flow.purpose))})
    if flow.intro:
        blocks.append(context(escape(flow.intro)))
    blocks.append(context(texts.INTRO_HOW))
    if flow.contact:
        blocks.append(context(escape(contact_text(flow))))
    return Message(text=flow.title, blocks=blocks)


def help_message(flow: Flow, *, admin: bool = False) -> Message:
    lines = [
        f"*{escape(flow.title)}*",
        escape(flow.purpose or ""),
        "",
        *texts.HELP_LINES,
        *(("", *texts.HELP_ADMIN_LINES) if admin else ()),
        "",
        texts.HELP_SAVED,
        texts.HELP_TYPING,
        escape(contact_text(flow)),
    ]
    return notice("\n".join(lines))


def superseded_message() -> Message:
    """What an older question or review becomes when a newer one is posted: nothing to click."""
    return Message(text=texts.SUPERSEDED, blocks=[context(f"_{texts.SUPERSEDED}_")])


def long_text_modal(question: Question, current: AnswerValue | None, private_metadata: str) -> dict[str, Any]:
    """Several lines read better in a modal; errors come back next to the input."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": refs.ANSWER, "multiline": True}
    if question.max_length:
        element["max_length"] = question.max_length
    if current:
        element["initial_value"] = str(current)
    return {
        "type": "modal",
        "callback_id": refs.LONG_TEXT_VIEW,
        "private_metadata": private_metadata,
        "title": plain(texts.MODAL_TITLE, 24),
        "submit": plain(texts.MODAL_SAVE, 24),
        "close": plain(texts.MODAL_CLOSE, 24),
        "blocks": [
            {"type": "section", "text": mrkdwn(_question_text(question))},
            {
                "type": "input",
                "block_id": refs.LONG_TEXT_VIEW,
                "optional": question.optional,
                "label": plain(texts.MODAL_ANSWER_LABEL, 2000),
                "element": element,
            },
        ],
    }
