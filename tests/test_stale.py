"""``e2ee-sig stale``: the deferral rule (parity with the Editor's tool on the corpus), dates,
git facts on real temporary repositories, output formats and ``--defer``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock
from xml.dom import minidom

import git
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.cli import main
from e2ee_sig.lint.model import Severity
from e2ee_sig.stale.judging import build_report
from e2ee_sig.stale.model import StaleOptions
from e2ee_sig.xep.policy import months_before, stale_from
from e2ee_sig.xep.scope import parse_number, sig_numbers
from tests.xepfactory import codes, lint_text, make_xep

NOW = "2026-11-25"
DEFER_DATES = ("2026-06-30", "2026-11-25", "2024-02-29", "2025-02-28", "2027-03-01")


# --- Building XEPs and repositories ---------------------------------------------------------


def revision(version: str, day: str, remark: str = "Changes.") -> str:
    return (
        f"  <revision>\n    <version>{version}</version>\n    <date>{day}</date>\n"
        f"    <initials>ae</initials>\n    <remark><p>{remark}</p></remark>\n  </revision>"
    )


def xep(number: int, *revisions: tuple[str, str], status: str = "Experimental", **kw: str) -> str:
    blocks = "\n".join(revision(version, day) for version, day in revisions)
    return make_xep(number=f"{number:04d}", status=status, revisions=blocks, **kw)


class Repo:
    """A temporary git repository whose commits carry explicit dates."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.git = git.Repo.init(root)
        with self.git.config_writer() as config:
            config.set_value("user", "name", "Test").set_value("user", "email", "t@example.org")

    def commit(self, day: str, message: str, files: dict[str, str]) -> str:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode())
        self.git.git.add("--", *files)
        stamp = f"{day}T12:00:00+0000"
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        self.git.git.commit("--quiet", "-m", message, env=env)
        return self.git.head.commit.hexsha


