"""Reliability, part 2 (issue #12): the editing and git commands wired to the safe primitives.

``bump`` plans under the file's lock, ``stale --defer`` writes with the bytes it planned on and
commits all-or-nothing, ``bundle --out`` owns only empty or marked folders and rolls back what
it created, ``new-xep`` reports EOF and option conflicts as usage errors, and the top-level
handler turns SIGINT, a closed pipe and a full device into one line. Concurrency runs real
processes; anything that could hang is bounded by a timeout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import git
import pytest

from tests.test_reliability import BOUND, SRC, e2ee_sig, e2ee_sig_process
from tests.xepfactory import make_xep

BUMP = ("bump", "-m", "Clarify.", "--initials", "ae", "--date", "2026-06-01")


def versions(path: Path) -> list[str]:
    return re.findall(r"<version>([^<]+)</version>", path.read_text(encoding="utf-8"))


# --- bump ---------------------------------------------------------------------------------


def test_three_concurrent_bumps_never_lose_a_block(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    before = versions(path)
    command = [sys.executable, "-m", "e2ee_sig", *BUMP, str(path)]
    env = {**os.environ, "PYTHONPATH": SRC}
    for _ in range(3):
        processes = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        results = [(p.wait(timeout=BOUND), p.stderr.read().decode()) for p in processes]  # type: ignore[union-attr]
        for code, stderr in results:
            assert code in (0, 2) and "Traceback" not in stderr, stderr
            if code == 2:
                assert "changed" in stderr or "lock" in stderr, stderr
        applied = sum(code == 0 for code, _ in results)
        after = versions(path)
        # every bump that said it applied is in the file, on top of the ones before it
        assert len(after) == len(before) + applied
        assert after[applied:] == before
        before = after
    assert len(before) > len(versions_of(make_xep()))


def versions_of(text: str) -> list[str]:
    return re.findall(r"<version>([^<]+)</version>", text)


def test_bump_refuses_a_file_changed_after_its_plan(xep_root: Path) -> None:
    from e2ee_sig.bump import BumpError, apply_bump, plan_bump
    from e2ee_sig.xep import load

    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    plan = plan_bump(load(path, str(path)), ["Clarify."], "ae", date="2026-06-01")
    path.write_text(make_xep(title="Changed Meanwhile"), encoding="utf-8")
    with pytest.raises(BumpError, match="changed"):
        apply_bump(path, plan)
    assert "Changed Meanwhile" in path.read_text(encoding="utf-8")


def test_bump_keeps_crlf_in_the_inserted_block(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    original = make_xep().replace("\n", "\r\n").encode()
    path.write_bytes(original)
    result = e2ee_sig(*BUMP, str(path))
    assert result.returncode == 0, result.stderr
    data = path.read_bytes()
    assert len(data) > len(original)
    assert data.count(b"\n") == data.count(b"\r\n")
