"""Receipt numbers (受付番号) like 2026-0001: gap-free and sequential per Asia/Tokyo calendar year."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, update

from storage.db import dialect_insert
from storage.models import ReceiptCounter

RECEIPT_TIMEZONE = ZoneInfo("Asia/Tokyo")


def receipt_year(at: datetime) -> int:
    """The calendar year in Tokyo: 2026-12-31T15:30Z is already 2027 there."""
    if at.utcoffset() is None:
        raise ValueError("receipt times must be timezone-aware")
    return at.astimezone(RECEIPT_TIMEZONE).year


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
    return session.exec(
        update(ReceiptCounter)
        .where(ReceiptCounter.year == year)
        .values(last_seq=ReceiptCounter.last_seq + 1)
        .returning(ReceiptCounter.last_seq)
    ).scalar_one()
