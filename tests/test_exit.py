"""Leaving without the interpreter's teardown keeps what a normal exit guarantees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
