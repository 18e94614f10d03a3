"""The checks of a submission that lint does not make: a new revision block whose bump fits
the status change (the policy of :mod:`e2ee_sig.xep.policy`, which knows the status at the
base, so REV008/REV009 are left out of the bundle's lint), and what one submission may hold."""

from __future__ import annotations

import re
from collections.abc import Sequence

from e2ee_sig.bundle.model import Verdict, XepFacts
from e2ee_sig.gitops import Change
from e2ee_sig.lint.model import Severity
from e2ee_sig.xep.policy import judge_bump
from e2ee_sig.xep.vocab import Status

# Rules whose facts the revision check below judges with more knowledge (the base's status).
BUMP_RULES = ("REV008", "REV009")


def revision_checks(facts: XepFacts, old_count: int, new_count: int) -> list[Verdict]:
    """A new revision block on top, with a version bump that fits the XEP's status."""
    error = Severity.ERROR
    old, new = facts.old_version, facts.new_version
    top_is_new = bool(facts.new_revisions) and facts.new_revisions[0].version == new
    if old is not None and new_count <= old_count:
        if new == old:
            return [Verdict(error, f"no new revision block since the base (top is still {old})")]
        return [
            Verdict(
                error,
                f"the top revision block was edited ({old} → {new}) instead of adding a new one "
                "before it",
            )
        ]
    if not top_is_new:
        return [Verdict(error, "the new revision block is not the first one in the header")]
    checks = []
    if len(facts.new_revisions) > 1:
        versions = ", ".join(r.version for r in facts.new_revisions)
        checks.append(
            Verdict(
                Severity.WARNING,
                f"{len(facts.new_revisions)} new revision blocks ({versions}): one per "
                "submission is usual (the Editor squashes them)",
            )
        )
    # A new file is an acceptance (numbered) or a new draft: judge it as a step from ProtoXEP.
    problem = judge_bump(old or "0.0.0", new, facts.old_status or Status.PROTOXEP, facts.status)
    if problem is not None:
        checks.append(Verdict(error, problem))
    return checks


def scope_checks(
    xeps: Sequence[XepFacts], others: Sequence[Change], allow_multiple: bool
) -> list[Verdict]:
    """GIT003: a ProtoXEP alone; one numbered XEP per submission unless allowed."""
    protos = [x.path for x in xeps if x.protoxep]
    numbered = [x.identifier for x in xeps if not x.protoxep]
    checks = []
    if not xeps:
        checks.append(Verdict(Severity.ERROR, "no XEP file (xep-NNNN.xml or inbox/*.xml) changed"))
    if len(protos) > 1:
        checks.append(
            Verdict(
                Severity.ERROR, f"more than one ProtoXEP ({', '.join(protos)}): submit each alone"
            )
        )
    if protos and numbered:
        checks.append(
            Verdict(
                Severity.ERROR,
                f"a ProtoXEP ({', '.join(protos)}) cannot be submitted together with changes to "
                f"{', '.join(numbered)}",
            )
        )
    if len(numbered) > 1 and not allow_multiple:
        checks.append(
            Verdict(
                Severity.ERROR,
                f"{len(numbered)} XEPs changed ({', '.join(numbered)}): a submission changes one "
                "XEP (pass --allow-multiple for a family of XEPs)",
            )
        )
    misnamed = [c.path for c in others if re.fullmatch(r"xep-[^/]*\.xml", c.path)]
    if misnamed:
        checks.append(Verdict(Severity.WARNING, f"not named xep-NNNN.xml: {', '.join(misnamed)}"))
    if protos and others and not numbered:
        changed = ", ".join(c.path for c in others)
        checks.append(
            Verdict(
                Severity.WARNING,
                f"a ProtoXEP submission adds only its file; also changed: {changed}",
            )
        )
    return checks
