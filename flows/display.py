"""How answers read in Japanese: dates in the Japanese era, times as 午前/午後, numbers with units."""

from __future__ import annotations

from datetime import date, time

from flows.model import Question

# (first day, era name): the modern eras, newest first.
_ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
)
_WEEKDAYS = "月火水木金土日"
NOT_ANSWERED = "未回答"
DECLINED = "回答しない"  # an optional question the person chose not to answer


def era_year(day: date) -> str:
    """令和7年 for 2025; the first year of an era reads 元年."""
    for start, name in _ERAS:
        if day >= start:
            number = day.year - start.year + 1
            return f"{name}{'元' if number == 1 else number}年"
    return f"{day.year}年"


def format_date_ja(day: date) -> str:
    """令和7年8月1日(金)"""
    return f"{era_year(day)}{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]})"


def format_time_ja(moment: time, *, approximate: bool = True) -> str:
    """午前10時30分頃 — 12:30 reads 午後0時30分, as Japanese offices write it."""
    half = "午前" if moment.hour < 12 else "午後"
    hour = moment.hour % 12
    minutes = f"{moment.minute}分" if moment.minute else ""
    return f"{half}{hour}時{minutes}{'頃' if approximate else ''}"


def format_datetime_ja(day: date, moment: time | None = None) -> str:
    """令和7年8月1日(金) 午前10時30分頃 — the form's own example."""
    text = format_date_ja(day)
    return f"{text} {format_time_ja(moment)}" if moment is not None else text


def display_answer(question: Question, value: object) -> str:
    """The answer as a person reads it in the review, the summary and exports."""
    if value is None:
        return NOT_ANSWERED
    if value == "" or value == []:
        return DECLINED
    match question.type:
        case "single":
            choice = question.choice_by_value.get(str(value))
            return choice.display if choice else str(value)
        case "multi":
            values = value if isinstance(value, list) else [value]
            return "、".join(
                question.choice_by_value[v].display if v in question.choice_by_value else str(v)
                for v in values
            )
        case "integer":
            return f"{value}{question.unit or ''}"
        case "date":
            return format_date_ja(date.fromisoformat(str(value)))
        case "time":
            return format_time_ja(time.fromisoformat(str(value)))
        case "org":
            if isinstance(value, dict):
                return f"{value.get('code', '')} {value.get('name', '')}".strip()
            return str(value)
        case _:
            return str(value)
