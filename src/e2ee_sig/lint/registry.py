"""The rule registry: every rule has a code, a name, a severity, a docstring and a fixability."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from e2ee_sig.lint.model import Finding, Fixable, Severity

if TYPE_CHECKING:
    from e2ee_sig.lint.context import LintContext
    from e2ee_sig.xep import Document

Check = Callable[["Document", "LintContext"], Iterable[Finding]]


@dataclass(frozen=True, eq=False)
class Rule:
    """One lint rule; its docstring says what it checks, why (the source) and shows examples."""

    code: str
    name: str
    severity: Severity
    check: Check
    fixable: Fixable = Fixable.NEVER
    official: bool = False
    content: bool = False
    e2ee: bool = False
    needs_dtd: bool = False
    aliases: tuple[str, ...] = ()
    mixed_severity: bool = False
    opt_in: bool = False

    @property
    def severity_label(self) -> str:
        """``error``, ``warning``, or ``error/warning`` when some findings are only warnings."""
        return "error/warning" if self.mixed_severity else self.severity.value

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    fixable: Fixable = Fixable.NEVER,
    official: bool = False,
    content: bool = False,
    e2ee: bool = False,
    needs_dtd: bool = False,
    aliases: tuple[str, ...] = (),
    mixed_severity: bool = False,
    opt_in: bool = False,
) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``code``.

    ``official`` rules are the XSF CI's checks (profile ``xsf-ci``); ``content`` rules drop to
    warnings for inactive XEPs; ``e2ee`` rules apply to encryption specs; ``needs_dtd`` rules
    are skipped when no ``xep.dtd`` is at hand; ``aliases`` are catalogue codes (from
    ``docs/rules.md``) that this rule implements, accepted by ``--select`` and ``rules CODE``;
    ``mixed_severity`` rules report some findings as warnings only (legacy forms, old revisions);
    ``opt_in`` rules run only when selected by code (``--select``/``--extend-select``).
    """

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(
            code,
            name,
            severity,
            check,
            fixable,
            official,
            content,
            e2ee,
            needs_dtd,
            aliases,
            mixed_severity,
            opt_in,
        )
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code (importing the rule modules on first use)."""
    from e2ee_sig.lint.rules import MODULES

    for module in MODULES:
        importlib.import_module(module)
    return RULES


def official_rules() -> dict[str, Rule]:
    """The official XSF CI checks only, importing no other rule module."""
    from e2ee_sig.lint.rules import OFFICIAL_MODULE

    importlib.import_module(OFFICIAL_MODULE)
    return {code: rule for code, rule in RULES.items() if rule.official}


def find_rule(code_or_name: str) -> Rule | None:
    rules = all_rules()
    wanted = code_or_name.strip()
    return rules.get(wanted.upper()) or next(
        (
            r
            for r in rules.values()
            if wanted in (r.name, *r.aliases) or wanted.upper() in r.aliases
        ),
        None,
    )
