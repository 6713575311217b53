"""The sandbox's workspace: three local people, the administrators' channel, the fake Slack they live in."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox import slack_payloads as sp
from sandbox.fake_slack import FakeSlack


@dataclass(frozen=True)
class Person:
    id: str
    name: str  # real name, shown in the page and prefilled by the bot from users.info
    handle: str  # the Slack username (ASCII), as Slack puts it in payloads
    role: str  # 回答者 / 管理者, shown in the person switcher

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN_ROLE


RESPONDENT_ROLE = "回答者"
ADMIN_ROLE = "管理者"

PEOPLE: tuple[Person, ...] = (
    Person("U0KKRESP01", "新潟 太郎", "niigata.taro", RESPONDENT_ROLE),
    Person("U0KKRESP02", "長岡 花子", "nagaoka.hanako", RESPONDENT_ROLE),
    Person("U0KKADMIN1", "上越 一郎", "joetsu.ichiro", ADMIN_ROLE),
)
ADMIN = next(person for person in PEOPLE if person.is_admin)

ADMIN_CHANNEL_ID = "C0KKADMIN1"
ADMIN_CHANNEL_NAME = "leak-survey-admin"
TEAM_NAME = "Kikitori サンドボックス"


def person(user_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.id == user_id), None)


def make_workspace(token: str) -> FakeSlack:
    """The fake Slack with the people and the private admin channel (the bot is a member, as it must be).

    Ids match the payload builders' defaults so that what the bot reads from payloads and from
    auth.test agrees, as it does in a real workspace."""
    fake = FakeSlack(
        token=token,
        team_id=sp.TEAM_ID,
        team_name=TEAM_NAME,
        bot_user_id=sp.BOT_USER_ID,
        bot_id=sp.BOT_ID,
        app_id=sp.API_APP_ID,
    )
    for someone in PEOPLE:
        fake.add_user(someone.id, someone.name, name=someone.handle)
    fake.add_channel(ADMIN_CHANNEL_ID, ADMIN_CHANNEL_NAME, is_private=True, is_member=True)
    return fake
