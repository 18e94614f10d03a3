"""``e2ee-sig bump``: version rules, byte-exact insertion, refusals, the CLI and real XEPs."""

from __future__ import annotations

import difflib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.bump import BumpError, apply_bump, plan_bump
from e2ee_sig.cli import main
from e2ee_sig.xep import Document, parse_bytes
from e2ee_sig.xep.header import text_of
from e2ee_sig.xep.policy import judge_bump
from tests.xepfactory import codes, lint_text, make_xep

DATE = "2026-11-25"


def revisions(*versions: str, date: str = "2026-03-01", indent: str = "  ") -> str:
    """Revision blocks, newest first, all dated ``date``."""
    return "\n".join(
        f"{indent}<revision>\n{indent * 2}<version>{version}</version>\n"
        f"{indent * 2}<date>{date}</date>\n{indent * 2}<initials>ae</initials>\n"
        f"{indent * 2}<remark><p>Change {version}.</p></remark>\n{indent}</revision>"
        for version in versions
    )


def document(text: str | bytes, name: str = "xep-0999.xml") -> Document:
    raw = text.encode() if isinstance(text, str) else text
    return parse_bytes(raw, Path(name), name, None)


def xep(status: str = "Experimental", *versions: str, **overrides: str) -> Document:
    """A XEP with ``status`` and revisions ``versions`` (default 0.2.0, 0.1.0)."""
    number = "XXXX" if status == "ProtoXEP" else "0999"
    text = make_xep(
        status=status, number=number, revisions=revisions(*(versions or ("0.2.0", "0.1.0")))
    )
    return document(text, **overrides)


