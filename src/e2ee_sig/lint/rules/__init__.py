"""Rule modules, one per family; :func:`e2ee_sig.lint.registry.all_rules` imports them.

Importing this package alone registers nothing, so a run of the official checks only
(``--profile xsf-ci``) loads just ``xsf_ci``.
"""

MODULES = ("xsf_ci", "document", "header", "revisions", "template", "sections", "content", "e2ee")
OFFICIAL_MODULE = "xsf_ci"