def stale(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["stale", *args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def report_json(root: Path, *args: str, now: str = NOW) -> tuple[int, dict]:
    code, out, _ = stale(str(root), "--now", now, "--format", "json", *args)
    return code, json.loads(out)


def by_number(data: dict) -> dict[int, dict]:
    return {entry["number"]: entry for entry in data["xeps"]}


@pytest.fixture
def states_repo(tmp_path: Path) -> Repo:
    """On 2026-11-25: 0001 stale, 0002 due soon (25 days), 0003 ok, 0004 an old Draft."""
    repo = Repo(tmp_path / "xeps")
    repo.commit(
        "2026-07-01",
        "Add XEPs",
        {
            "xep-0001.xml": xep(1, ("0.2.0", "2025-01-10"), ("0.1.0", "2024-06-01")),
            "xep-0002.xml": xep(2, ("0.1.0", "2025-12-20")),
            "xep-0003.xml": xep(3, ("0.3.0", "2026-06-01"), ("0.2.0", "2025-01-01")),
            "xep-0004.xml": xep(4, ("1.0.0", "2010-01-01"), status="Draft"),
            "inbox/widgets.xml": xep(0, ("0.0.1", "2026-01-01"), title="Inbox Widgets"),
        },
    )
    return repo


# --- Dates ----------------------------------------------------------------------------------


def test_threshold_is_the_same_day_a_year_earlier_inclusive() -> None:
    assert months_before(date(2026, 6, 30), 12) == date(2025, 6, 30)
    assert stale_from(date(2025, 6, 30), 12) == date(2026, 6, 30)
    assert stale_from(date(2025, 7, 1), 12) == date(2026, 7, 1)


def test_leap_day() -> None:
    # deferrals.py crashes here; a missing day becomes the month's last day.
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2024, 3, 1), 12) == date(2023, 3, 1)
    assert months_before(date(2025, 2, 28), 12) == date(2024, 2, 28)
    # A revision of 29 February 2024 is not stale on 2025-02-28, it is on 2025-03-01.
    assert stale_from(date(2024, 2, 29), 12) == date(2025, 3, 1)
    assert stale_from(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


@given(
    st.dates(date(1900, 1, 1), date(2200, 12, 31)),
    st.dates(date(1900, 1, 1), date(2200, 12, 31)),
    st.integers(1, 36),
)
def test_stale_from_is_the_first_day_the_threshold_reaches_the_revision(
    now: date, last: date, months: int
) -> None:
    assert (months_before(now, months) >= last) == (now >= stale_from(last, months))
    assert months_before(now, months) <= months_before(now + timedelta(days=1), months)


@given(st.dates(date(1901, 1, 1), date(2200, 12, 31)))
def test_twelve_months_is_deferrals_py_replace_year_on_every_other_day(now: date) -> None:
    if (now.month, now.day) != (2, 29):
        assert months_before(now, 12) == now.replace(year=now.year - 1)


@pytest.mark.parametrize(
    ("text", "number"), [("384", 384), ("0384", 384), ("XEP-0384", 384), ("xep-0001.xml", 1)]
)
def test_parse_number(text: str, number: int) -> None:
    assert parse_number(text) == number


def test_sig_list_ships_with_the_package_and_can_be_overridden() -> None:
    shipped = sig_numbers()
    assert {373, 384, 420, 434, 450, 454, 510} <= set(shipped)
    assert sig_numbers(["0384", 373]) == [373, 384]


# --- Parity with the Editor's deferrals.py on the corpus ------------------------------------


def _direct_text(element: minidom.Element) -> str:
    """extract-metadata.py: the direct Text/CDATA children, not stripped."""
    return "".join(
        node.data
        for node in element.childNodes
        if node.nodeType in (node.TEXT_NODE, node.CDATA_SECTION_NODE)
    )


def _first_child(element: minidom.Element, name: str) -> minidom.Element | None:
    return next(
        (n for n in element.childNodes if n.nodeType == n.ELEMENT_NODE and n.tagName == name),
        None,
    )


def official_candidates(corpus: Path, now: date) -> set[int]:
    """The rule of official-deferrals.md, written independently: minidom, the first <revision>
    of the first <header>, strptime, ``now.replace(year=now.year - 1)`` (day 28 on a leap day,
    which the official tool would crash on), status exactly Experimental."""
    try:
        threshold = now.replace(year=now.year - 1)
    except ValueError:
        threshold = now.replace(year=now.year - 1, day=28)
    found = set()
    for file in sorted(corpus.glob("xep-[0-9][0-9][0-9][0-9].xml")):
        root = minidom.parse(str(file)).documentElement
        header = _first_child(root, "header")
        assert header is not None, file
        status = _direct_text(_first_child(header, "status"))
        first = _first_child(header, "revision")
        if first is None or status != "Experimental":
            continue
        day = datetime.strptime(_direct_text(_first_child(first, "date")), "%Y-%m-%d").date()
        if day <= threshold:
            found.add(int(file.name[4:8]))
    return found


@pytest.mark.parametrize("now", DEFER_DATES)
def test_stale_set_equals_the_official_rule_on_the_corpus(corpus: Path, now: str) -> None:
    day = date.fromisoformat(now)
    report = build_report(StaleOptions(corpus, now=day))
    ours = {entry.number for entry in report.stale}
    assert ours == official_candidates(corpus, day)
    assert not report.unknown


def test_corpus_on_2026_06_30_has_the_known_overdue_e2ee_xeps(corpus: Path) -> None:
    report = build_report(StaleOptions(corpus, now=date(2026, 6, 30)))
    stale_numbers = {entry.number for entry in report.stale}
    assert {373, 434, 448, 450, 454, 476, 477} <= stale_numbers
    omemo = next(e for e in report.xeps if e.number == 384)
    # Alive only through a patch bump: stale under the XEP-0001 reading.
    assert (omemo.state, omemo.xep0001.state) == ("ok", "stale")
    assert omemo.xep0001.revision is not None and omemo.xep0001.revision.version == "0.9.0"


# --- States, problems and git facts ---------------------------------------------------------


def test_each_state(states_repo: Repo) -> None:
    code, data = report_json(states_repo.root)
    entries = by_number(data)
    assert code == 1
    assert data["now"] == NOW
    assert {n: e["state"] for n, e in entries.items()} == {
        1: "stale",
        2: "due-soon",
        3: "ok",
        4: "ok",
    }
    assert entries[1]["last_revision"] == {"version": "0.2.0", "date": "2025-01-10"}
    assert entries[1]["age_days"] == (date(2026, 11, 25) - date(2025, 1, 10)).days
    assert entries[2]["days_left"] == 25
    assert [p["path"] for p in data["protoxeps"]] == ["inbox/widgets.xml"]
    assert data["protoxeps"][0]["age_days"] == (date(2026, 11, 25) - date(2026, 1, 1)).days


def test_nothing_stale_exits_zero_and_number_selects(states_repo: Repo) -> None:
    code, data = report_json(states_repo.root, "--number", "3,XEP-0004")
    assert code == 0
    assert [e["number"] for e in data["xeps"]] == [3, 4]
    assert data["protoxeps"] == []


def test_months_and_soon_change_the_window(states_repo: Repo) -> None:
    _, data = report_json(states_repo.root, "--months", "24", "--soon", "0")
    assert {n: e["state"] for n, e in by_number(data).items()}[1] == "ok"
    _, data = report_json(states_repo.root, "--soon", "10")
    assert by_number(data)[2]["state"] == "ok"


def test_json_shape(states_repo: Repo) -> None:
    _, data = report_json(states_repo.root)
    assert isinstance(data["now"], str) and isinstance(data["xeps"], list)
    for entry in data["xeps"]:
        assert isinstance(entry["number"], int)
        assert isinstance(entry["path"], str) and entry["path"].endswith(".xml")
        assert isinstance(entry["title"], str) and isinstance(entry["status"], str)
        assert set(entry["last_revision"]) == {"version", "date"}
        assert all(isinstance(v, str) for v in entry["last_revision"].values())
        assert isinstance(entry["age_days"], int)
        assert entry["state"] in ("stale", "due-soon", "ok")
        assert entry["xep0001"]["state"] in ("stale", "due-soon", "ok")
        assert set(entry["git"]) == {"last_commit", "unrecorded_changes", "editorial_changes"}


def test_xep0001_reading_ignores_patch_revisions(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(
        "2026-04-06",
        "XEP-0384: add version block",
        {"xep-0384.xml": xep(384, ("0.9.1", "2026-04-06"), ("0.9.0", "2025-04-07"))},
    )
    _, data = report_json(repo.root)
    omemo = by_number(data)[384]
    assert omemo["state"] == "ok"
    assert omemo["xep0001"]["activity"] == {"version": "0.9.0", "date": "2025-04-07"}
    assert omemo["xep0001"]["state"] == "stale"
    assert "xep0001-differs" in omemo["flags"]


def test_unrecorded_changes(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    # Authored after the revision's date, but it adds that revision: recorded.
    repo.commit("2026-01-10", "XEP-0005: 0.2.0", {"xep-0005.xml": xep(5, ("0.2.0", "2026-01-05"))})
    repo.commit(
        "2026-03-01",
        "XEP-0005: fix typo",
        {"xep-0005.xml": xep(5, ("0.2.0", "2026-01-05"), title="Example Widget Negotiations")},
    )
    repo.commit(
        "2026-04-01",
        "XEP-0005: clarify",
        {"xep-0005.xml": xep(5, ("0.2.0", "2026-01-05"), title="Example Widgets Negotiated")},
    )
    repo.commit("2026-04-02", "Unrelated", {"README": "x"})
    _, data = report_json(repo.root)
    facts = by_number(data)[5]["git"]
    assert facts["last_commit"]["subject"] == "XEP-0005: clarify"
    assert facts["last_commit"]["date"] == "2026-04-01"
    assert facts["unrecorded_changes"] == {
        "since": {"version": "0.2.0", "date": "2026-01-05"},
        "count": 2,
        "last_date": "2026-04-01",
        "subjects": ["XEP-0005: clarify", "XEP-0005: fix typo"],
    }
    assert "unrecorded-changes" in by_number(data)[5]["flags"]
    # A new revision describes the changes again.
    repo.commit(
        "2026-05-02",
        "XEP-0005: 0.3.0",
        {"xep-0005.xml": xep(5, ("0.3.0", "2026-05-01"), ("0.2.0", "2026-01-05"))},
    )
    _, data = report_json(repo.root)
    assert by_number(data)[5]["git"]["unrecorded_changes"]["count"] == 0
    assert by_number(data)[5]["flags"] == []


def test_commits_before_the_one_adding_the_revision_are_recorded(tmp_path: Path) -> None:
    """A pull request: text changes, then the revision (dated before both), then a typo fix.
    Only the typo fix comes after the commit that added the revision."""
    repo = Repo(tmp_path)
    repo.commit("2025-12-01", "XEP-0006: 0.1.0", {"xep-0006.xml": xep(6, ("0.1.0", "2025-11-30"))})
    repo.commit(
        "2026-01-02",
        "XEP-0006: new section",
        {"xep-0006.xml": xep(6, ("0.1.0", "2025-11-30"), title="Widgets Two")},
    )
    newer = xep(6, ("0.2.0", "2026-01-01"), ("0.1.0", "2025-11-30"), title="Widgets Two")
    repo.commit("2026-01-03", "XEP-0006: 0.2.0", {"xep-0006.xml": newer})
    repo.commit("2026-01-04", "XEP-0006: one more", {"xep-0006.xml": newer.replace("Two", "2")})
    repo.commit("2026-01-05", "XEP-0006: typo", {"xep-0006.xml": newer.replace("Two", "II")})
    _, data = report_json(repo.root)
    unrecorded = by_number(data)[6]["git"]["unrecorded_changes"]
    assert unrecorded["subjects"] == ["XEP-0006: typo", "XEP-0006: one more"]


def test_root_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit(
        "2026-02-01",
        "Add",
        {"xeps/xep-0001.xml": xep(1, ("0.1.0", "2026-01-01")), "xep-0002.xml": "elsewhere"},
    )
    repo.commit(
        "2026-03-01",
        "Edit",
        {"xeps/xep-0001.xml": xep(1, ("0.1.0", "2026-01-01"), title="Edited")},
    )
    _, data = report_json(tmp_path / "xeps")
    assert [e["number"] for e in data["xeps"]] == [1]
    facts = data["xeps"][0]["git"]
    assert facts["last_commit"]["subject"] == "Edit"
    assert facts["unrecorded_changes"]["subjects"] == ["Edit"]


def test_malformed_and_missing_dates_are_findings_not_aborts(states_repo: Repo) -> None:
    broken = xep(7, ("0.2.0", "2025-13-01"))
    empty = xep(8, ("0.1.0", ""))
    inbox = xep(0, ("0.0.1", "yesterday"), title="Broken Inbox")
    states_repo.commit(
        "2026-08-01",
        "Broken dates",
        {"xep-0007.xml": broken, "xep-0008.xml": empty, "inbox/broken.xml": inbox},
    )
    (states_repo.root / "xep-0009.xml").write_text("<xep><header>", encoding="utf-8")
    code, data = report_json(states_repo.root)
    entries = by_number(data)
    assert code == 1
    assert entries[1]["state"] == "stale"  # the others are still judged
    assert entries[7]["state"] == entries[8]["state"] == entries[9]["state"] == "unknown"
    line = broken.splitlines().index("    <date>2025-13-01</date>") + 1
    assert entries[7]["problems"] == [
        f"line {line}: <date>2025-13-01</date> is not a YYYY-MM-DD date"
    ]
    assert "no <date>" in entries[8]["problems"][0] or "<date></date>" in entries[8]["problems"][0]
    assert entries[9]["problems"]
    proto = next(p for p in data["protoxeps"] if p["path"] == "inbox/broken.xml")
    assert "yesterday" in proto["problems"][0] and proto["age_days"] is None
    code, markdown, _ = stale(str(states_repo.root), "--now", NOW, "--format", "markdown")
    assert "### Problems (4)" in markdown and "xep-0007.xml" in markdown


def test_date_with_surrounding_space_is_judged_and_flagged(tmp_path: Path) -> None:
    (tmp_path / "xep-0010.xml").write_text(xep(10, ("0.1.0", " 2024-01-01\n")), encoding="utf-8")
    code, data = report_json(tmp_path)
    entry = by_number(data)[10]
    assert code == 1 and entry["state"] == "stale"
    assert "whitespace" in entry["problems"][0]


def test_shallow_clone(states_repo: Repo, tmp_path: Path) -> None:
    states_repo.commit(
        "2026-09-01",
        "XEP-0003: typo",
        {"xep-0003.xml": xep(3, ("0.3.0", "2026-06-01"), ("0.2.0", "2025-01-01"), title="T")},
    )
    clone = tmp_path / "shallow"
    git.Repo.clone_from(f"file://{states_repo.root}", clone, depth=1)
    code, data = report_json(clone)
    assert code == 1
    assert data["git"]["available"] and data["git"]["shallow"]
    assert any("shallow" in note for note in data["git"]["notes"])
    entries = by_number(data)
    assert [entries[n]["state"] for n in (1, 2, 3)] == ["stale", "due-soon", "ok"]
    # Only the tip is fetched: it is every file's last commit, and it added them all.
    assert entries[3]["git"]["last_commit"]["subject"] == "XEP-0003: typo"
    assert entries[1]["git"]["last_commit"]["subject"] == "XEP-0003: typo"
    assert entries[3]["git"]["unrecorded_changes"]["count"] == 0
    _, full = report_json(states_repo.root)
    assert by_number(full)[3]["git"]["unrecorded_changes"]["count"] == 1


def test_plain_directory_without_git(tmp_path: Path) -> None:
    (tmp_path / "xep-0001.xml").write_text(xep(1, ("0.1.0", "2020-01-01")), encoding="utf-8")
    code, data = report_json(tmp_path)
    assert code == 1
    assert data["git"]["available"] is False
    assert any("not inside a git repository" in note for note in data["git"]["notes"])
    assert data["xeps"][0]["git"] is None and data["xeps"][0]["state"] == "stale"
    code, markdown, _ = stale(str(tmp_path), "--now", NOW, "--format", "markdown")
    assert "not inside a git repository" in markdown


# --- Output formats -------------------------------------------------------------------------


def _sections(markdown: str) -> dict[str, str]:
    parts = markdown.split("\n### ")[1:]
    return {part.split(" (", 1)[0]: part for part in parts}


def test_markdown_agenda_sections(states_repo: Repo) -> None:
    states_repo.commit(
        "2026-10-01",
        "XEP-0003: reword",
        {"xep-0003.xml": xep(3, ("0.3.0", "2026-06-01"), ("0.2.0", "2025-01-01"), title="New")},
    )
    code, markdown, _ = stale(str(states_repo.root), "--now", NOW, "--format", "markdown")
    assert code == 1 and markdown.startswith(f"## Stale XEPs — {NOW}")
    sections = _sections(markdown)
    assert list(sections) == [
        "Overdue",
        "Overdue only under XEP-0001 §editorial",
        "Due soon",
        "Unrecorded changes",
        "Tree-wide editorial commits after the newest revision",
        "Recently updated",
        "ProtoXEPs in the inbox",
        "Problems",
    ]
    assert "XEP-0001]" in sections["Overdue"] and "XEP-0002]" not in sections["Overdue"]
    assert "XEP-0002]" in sections["Due soon"] and "| 25 |" in sections["Due soon"]
    assert "XEP-0003]" in sections["Unrecorded changes"] and "“XEP-0003: reword”" in markdown
    assert "inbox/widgets.xml" in sections["ProtoXEPs in the inbox"]
    assert sections["Problems"].strip().endswith("None.")


def test_table_lists_urgent_first(states_repo: Repo) -> None:
    code, table, _ = stale(str(states_repo.root), "--now", NOW, "--format", "table")
    assert code == 1
    rows = [line for line in table.splitlines() if "│ 000" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["0001", "0002", "0003"]
    assert "inbox/widgets.xml" in table


def test_rich_is_imported_only_for_the_table() -> None:
    code = (
        "import sys, e2ee_sig.cli, e2ee_sig.stale.judging, e2ee_sig.stale.render.markdown; "
        "print('rich' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_sig_scope(states_repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    states_repo.commit(
        "2026-08-01",
        "ProtoXEP",
        {"inbox/omemo-mls.xml": xep(0, ("0.0.1", "2026-07-01"), title="OMEMO over MLS")},
    )
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / ".e2ee-sig.toml").write_text('sig-xeps = ["0002", "0003"]\n')
    monkeypatch.chdir(tmp_path / "cfg")
    code, data = report_json(states_repo.root, "--sig", "e2ee")
    assert [e["number"] for e in data["xeps"]] == [2, 3]
    assert [p["path"] for p in data["protoxeps"]] == ["inbox/omemo-mls.xml"]
    assert code == 0


def test_root_is_found_from_the_current_folder(
    states_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(states_repo.root / "inbox")
    code, out, _ = stale("--now", NOW, "--format", "json")
    assert code == 1 and json.loads(out)["root"] == str(states_repo.root.resolve())


# --- Usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--defer"], "--initials"),
        (["--commit"], "only apply with --defer"),
        (["--dry-run"], "only apply with --defer"),
        (["--defer", "--initials", "X", "--commit", "--dry-run"], "exclude"),
        (["--number", "abc"], "not a XEP number"),
        (["--number", "77"], "xep-0077.xml"),
        (["--now", "2026-02-30"], "--now"),
        (["--months", "0"], "--months"),
    ],
)
def test_usage_errors(states_repo: Repo, args: list[str], message: str) -> None:
    code, _, err = stale(str(states_repo.root), *args)
    assert code == 2 and message in err
    assert "Traceback" not in err


def test_root_without_xeps_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = stale(str(tmp_path))
    assert code == 2 and err.startswith("e2ee-sig: error: ") and "xep-NNNN.xml" in err


# --- --defer ----------------------------------------------------------------------------------


def deferred_text(text: str, version: str, day: str = NOW, initials: str = "XYZ") -> str:
    """What a deferral must produce, built by hand: status swapped, one block inserted."""
    newline = "\r\n" if "\r\n" in text else "\n"
    block = newline.join(
        [
            "  <revision>",
            f"    <version>{version}</version>",
            f"    <date>{day}</date>",
            f"    <initials>XEP Editor ({initials})</initials>",
            "    <remark><p>Defer due to lack of activity.</p></remark>",
            "  </revision>",
            "",
        ]
    )
    text = text.replace("<status>Experimental</status>", "<status>Deferred</status>", 1)
    at = text.index("  <revision>")
    return text[:at] + block + text[at:]


@pytest.fixture
def defer_repo(xep_root: Path) -> Repo:
    """Two stale XEPs (one with CRLF newlines), one ok; in a root with the real xep.dtd."""
    repo = Repo(xep_root)
    repo.commit(
        "2026-01-01",
        "Add XEPs",
        {
            "xep-0990.xml": xep(990, ("0.3", "2024-05-01"), ("0.2", "2024-01-01")),
            "xep-0991.xml": xep(991, ("0.1.1", "2023-05-01")).replace("\n", "\r\n"),
            "xep-0992.xml": xep(992, ("0.1.0", "2026-06-01")),
        },
    )
    return repo


def errors(text: bytes, name: str, root: Path) -> list[str]:
    found = lint_text(text, name, profile="xsf-ci", root=root)
    return [d.code for d in found if d.severity is Severity.ERROR]


def test_defer_changes_only_the_intended_lines(defer_repo: Repo) -> None:
    root = defer_repo.root
    before = {n: (root / f"xep-{n}.xml").read_bytes() for n in ("0990", "0991", "0992")}
    assert errors(before["0990"], "xep-0990.xml", root) == []
    assert errors(before["0991"], "xep-0991.xml", root) == []
    code, out, _ = stale(str(root), "--now", NOW, "--defer", "--initials", "XYZ", "--date", NOW)
    assert code == 0
    assert out.splitlines() == [
        "XEP-0990: deferred, version 0.4.0",
        "XEP-0991: deferred, version 0.2.0",
    ]
    after = {n: (root / f"xep-{n}.xml").read_bytes() for n in before}
    assert after["0990"] == deferred_text(before["0990"].decode(), "0.4.0").encode()
    assert after["0991"] == deferred_text(before["0991"].decode(), "0.2.0").encode()
    assert after["0991"].count(b"\n") == after["0991"].count(b"\r\n")
    assert after["0992"] == before["0992"]
    numstat = defer_repo.git.git.diff("--numstat").splitlines()
    assert numstat == ["7\t1\txep-0990.xml", "7\t1\txep-0991.xml"]
    assert errors(after["0990"], "xep-0990.xml", root) == []
    assert errors(after["0991"], "xep-0991.xml", root) == []
    # Deferred now: nothing stale any more.
    code, data = report_json(root)
    assert code == 0 and by_number(data)[990]["status"] == "Deferred"


def test_defer_judges_with_now_and_stamps_today(defer_repo: Repo) -> None:
    root = defer_repo.root
    before = (root / "xep-0990.xml").read_text()
    code, _, err = stale(str(root), "--now", "2099-03-02", "--defer", "--initials", "XYZ")
    assert code == 0, err
    after = (root / "xep-0990.xml").read_text()
    today = datetime.now(UTC).date().isoformat()
    assert after == deferred_text(before, "0.4.0", day=today)
    assert "REV005" not in codes(lint_text(after, "xep-0990.xml", root=root))


def test_defer_stamps_the_given_date(defer_repo: Repo) -> None:
    root = defer_repo.root
    before = (root / "xep-0991.xml").read_bytes().decode()
    code, _, err = stale(
        str(root), "--now", NOW, "--defer", "--initials", "X", "--date", "2026-11-30"
    )
    assert code == 0, err
    after = (root / "xep-0991.xml").read_bytes().decode()
    assert after == deferred_text(before, "0.2.0", day="2026-11-30", initials="X")


def test_defer_dry_run_changes_nothing(defer_repo: Repo) -> None:
    root = defer_repo.root
    before = {p.name: p.read_bytes() for p in root.glob("xep-*.xml")}
    head = defer_repo.git.head.commit.hexsha
    status = defer_repo.git.git.status("--porcelain")
    code, out, _ = stale(str(root), "--now", NOW, "--defer", "--initials", "XYZ", "--dry-run")
    assert code == 1
    assert "--- a/xep-0990.xml" in out and "+++ b/xep-0991.xml" in out
    assert "-<status>Experimental</status>" in out.replace("  ", "")
    assert "+    <initials>XEP Editor (XYZ)</initials>" in out
    assert {p.name: p.read_bytes() for p in root.glob("xep-*.xml")} == before
    assert defer_repo.git.head.commit.hexsha == head
    assert defer_repo.git.git.status("--porcelain") == status


def test_defer_commit_makes_one_commit_per_xep(defer_repo: Repo) -> None:
    root = defer_repo.root
    # Someone's staged work on another file stays staged and out of the commits.
    (root / "xep-0992.xml").write_text(xep(992, ("0.1.0", "2026-06-01"), title="Staged"))
    defer_repo.git.git.add("xep-0992.xml")
    head = defer_repo.git.head.commit.hexsha
    code, out, _ = stale(str(root), "--now", NOW, "--defer", "--initials", "XYZ", "--commit")
    assert code == 0 and "committed" in out
    commits = list(defer_repo.git.iter_commits(f"{head}..HEAD"))
    assert [c.message.strip() for c in commits] == [
        "XEP-0991: deferred due to lack of activity",
        "XEP-0990: deferred due to lack of activity",
    ]
    assert [sorted(c.stats.files) for c in commits] == [["xep-0991.xml"], ["xep-0990.xml"]]
    assert defer_repo.git.git.diff("--cached", "--name-only") == "xep-0992.xml"
    assert defer_repo.git.git.diff("--name-only") == ""


def test_defer_commit_refuses_uncommitted_changes(defer_repo: Repo) -> None:
    root = defer_repo.root
    edited = xep(991, ("0.1.1", "2023-05-01"), title="Work in progress")
    (root / "xep-0991.xml").write_text(edited)
    untouched = (root / "xep-0990.xml").read_bytes()
    head = defer_repo.git.head.commit.hexsha
    code, _, err = stale(str(root), "--now", NOW, "--defer", "--initials", "XYZ", "--commit")
    assert code == 2
    assert err.startswith("e2ee-sig: error: xep-0991.xml has uncommitted changes")
    assert (root / "xep-0991.xml").read_text() == edited
    assert (root / "xep-0990.xml").read_bytes() == untouched
    assert defer_repo.git.head.commit.hexsha == head


def test_defer_commit_outside_git_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "xep-0001.xml").write_text(xep(1, ("0.1.0", "2020-01-01")), encoding="utf-8")
    before = (tmp_path / "xep-0001.xml").read_bytes()
    code, _, err = stale(str(tmp_path), "--now", NOW, "--defer", "--initials", "X", "--commit")
    assert code == 2 and "not inside a git repository" in err
    assert (tmp_path / "xep-0001.xml").read_bytes() == before


def test_defer_reports_a_file_it_cannot_edit_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "xep-0001.xml").write_text(xep(1, ("0.x", "2020-01-01")), encoding="utf-8")
    (tmp_path / "xep-0002.xml").write_text(xep(2, ("0.1", "2020-01-01")), encoding="utf-8")
    code, out, err = stale(str(tmp_path), "--now", NOW, "--defer", "--initials", "X")
    assert code == 2
    assert "xep-0001.xml: cannot defer" in err and "'x'" in err
    assert out.strip() == "XEP-0002: deferred, version 0.2.0"
    assert "<status>Experimental</status>" in (tmp_path / "xep-0001.xml").read_text()