def deleted_lines(old: bytes, new: bytes) -> list[bytes]:
    """Lines of ``old`` missing from ``new`` (what ``git diff --numstat`` counts as deleted)."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        line
        for tag, i1, i2, _, _ in matcher.get_opcodes()
        if tag in ("delete", "replace")
        for line in before[i1:i2]
    ]


def is_pure_insertion(old: bytes, new: bytes) -> bool:
    """``new`` is ``old`` with one run of bytes inserted somewhere."""
    prefix, limit = 0, min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    return len(new) > len(old) and new.endswith(old[prefix:])


def top_revision(raw: bytes) -> tuple[str, str, str, str]:
    """(version, date, initials, remark text) of the first revision after re-parsing."""
    header = document(raw).header
    assert header is not None
    top = header.revisions[0]
    fields = (top.version, top.date, top.initials, top.remark)
    assert all(f is not None for f in fields)
    return tuple(f.value for f in fields)  # type: ignore[union-attr,return-value]


# --- version rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "versions", "level", "new_status", "expected", "level_shown", "status_after"),
    [
        ("ProtoXEP", ("0.0.3", "0.0.2"), None, None, "0.0.4", "patch", "ProtoXEP"),
        ("ProtoXEP", ("0.0.3", "0.0.2"), "minor", None, "0.0.4", "patch", "ProtoXEP"),
        ("ProtoXEP", ("0.0.1",), "major", None, "0.0.2", "patch", "ProtoXEP"),
        ("Experimental", ("0.9.1", "0.9.0"), None, None, "0.10.0", "minor", "Experimental"),
        ("Experimental", ("0.9.1", "0.9.0"), "minor", None, "0.10.0", "minor", "Experimental"),
        ("Experimental", ("0.9.1", "0.9.0"), "patch", None, "0.9.2", "patch", "Experimental"),
        ("Deferred", ("0.3.0", "0.2.0"), None, None, "0.4.0", "minor", "Experimental"),
        ("Deferred", ("0.3.0", "0.2.0"), "minor", None, "0.4.0", "minor", "Experimental"),
        ("Deferred", ("0.3.0", "0.2.0"), "patch", None, "0.3.1", "patch", "Deferred"),
        ("Deferred", ("0.3.0",), None, "Experimental", "0.4.0", "minor", "Experimental"),
        ("Draft", ("1.2", "1.1"), "minor", None, "1.3.0", "minor", "Draft"),
        ("Draft", ("1.2", "1.1"), "patch", None, "1.2.1", "patch", "Draft"),
        ("Experimental", ("0.5", "0.4"), None, None, "0.6.0", "minor", "Experimental"),
        ("Experimental", ("0.5.2",), None, "Draft", "1.0.0", "major", "Draft"),
        ("Experimental", ("0.5.2",), "major", "Draft", "1.0.0", "major", "Draft"),
        ("Draft", ("1.2", "1.1"), None, "Final", "2.0.0", "major", "Final"),
        ("Active", ("1.1.0",), None, "Deprecated", "1.2.0", "minor", "Deprecated"),
        ("Experimental", ("0.9.1",), None, "Experimental", "0.10.0", "minor", "Experimental"),
    ],
)
def test_version_rules(
    status: str,
    versions: tuple[str, ...],
    level: str | None,
    new_status: str | None,
    expected: str,
    level_shown: str,
    status_after: str,
) -> None:
    plan = plan_bump(xep(status, *versions), ["Change."], "ps", level, DATE, new_status)  # type: ignore[arg-type]
    assert (plan.new_version, plan.level, plan.new_status) == (expected, level_shown, status_after)
    assert top_revision(plan.new_raw)[0] == expected
    header = document(plan.new_raw).header
    assert header is not None and header.value("status") == status_after
    assert judge_bump(plan.old_version, plan.new_version, status, status_after) is None


@pytest.mark.parametrize(
    ("status", "versions", "level", "new_status", "message"),
    [
        ("Experimental", ("0.9.1.2", "0.9.1"), None, None, "has 4 parts"),
        ("ProtoXEP", ("0.0.3.1", "0.0.3"), None, None, "has 4 parts"),
        ("Experimental", ("0.9.1",), "major", None, "--level major needs a status change"),
        ("Experimental", ("0.9.1",), "major", "Experimental", "needs a status change"),
        ("Deferred", ("0.3.0",), "major", None, "needs a status change"),
        ("ProtoXEP", ("0.1", "0.0.1"), None, None, "must be 0.0.N but the newest is 0.1"),
        ("Draft", ("1.21rc1", "1.20"), None, None, "is not numbers and dots"),
        ("Experimental", ("0.5.0",), "minor", "Draft", "status Draft needs version 1.0.0"),
        ("Experimental", ("0.5.0",), "patch", "Final", "status Final needs version 2.0.0"),
        ("ProtoXEP", ("0.0.2",), None, "Experimental", "only when the Council accepts it"),
        ("Experimental", ("0.5.0",), None, "ProtoXEP", "only when the Council accepts it"),
        ("Experimental", ("0.5.0",), None, "Stable", "unknown status 'Stable'"),
        ("Experimental", ("0.2.0", "0.3.0"), "patch", None, "would not be above the revision"),
    ],
)
def test_refused_bumps(
    status: str, versions: tuple[str, ...], level: str | None, new_status: str | None, message: str
) -> None:
    with pytest.raises(BumpError, match=message.replace(".", r"\.")) as error:
        plan_bump(xep(status, *versions), ["Change."], "ps", level, DATE, new_status)  # type: ignore[arg-type]
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "old_status", "new_status", "problem"),
    [
        ("0.9.1", "0.10.0", "Experimental", "Experimental", None),
        ("0.9.1", "0.9.2", "Experimental", "Experimental", None),
        ("0.2.0", "0.3.0", "Experimental", "Deferred", None),
        ("0.3.0", "0.4.0", "Deferred", "Experimental", None),
        ("0.3.0", "0.3.1", "Deferred", "Deferred", None),
        ("0.0.3", "0.0.4", "ProtoXEP", "ProtoXEP", None),
        ("0.9.0", "1.0.0", "Proposed", "Draft", None),
        ("1.5", "1.6.0", "Draft", "Draft", None),
        ("1.21rc1", "1.22.0", "Draft", "Draft", None),
        ("0.9.1", "0.9.1", "Experimental", "Experimental", "is not above"),
        ("1.21rc1", "1.20.0", "Draft", "Draft", "is not above"),
        ("0.9.1", "0.10", "Experimental", "Experimental", "is not x.y.z"),
        ("0.9.1", "1.0.0", "Experimental", "Experimental", "needs a status change"),
        ("0.3.0", "0.4.0", "Deferred", "Deferred", "returns it to Experimental"),
        ("0.0.3", "0.1.0", "ProtoXEP", "ProtoXEP", "must be 0.0.N"),
        ("0.9.0", "0.10.0", "Experimental", "Draft", "needs version 1.0.0 or above"),
        ("0.9.0", "1.0.0", "Experimental", "Proposed", "needs a version below 1.0.0"),
    ],
)
def test_judge_bump(
    old: str, new: str, old_status: str, new_status: str, problem: str | None
) -> None:
    verdict = judge_bump(old, new, old_status, new_status)
    if problem is None:
        assert verdict is None
    else:
        assert verdict is not None and problem in verdict


# --- dates and input -----------------------------------------------------------------------


def test_refuses_when_the_newest_revision_is_dated_after_the_date() -> None:
    text = make_xep(revisions=revisions("0.2.0", date="2026-12-01"))
    with pytest.raises(BumpError, match="dated 2026-12-01, after 2026-11-25"):
        plan_bump(document(text), ["Change."], "ps", date=DATE)
    assert plan_bump(document(text), ["Change."], "ps", date="2026-12-01").new_version == "0.3.0"


@pytest.mark.parametrize(
    ("date", "message"),
    [("2026-02-30", "does not exist"), ("26-11-25", "is not YYYY-MM-DD"), ("", "YYYY-MM-DD")],
)
def test_refuses_bad_dates(date: str, message: str) -> None:
    with pytest.raises(BumpError, match=message):
        plan_bump(xep(), ["Change."], "ps", date=date)


def test_refuses_a_newest_revision_without_a_valid_date() -> None:
    text = make_xep(revisions=revisions("0.2.0", date="2026-1-5"))
    with pytest.raises(BumpError, match=r"newest revision \(0\.2\.0\).*fix it first"):
        plan_bump(document(text), ["Change."], "ps", date=DATE)


@pytest.mark.parametrize(
    ("remarks", "initials", "message"),
    [
        ([], "ps", "at least one --remark"),
        (["Fine.", "  "], "ps", "none of them empty"),
        (["Fine."], " ", "initials are empty"),
        (["Bell \x07 here."], "ps", "U\\+0007"),
        (["Fine."], "p\x00s", "U\\+0000"),
    ],
)
def test_refuses_bad_remarks_and_initials(remarks: list[str], initials: str, message: str) -> None:
    with pytest.raises(BumpError, match=message):
        plan_bump(xep(), remarks, initials, date=DATE)


def test_refuses_documents_it_cannot_read() -> None:
    with pytest.raises(BumpError, match="cannot read the XEP"):
        plan_bump(document("<xep><header>"), ["Change."], "ps", date=DATE)
    no_revisions = make_xep(revisions="")
    with pytest.raises(BumpError, match="no <revision> block"):
        plan_bump(document(no_revisions), ["Change."], "ps", date=DATE)


def test_non_utf8_files_take_only_ascii_text() -> None:
    text = make_xep().replace("encoding='UTF-8'", "encoding='ISO-8859-1'")
    assert plan_bump(document(text), ["Plain."], "ps", date=DATE).new_version == "0.3.0"
    with pytest.raises(BumpError, match="declared iso-8859-1"):
        plan_bump(document(text), ["Café."], "ps", date=DATE)


# --- bytes ---------------------------------------------------------------------------------


def test_only_lines_are_added() -> None:
    old = xep()
    plan = plan_bump(old, ["Describe the handshake."], "ps", date=DATE)
    assert is_pure_insertion(old.raw, plan.new_raw)
    assert deleted_lines(old.raw, plan.new_raw) == []
    assert len(plan.new_raw.splitlines()) == len(old.raw.splitlines()) + 6


def test_deferred_to_experimental_changes_only_the_status_line() -> None:
    old = xep("Deferred", "0.3.0", "0.2.0")
    plan = plan_bump(old, ["Describe the handshake."], "ps", date=DATE)
    assert deleted_lines(old.raw, plan.new_raw) == [b"  <status>Deferred</status>\n"]
    assert b"  <status>Experimental</status>\n" in plan.new_raw
    assert "status Deferred → Experimental" in plan.summary()


@pytest.mark.parametrize(
    ("indent", "newline", "expected"),
    [
        (
            "\t",
            "\n",
            b"\t<revision>\n\t\t<version>0.3.0</version>\n\t\t<date>2026-11-25</date>\n"
            b"\t\t<initials>ps</initials>\n\t\t<remark><p>Fix it.</p></remark>\n\t</revision>\n"
            b"\t<revision>\n\t\t<version>0.2.0</version>",
        ),
        (
            "    ",
            "\n",
            b"    <revision>\n        <version>0.3.0</version>\n        <date>2026-11-25</date>\n"
            b"        <initials>ps</initials>\n        <remark><p>Fix it.</p></remark>\n"
            b"    </revision>\n    <revision>\n        <version>0.2.0</version>",
        ),
        (
            "  ",
            "\r\n",
            b"  <revision>\r\n    <version>0.3.0</version>\r\n    <date>2026-11-25</date>\r\n"
            b"    <initials>ps</initials>\r\n    <remark><p>Fix it.</p></remark>\r\n"
            b"  </revision>\r\n  <revision>\r\n    <version>0.2.0</version>",
        ),
    ],
    ids=["tabs", "four-spaces", "crlf"],
)
def test_indentation_and_newlines_are_copied(indent: str, newline: str, expected: bytes) -> None:
    text = make_xep(revisions=revisions("0.2.0", "0.1.0", indent=indent)).replace("\n", newline)
    old = document(text)
    plan = plan_bump(old, ["Fix it."], "ps", date=DATE)
    assert expected in plan.new_raw
    assert deleted_lines(old.raw, plan.new_raw) == []
    if newline == "\r\n":
        assert b"\n" not in plan.new_raw.replace(b"\r\n", b"")


def test_remarks_are_xml_escaped() -> None:
    remark = 'Use <encrypted/> & "keys" in <header>.'
    plan = plan_bump(xep(), [remark], "a&b <ed>", date=DATE)
    assert b'<p>Use &lt;encrypted/&gt; &amp; "keys" in &lt;header&gt;.</p>' in plan.new_raw
    assert top_revision(plan.new_raw)[2:] == ("a&b <ed>", remark)


def test_several_remarks_become_a_list() -> None:
    plan = plan_bump(xep(), ["First change.", "Second  change\n spans lines."], "ps", date=DATE)
    header = document(plan.new_raw).header
    assert header is not None and header.revisions[0].remark is not None
    remark = header.revisions[0].remark.element
    assert [child.tag for child in remark] == ["ul"]
    items = [text_of(li) for li in remark.iterfind("ul/li")]
    assert items == ["First change.", "Second change spans lines."]


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80))
def test_any_remark_round_trips(remark: str) -> None:
    normalised = " ".join(remark.split())
    if not normalised or "\ufffe" in normalised or "\uffff" in normalised:
        return
    old = xep()
    plan = plan_bump(old, [remark], "ps", date=DATE)
    assert top_revision(plan.new_raw)[3] == normalised
    assert deleted_lines(old.raw, plan.new_raw) == []


@pytest.mark.parametrize(
    ("name", "status", "versions"),
    [
        ("xep-0999.xml", "Experimental", ("0.2.0", "0.1.0")),
        ("xep-0999.xml", "Deferred", ("0.3.0", "0.2.0")),
        ("xep-0999.xml", "Draft", ("1.2", "1.1")),
        ("inbox/widgets.xml", "ProtoXEP", ("0.0.2", "0.0.1")),
    ],
)
def test_result_passes_the_xsf_ci_profile(
    xep_root: Path, name: str, status: str, versions: tuple[str, ...]
) -> None:
    old = xep(status, *versions).raw
    assert lint_text(old, name, profile="xsf-ci", root=xep_root) == []
    plan = plan_bump(document(old, name), ["Change & more."], "ps", date=DATE)
    assert lint_text(plan.new_raw, name, profile="xsf-ci", root=xep_root) == []


def test_apply_writes_the_plan_and_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    plan = plan_bump(document(path.read_bytes()), ["Change."], "ps", date=DATE)
    apply_bump(path, plan)
    assert path.read_bytes() == plan.new_raw
    with pytest.raises(BumpError, match="changed since it was read"):
        apply_bump(path, plan)
    assert path.read_bytes() == plan.new_raw


# --- the command ---------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_bump_is_listed_in_the_help() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert any(line.split()[:1] == ["bump"] for line in out.splitlines())


def test_cli_bumps_each_file_and_reports(tmp_path: Path) -> None:
    good = tmp_path / "xep-0999.xml"
    good.write_text(make_xep(), encoding="utf-8")
    deferred = tmp_path / "xep-0998.xml"
    deferred.write_text(make_xep(status="Deferred", number="0998"), encoding="utf-8")
    future = tmp_path / "xep-0997.xml"
    future_text = make_xep(number="0997", revisions=revisions("0.2.0", date="2027-01-01"))
    future.write_text(future_text, encoding="utf-8")
    code, out, err = run(
        "bump", str(good), str(future), str(deferred), "-m", "Change.", "--initials", "ps",
        "--date", DATE,
    )  # fmt: skip
    assert code == 2
    assert out.splitlines() == [
        f"{good}: 0.2.0 → 0.3.0 (minor)",
        f"{deferred}: 0.2.0 → 0.3.0 (minor); status Deferred → Experimental",
    ]
    assert err.splitlines() == [
        f"e2ee-sig: error: {future}: the newest revision (0.2.0) is dated 2027-01-01, after"
        f" {DATE}; give --date 2027-01-01 or later"
    ]
    assert future.read_text(encoding="utf-8") == future_text
    assert top_revision(good.read_bytes())[:3] == ("0.3.0", DATE, "ps")


def test_cli_dry_run_prints_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    before = path.read_bytes()
    code, out, _ = run(
        "bump", str(path), "-m", "One.", "-m", "Two.", "--initials", "ps", "--level", "patch",
        "--date", DATE, "--dry-run",
    )  # fmt: skip
    assert code == 0
    assert path.read_bytes() == before
    assert "+    <version>0.2.1</version>\n" in out
    assert "+        <li>Two.</li>\n" in out
    assert not [line for line in out.splitlines() if line.startswith("-") and line[1:2] != "-"]
    assert out.splitlines()[-1] == f"{path}: 0.2.0 → 0.2.1 (patch) [dry run: nothing written]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-02-30"], "e2ee-sig: error: date 2026-02-30 does not exist"),
        (["--level", "major"], "--level major needs a status change"),
        (["--status", "Stable"], "unknown status 'Stable'"),
    ],
)
def test_cli_refusals_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    path = tmp_path / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    code, out, err = run("bump", str(path), "-m", "Change.", "--initials", "ps", *args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err
    assert path.read_text(encoding="utf-8") == make_xep()


def test_cli_missing_file_and_missing_initials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("bump", "nope.xml", "-m", "Change.", "--initials", "ps")
    assert code == 2
    assert err == "e2ee-sig: error: nope.xml: No such file or directory\n"
    code, _, err = run("bump", "nope.xml", "-m", "Change.")
    assert code == 2 and "--initials is required" in err


def test_cli_takes_initials_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".e2ee-sig.toml").write_text('initials = "XEP Editor (dg)"\n', encoding="utf-8")
    (tmp_path / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    code, _, _ = run("bump", "xep-0999.xml", "-m", "Change.", "--date", DATE)
    assert code == 0
    assert top_revision((tmp_path / "xep-0999.xml").read_bytes())[2] == "XEP Editor (dg)"


# --- real XEPs -----------------------------------------------------------------------------

CORPUS_FILES = (
    "xep-0384.xml",  # OMEMO: Experimental, DTD errors in the original
    "xep-0373.xml",  # OpenPGP for XMPP: Experimental
    "xep-0031.xml",  # Deferred, legacy two-part versions, unindented header
    "inbox/automatic-trust-management.xml",  # a ProtoXEP
)


def test_bumping_real_xeps(corpus: Path, xsf_root: Path) -> None:
    for relpath in CORPUS_FILES:
        shutil.copyfile(corpus / relpath, xsf_root / relpath)
    paths = [str(xsf_root / relpath) for relpath in CORPUS_FILES]
    code, out, err = run("bump", *paths, "-m", "Clarify <keys> & trust.", "--initials", "ps",
                         "--date", DATE)  # fmt: skip
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == len(CORPUS_FILES)
    for relpath in CORPUS_FILES:
        old, new = (corpus / relpath).read_bytes(), (xsf_root / relpath).read_bytes()
        old_header, new_header = document(old).header, document(new).header
        assert old_header is not None and new_header is not None
        deleted = deleted_lines(old, new)
        if old_header.value("status") == "Deferred":
            assert deleted == [b"<status>Deferred</status>\n"]
            assert new_header.value("status") == "Experimental"
        else:
            assert deleted == []
            assert is_pure_insertion(old, new)
        assert len(new_header.revisions) == len(old_header.revisions) + 1
        old_top = [int(p) for p in old_header.revisions[0].version.value.split(".")]  # type: ignore[union-attr]
        new_top = [int(p) for p in new_header.revisions[0].version.value.split(".")]  # type: ignore[union-attr]
        if old_header.value("status") == "ProtoXEP":
            assert new_top == [0, 0, old_top[2] + 1]
        else:
            assert new_top == [old_top[0], old_top[1] + 1, 0]
        before = Counter(codes(lint_text(old, relpath, profile="xsf-ci", root=xsf_root)))
        after = Counter(codes(lint_text(new, relpath, profile="xsf-ci", root=xsf_root)))
        assert after == before, relpath
    assert not lint_text((xsf_root / "xep-0373.xml").read_bytes(), "xep-0373.xml",
                         profile="xsf-ci", root=xsf_root)  # fmt: skip
