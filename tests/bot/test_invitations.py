"""Reading `/survey assign …` (bot/assignment.py) and the report's list of mentions."""

from __future__ import annotations

from datetime import date

import pytest

from bot import texts
from bot.assignment import Named, parse_assignment
from bot.invitations import LISTED_AT_MOST, _mentions


def test_people_groups_and_channels_mixed_with_one_due_date() -> None:
    request = parse_assignment(
        "assign <@U0AAA|sato> <!subteam^S0GROUP|@soumu-ka> <#C0CHAN|soumu> <@U0BBB> <#G0PRIV> "
        "<!subteam^S0OTHER> <@U0AAA> <#C0CHAN|> 期限 2026-12-10"
    )
    assert request.user_ids == ("U0AAA", "U0BBB")
    assert request.usergroups == (Named("S0GROUP", "@soumu-ka"), Named("S0OTHER", ""))
    assert request.channels == (Named("C0CHAN", "soumu"), Named("G0PRIV", ""))
    assert request.due_date == date(2026, 12, 10)
    assert not request.single_person


def test_the_japanese_command_word_and_full_width_text_read_the_same() -> None:
    request = parse_assignment("依頼　<!subteam^S0GROUP|@総務課>　期限：２０２６年１２月１０日")
    assert request.usergroups == (Named("S0GROUP", "@総務課"),) and request.user_ids == ()
    assert request.due_date == date(2026, 12, 10)


def test_a_group_or_a_channel_alone_is_enough() -> None:
    assert parse_assignment("assign <#C0CHAN>").channels == (Named("C0CHAN", ""),)
    assert parse_assignment("assign <@U0AAA> 2026-12-10").single_person


@pytest.mark.parametrize(
    "typed",
    [
        "assign #soumu",  # a channel Slack did not escape
        "assign @soumu-ka",
        "assign <@U0AAA> @tanaka",  # one read, one not: nobody is skipped silently
        "assign <!here>",
        "assign <!channel> 期限 2026-12-10",
    ],
)
def test_what_slack_did_not_escape_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=texts.ASSIGN_UNREADABLE_MENTION):
        parse_assignment(typed)


def test_nobody_named() -> None:
    with pytest.raises(ValueError, match=texts.ASSIGN_NO_MENTION):
        parse_assignment("assign 期限 2026-12-10")


def test_the_report_lists_a_few_and_counts_the_others() -> None:
    ids = [f"U0P{n:03d}" for n in range(LISTED_AT_MOST + 3)]
    assert _mentions(ids[:2]) == "<@U0P000> <@U0P001>"
    listed = _mentions(ids)
    assert listed.endswith(" ほか3人") and listed.count("<@") == LISTED_AT_MOST
    assert _mentions([*ids, *(f"U0Q{n:04d}" for n in range(1_200))]).endswith("ほか1,203人")
