"""The benchmark scripts' own logic (their timings are never asserted)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(autouse=True)
def _benchmarks_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripts import their shared ``timing`` module from their own folder."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def _lint_corpus() -> ModuleType:
    return importlib.import_module("lint_corpus")


def _empty(folder: Path) -> Path:
    folder.mkdir()
    return folder


def _corpus(folder: Path, sizes: list[int]) -> Path:
    (folder / "inbox").mkdir(parents=True)
    for name in ("xep.dtd", "xep.ent"):
        (folder / name).write_text("")
    for number, size in enumerate(sizes, start=1):
        (folder / f"xep-{number:04d}.xml").write_bytes(b"x" * size)
    return folder


def test_a_root_filled_to_a_size_holds_the_corpus_and_spread_copies(tmp_path: Path) -> None:
    bench = _lint_corpus()
    corpus = _corpus(tmp_path / "corpus", [1000] * 10)
    root = bench.copied(corpus, _empty(tmp_path / "root"), 1, megabytes=0.0155)
    files = bench.xep_files(root)
    total = sum(file.stat().st_size for file in files)
    assert 15_500 <= total < 15_500 + 1000  # filled to the size, one file over at most
    copies = sorted(file.name for file in files if file.parent.name == "inbox")
    assert len(copies) == 6
    originals = {name.split("-", 1)[1] for name in copies}
    assert len(originals) == 6  # six different files, not one file six times
    assert originals != {f"xep-{n:04d}.xml" for n in range(1, 7)}  # not the first six by name


def test_a_root_filled_past_twice_the_corpus_copies_it_again(tmp_path: Path) -> None:
    bench = _lint_corpus()
    corpus = _corpus(tmp_path / "corpus", [1000] * 4)
    root = bench.copied(corpus, _empty(tmp_path / "root"), 1, megabytes=0.0095)
    names = [file.name for file in bench.xep_files(root) if file.parent.name == "inbox"]
    assert sum(name.startswith("copy2-") for name in names) == 4
    assert sum(name.startswith("copy3-") for name in names) == 2


def test_copies_without_a_size_repeat_the_whole_corpus(tmp_path: Path) -> None:
    bench = _lint_corpus()
    corpus = _corpus(tmp_path / "corpus", [10, 20, 30])
    root = bench.copied(corpus, _empty(tmp_path / "root"), 3)
    assert len(bench.xep_files(root)) == 9
