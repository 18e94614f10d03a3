"""Adversarial checks on the session's speed changes: each test reproduces a bug found in
review (the fix is in the module named by the test)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Diagnostic, Severity

_XEP = """<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE xep SYSTEM 'xep.dtd' [
  <!ENTITY % ents SYSTEM "xep.ent">
  <!ENTITY st "Experimental">
  <!ENTITY note "<p>a note</p>">
%ents;
]>
<?xml-stylesheet type='text/xsl' href='xep.xsl'?>
<xep>
<header>
  <title>T</title>
  <abstract>A</abstract>
  &LEGALNOTICE;
  <number>0999</number>
  <status>&st;</status>
  <type>Standards Track</type>
  <sig>Standards</sig>
  <approver>Council</approver>
  <dependencies/>
  <supersedes/>
  <supersededby/>
  <shortname>N/A</shortname>
  <author><firstname>A</firstname><surname>B</surname><email>a@b.c</email></author>
  <revision><version>0.1</version><date>2024-01-01</date><initials>ab</initials>
    <remark><p>x</p></remark></revision>
</header>
{after}<section1 topic='Intro' anchor='intro'><p>x</p></section1>
</xep>
"""


def _status_findings(root: Path, after: str) -> list[str]:
    file = root / "xep-0999.xml"
    file.write_text(_XEP.format(after=after), encoding="utf-8")
    report = lint_paths([str(file)], LintOptions(profile="xsf-ci", jobs=1))
    return [d.message for d in report.diagnostics if d.code == "XSF007"]


def test_status_entity_is_seen_when_an_entity_follows_the_header(xsf_root: Path) -> None:
    """xep/official.py ``_through_header``: a node expanded from an entity carries the
    entity's line numbers (line 1 here), which cut the raw bytes before the header and hid
    the entity in ``<status>``; the official CI reads the status with the entity kept."""
    expected = _status_findings(xsf_root, "")
    assert expected, "the official CI reports a <status> made of an entity"
    assert _status_findings(xsf_root, "&note;") == expected


def _run_with_closed_stdout(*args: str) -> subprocess.CompletedProcess[bytes]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    return subprocess.run(
        [sys.executable, "-m", "e2ee_sig", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: os.close(1),  # Python starts with sys.stdout None
        check=False,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="closes a descriptor before exec")
def test_leaving_with_stdout_closed_is_no_traceback() -> None:
    """__main__.py ``_leave`` flushed ``sys.stdout`` unconditionally: when the program starts
    with descriptor 1 closed it is None, and ``--version`` ended in an AttributeError."""
    done = _run_with_closed_stdout("--version")
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode == 0


def test_a_file_that_reads_in_pieces_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsio/reading.py ``read_fd`` took a short read for the end of the file: files in /proc
    and /sys say they are empty and come a page per read, and were cut after the first page."""
    from e2ee_sig.fsio import reading

    data = b"".join(b"<p>line %d</p>\n" % n for n in range(3000))
    file = tmp_path / "pieces.xml"
    file.write_bytes(data)
    real_fstat, real_read = os.fstat, os.read

    def fstat(fd: int) -> os.stat_result:  # what /proc reports: a regular file of size 0
        found = list(real_fstat(fd))
        found[6] = 0
        return os.stat_result(found)

    monkeypatch.setattr(reading.os, "fstat", fstat)
    monkeypatch.setattr(reading.os, "read", lambda fd, n: real_read(fd, min(n, 4096)))
    assert reading.read_capped(file, 1 << 20) == data


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs Linux /proc")
def test_a_proc_file_is_read_to_its_end() -> None:
    from e2ee_sig.fsio import read_capped

    assert b"[stack]" in read_capped("/proc/self/maps", 1 << 24)  # listed near the end


