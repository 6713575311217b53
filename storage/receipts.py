"""Receipt numbers (受付番号) like 2026-0001: gap-free and sequential per calendar year of the
survey's time zone (the bot's TIMEZONE setting)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel import Session, col, update

from storage.db import dialect_insert
from storage.models import ReceiptCounter


def receipt_year(at: datetime, timezone: tzinfo) -> int:
    """The calendar year in `timezone`: 2026-12-31T15:30Z is already 2027 in Tokyo."""
    if at.utcoffset() is None:
        raise ValueError("receipt times must be timezone-aware")
    return at.astimezone(timezone).year


def format_receipt_number(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"


def next_receipt_seq(session: Session, year: int) -> int:
    """Take the next number of `year` inside the caller's transaction.

    Gap-free because the counter moves in the same transaction as the submission: a rollback
    returns the number. The UPDATE's row lock (PostgreSQL) or the write lock (SQLite) makes
    concurrent submitters wait for each other's commit.
    """
    session.exec(
        dialect_insert(session, ReceiptCounter)
        .values(year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    seq: int = session.exec(
        update(ReceiptCounter)
        .where(col(ReceiptCounter.year) == year)
        .values(last_seq=ReceiptCounter.last_seq + 1)
        .returning(col(ReceiptCounter.last_seq))
    ).scalar_one()
    return seq