def test_blobs_reads_present_objects_and_skips_missing_ones(tmp_path: Path) -> None:
    from e2ee_sig.gitops import file_history

    repo = Repo(tmp_path)
    repo.commit("2026-01-01", "Add", {"xep-0001.xml": "one"})
    repo.commit("2026-01-02", "Edit", {"xep-0001.xml": "two"})
    history = file_history(tmp_path, ["xep-*.xml"])
    before = history.commits["xep-0001.xml"][0].before
    assert before is not None
    missing = "1" * 40
    assert history.blobs([missing, before, before]) == {before: b"one"}


def test_plain_folder_never_imports_gitpython(tmp_path: Path) -> None:
    (tmp_path / "xep-0001.xml").write_text(xep(1, ("0.1.0", "2020-01-01")), encoding="utf-8")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from e2ee_sig.cli import main\n"
        f"result = CliRunner().invoke(main, ['stale', {str(tmp_path)!r}, '--format', 'json'])\n"
        "print(result.exit_code, 'git' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["1", "False"], result.stderr


def test_history_of_a_repository_without_commits(tmp_path: Path) -> None:
    from e2ee_sig.gitops import file_history

    git.Repo.init(tmp_path)
    (tmp_path / "xep-0001.xml").write_text(xep(1, ("0.1.0", "2020-01-01")), encoding="utf-8")
    history = file_history(tmp_path, ["xep-*.xml"])
    assert history.commits == {} and history.shallow is False
    _, data = report_json(tmp_path)
    assert data["git"]["available"] and data["xeps"][0]["git"]["last_commit"] is None


