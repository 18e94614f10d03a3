"""The XSF's vocabulary, defined once: statuses, types, approvers, file names, bump levels.

Sources: XEP-0001 (statuses, types, approvers), xsf/xeps ``tools/validate-xep0001-conformance.sh``
(the lists its CI accepts, in its order) and the repository layout (``xep-NNNN.xml`` at the root,
ProtoXEPs in ``inbox/``). This module imports nothing heavy: the command-line options read it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal, get_args


class Status(StrEnum):
    """A XEP's ``<status>``, in the order the XSF's CI lists them."""

    PROTOXEP = "ProtoXEP"
    EXPERIMENTAL = "Experimental"
    PROPOSED = "Proposed"
    DRAFT = "Draft"
    ACTIVE = "Active"
    FINAL = "Final"
    RETRACTED = "Retracted"
    OBSOLETE = "Obsolete"
    DEFERRED = "Deferred"
    REJECTED = "Rejected"
    DEPRECATED = "Deprecated"


STATUSES: tuple[str, ...] = tuple(status.value for status in Status)
# Statuses whose XEPs no longer change (content rules only warn about them).
INACTIVE_STATUSES = frozenset({Status.OBSOLETE, Status.DEFERRED, Status.RETRACTED, Status.REJECTED})
# Statuses whose XEPs will never change again (Deferred ones may be revived).
CLOSED_STATUSES = frozenset({Status.OBSOLETE, Status.RETRACTED, Status.REJECTED})
# Changes to XEPs in these statuses are approved by their authors (xsf/xeps docs/TRIAGING.md).
AUTHOR_APPROVED_STATUSES = frozenset({Status.EXPERIMENTAL, Status.DEFERRED, Status.PROPOSED})

TYPES = ("Historical", "Humorous", "Informational", "Organizational", "Standards Track")
STANDARDS_TRACK = "Standards Track"
PROCEDURAL = "Procedural"
# The types a new draft can have (XEP-0143 §process).
PROTOXEP_TYPES = (STANDARDS_TRACK, "Informational")
APPROVERS = ("Board", "Council", "Editor")

# How much a revision changes a XEP (XEP-0001 §editorial): editorial, substantive, new status.
Level = Literal["patch", "minor", "major"]
BUMP_LEVELS: tuple[str, ...] = get_args(Level)
# The Special Interest Groups whose XEP lists the tools know (``stale --sig``).
SIG_SCOPES = ("e2ee",)
# What a XEP's ``<sig>`` header element may say (xep-template.xml).
SIG_VALUES = ("Standards", "None")

INBOX = "inbox"
WORKSPACE = "xeps"
XEP_GLOB = "xep-[0-9][0-9][0-9][0-9].xml"
NUMBERED_XEP = re.compile(r"xep-(\d{4})\.xml")
INBOX_FILE = re.compile(rf"{INBOX}/[^/]+\.xml")
# A ProtoXEP's version while it waits in the inbox (XEP-0143): 0.0.N.
PROTOXEP_VERSION = re.compile(r"0\.0\.[0-9]+")
# Short names the inbox uses before one is assigned.
UNASSIGNED_SHORTNAMES = frozenset({"", "N/A", "NOT_YET_ASSIGNED"})
