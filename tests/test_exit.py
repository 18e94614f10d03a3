"""Leaving without the interpreter's teardown keeps what a normal exit guarantees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")

LEAVE = """
import atexit, sys, threading, time
from e2ee_sig.__main__ import _leave
atexit.register(lambda: print("handler ran", flush=True))
sys.stdout.write("buffered output")
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (time.sleep(0.2), print(" thread done"))).start()
_leave(SystemExit(int(sys.argv[2]) if sys.argv[2] != "none" else None))
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LEAVE, *args],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_status_output_and_exit_handlers_survive() -> None:
    result = _run("plain", "3")
    assert (result.returncode, result.stdout) == (3, "buffered outputhandler ran\n")
    assert _run("plain", "none").returncode == 0


def test_a_running_thread_gets_the_usual_exit() -> None:
    result = _run("thread", "1")
    assert result.returncode == 1
    assert " thread done" in result.stdout  # the interpreter waited for it


def _cli(args: list[str], **streams: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "e2ee_sig", *args],
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=60,
        check=False,
        **streams,  # type: ignore[arg-type]
    )


def test_a_closed_stdout_at_start_runs_as_with_dev_null() -> None:
    closed = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" -m e2ee_sig rules >&-'],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        timeout=60,
    )
    assert (closed.returncode, closed.stderr) == (0, b"")


def test_help_and_version_on_a_full_disk_are_one_line_and_exit_2() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    for args in (["--help"], ["--version"], ["rules"]):
        with open("/dev/full", "wb") as full:
            result = _cli(args, stdout=full, stderr=subprocess.PIPE)
        assert result.returncode == 2, args
        assert result.stderr.decode().splitlines() == [
            "e2ee-sig: error: cannot write the output: No space left on device"
        ], args
