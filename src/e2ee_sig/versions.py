"""Version strings: GNU ``sort -V`` ordering, the XSF CI revision check, and revision bumps."""

from __future__ import annotations

import re
from functools import cmp_to_key
from typing import Literal

from e2ee_sig.xep.vocab import Level

_DIGITS = b"0123456789"
_ALPHA = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VERSION_RE = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_SEMVER3_RE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_ECHO_OPTION_RE = re.compile(r"-[neE]+")


def _isdigit(c: int) -> bool:
    return c in _DIGITS


def _isalpha(c: int) -> bool:
    return c in _ALPHA


def _file_prefixlen(s: bytes) -> int:
    """Length of ``s`` minus its longest suffix matching ``(\\.[A-Za-z~][A-Za-z0-9~]*)*$``.

    As in coreutils 9.1's gnulib, the suffix may be all of ``s`` (``.A`` sorts before ``.0``);
    later gnulib releases no longer allow that.
    """
    n = len(s)
    prefixlen = i = 0
    while True:
        while i + 1 < n and s[i] == ord(".") and (_isalpha(s[i + 1]) or s[i + 1] == ord("~")):
            i += 2
            while i < n and (_isalpha(s[i]) or _isdigit(s[i]) or s[i] == ord("~")):
                i += 1
        if i == n:
            return prefixlen
        i += 1
        prefixlen = i


def _order(s: bytes, pos: int, length: int) -> int:
    """Sort weight of the byte at ``pos``; the end of the string sorts before all but '~'."""
    if pos == length:
        return -1
    c = s[pos]
    if _isdigit(c):
        return 0
    if _isalpha(c):
        return c
    if c == ord("~"):
        return -2
    return c + 256


def _verrevcmp(s1: bytes, s1_len: int, s2: bytes, s2_len: int) -> int:
    """dpkg's version comparison of ``s1[:s1_len]`` and ``s2[:s2_len]``."""
    p1 = p2 = 0
    while p1 < s1_len or p2 < s2_len:
        first_diff = 0
        while (p1 < s1_len and not _isdigit(s1[p1])) or (p2 < s2_len and not _isdigit(s2[p2])):
            c1 = _order(s1, p1, s1_len)
            c2 = _order(s2, p2, s2_len)
            if c1 != c2:
                return c1 - c2
            p1 += 1
            p2 += 1
        while p1 < s1_len and s1[p1] == ord("0"):
            p1 += 1
        while p2 < s2_len and s2[p2] == ord("0"):
            p2 += 1
        while p1 < s1_len and p2 < s2_len and _isdigit(s1[p1]) and _isdigit(s2[p2]):
            if not first_diff:
                first_diff = s1[p1] - s2[p2]
            p1 += 1
            p2 += 1
        if p1 < s1_len and _isdigit(s1[p1]):
            return 1
        if p2 < s2_len and _isdigit(s2[p2]):
            return -1
        if first_diff:
            return first_diff
    return 0


def filevercmp(a: bytes, b: bytes) -> int:
    """Compare like gnulib's ``filenvercmp`` (GNU ``sort -V``); only the sign matters."""
    if not a:
        return -int(bool(b))
    if not b:
        return 1
    if a[:1] == b".":
        if b[:1] != b".":
            return -1
        if a == b".":
            return -int(b != b".")
        if b == b".":
            return 1
        if a == b"..":
            return -int(b != b"..")
        if b == b"..":
            return 1
    elif b[:1] == b".":
        return 1
    aprefixlen = _file_prefixlen(a)
    bprefixlen = _file_prefixlen(b)
    one_pass_only = aprefixlen == len(a) and bprefixlen == len(b)
    result = _verrevcmp(a, aprefixlen, b, bprefixlen)
    if result or one_pass_only:
        return result
    return _verrevcmp(a, len(a), b, len(b))


def _line_cmp(a: bytes, b: bytes) -> int:
    """``sort -V`` line order: version order, ties broken by bytes."""
    return filevercmp(a, b) or (a > b) - (a < b)


