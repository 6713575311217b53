"""Persistence: flow versions, drafts, submissions, the outbox, the department master and the
record of exports.

Every public function is one unit of work in one transaction. It takes the engine first and
returns detached values (SQLModel rows that never touch the database again, or frozen
dataclasses), so callers cannot lazily load or accidentally persist anything.
"""

from storage.audit import list_audit, record_audit
from storage.db import database_url, make_engine, session_scope, upgrade
from storage.departments import import_departments_csv, search_departments
from storage.drafts import (
    cancel_draft,
    find_active_draft,
    get_draft,
    latest_draft_id,
    save_answers,
    start_draft,
    swap_live_message,
)
from storage.errors import (
    DepartmentImportError,
    DraftAlreadyActive,
    DraftClosed,
    DraftConflict,
    DraftNotFound,
    FlowVersionNotFound,
)
from storage.events import first_delivery, forget_old_events
from storage.exports import iter_submissions, list_exports, record_export, submission_versions
from storage.flow_versions import FlowVersionInfo, load_flow, register_flow
from storage.models import (
    AuditAction,
    AuditRecord,
    Department,
    Draft,
    DraftStatus,
    ExportRecord,
    ExportSource,
    FlowVersion,
    Invitation,
    InvitationStatus,
    OutboxMessage,
    OutboxStatus,
    ReceiptCounter,
    ReceivedEvent,
    Submission,
)
from storage.outbox import Notification, claim_due, enqueue, mark_failed, mark_sent
from storage.receipts import format_receipt_number, receipt_year
from storage.reminder_fields import ReminderFields, reminder_columns, reminder_fields_of
from storage.reminders import (
    Chased,
    Invited,
    claim_due_reminders,
    count_outstanding,
    find_chased,
    get_invitation,
    invite,
    outstanding,
    release_claim,
    settle_reminder,
    snooze,
)
from storage.submissions import find_submission, get_submission, latest_submission, submit_draft
from storage.tallies import count_submissions, latest_submissions

__all__ = [
    "count_outstanding",
    "AuditAction",
    "AuditRecord",
    "list_audit",
    "record_audit",
    "find_submission",
    "ExportRecord",
    "ExportSource",
    "iter_submissions",
    "list_exports",
    "record_export",
    "submission_versions",
    "count_submissions",
    "latest_submissions",
    "latest_draft_id",
    "latest_submission",
    "swap_live_message",
    "ReminderFields",
    "reminder_columns",
    "reminder_fields_of",
    "Chased",
    "Invitation",
    "InvitationStatus",
    "Invited",
    "claim_due_reminders",
    "find_chased",
    "get_invitation",
    "invite",
    "outstanding",
    "release_claim",
    "settle_reminder",
    "snooze",
    "Department",
    "DepartmentImportError",
    "Draft",
    "DraftAlreadyActive",
    "DraftClosed",
    "DraftConflict",
    "DraftNotFound",
    "DraftStatus",
    "FlowVersion",
    "FlowVersionInfo",
    "FlowVersionNotFound",
    "Notification",
    "OutboxMessage",
    "OutboxStatus",
    "ReceiptCounter",
    "ReceivedEvent",
    "Submission",
    "cancel_draft",
    "claim_due",
    "database_url",
    "enqueue",
    "find_active_draft",
    "first_delivery",
    "forget_old_events",
    "format_receipt_number",
    "get_draft",
    "get_submission",
    "import_departments_csv",
    "load_flow",
    "make_engine",
    "mark_failed",
    "mark_sent",
    "receipt_year",
    "register_flow",
    "save_answers",
    "search_departments",
    "session_scope",
    "start_draft",
    "submit_draft",
    "upgrade",
]
