"""The shortcuts that make ``stale`` fast give the answers of the general code they bypass
(structural properties; timings are measured by benchmarks/stale_corpus.py)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.gitops.history import FileHistory, _LogReader, file_history
from e2ee_sig.jsonout import write_indented
from e2ee_sig.stale.blobs import BlobFacts, _cannot_hold
from e2ee_sig.stale.editorial import _common_prefix, _common_suffix
from e2ee_sig.stale.model import RevisionInfo, parse_date
from e2ee_sig.stale.reading import (
    HeaderFacts,
    RevisionHead,
    Value,
    _fragment_facts,
    _head,
    document_facts,
    header_document,
    read_header,
)
from e2ee_sig.xep.header import Field, revision_pairs
from tests.test_stale import Repo, xep
from tests.xepfactory import make_xep

# --- Headers: the lean path gives what the general path gives --------------------------------


def _general(file: Path) -> HeaderFacts:
    return document_facts(header_document(file, file.name, lambda: None))


def _from_model(file: Path) -> HeaderFacts:
    """The facts read through the document model (``xep.header``), as the report did."""
    document = header_document(file, file.name, lambda: None)
    header = document.header
    if document.fatal is not None or header is None:
        return document_facts(document)

    def value(field: Field | None) -> Value | None:
        return Value(field.text, field.line) if field is not None else None

    revisions = tuple(
        RevisionHead(r.line, value(r.version), value(r.date)) for r in header.revisions
    )
    return HeaderFacts(file.name, None, header.value("title"), header.value("status"), revisions)


def test_every_corpus_header_takes_the_lean_path_with_the_general_answer(corpus: Path) -> None:
    files = sorted(corpus.glob("xep-*.xml")) + sorted((corpus / "inbox").glob("*.xml"))
    lean = 0
    for file in files:
        head = _head(file)
        facts = _fragment_facts(head, file, file.name) if head is not None else None
        if facts is not None:
            lean += 1
            assert facts == _general(file) == _from_model(file), file.name
    assert lean >= len(files) * 0.95


_HEADER_PARTS = st.sampled_from(
    [
        "<title>Plain</title>",
        "<title>With &amp; ampersand</title>",
        "<title>Declared &own;</title>",
        "<title>Borrowed &unknown;</title>",
        "<title>Nested <em>words</em> here</title>",
        "<title><![CDATA[cdata <title>]]></title>",
        "<title>Comment<!-- x --> inside</title>",
        "<status>Experimental</status>",
        "<status> Deferred </status>",
        "<status>&own;</status>",
        "&LEGALNOTICE;",
        "&own;",
        "&markup;",
        "<!-- a comment -->",
        "<?pi data?>",
        "<revision><version>1.0</version><date>2020-01-01</date></revision>",
        "<revision>\n<version>0.2</version>\n<date> 2020-13-01 </date></revision>",
        "<revision><version>&own;</version><date>2021-02-03</date></revision>",
        "<revision><date>2021-02-03</date></revision>",
        "<revision><version>0.1</version><date>&unknown;</date></revision>",
        '<revision a="1"><version>0.3</version><date>2019-1-2</date></revision>',
        "<revision><version>0.4</version><date>2019-01-02</date><bad></revision>",
        "<revision><date>2018-01-01</date><version>0.5</version><version>9</version>"
        "<date>2000-01-01</date><!-- c --></revision>",
        "<title>Second title</title>",
        "<spec>XEP-0001</spec>",
        "<header>",
        "</header-not>",
        "\u00e9\u4e2d",
        "\x01",
        "&#233;",
        "&#0;",
    ]
)
_PROLOGS = st.sampled_from(
    [
        "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE xep SYSTEM 'xep.dtd' [\n"
        "<!ENTITY % ents SYSTEM 'xep.ent'>\n<!ENTITY own \"Own text\">\n"
        '<!ENTITY markup "<revision><version>9.9</version></revision>">\n%ents;\n]>\n',
        "<?xml version='1.0'?>\n<!DOCTYPE xep SYSTEM 'xep.dtd'>\n",
        "<?xml version='1.0' encoding='ISO-8859-1'?>\n",
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        "<!DOCTYPE xep SYSTEM 'xep.dtd' [<!ENTITY own 'Own'>]>\n",
        "",
        "\ufeff<?xml version='1.0'?>\n",
        "<!DOCTYPE xep [<!ENTITY own 'x'>\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(prolog=_PROLOGS, parts=st.lists(_HEADER_PARTS, max_size=8), body=st.booleans())
def test_the_lean_header_path_agrees_with_the_general_one(
    tmp_path_factory: pytest.TempPathFactory, prolog: str, parts: list[str], body: bool
) -> None:
    folder = tmp_path_factory.mktemp("lean")
    text = f"{prolog}<xep>\n<header>\n{''.join(parts)}\n</header>\n"
    text += "<section1 topic='x'><p>body</p></section1></xep>" if body else "<broken"
    file = folder / "xep-0001.xml"
    file.write_bytes(text.encode("utf-8", "surrogatepass"))
    head = _head(file)
    lean = _fragment_facts(head, file, file.name) if head is not None else None
    if lean is not None:
        assert lean == _general(file)
    assert read_header(file, file.name, lambda: None) == _general(file) == _from_model(file)


def test_headers_that_are_not_plain_files_take_the_general_path(tmp_path: Path) -> None:
    folder = tmp_path / "xep-0001.xml"
    folder.mkdir()
    assert _head(folder) is None
    assert read_header(folder, "xep-0001.xml", lambda: None).problem is not None
    nothing = tmp_path / "xep-0002.xml"
    nothing.write_text(xep(2, ("0.1.0", "2020-01-01")).replace("</header>", ""), "utf-8")
    assert _head(nothing) is None


# --- git log parsed as it streams -------------------------------------------------------------


LOG_FORMAT = ["--format=%x1e%H%x1f%as%x1f%s", "HEAD"]


@pytest.fixture(scope="module")
def small_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = Repo(tmp_path_factory.mktemp("history") / "xeps")
    repo.commit("2024-01-01", "Add", {"xep-0001.xml": "one", "xep-0002.xml": "two", "a.txt": "a"})
    repo.commit("2024-02-01", "Edit\x1f odd subject", {"xep-0001.xml": "one more"})
    repo.commit("2024-03-01", "Inbox", {"inbox/p.xml": "proto", "xep-0002.xml": "two more"})
    return repo.root


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=12))
def test_the_log_reader_gives_the_same_commits_whatever_the_chunks(
    small_history: Path, cuts: list[int]
) -> None:
    output = subprocess.run(
        ["git", "log", "--no-merges", "--no-renames", "--raw", "--no-abbrev", "-z", *LOG_FORMAT],
        cwd=small_history,
        capture_output=True,
        check=True,
    ).stdout
    patterns = ["xep-[0-9][0-9][0-9][0-9].xml", "inbox/*.xml"]
    whole: dict = {}
    reader = _LogReader(whole, "", patterns)
    reader.feed(output)
    reader.close()
    pieces: dict = {}
    reader = _LogReader(pieces, "", patterns)
    bounds = sorted({min(c, len(output)) for c in cuts})
    for start, end in zip([0, *bounds], [*bounds, len(output)], strict=True):
        reader.feed(output[start:end])
    reader.close()
    assert pieces == whole
    assert whole == file_history(small_history, patterns).commits
    assert [c.subject for c in whole["xep-0001.xml"]] == ["Edit\x1f odd subject", "Add"]
    assert set(whole) == {"xep-0001.xml", "xep-0002.xml", "inbox/p.xml"}


def test_a_held_walk_parses_once_released(small_history: Path) -> None:
    import threading

    patterns = ["xep-[0-9][0-9][0-9][0-9].xml", "inbox/*.xml"]
    hold = threading.Event()
    releaser = threading.Timer(0.2, hold.set)
    releaser.start()
    held = file_history(small_history, patterns, hold)
    assert hold.is_set()  # it waited for the release
    assert held.commits == file_history(small_history, patterns).commits


def test_a_failing_git_log_is_one_line_naming_the_command(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "xeps")
    repo.commit("2024-01-01", "Add", {"xep-0001.xml": "one"})
    (repo.root / ".git" / "HEAD").write_text("ref: refs/heads/missing-branch\n")
    from e2ee_sig.gitops.repo import RepoError

    try:
        history = file_history(repo.root, ["xep-*.xml"])
    except RepoError as error:
        assert "\n" not in str(error)
    else:  # an unborn branch: no commits, not an error
        assert history.commits == {}


# --- Blobs: the byte search never hides a revision, each blob read once ----------------------


_HEADS = st.sampled_from(
    [
        "<xep><header><revision><version>1.2</version><date>2020-01-01</date></revision>",
        "<xep><header><revision><version>1&#46;2</version><date>2020-01-01</date></revision>",
        "<xep><header><revision><version>1.<![CDATA[2]]></version>"
        "<date>2020-01-01</date></revision>",
        "<?xml version='1.0' encoding='UTF-16'?><xep><header><revision>",
        "\ufeff<xep><header><revision><version>1.2</version><date>2020-01-01</date>",
        "<xep><header><revision><version> 1.2 </version><date>\n2020-01-01</date></revision>",
        "<xep><header><revision><version>1.2</version><date>2021-01-01</date></revision>",
        "<xep><header><revision><version>&v;</version><date>2020-01-01</date></revision>",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    head=_HEADS,
    version=st.sampled_from(["1.2", "1.3", "", "1 2", "&v;"]),
    day=st.sampled_from(["2020-01-01", "2021-01-01", " 2020-01-01"]),
    encoding=st.sampled_from(["utf-8", "utf-16"]),
)
def test_a_header_said_not_to_hold_a_revision_does_not_hold_it(
    head: str, version: str, day: str, encoding: str
) -> None:
    data = (head + "</header></xep>").encode(encoding)
    revision = RevisionInfo(version, day.strip(), 1, parse_date(day))
    if _cannot_hold(data, revision):
        assert (revision.version, revision.date) not in revision_pairs(data)


def test_each_blob_is_read_once_and_a_pair_answers_header_questions(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "xeps")
    old = xep(1, ("0.1.0", "2020-01-01"))
    new = "<p>More. ".join(old.rsplit("<p>", 1))  # a sentence in the body
    repo.commit("2024-01-01", "Add", {"xep-0001.xml": old})
    repo.commit("2024-02-01", "Edit", {"xep-0001.xml": new})
    history = file_history(repo.root, ["xep-*.xml"])
    commit = history.commits["xep-0001.xml"][0]
    assert commit.before and commit.after
    asked: list[str] = []

    class Counting(FileHistory):
        def stream(self, shas):  # type: ignore[no-untyped-def,override]
            wanted = list(shas)
            asked.extend(wanted)
            return super().stream(wanted)

    counting = Counting(history.folder, history.commits, history.shallow)
    facts = BlobFacts()
    present = RevisionInfo("0.1.0", "2020-01-01", 1, parse_date("2020-01-01"))
    absent = RevisionInfo("0.2.0", "2024-02-01", 1, parse_date("2024-02-01"))
    heads = [(commit.before, present), (commit.before, absent), (commit.after, present)]
    facts.read(counting, heads, [(commit.before, commit.after)])
    assert sorted(asked) == sorted([commit.before, commit.after])
    assert facts.held(commit.before, present) and facts.held(commit.after, present)
    assert not facts.held(commit.before, absent)
    assert facts.kind((commit.before, commit.after)) is None  # the words changed
    asked.clear()
    facts.read(counting, heads, [(commit.before, commit.after)])
    assert asked == []  # everything known


@given(st.binary(max_size=300), st.binary(max_size=300), st.binary(max_size=9000))
def test_the_common_suffix_is_the_reversed_common_prefix(a: bytes, b: bytes, tail: bytes) -> None:
    old, new = a + tail, b + tail
    size = min(len(old), len(new))
    assert _common_suffix(old, new) == min(_common_prefix(old[::-1], new[::-1]), size)


# --- JSON as the standard library indents it ------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(_JSON)
def test_the_json_writer_writes_what_json_dump_writes(value: object) -> None:
    written, expected = io.StringIO(), io.StringIO()
    write_indented(value, written)
    json.dump(value, expected, indent=2, ensure_ascii=False)
    assert written.getvalue() == expected.getvalue() + "\n"


# --- Imports -------------------------------------------------------------------------------


def test_git_history_is_read_without_the_gitpython_modules() -> None:
    code = (
        "import sys, e2ee_sig.gitops, e2ee_sig.stale.judging\n"
        "print(sorted(m for m in sys.modules if m.startswith(('e2ee_sig.gitops.', 'git'))))\n"
        "from e2ee_sig.gitops import open_repo, RepoError\n"
        "print(open_repo.__module__, RepoError.__module__)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded, homes = result.stdout.splitlines()
    assert loaded == "['e2ee_sig.gitops.history', 'e2ee_sig.gitops.repo']", result.stderr
    assert homes == "e2ee_sig.gitops.repo e2ee_sig.gitops.repo"


def test_a_stale_run_without_a_config_file_does_not_import_tomllib(tmp_path: Path) -> None:
    (tmp_path / "xep-0001.xml").write_text(make_xep(number="0001"), encoding="utf-8")
    code = (
        "import sys\n"
        "from e2ee_sig.cli import main\n"
        f"try:\n    main(['stale', {str(tmp_path)!r}, '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "print('tomllib' in sys.modules, 'e2ee_sig.xep.scope' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.stderr.split()[-2:] == ["False", "False"], result.stderr