def test_blobs_through_a_marker_keeps_only_the_start(tmp_path: Path) -> None:
    from e2ee_sig.gitops import file_history

    repo = Repo(tmp_path)
    repo.commit("2026-01-01", "Add", {"xep-0001.xml": "<header/></header>body"})
    repo.commit("2026-01-02", "Edit", {"xep-0001.xml": "two"})
    history = file_history(tmp_path, ["xep-*.xml"])
    before = history.commits["xep-0001.xml"][0].before or ""
    assert history.blobs([before], b"</header>") == {before: b"<header/></header>"}


# --- Editorial commits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("<p>See <cite>RFC 6120</cite>.</p>", "<p>See &rfc6120;.</p>", "entities"),
        ("<p>See &rfc6120;.</p>", "<p>See <cite>RFC 6120</cite>.</p>", "entities"),
        ("<section1 anchor='reg'>", "<section1 anchor='registrar'>", "markup"),
        ("<p>It  works.</p>", "<p>It\n works.</p><!-- note -->", "markup"),
        ("<p>Clients SHOULD do it.</p>", "<p>Clients MUST do it.</p>", None),
        ("<p>See <cite>RFC 6120</cite>.</p>", "<p>See &rfc6120; first.</p>", None),
        ("<p>One.</p>", "<p>One.</p><p>&rfc6120;</p>", "entities"),
        ("<p>One. Two.</p>", "<p>One.</p>", None),
    ],
)
def test_editorial_kind_of_a_body_change(old: str, new: str, kind: str | None) -> None:
    from e2ee_sig.stale.editorial import editorial_kind

    before = xep(5, ("0.2.0", "2026-01-05")).replace("</header>", "</header>" + old)
    after = xep(5, ("0.2.0", "2026-01-05")).replace("</header>", "</header>" + new)
    assert editorial_kind(before.encode(), after.encode()) == kind


