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

from e2ee_sig.bundle.output import MARKER
from tests import test_bundle, test_stale
from tests.test_bundle import bump_0999, run, state, top_of
from tests.test_reliability import BOUND, NEW_XEP, SRC, e2ee_sig, python
from tests.test_stale import NOW, Repo, stale
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


# --- stale --defer ------------------------------------------------------------------------

stale_xeps = test_stale.defer_repo  # the fixture "stale_xeps": two stale XEPs, one CRLF
STALE_DEFER = ("--now", NOW, "--defer", "--initials", "XYZ")


def snapshot(repo: Repo) -> tuple[str, str, dict[str, bytes]]:
    files = {p.name: p.read_bytes() for p in repo.root.glob("xep-*.xml")}
    return repo.git.head.commit.hexsha, repo.git.git.status("--porcelain"), files


def test_defer_commit_with_a_failing_hook_leaves_the_repository_untouched(
    stale_xeps: Repo,
) -> None:
    hook = Path(stale_xeps.git.git_dir) / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\nif git diff --cached --name-only | grep -q xep-0991; then\n"
        "  echo 'pre-commit: xep-0991.xml is frozen' >&2; exit 1\nfi\n"
    )
    hook.chmod(0o755)
    before = snapshot(stale_xeps)
    code, out, err = stale(str(stale_xeps.root), *STALE_DEFER, "--commit")
    assert code == 2 and out == "", err
    assert "xep-0991.xml is frozen;" in err and "nothing deferred" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    # XEP-0990 was committed before XEP-0991's commit failed: that commit is undone too
    assert snapshot(stale_xeps) == before
    hook.unlink()  # a rerun still finds both stale and defers them
    code, out, err = stale(str(stale_xeps.root), *STALE_DEFER, "--commit")
    assert code == 0, err
    assert out.count("committed") == 2


def test_defer_commit_refuses_a_detached_head_before_writing(stale_xeps: Repo) -> None:
    stale_xeps.git.git.checkout("--detach", "--quiet")
    before = snapshot(stale_xeps)
    code, _, err = stale(str(stale_xeps.root), *STALE_DEFER, "--commit")
    assert code == 2 and "HEAD is detached" in err, err
    assert snapshot(stale_xeps) == before


def test_defer_commit_refuses_a_merge_in_progress(stale_xeps: Repo) -> None:
    base = stale_xeps.git.active_branch.name
    stale_xeps.git.git.checkout("--quiet", "-b", "other")
    stale_xeps.commit("2026-02-01", "Other", {"README": "theirs\n"})
    stale_xeps.git.git.checkout("--quiet", base)
    stale_xeps.commit("2026-02-02", "Ours", {"README": "ours\n"})
    with pytest.raises(git.GitCommandError):
        stale_xeps.git.git.merge("other")
    before = snapshot(stale_xeps)
    code, _, err = stale(str(stale_xeps.root), *STALE_DEFER, "--commit")
    assert code == 2 and "a merge is in progress" in err, err
    assert snapshot(stale_xeps) == before


def test_the_git_state_check_refuses_an_unborn_branch(tmp_path: Path) -> None:
    from e2ee_sig.gitops import RepoError, check_can_commit

    repo = git.Repo.init(tmp_path)
    with pytest.raises(RepoError, match="no commits yet"):
        check_can_commit(repo)


def test_defer_reports_a_read_only_file_in_one_line_and_defers_the_others(
    stale_xeps: Repo,
) -> None:
    frozen = stale_xeps.root / "xep-0990.xml"
    frozen.chmod(0o444)
    before = frozen.read_bytes()
    code, out, err = stale(str(stale_xeps.root), *STALE_DEFER)
    assert code == 2
    assert err.strip() == "e2ee-sig: error: xep-0990.xml: is read-only; not changing it"
    assert out.strip() == "XEP-0991: deferred, version 0.2.0"
    assert frozen.read_bytes() == before


def test_a_deferral_planned_on_other_bytes_is_refused(stale_xeps: Repo) -> None:
    from e2ee_sig.stale.deferral import Deferral, apply_deferral
    from e2ee_sig.stale.model import StaleError

    path = stale_xeps.root / "xep-0990.xml"
    current = path.read_bytes()
    stale_plan = Deferral(None, path, b"<xep/>", b"<xep>deferred</xep>", "0.4.0")  # type: ignore[arg-type]
    stale_plan.entry = type("Entry", (), {"path": "xep-0990.xml"})()  # type: ignore[assignment]
    with pytest.raises(StaleError, match="changed"):
        apply_deferral(stale_plan)
    assert path.read_bytes() == current


# --- bundle -------------------------------------------------------------------------------

upstream = test_bundle.upstream  # fixtures: an xsf/xeps-like upstream and the author's clone
clone = test_bundle.clone


def branches(repo: git.Repo) -> list[str]:
    return sorted(b.name for b in repo.branches)


