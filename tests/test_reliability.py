"""Reliability: never lose a byte, never hang, never be silenced (issue #12).

Each test reproduces one failure family with real files, real FIFOs, real processes. Anything
that could hang runs in a child process with a timeout, so a regression fails instead of
blocking the suite.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from e2ee_sig.fsio import (
    ReadRefused,
    WriteRefused,
    display_name,
    is_temporary,
    line_ending,
    locked_edit,
    read_capped,
    rewrite,
    with_line_ending,
    write_output,
)

SRC = str(Path(__file__).resolve().parents[1] / "src")
BOUND = 60  # seconds any child process may take before the test fails


def python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (bounded in time) with this checkout's package."""
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=BOUND,
        env=env,
        cwd=cwd,
    )


def e2ee_sig(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``e2ee-sig ARGS`` as a real process, bounded in time."""
    return python("import sys; from e2ee_sig.cli import main; main()", *args, cwd=cwd)


# --- the read primitive -------------------------------------------------------------------


def test_read_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "x.xml"
    os.mkfifo(fifo)
    result = python(
        """
        import sys
        from e2ee_sig.fsio import ReadRefused, read_capped
        try:
            read_capped(sys.argv[1], 1000)
        except ReadRefused as error:
            print(error)
        """,
        str(fifo),
    )
    assert "FIFO" in result.stdout and "not a regular file" in result.stdout


def test_read_refuses_a_device_and_caps_without_trusting_st_size(tmp_path: Path) -> None:
    with pytest.raises(ReadRefused, match="character device"):
        read_capped("/dev/zero", 1000)
    proc_file = Path("/proc/self/status")  # a regular file whose st_size is 0
    if proc_file.exists() and proc_file.stat().st_size == 0:
        with pytest.raises(ReadRefused, match="over the 10 bytes limit"):
            read_capped(proc_file, 10)
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(ReadRefused, match="limit"):
        read_capped(big, 2047)
    assert read_capped(big, 2048) == b"x" * 2048


def test_non_utf8_names_display_with_replacement_characters(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.xml")
    (tmp_path / name).write_bytes(b"<x/>")
    assert display_name(tmp_path / name).endswith("caf\ufffd.xml")
    assert read_capped(tmp_path / name, 100) == b"<x/>"


# --- the write primitives -----------------------------------------------------------------


def test_locked_edit_follows_a_symlink_and_keeps_mode_owner_and_hard_links(
    tmp_path: Path,
) -> None:
    target = tmp_path / "real.xml"
    target.write_bytes(b"one\n")
    target.chmod(0o640)
    link = tmp_path / "xep-0001.xml"
    link.symlink_to(target)
    hard = tmp_path / "hard.xml"
    os.link(target, hard)
    owner = target.stat().st_uid, target.stat().st_gid
    with locked_edit(link) as file:
        file.replace(b"two\n")
    assert link.is_symlink() and target.read_bytes() == b"two\n"
    assert hard.read_bytes() == b"two\n" and target.stat().st_nlink == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert (target.stat().st_uid, target.stat().st_gid) == owner
    assert not [p for p in tmp_path.iterdir() if is_temporary(p.name)]


def test_locked_edit_refuses_read_only_files_and_non_regular_files(tmp_path: Path) -> None:
    read_only = tmp_path / "ro.xml"
    read_only.write_bytes(b"keep")
    read_only.chmod(0o444)
    with pytest.raises(WriteRefused, match="read-only"), locked_edit(read_only):
        pass
    assert read_only.read_bytes() == b"keep"
    fifo = tmp_path / "fifo.xml"
    os.mkfifo(fifo)
    with pytest.raises(WriteRefused, match="FIFO"), locked_edit(fifo):
        pass
    with pytest.raises(WriteRefused, match="folder"), locked_edit(tmp_path):
        pass
    assert WriteRefused.exit_code == 2


def test_a_file_changed_after_it_was_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(b"planned\n")
    with pytest.raises(WriteRefused, match="changed"), locked_edit(path) as file:
        path.write_bytes(b"someone else's edit\n")  # a writer that takes no lock
        file.replace(b"mine\n")
    assert path.read_bytes() == b"someone else's edit\n"
    with pytest.raises(WriteRefused, match="changed"):
        rewrite(path, b"planned\n", b"mine\n")
    assert path.read_bytes() == b"someone else's edit\n"


def test_the_temporary_file_is_removed_on_failure_and_stale_ones_are_cleaned(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(b"a")
    dead = python("import os; print(os.getpid())").stdout.strip()
    stale = tmp_path / f".x.xml.e2ee-sig.{dead}.0badc0de.tmp"
    stale.write_bytes(b"left by SIGKILL")
    assert is_temporary(stale.name)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), locked_edit(path) as file:
        file.replace(b"b")
        raise Boom
    assert path.read_bytes() == b"b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xml"]


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(b"old")
    code = """
        import os, signal, sys
        import e2ee_sig.fsio as fsio
        real = fsio._install
        def slow(temporary, target, like):
            os.kill(os.getpid(), signal.SIGTERM)
            real(temporary, target, like)
        fsio._install = slow
        with fsio.locked_edit(sys.argv[1]) as file:
            file.replace(b"new")
        """
    result = python(code, str(path))
    assert result.returncode == 128 + signal_number("SIGTERM")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xml"]


def signal_number(name: str) -> int:
    import signal

    return int(getattr(signal, name))


def test_write_output_never_renames_over_a_device_fifo_or_folder(tmp_path: Path) -> None:
    fifo = tmp_path / "out.xml"
    os.mkfifo(fifo)
    with pytest.raises(WriteRefused, match="FIFO"):
        write_output(fifo, b"x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(WriteRefused, match="character device"):
        write_output("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    with pytest.raises(WriteRefused, match="folder"):
        write_output(tmp_path, b"x")
    new = tmp_path / "new.xml"
    write_output(new, b"x", overwrite=False)
    with pytest.raises(WriteRefused, match="already exists"):
        write_output(new, b"y", overwrite=False)
    assert new.read_bytes() == b"x"


def test_write_in_a_read_only_folder_is_a_clear_refusal(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "x.xml").write_bytes(b"a")
    folder.chmod(0o555)
    try:
        result = python(
            """
            import os, sys
            from e2ee_sig.fsio import WriteRefused, write_output
            os.setuid(65534) if os.getuid() == 0 else None
            try:
                write_output(sys.argv[1], b"b")
            except WriteRefused as error:
                print(error)
            """,
            str(folder / "x.xml"),
        )
    finally:
        folder.chmod(0o755)
    assert result.returncode == 0 and not result.stderr  # a refusal, not a traceback
    assert result.stdout.startswith(str(folder / "x.xml") + ": "), result.stdout
    assert (folder / "x.xml").read_bytes() == b"a"


def test_line_endings_are_detected_and_kept() -> None:
    assert line_ending(b"a\r\nb\r\n") == b"\r\n"
    assert line_ending(b"a\nb\n") == b"\n"
    assert line_ending(b"") == b"\n"
    assert with_line_ending(b"<x/>\n", b"\r\n") == b"<x/>\r\n"


def test_concurrent_locked_edits_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "counter.txt"
    path.write_bytes(b"")
    code = """
        import sys, time
        from e2ee_sig.fsio import locked_edit
        for _ in range(15):
            with locked_edit(sys.argv[1]) as file:
                data = file.data
                time.sleep(0.002)
                file.replace(data + sys.argv[2].encode() + b"\\n")
        """
    env = {**os.environ, "PYTHONPATH": SRC}
    workers = [
        subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(path), str(n)], env=env)
        for n in range(3)
    ]
    assert [w.wait(timeout=BOUND) for w in workers] == [0, 0, 0]
    lines = path.read_bytes().splitlines()
    assert sorted(lines) == sorted(str(n).encode() for n in range(3) for _ in range(15))
