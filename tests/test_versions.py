"""Tests for e2ee_sig.versions, checked against real GNU sort and bash where available."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.versions import (
    bump_level,
    bump_version,
    deferral_version,
    filevercmp,
    is_semver3,
    parse_version,
    sort_version_reverse,
    versions_descending_like_xsf_ci,
)

C_UTF8 = {**os.environ, "LC_ALL": "C.UTF-8"}
XSF_CI = (
    'found=$(cat); expected=$(echo "$found" | tr " " "\\n" | sort -Vr); [ "$expected" = "$found" ]'
)


def _gnu_sort() -> bool:
    try:
        out = subprocess.run(["sort", "--version"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    return b"GNU coreutils" in out


needs_gnu_sort = pytest.mark.skipif(not _gnu_sort(), reason="needs GNU coreutils sort")
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def real_sort_vr(lines: list[bytes]) -> list[bytes]:
    data = b"".join(line + b"\n" for line in lines)
    out = subprocess.run(["sort", "-Vr"], input=data, env=C_UTF8, capture_output=True, check=True)
    return out.stdout.split(b"\n")[:-1]


def real_xsf_ci(found: str) -> bool:
    proc = subprocess.run(["bash", "-c", XSF_CI], input=found.encode(), env=C_UTF8)
    return proc.returncode == 0


# Version-like lines: digits, dots, letters, '~', '-', leading zeros, '', non-ASCII, and
# the bash echo options -n/-e/-E.
token = st.text(alphabet="0123456789..aenzAEZ~-_é", max_size=8)
version = st.from_regex(
    r"(v|0)?[0-9]{1,3}(\.[0-9]{1,3}){0,3}(rc[0-9]|~beta|-1|\.tar|é)?", fullmatch=True
)
line = st.one_of(token, version)


def descending(texts: list[str]) -> list[str]:
    """Put ``texts`` in sort -Vr order, so that generated CI inputs often pass."""
    return [b.decode() for b in sort_version_reverse([t.encode() for t in texts])]


@pytest.mark.parametrize(
    ("a", "b", "sign"),
    [
        (b"", b"", 0),
        (b"", b"a", -1),
        (b".", b"..", -1),
        (b"..", b".a", -1),
        (b".a", b"a", -1),
        (b".A", b".0", -1),  # coreutils 9.1: all of ".A" counts as a suffix
        (b"1.0~rc1", b"1.0", -1),
        (b"1.2", b"1.10", -1),
        (b"2.00", b"2.0", 0),
        (b"a.tar.gz", b"a.tar", 1),
        (b"v2.0.1", b"2.0", 1),
    ],
)
def test_filevercmp_examples(a: bytes, b: bytes, sign: int) -> None:
    result = filevercmp(a, b)
    assert (result > 0) - (result < 0) == sign


@pytest.mark.parametrize(
    ("found", "passes"),
    [
        ("2.00\n2.0", True),
        ("2.0\n2.00", False),
        ("2.0.0\n2.0", True),
        ("2.0\n2.0.0", False),
        ("1.0\n1.0", True),
        ("0.2\n0.1.1\n0.1", True),
        ("2.0.1 ", False),
        ("", True),
        ("v2.0.1\n2.0", True),
        ("1.21rc1\n1.21\n1.20", True),
        ("-n", False),
    ],
)
def test_xsf_ci_known_cases(found: str, passes: bool) -> None:
    assert versions_descending_like_xsf_ci(found) is passes


@needs_gnu_sort
@needs_bash
def test_xsf_ci_rc_case_matches_real_sort() -> None:
    assert real_xsf_ci("1.21rc1\n1.21\n1.20") is True


@needs_gnu_sort
@settings(max_examples=300, deadline=None)
@given(st.lists(line, max_size=8))
def test_sort_version_reverse_matches_gnu_sort(lines: list[str]) -> None:
    encoded = [text.encode() for text in lines]
    assert sort_version_reverse(encoded) == real_sort_vr(encoded)


@needs_gnu_sort
@needs_bash
@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.lists(line, max_size=5), st.lists(line, max_size=5).map(descending)),
    st.lists(st.sampled_from(["\n", " "]), min_size=5, max_size=5),
)
def test_xsf_ci_matches_bash(tokens: list[str], seps: list[str]) -> None:
    found = "".join(tok + sep for tok, sep in zip(tokens, seps, strict=False)).rstrip("\n")
    assert versions_descending_like_xsf_ci(found) is real_xsf_ci(found)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("1", (1,)), ("0.1.10", (0, 1, 10)), ("1.21rc1", None), ("", None), ("1.", None), ("١", None)],
)
def test_parse_version(text: str, parsed: tuple[int, ...] | None) -> None:
    assert parse_version(text) == parsed


@pytest.mark.parametrize(
    ("text", "expected"), [("1.2.3", True), ("1.2", False), ("1.2.3\n", False), ("1.2.x", False)]
)
def test_is_semver3(text: str, expected: bool) -> None:
    assert is_semver3(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.3", "0.4.0"), ("0.1.1", "0.2.0"), ("0.9", "0.10.0"), ("1.0.1", "1.1.0"), ("1", "1.1.0")],
)
def test_deferral_version(text: str, expected: str) -> None:
    assert deferral_version(text) == expected


def test_deferral_version_rejects_non_integer_minor() -> None:
    with pytest.raises(ValueError, match="not an integer"):
        deferral_version("1.2rc1")


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        ("0.2", "patch", "0.2.1"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2", "minor", "1.3.0"),
        ("0.5", "minor", "0.6.0"),
        ("1.2.3", "major", "2.0.0"),
        ("1", "major", "2.0.0"),
    ],
)
def test_bump_version(text: str, level: str, expected: str) -> None:
    assert bump_version(text, level, protoxep=False) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["patch", "minor", "major"])
def test_bump_version_protoxep(level: str) -> None:
    assert bump_version("0.0.4", level, protoxep=True) == "0.0.5"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "protoxep"), [("1.21rc1", False), ("1.2.3.4", False), ("0.1.0", True)]
)
def test_bump_version_rejects(text: str, protoxep: bool) -> None:
    with pytest.raises(ValueError, match=repr(text)):
        bump_version(text, "patch", protoxep=protoxep)


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("1.2.3", "1.2.4", "patch"),
        ("0.2", "0.2.1", "patch"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2", "2.0.0", "major"),
        ("1.2", "1.2.0", "none"),
        ("1.3.0", "1.2.9", "none"),
        ("1.21rc1", "1.22", None),
    ],
)
def test_bump_level(old: str, new: str, level: str | None) -> None:
    assert bump_level(old, new) == level