def _lsp_message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_the_language_server_exits_cleanly_when_the_client_says_exit(tmp_path: Path) -> None:
    """cli.py ``invoke`` flushed stdout after every command, but the language server closes
    stdout when the client says exit: a ValueError traceback and exit status 1 followed."""
    pytest.importorskip("pygls")
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    src = str(Path(__file__).resolve().parents[1] / "src")
    done = subprocess.run(
        [sys.executable, "-m", "e2ee_sig", "lsp"],
        input=b"".join(map(_lsp_message, messages)),
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": src},
        timeout=120,
        check=False,
    )
    assert b'"id": 2' in done.stdout.replace(b'"id":2', b'"id": 2'), done.stdout[-300:]
    assert b"Traceback" not in done.stderr, done.stderr.decode()[-800:]
    assert done.returncode == 0


_REVISION = (
    "  <revision>{versions}<date>2024-01-0{day}</date><initials>ab</initials>"
    "<remark><p>x</p></remark></revision>\n"
)


def test_xsf010_blames_no_revision_block_it_cannot_tell(xep_root: Path) -> None:
    """lint/rules/xsf_ci.py XSF010 paired the n-th version with the n-th revision block when
    the counts matched: a block with two versions next to one with none put the blame (and
    the line) on the block that has no version at all."""
    revisions = "".join(
        _REVISION.format(versions=versions, day=day)
        for versions, day in (
            ("<version>0.1</version><version>0.4</version>", 3),
            ("", 2),
            ("<version>0.2</version>", 1),
        )
    )
    text = _XEP.format(after="").replace("<status>&st;</status>", "<status>Experimental</status>")
    start, end = text.index("  <revision>"), text.index("</header>")
    file = xep_root / "xep-0999.xml"
    file.write_text(text[:start] + revisions + text[end:], encoding="utf-8")
    report = lint_paths([str(file)], LintOptions(profile="xsf-ci", select=["XSF010"], jobs=1))
    [finding] = report.diagnostics
    blamed = file.read_text(encoding="utf-8").splitlines()[finding.line - 1]
    assert "<version>" in blamed, finding


def _numbered(index: int) -> list[Diagnostic]:
    return [Diagnostic(f"file-{index}.xml", index + 1, 1, "XSF001", Severity.ERROR, "x")]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("forks_allowed", [0, 1])
def test_when_no_more_processes_can_be_made_the_parent_lints_the_rest(
    monkeypatch: pytest.MonkeyPatch, forks_allowed: int
) -> None:
    """lint/workers.py ``run_forked``: a failed fork (EAGAIN under a process limit, as in a
    container with a pids limit) ended the run with a BlockingIOError traceback."""
    from e2ee_sig.lint import workers

    real_fork, made = os.fork, []

    def fork() -> int:
        if len(made) >= forks_allowed:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        made.append(1)
        return real_fork()

    monkeypatch.setattr(workers.os, "fork", fork)
    ticks: list[int] = []
    descriptors = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else 0
    found = workers.run_forked(_numbered, range(9), 3, ticks.append)
    assert found == [_numbered(i) for i in range(9)]
    assert sum(ticks) == 9
    if descriptors:
        assert len(os.listdir("/proc/self/fd")) == descriptors  # no pipe left open


def test_a_blob_stream_left_early_does_not_hang(tmp_path: Path) -> None:
    import threading

    import git

    from e2ee_sig.gitops.history import FileHistory

    repo = git.Repo.init(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 200_000)
    repo.index.add(["big.txt"])
    repo.index.commit("big")
    sha = repo.head.commit.tree["big.txt"].hexsha
    history = FileHistory(tmp_path, {}, shallow=False)
    outcome: list[int] = []

    def consume_one() -> None:  # git has far more to send than a pipe holds
        stream = history.stream([sha] * 5000)
        outcome.append(len(next(stream)[1] or b""))
        stream.close()

    worker = threading.Thread(target=consume_one, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "closing the stream blocked on git's full pipe"
    assert outcome == [200_000]
