"""The XEP document model: parse once, share with every rule and command."""

from e2ee_sig.xep.parse import Document, Problem, load, parse_bytes
from e2ee_sig.xep.root import XepRoot, find_root, root_at

__all__ = ["Document", "Problem", "XepRoot", "find_root", "load", "parse_bytes", "root_at"]
