"""What can go wrong in a unit of work, as exceptions the conversation layer can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.models import Draft


class FlowVersionNotFound(LookupError):
    pass


class DraftNotFound(LookupError):
    pass


class DraftAlreadyActive(Exception):
    """The person already has an in-progress draft of this flow; `draft` is that draft."""

    def __init__(self, draft: Draft) -> None:
        super().__init__(f"draft {draft.id} is already in progress")
        self.draft = draft


class DraftConflict(Exception):
    """Another writer changed the draft first; `draft` is its current state (reload and retry)."""

    def __init__(self, draft: Draft, expected_version: int) -> None:
        super().__init__(
            f"draft {draft.id} is at version {draft.version}, not the expected {expected_version}"
        )
        self.draft = draft
        self.expected_version = expected_version


class DraftClosed(Exception):
    """The draft is no longer in progress (submitted or cancelled); `draft` says which."""

    def __init__(self, draft: Draft) -> None:
        super().__init__(f"draft {draft.id} is {draft.status}")
        self.draft = draft


class DepartmentImportError(ValueError):
    """A department CSV that cannot be imported. The message is Japanese: people read it."""
