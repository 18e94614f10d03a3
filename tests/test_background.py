"""Work in a forked process: its result comes back whole, a failure only costs time, and the
XEP index built that way is the one built in place."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from e2ee_sig.background import Background
from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.xep import index, root_at
from e2ee_sig.xep.root import XepRoot
from tests.xepfactory import SECTIONS, make_xep

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _pid_and_bulk() -> tuple[int, bytes]:
    return os.getpid(), bytes(range(256)) * 20_000  # 5 MB: more than a pipe holds


def _fails() -> int:
    raise RuntimeError("broken")


def _sleeps() -> None:
    time.sleep(60)


def test_the_result_is_computed_in_another_process_and_arrives_whole() -> None:
    started = Background.start(_pid_and_bulk)
    assert started is not None
    pid, bulk = started.result() or (None, b"")
    assert pid not in (None, os.getpid())
    assert bulk == _pid_and_bulk()[1]
    assert started.result() is None  # collected once


def test_a_failing_process_gives_none_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    started = Background.start(_fails)
    assert started is not None
    assert started.result() is None
    assert capfd.readouterr() == ("", "")


def test_cancel_stops_a_process_still_working() -> None:
    started = Background.start(_sleeps)
    assert started is not None
    before = time.monotonic()
    started.cancel()
    assert time.monotonic() - before < 30
    assert started.result() is None


_SCHEMA = """
  <section1 topic="XML Schema" anchor="schema">
    <code><![CDATA[<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
        targetNamespace="urn:example:widgets"><xs:element name="w"/></xs:schema>]]></code>
  </section1>"""
_UNSURE_SCHEMA = _SCHEMA.replace("targetNamespace", "target]]><![CDATA[Namespace").replace(
    "widgets", "gadgets"
)
"""A schema whose namespace the bytes cannot tell without reading the blocks."""


def _large_root(xep_root: Path) -> Path:
    for number in range(index.BACKGROUND_MIN_FILES + 2):
        sections = SECTIONS + {2: _SCHEMA, 4: _UNSURE_SCHEMA}.get(number, "")
        (xep_root / f"xep-{number:04d}.xml").write_text(
            make_xep(
                number=f"{number:04d}",
                title=f"Widgets {number}",
                shortname=f"w{number}",
                sections=sections,
            )
        )
    (xep_root / "inbox" / "draft.xml").write_text(make_xep(number="XXXX", status="ProtoXEP"))
    return xep_root


def _indexed_in_place(xep_root: Path) -> tuple[XepRoot, index.RootIndex]:
    """A large root and its index built in this process (then forgotten)."""
    root = root_at(_large_root(xep_root))
    index.clear()
    in_place = index.index_of(root)
    index.clear()
    return root, in_place


def test_an_index_built_in_the_background_equals_one_built_in_place(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, in_place = _indexed_in_place(xep_root)
    index.build_in_background(root)
    monkeypatch.setattr(index, "_read", lambda files, folder: _fails())  # only children read
    received = index.index_of(root)
    assert not index._BUILDING
    assert received == in_place
    assert list(received.by_path) == list(in_place.by_path)  # the shares merged in file order
    sent, kept = received.by_path["xep-0002.xml"], in_place.by_path["xep-0002.xml"]
    unsure = received.by_path["xep-0004.xml"]
    assert not sent.raw and kept.raw  # the bytes stay behind, read again when asked
    assert sent.schema_targets == {"urn:example:widgets"} and unsure.schema_targets is None
    for number in ("0002", "0004"):
        (xep_root / f"xep-{number}.xml").write_text("changed since")
    assert sent.schemas == {} != kept.schemas  # read when asked: the file changed
    assert "urn:example:gadgets" in unsure.schemas  # (the bytes could not tell: sent along)
    assert sent.anchors == frozenset() != kept.anchors  # read again: the file changed
    index.clear()


def test_a_small_root_is_indexed_in_place(xep_root: Path) -> None:
    (xep_root / "xep-0001.xml").write_text(make_xep(number="0001"))
    index.clear()
    index.build_in_background(root_at(xep_root))
    assert not index._BUILDING


def test_a_failed_background_build_is_done_in_place(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, in_place = _indexed_in_place(xep_root)
    monkeypatch.setattr(index, "_read", lambda files, folder: _fails())
    index.build_in_background(root)
    monkeypatch.undo()
    rebuilt = index.index_of(root)
    assert rebuilt.by_number["0001"].title == "Widgets 1"
    assert rebuilt == in_place
    index.clear()


def test_a_share_whose_process_fails_is_read_in_place(xep_root: Path) -> None:
    root, in_place = _indexed_in_place(xep_root)
    index.build_in_background(root)
    building = index._BUILDING[root.path]
    assert len([r for r in building.readers if r is not None]) == index.BACKGROUND_PARTS
    building.readers[0].cancel()  # type: ignore[union-attr]  # killed: its share is lost
    assert index.index_of(root) == in_place
    index.clear()


def test_a_link_out_of_the_root_is_not_indexed(xep_root: Path, tmp_path: Path) -> None:
    root = _large_root(xep_root)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.xml").write_text(make_xep(number="9999", title="Outside"))
    (root / "xep-9999.xml").symlink_to(outside / "secret.xml")
    for background in (False, True):
        index.clear()
        if background:
            index.build_in_background(root_at(root))
            assert index._BUILDING
        built = index.index_of(root_at(root))
        assert "9999" not in built.by_number and "xep-9999.xml" not in built.by_path
        assert "xep-0001.xml" in built.by_path
    index.clear()


def test_lint_gives_the_same_findings_with_and_without_the_background_index(
    xep_root: Path,
) -> None:
    root = _large_root(xep_root)
    (root / "xep-0003.xml").write_text(
        make_xep(number="0003", dependencies="<spec>XEP-0001</spec>", status="Obsolete")
    )
    found = []
    for jobs in (None, 1):  # the default may start the background build; --jobs 1 never does
        index.clear()
        report = lint_paths([str(root)], LintOptions(jobs=jobs))
        found.append(report.diagnostics)
        assert not index._BUILDING  # collected or stopped when the run ends
    assert found[0] == found[1]
    assert found[0]


@pytest.mark.parametrize(
    ("cores", "jobs", "started"), [(1, None, False), (2, 1, False), (2, None, True)]
)
def test_the_index_is_built_in_the_background_only_with_a_core_to_spare(
    xep_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    cores: int,
    jobs: int | None,
    started: bool,
) -> None:
    from e2ee_sig.lint import batch

    root = _large_root(xep_root)
    calls: list[bool] = []
    monkeypatch.setattr(batch, "_cores", lambda: cores)
    monkeypatch.setattr(
        index, "build_in_background", lambda root, with_schemas: calls.append(with_schemas)
    )
    index.clear()
    report = lint_paths([str(root / "xep-0001.xml")], LintOptions(jobs=jobs))
    assert bool(calls) is started
    assert report.files == 1
    if started:  # one file: no worker will ask every file for its schemas
        assert calls == [False]
        lint_paths([str(root)], LintOptions(jobs=jobs))
        assert calls == [False, True]
    index.clear()


def test_without_schemas_the_readers_leave_them_to_be_read_when_asked(xep_root: Path) -> None:
    root = root_at(_large_root(xep_root))
    index.clear()
    index.build_in_background(root, with_schemas=False)
    received = index.index_of(root)
    for number in ("0002", "0004"):
        (xep_root / f"xep-{number}.xml").write_text("changed since")
        assert received.by_path[f"xep-{number}.xml"].schemas == {}  # read now, changed
    index.clear()


def test_the_index_readers_start_before_the_engine_and_the_rules_load(xep_root: Path) -> None:
    root = _large_root(xep_root)
    code = f"""
import sys
from e2ee_sig.cli import main
from e2ee_sig.lint import batch
from e2ee_sig.xep import index

later = ("e2ee_sig.lint.engine", "e2ee_sig.lint.model", "e2ee_sig.lint.registry",
         "e2ee_sig.lint.context", "e2ee_sig.xep.parse", "e2ee_sig.lint.rules.xsf_ci")
def started(root, with_schemas):
    print("loaded when the readers start:", [m for m in later if m in sys.modules])
batch._cores = lambda: 2
index.build_in_background = started
try:
    main(["lint", "--format", "concise", {str(root)!r}])
except SystemExit:
    pass
print("loaded at the end:", [m for m in later if m not in sys.modules] == [])
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert [line for line in result.stdout.splitlines() if line.startswith("loaded")] == [
        "loaded when the readers start: []",
        "loaded at the end: True",
    ], result.stderr