_NUMERIC = re.compile(rb"[0-9]+(?:\.[0-9]+)*")


def sort_version_reverse(lines: list[bytes]) -> list[bytes]:
    """Return ``lines`` in the order ``LC_ALL=C.UTF-8 sort -Vr`` prints them."""
    if all(_NUMERIC.fullmatch(line) for line in lines):
        # Dotted numbers (nearly every XEP): version order is the order of the integers.
        return sorted(lines, key=lambda line: ([*map(int, line.split(b"."))], line), reverse=True)
    return sorted(lines, key=cmp_to_key(_line_cmp), reverse=True)


def versions_descending_like_xsf_ci(found: str) -> bool:
    """Emulate the XSF CI check ``[ "$(echo "$found" | tr " " "\\n" | sort -Vr)" = "$found" ]``."""
    # bash's builtin echo takes a lone "-n"/"-e"/"-E"-style argument as options.
    if _ECHO_OPTION_RE.fullmatch(found):
        echoed = b"" if "n" in found else b"\n"
    else:
        echoed = found.encode() + b"\n"
    data = echoed.replace(b" ", b"\n")
    lines = data[:-1].split(b"\n") if data else []
    expected = b"".join(line + b"\n" for line in sort_version_reverse(lines)).rstrip(b"\n")
    return expected == found.encode()


def parse_version(text: str) -> tuple[int, ...] | None:
    """Parse ``\\d+(\\.\\d+)*`` (ASCII digits) into integers, or return None."""
    if not _VERSION_RE.fullmatch(text):
        return None
    return tuple(int(part) for part in text.split("."))


def is_semver3(text: str) -> bool:
    """Whether ``text`` is exactly three dot-separated ASCII numbers."""
    return _SEMVER3_RE.fullmatch(text) is not None


def deferral_version(text: str) -> str:
    """Version a XEP gets on deferral/acceptance (XSF deferrals.py): next minor plus ".0"."""
    parts = text.split(".")
    if len(parts) == 1:
        parts.append("1")
    elif parts[1].isascii() and parts[1].isdigit():
        parts[1:] = [str(int(parts[1]) + 1)]
    else:
        raise ValueError(f"cannot bump version {text!r}: minor part {parts[1]!r} is not an integer")
    return ".".join([*parts, "0"])


def _triple(text: str) -> tuple[int, int, int] | None:
    """Parse a version of at most three parts, padded with zeros to three."""
    parsed = parse_version(text)
    if parsed is None or len(parsed) > 3:
        return None
    major, minor, patch = (*parsed, 0, 0)[:3]
    return major, minor, patch


def bump_version(text: str, level: Level, *, protoxep: bool = False) -> str:
    """Bump ``text`` (normalised to x.y.z) at ``level``; ProtoXEPs only ever bump 0.0.N."""
    parsed = _triple(text)
    if parsed is None:
        raise ValueError(f"cannot bump {text!r}: expected a version like 1, 1.2 or 1.2.3")
    major, minor, patch = parsed
    if protoxep:
        if (major, minor) != (0, 0):
            raise ValueError(f"cannot bump ProtoXEP version {text!r}: expected 0.0.N")
        level = "patch"
    if level == "patch":
        bumped = (major, minor, patch + 1)
    elif level == "minor":
        bumped = (major, minor + 1, 0)
    elif level == "major":
        bumped = (major + 1, 0, 0)
    else:
        raise ValueError(f"unknown bump level {level!r}")
    return ".".join(map(str, bumped))


def bump_level(old: str, new: str) -> Literal["patch", "minor", "major", "none"] | None:
    """Which component went up from ``old`` to ``new``; None if either does not parse."""
    old_parts = _triple(old)
    new_parts = _triple(new)
    if old_parts is None or new_parts is None:
        return None
    if new_parts <= old_parts:
        return "none"
    if new_parts[0] != old_parts[0]:
        return "major"
    if new_parts[1] != old_parts[1]:
        return "minor"
    return "patch"
