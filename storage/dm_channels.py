"""Each person's DM channel with the bot, shared by every process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import select

from storage.db import dialect_insert, session_scope
from storage.models import DmChannel


def find_dm_channel(engine: Engine, user_id: str) -> str | None:
    with session_scope(engine, read_only=True) as session:
        row = session.exec(select(DmChannel.channel).where(DmChannel.user_id == user_id)).first()
        return str(row) if row is not None else None


def remember_dm_channel(engine: Engine, user_id: str, channel: str, *, now: datetime) -> None:
    """Store (or correct) the person's DM channel; one statement, whoever else stores it at once."""
    with session_scope(engine) as session:
        statement = dialect_insert(session, DmChannel).values(
            user_id=user_id, channel=channel, updated_at=now
        )
        session.exec(
            statement.on_conflict_do_update(
                index_elements=["user_id"], set_={"channel": channel, "updated_at": now}
            )
        )
