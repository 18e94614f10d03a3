"""Rule modules, one per family; :func:`e2ee_sig.lint.registry.all_rules` imports them.

Importing this package alone registers nothing, so a run of the official checks only
(``--profile xsf-ci``) loads just ``xsf_ci``.
"""

OFFICIAL_MODULE = "e2ee_sig.lint.rules.xsf_ci"
MODULES = (
    OFFICIAL_MODULE,
    "e2ee_sig.lint.rules.document",
    "e2ee_sig.lint.rules.header",
    "e2ee_sig.lint.rules.revisions",
    "e2ee_sig.lint.rules.template",
    "e2ee_sig.lint.rules.sections",
    "e2ee_sig.lint.rules.content",
    "e2ee_sig.lint.rules.e2ee",
    "e2ee_sig.lint.rules.examples",
    "e2ee_sig.lint.rules.schemas",
    "e2ee_sig.lint.rules.links",
    "e2ee_sig.lint.rules.references",
    "e2ee_sig.lint.rules.validation",
    "e2ee_sig.lint.rules.history",
    "e2ee_sig.lint.suppression",
)