def test_status_only_change_is_editorial() -> None:
    from e2ee_sig.stale.editorial import editorial_kind

    before = xep(5, ("0.2.0", "2026-01-05"))
    deferred = xep(5, ("0.2.0", "2026-01-05"), status="Deferred")
    assert editorial_kind(before.encode(), deferred.encode()) == "status"
    retitled = xep(5, ("0.2.0", "2026-01-05"), status="Deferred", title="Other")
    assert editorial_kind(before.encode(), retitled.encode()) is None


def test_tree_wide_editorial_commits_are_listed_apart(tmp_path: Path) -> None:
    from e2ee_sig.stale.editorial import TREE_WIDE

    repo = Repo(tmp_path)
    numbers = range(1, TREE_WIDE + 1)
    texts = {f"xep-{n:04d}.xml": xep(n, ("0.2.0", "2026-01-05")) for n in numbers}
    repo.commit("2026-01-05", "Add the XEPs", texts)
    anchors = {
        name: text.replace("'registrar'", "'registrar-considerations'")
        for name, text in texts.items()
    }
    repo.commit("2026-02-01", "Rename an anchor everywhere", anchors)
    entities = {
        name: text.replace("&xep0030;", "<cite>XEP-0030</cite>") for name, text in anchors.items()
    }
    repo.commit("2026-03-01", "Spell out a reference everywhere", entities)
    first = {"xep-0001.xml": entities["xep-0001.xml"].replace("SHOULD only", "MUST only")}
    repo.commit("2026-04-01", "XEP-0001: tighten", first)
    # A narrow commit of the same kind is the author's business: unrecorded.
    second = {"xep-0002.xml": entities["xep-0002.xml"].replace("'intro'", "'introduction'")}
    repo.commit("2026-04-02", "XEP-0002: anchor", second)
    _, data = report_json(repo.root)
    entries = by_number(data)
    assert entries[1]["git"]["unrecorded_changes"]["subjects"] == ["XEP-0001: tighten"]
    assert entries[2]["git"]["unrecorded_changes"]["subjects"] == ["XEP-0002: anchor"]
    assert entries[3]["git"]["unrecorded_changes"]["count"] == 0
    assert [(c["subject"], c["kind"]) for c in entries[3]["git"]["editorial_changes"]] == [
        ("Spell out a reference everywhere", "entities"),
        ("Rename an anchor everywhere", "markup"),
    ]
    _, markdown, _ = stale(str(repo.root), "--now", NOW, "--format", "markdown")
    section = _sections(markdown)["Tree-wide editorial commits after the newest revision"]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(lines) == 2 and f"({'entities'}, {TREE_WIDE} XEPs)" in lines[0]