def test_bundle_out_refuses_a_folder_with_the_users_files(clone: git.Repo, tmp_path: Path) -> None:
    bump_0999(clone)
    out = tmp_path / "mine"
    (out / "patches").mkdir(parents=True)
    users = {
        out / "SUMMARY.md": b"my summary\n",
        out / "patches" / "0001-mine.patch": b"my patch\n",
    }
    for path, data in users.items():
        path.write_bytes(data)
    before = branches(clone)
    code, output = run(top_of(clone), "--out", out, "--branch")
    assert code == 2 and f"--out {out}: the folder is not empty" in output, output
    assert "Traceback" not in output
    assert {path: path.read_bytes() for path in users} == users
    assert sorted(p.name for p in out.rglob("*")) == ["0001-mine.patch", "SUMMARY.md", "patches"]
    assert branches(clone) == before


def test_bundle_out_reuses_only_its_own_folder_and_keeps_other_files(
    clone: git.Repo, tmp_path: Path
) -> None:
    bump_0999(clone)
    out = tmp_path / "new" / "bundle"
    assert run(top_of(clone), "--out", out)[0] == 0
    assert (out / MARKER).is_file() and (out / "SUMMARY.md").is_file()
    notes = out / "notes.txt"
    notes.write_bytes(b"the user's notes\n")
    (out / "SUMMARY.md").write_text("stale output\n")
    code, output = run(top_of(clone), "--out", out)
    assert code == 0, output
    assert notes.read_bytes() == b"the user's notes\n"
    assert "XEP-0999" in (out / "SUMMARY.md").read_text()
    # a file of the user's under an output's name is never replaced
    (out / MARKER).write_text("# a marker listing nothing\n")
    kept = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MARKER}
    code, output = run(top_of(clone), "--out", out)
    assert code == 2 and ".bundle: already exists" in output, output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MARKER} == kept


@pytest.mark.parametrize("where", ["under-a-file", "temporary-folder"])
def test_bundle_rolls_back_its_branch_and_folders_when_it_cannot_write(
    clone: git.Repo, tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    bump_0999(clone)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    out = blocker / "out" if where == "under-a-file" else tmp_path / "fresh" / "out"
    if where == "temporary-folder":
        monkeypatch.setattr(tempfile, "tempdir", str(blocker / "tmp"))  # mkdtemp fails
    before = branches(clone)
    code, output = run(top_of(clone), "--out", out, "--branch")
    assert code == 2 and "Traceback" not in output, output
    assert output.startswith("e2ee-sig: error:") and len(output.strip().splitlines()) == 1
    assert branches(clone) == before
    assert blocker.read_text() == "not a folder\n"
    assert not (tmp_path / "fresh").exists()


@pytest.mark.parametrize("setting", ["autocrlf", "eol=crlf"])
def test_bundle_asks_git_whether_crlf_checkouts_are_modified(clone: git.Repo, setting: str) -> None:
    top = top_of(clone)
    bump_0999(clone)
    if setting == "autocrlf":
        with clone.config_writer() as config:
            config.set_value("core", "autocrlf", "true")
    else:
        (top / ".git" / "info" / "attributes").write_text("*.xml eol=crlf\n")
    # what a checkout under that setting leaves in the work tree: CRLF, other stat data
    for name in ("xep-0998.xml", "xep-0999.xml"):
        path = top / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = state(clone)
    code, output = run(top_of(clone))
    assert code == 0, output
    assert "Not included" not in output
    assert state(clone) == before  # the user's index is not refreshed
    # a real change is still seen
    path = top / "xep-0998.xml"
    path.write_bytes(path.read_bytes().replace(b"widgets", b"gadgets", 1))
    code, output = run(top_of(clone))
    assert "Not included (uncommitted): xep-0998.xml (modified)" in output, output


# --- new-xep ------------------------------------------------------------------------------


def test_new_xep_eof_at_a_prompt_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "e2ee_sig", "new-xep", "--output", str(tmp_path)],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": SRC},
            cwd=tmp_path,
        )
        os.write(controller, b"\x04")  # ^D: end of input at the first prompt
        _, stderr = process.communicate(timeout=BOUND)
    finally:
        os.close(controller)
        os.close(terminal)
    message = stderr.decode()
    assert process.returncode == 2, message
    assert "Aborted" not in message and "Traceback" not in message
    assert message.strip().startswith("e2ee-sig: error: no answer to 'Template")
    assert len(message.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_new_xep_names_the_option_in_conflicts(tmp_path: Path) -> None:
    existing = tmp_path / "draft.xml"
    existing.write_bytes(b"the user's draft\n")
    result = e2ee_sig(*NEW_XEP, "--output", str(existing), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.startswith("e2ee-sig: error: --output: ")
        and "already exists" in result.stderr
    )
    assert existing.read_bytes() == b"the user's draft\n"
    bad_jid = [*NEW_XEP[:-1], "not a jid@@"]
    result = e2ee_sig(*bad_jid, "--output", str(tmp_path / "new.xml"), cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("e2ee-sig: error: --jid: ")
    assert not (tmp_path / "new.xml").exists()


def test_new_xep_creates_without_replacing_a_file_that_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import e2ee_sig.scaffold.draft as draft

    target = tmp_path / "omemo-mls.xml"
    real_render = draft.render

    def render_then_race(*args: object) -> bytes:  # another program creates the file meanwhile
        target.write_bytes(b"written meanwhile\n")
        return real_render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(draft, "render", render_then_race)
    result = e2ee_sig(*NEW_XEP, "--output", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2 and "--output:" in result.stderr, result.stderr
    assert target.read_bytes() == b"written meanwhile\n"


# --- the top-level handler: a full device, a closed pipe, an interrupt ----------------------


def run_e2ee_sig(*args: str, **options: object) -> subprocess.CompletedProcess[bytes]:
    """``python -m e2ee_sig ARGS`` as a real process, bounded in time."""
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "e2ee_sig", *args],
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=BOUND,
        **options,
    )


def test_stdout_on_a_full_device_is_one_line_and_exit_2() -> None:
    with open("/dev/full", "wb") as full:
        result = run_e2ee_sig("rules", stdout=full, stderr=subprocess.PIPE)
    message = result.stderr.decode()
    assert result.returncode == 2, message
    assert message == "e2ee-sig: error: cannot write the output: No space left on device\n"


def test_a_closed_pipe_is_one_line_and_exit_2() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before anything is written
    try:
        result = run_e2ee_sig("rules", stdout=writer, stderr=subprocess.PIPE)
    finally:
        os.close(writer)
    message = result.stderr.decode()
    assert result.returncode == 2, message
    assert message == "e2ee-sig: error: the output was closed before everything was written\n"


def test_piping_into_head_prints_no_traceback() -> None:
    command = f"{sys.executable} -m e2ee_sig rules | head -c1; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(
        ["bash", "-c", command],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        timeout=BOUND,
    )
    assert len(result.stdout) == 1
    assert result.returncode in (0, 2) and b"Traceback" not in result.stderr
    assert result.stderr in (
        b"",
        b"e2ee-sig: error: the output was closed before everything was written\n",
    )


