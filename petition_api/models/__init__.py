"""Every table, as typed SQLAlchemy 2.0 models, and the state changes they allow.

Rules that protect data live in the database (unique, foreign keys, checks), so
that no code path, process or race can get around them. Alembic's `env.py`
imports this package, so a table defined anywhere below is one autogenerate sees.
"""

from .base import Base, hashed, utcnow
from .congress import CongressDataset, CongressOffice, CongressZcta
from .mail import (
    DeliveryEvent,
    EventReceipt,
    Mailing,
    MailingSubject,
    Outbox,
    OutboxStatus,
    Priority,
    SignedAgain,
    SubjectTest,
)
from .petitions import (
    ConsentWording,
    Petition,
    PetitionCount,
    PetitionTally,
    PetitionVariant,
    PetitionVersion,
    TallyMark,
    ViewTally,
)
from .signatures import Signature, Status
from .staff import ApiToken, AuditEntry, Role, StaffAccount
from .stories import (
    PERMISSION_DAYS,
    CurrentWording,
    Story,
    StoryConsent,
    StoryConsentKind,
    StoryStatus,
    ToldStory,
)
from .supporters import (
    ConsentAction,
    ConsentEvent,
    EmailStatus,
    Scope,
    Supporter,
    SuppressedEmail,
    new_link_key,
)

__all__ = [
    "PERMISSION_DAYS",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CongressDataset",
    "CongressOffice",
    "CongressZcta",
    "ConsentAction",
    "ConsentEvent",
    "ConsentWording",
    "CurrentWording",
    "DeliveryEvent",
    "EmailStatus",
    "EventReceipt",
    "Mailing",
    "MailingSubject",
    "Outbox",
    "OutboxStatus",
    "Petition",
    "PetitionCount",
    "PetitionTally",
    "PetitionVariant",
    "PetitionVersion",
    "Priority",
    "Role",
    "Scope",
    "Signature",
    "SignedAgain",
    "StaffAccount",
    "Status",
    "Story",
    "StoryConsent",
    "StoryConsentKind",
    "StoryStatus",
    "SubjectTest",
    "Supporter",
    "SuppressedEmail",
    "TallyMark",
    "ToldStory",
    "ViewTally",
    "hashed",
    "new_link_key",
    "utcnow",
]