def test_table_at_80_columns_never_splits_numbers_or_file_names(states_repo: Repo) -> None:
    from e2ee_sig.stale.render.table import write_table

    long_name = "inbox/a-rather-long-protoxep-file-name.xml"
    proto = xep(0, ("0.0.1", "2026-07-01"), title="A Long Inbox Entry")
    states_repo.commit("2026-08-01", "Inbox", {long_name: proto})
    report = build_report(StaleOptions(states_repo.root, now=date(2026, 11, 25)))
    stream = io.StringIO()
    with mock.patch.dict("os.environ", {"COLUMNS": "80"}):
        write_table(report, stream)
    lines = stream.getvalue().splitlines()
    assert max(map(len, lines)) <= 80
    text = stream.getvalue()
    assert long_name in text
    for number in ("0001", "0002", "0003"):
        assert f" {number} " in text


def test_only_the_header_is_read(tmp_path: Path) -> None:
    """The body is never parsed (a broken one does not matter) and xep.ent is never read; a
    header value using an entity declared elsewhere falls back to the whole file."""
    text = xep(10, ("0.1.0", "2024-01-01"))
    (tmp_path / "xep-0010.xml").write_text(text + "<broken", encoding="utf-8")
    borrowed = xep(11, ("0.1.0", "2024-01-01"), title="&unknowntitle;")
    (tmp_path / "xep-0011.xml").write_text(borrowed, encoding="utf-8")
    from e2ee_sig.stale.reading import header_document

    document = header_document(tmp_path / "xep-0010.xml", "xep-0010.xml", lambda: None)
    assert document.raw.endswith(b"</header></xep>") and b"<broken" not in document.raw
    whole = header_document(tmp_path / "xep-0011.xml", "xep-0011.xml", lambda: None)
    assert whole.raw == borrowed.encode()
    _, data = report_json(tmp_path)
    assert by_number(data)[10]["state"] == "stale" and by_number(data)[10]["problems"] == []