INTERRUPT_AT_START_UP = """
import builtins, sys
real_import = builtins.__import__
def interrupted_import(name, *args, **kwargs):
    if name == "click":
        raise KeyboardInterrupt  # ^C while the program is still importing
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupted_import
sys.argv = ["e2ee-sig", "rules"]
from e2ee_sig.__main__ import run
run()
"""


def test_sigint_during_start_up_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT_AT_START_UP],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        timeout=BOUND,
    )
    assert (result.returncode, result.stderr) == (2, b"e2ee-sig: error: interrupted\n")


def test_sigint_during_a_run_is_one_line_and_exit_2(corpus: Path, tmp_path: Path) -> None:
    import shutil
    import signal
    import time

    for name in ("xep.dtd", "xep.ent"):
        shutil.copy(corpus / name, tmp_path / name)
    for copy in range(6):  # six times the corpus: a run far longer than the wait below
        for file in corpus.glob("xep-*.xml"):
            os.link(file, tmp_path / f"xep-{copy}{file.name[4:]}")
    process = subprocess.Popen(
        [sys.executable, "-m", "e2ee_sig", "lint", "--jobs", "1", str(tmp_path)],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(2)  # into the run (or still starting: the same answer is expected)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=BOUND)
    assert process.returncode == 2, stderr
    assert stderr.decode().splitlines()[-1] == "e2ee-sig: error: interrupted"
    assert b"Traceback" not in stderr


def test_defer_in_a_folder_it_cannot_write_is_one_line_per_file(xep_root: Path) -> None:
    import shutil
    import tempfile

    from tests.test_stale import xep

    folder = Path(tempfile.mkdtemp(prefix="e2ee-sig-ro-"))  # reachable by an unprivileged user
    try:
        for name in ("xep.dtd", "xep.ent"):
            shutil.copy(xep_root / name, folder / name)
        for number in (990, 991):
            (folder / f"xep-{number:04d}.xml").write_text(xep(number, ("0.1.0", "2023-05-01")))
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        folder.chmod(0o555)
        code = f"""
            import os, sys
            from e2ee_sig.cli import main
            arguments = ["stale", {str(folder)!r}, *{list(STALE_DEFER)!r}]
            try:  # a dry run first loads every module the real run needs
                main([*arguments, "--dry-run"], standalone_mode=False)
            except SystemExit:
                pass
            if os.getuid() == 0:  # root ignores the folder's mode: run as nobody
                os.setgid(65534); os.setuid(65534)
            main(arguments)
        """
        result = python(code)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and len(lines) == 2
        assert all(line.startswith("e2ee-sig: error: xep-099") for line in lines), lines
        folder.chmod(0o755)
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
