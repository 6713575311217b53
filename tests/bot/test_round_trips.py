"""Database round trips per answer click on PostgreSQL: one read (no transaction around it), one
guarded UPDATE … RETURNING for the answer, one UPDATE for the live message. No ping per checkout,
no BEGIN and COMMIT around single statements."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot import refs
from bot.app import Kikitori
from tests.bot.harness import Person, start_and_answer_org

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


class RoundTrips:
    """Statements sent, plus BEGIN and COMMIT (or ROLLBACK) of every transaction that is not
    autocommit: each is a round trip to the server."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[str] = []
        self.transactions = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._ended)
        event.listen(engine, "rollback", self._ended)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements.append(statement.split()[0])

    def _ended(self, conn: Any) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self.transactions += 1

    @property
    def count(self) -> int:
        return len(self.statements) + 2 * self.transactions

    def reset(self) -> None:
        self.statements.clear()
        self.transactions = 0


def test_an_answer_click_costs_three_round_trips(bot: Kikitori, respondent: Person) -> None:
    trips = RoundTrips(bot.engine)
    name = start_and_answer_org(respondent)
    respondent.act(name, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
    title = respondent.question("q1_title")
    bot.delivery.deliver_due()  # nothing else waits to run during the click
    trips.reset()
    respondent.act(title, refs.ANSWER, "主任")
    respondent.question("q2_age")
    respondent.fake.wait_for(lambda: len(trips.statements) >= 3)
    assert trips.statements == ["SELECT", "UPDATE", "UPDATE"]
    assert trips.count == 3
