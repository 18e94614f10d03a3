"""Rule modules; importing this package registers every rule."""

from e2ee_sig.lint import suppression
from e2ee_sig.lint.rules import xsf_ci

__all__ = ["suppression", "xsf_ci"]
