"""Reliability: never lose a byte, never hang, never be silenced (issue #12).

Each test reproduces one failure family with real files, real FIFOs, real processes. Anything
that could hang runs in a child process with a timeout, so a regression fails instead of
blocking the suite.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2ee_sig.cli import main
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
from tests.xepfactory import make_xep

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


def e2ee_sig_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``e2ee-sig ARGS`` as a real process, bounded in time (for what could hang)."""
    return python("import sys; from e2ee_sig.cli import main; main()", *args, cwd=cwd)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def e2ee_sig(*args: str, cwd: Path | None = None) -> Ran:
    """``e2ee-sig ARGS`` in this process (faster), from ``cwd`` when given."""
    with contextlib.chdir(cwd or Path.cwd()):
        result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test must fail
    return Ran(result.exit_code, result.stdout, result.stderr)


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
        import e2ee_sig.fsio.writing as writing
        real = writing._install
        def slow(temporary, target, like):
            os.kill(os.getpid(), signal.SIGTERM)
            real(temporary, target, like)
        writing._install = slow
        with writing.locked_edit(sys.argv[1]) as file:
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


# --- lint --fix / --diff -------------------------------------------------------------------


def broken_xep() -> str:
    """A XEP with two fixable official errors (stylesheet PI, legal notice) and a status typo."""
    text = make_xep(status="Final ").replace(
        "<?xml-stylesheet type='text/xsl' href='xep.xsl'?>\n", ""
    )
    return text.replace("&LEGALNOTICE;", "")


def test_two_concurrent_fix_runs_never_corrupt_the_file(xep_root: Path, tmp_path: Path) -> None:
    path = xep_root / "xep-0999.xml"
    reference = tmp_path / "reference" / "xep-0999.xml"
    shutil.copytree(xep_root, reference.parent)
    reference.write_text(broken_xep(), encoding="utf-8")
    assert e2ee_sig("lint", "--profile", "xsf-ci", "--fix", str(reference)).returncode == 0
    expected = reference.read_bytes()
    assert expected != broken_xep().encode()
    env = {**os.environ, "PYTHONPATH": SRC}
    command = [sys.executable, "-m", "e2ee_sig", "lint", "--profile", "xsf-ci", "--fix"]
    for _ in range(4):
        path.write_text(broken_xep(), encoding="utf-8")
        runs = [
            subprocess.Popen(
                [*command, str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(3)
        ]
        codes_seen = [run.wait(timeout=BOUND) for run in runs]
        for run in runs:
            assert b"Traceback" not in run.stderr.read()  # type: ignore[union-attr]
            run.stdout.close()  # type: ignore[union-attr]
            run.stderr.close()  # type: ignore[union-attr]
        assert set(codes_seen) <= {0, 2}, codes_seen
        assert path.read_bytes() == expected
    assert not [p for p in xep_root.iterdir() if is_temporary(p.name)]


def test_fix_keeps_crlf_line_endings(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_bytes(broken_xep().replace("\n", "\r\n").encode())
    result = e2ee_sig("lint", "--profile", "xsf-ci", "--fix", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    after = path.read_bytes()
    assert b"xep.xsl" in after and b"&LEGALNOTICE;" in after
    assert after.count(b"\n") == after.count(b"\r\n")


def test_fix_through_a_symlink_edits_the_target(xep_root: Path, tmp_path: Path) -> None:
    real = xep_root / "real-draft.txt"
    real.write_text(make_xep(status="Final "), encoding="utf-8")
    link = xep_root / "xep-0999.xml"
    link.symlink_to(real.name)
    assert e2ee_sig("lint", "--profile", "xsf-ci", "--fix", str(link)).returncode == 0
    assert link.is_symlink() and b"<status>Final</status>" in real.read_bytes()


def test_fix_on_a_read_only_file_refuses_with_exit_2(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(status="Final "), encoding="utf-8")
    path.chmod(0o444)
    before = path.read_bytes()
    result = e2ee_sig("lint", "--profile", "xsf-ci", "--fix", str(path))
    assert result.returncode == 2
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_diff_exits_1_when_unfixable_errors_remain(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(approver="<approver>Boss</approver>"), encoding="utf-8")
    result = e2ee_sig("lint", "--profile", "xsf-ci", "--diff", str(path))
    assert result.stdout == "" and result.returncode == 1
    path.write_text(make_xep(), encoding="utf-8")
    assert e2ee_sig("lint", "--profile", "xsf-ci", "--diff", str(path)).returncode == 0


# --- discovery and reading in lint ---------------------------------------------------------


def test_a_fifo_named_like_a_xep_never_blocks(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    os.mkfifo(xep_root / "inbox" / "x.xml")
    scan = e2ee_sig_process("lint", "--profile", "xsf-ci", str(xep_root))
    assert scan.returncode == 0, scan.stdout + scan.stderr
    assert "inbox/x.xml: a FIFO" in scan.stderr and "(1 file)" in scan.stdout
    named = e2ee_sig_process("lint", str(xep_root / "inbox" / "x.xml"))
    assert named.returncode == 1 and "FIFO" in named.stdout


def test_lint_dev_zero_is_refused_not_read() -> None:
    result = e2ee_sig_process("lint", "--format", "concise", "/dev/zero")
    assert result.returncode == 1 and "character device" in result.stdout


def test_a_symlink_leaving_the_root_is_not_followed_nor_echoed(
    xep_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "git-credentials"
    secret.write_text("https://user:ghp_SECRET_TOKEN@github.com\n", encoding="utf-8")
    (xep_root / "xep-9999.xml").symlink_to(secret)
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    scan = e2ee_sig("lint", str(xep_root))
    assert "SECRET" not in scan.stdout + scan.stderr
    assert "xep-9999.xml: a symlink leading outside" in scan.stderr
    named = e2ee_sig("lint", str(xep_root / "xep-9999.xml"))  # named explicitly: linted
    assert named.returncode == 1 and "XSF000" in named.stdout
    assert "SECRET" not in named.stdout + named.stderr


def test_an_unreadable_inbox_is_an_error_not_zero_files(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir = os.scandir

    def refusing(path: object) -> object:
        if str(path).endswith("inbox"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing)
    result = CliRunner().invoke(main, ["lint", str(xep_root)])
    assert result.exit_code == 2
    assert "inbox: cannot list folder: Permission denied" in result.output


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "github", "sarif"])
def test_non_utf8_file_names_in_every_format(xep_root: Path, output_format: str) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep(status="Final "), encoding="utf-8")
    name = os.fsdecode(b"caf\xe9.xml")
    (xep_root / "inbox" / name).write_text(make_xep(status="Final "), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": SRC, "PYTHONIOENCODING": "utf-8"}  # strict stdout
    result = subprocess.run(
        [sys.executable, "-m", "e2ee_sig", "lint", "--format", output_format, str(xep_root)],
        capture_output=True,
        timeout=BOUND,
        env=env,
    )
    assert result.returncode == 1, result.stderr
    output = result.stdout.decode("utf-8")  # valid UTF-8, not raw bytes
    assert "xep-0999.xml" in output
    assert ("caf\ufffd.xml" in output) or ("caf%EF%BF%BD.xml" in output) or ("caf%E9.xml" in output)


def test_sarif_uris_are_percent_encoded_and_relative(xep_root: Path) -> None:
    path = xep_root / "inbox" / "my draft#1.xml"
    path.write_text(make_xep(status="Final "), encoding="utf-8")
    result = e2ee_sig("lint", "--format", "sarif", "inbox/my draft#1.xml", cwd=xep_root)
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for outcome in json.loads(result.stdout)["runs"][0]["results"]
        for location in outcome["locations"]
    }
    assert uris == {"inbox/my%20draft%231.xml"}


def test_sarif_uris_stay_relative_with_changed_since(xep_root: Path) -> None:
    repo = git.Repo.init(xep_root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "T").set_value("user", "email", "t@example.org")
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    (xep_root / "inbox" / "über draft.xml").write_text(make_xep(), "utf-8")
    repo.git.add(A=True)
    repo.git.commit(m="start")  # tracked: git diff quotes the name unless -z is given
    (xep_root / "inbox" / "über draft.xml").write_text(make_xep(status="Final "), "utf-8")
    result = e2ee_sig("lint", "--format", "sarif", "--changed-since", "HEAD", ".", cwd=xep_root)
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for outcome in json.loads(result.stdout)["runs"][0]["results"]
        for location in outcome["locations"]
    }
    assert uris == {"inbox/%C3%BCber%20draft.xml"}, result.stderr


# --- verdicts that must not be bent ---------------------------------------------------------


@pytest.mark.parametrize(
    "directive",
    [
        "<?e2ee-sig ignore-file XSF?>\n<xep>",
        "<!-- e2ee-sig: ignore-file XSF007 -->\n<xep>",
        "<xep>\n<!-- e2ee-sig: ignore XSF -->",
    ],
)
def test_official_checks_cannot_be_suppressed(xep_root: Path, directive: str) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(status="Final ").replace("<xep>", directive, 1), encoding="utf-8")
    result = e2ee_sig("lint", "--profile", "xsf-ci", "--format", "concise", str(path))
    assert result.returncode == 1 and "XSF007" in result.stdout
    default = e2ee_sig("lint", "--format", "concise", str(path))
    assert "XSF007" in default.stdout and "SUP002" in default.stdout
    assert "SUP001" not in default.stdout


def test_bundle_lints_through_the_same_unsuppressible_path(xep_root: Path) -> None:
    from e2ee_sig.lint.context import LintContext
    from e2ee_sig.lint.engine import LintOptions, enabled_rules, lint_document
    from e2ee_sig.xep import parse_bytes, root_at

    text = make_xep(status="Final ").replace("<xep>", "<?e2ee-sig ignore-file XSF?>\n<xep>", 1)
    path = xep_root / "xep-0999.xml"
    document = parse_bytes(text.encode(), path, path.name, root_at(xep_root))
    rules = enabled_rules(LintOptions(profile="xsf-ci"))
    found = lint_document(document, rules, LintContext(profile="xsf-ci"))
    assert "XSF007" in {d.code for d in found}


@pytest.mark.parametrize(
    ("system", "passes"),
    [
        ("xep.dtd", True),
        ("./xep.dtd", True),
        ("sub/xep.dtd", True),  # a copy of the root's DTD: xmllint loads it and passes
        ("{root}/xep.dtd", True),
        ("file://{root}/xep.dtd", True),
        ("nonexistent/xep.dtd", False),
        ("http://example.org/xep.dtd", False),
        ("other.dtd", False),
    ],
)
def test_doctype_system_identifier_is_resolved_like_xmllint(
    xep_root: Path, system: str, passes: bool
) -> None:
    (xep_root / "sub").mkdir()
    shutil.copy(xep_root / "xep.dtd", xep_root / "sub" / "xep.dtd")
    system = system.format(root=xep_root)
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep().replace("SYSTEM 'xep.dtd'", f"SYSTEM '{system}'"), "utf-8")
    ours = e2ee_sig("lint", "--profile", "xsf-ci", "--format", "concise", str(path))
    assert ours.returncode == (0 if passes else 1), ours.stdout + ours.stderr
    if shutil.which("xmllint"):
        make = subprocess.run(
            ["xmllint", "--nonet", "--noout", "--noent", "--loaddtd", "--valid", path.name],
            cwd=xep_root,
            capture_output=True,
            timeout=BOUND,
        )
        assert (make.returncode == 0) == passes


def test_a_malformed_dtd_is_a_one_line_error(xep_root: Path) -> None:
    (xep_root / "xep.dtd").write_text(
        "<!-- broken on purpose, long enough -->\n" * 3 + "<!ELEMENT x ("
    )
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    result = e2ee_sig("lint", str(xep_root))
    assert result.returncode == 2
    assert result.stderr.startswith("e2ee-sig: error: ") and "malformed DTD" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_dtd_loads_no_entity_outside_the_root(xep_root: Path, tmp_path: Path) -> None:
    from e2ee_sig.xep.root import compile_dtd

    (tmp_path / "outside.ent").write_text('<!ENTITY stolen "from outside">', encoding="utf-8")
    (xep_root / "inside.ent").write_text('<!ENTITY allowed "from inside">', encoding="utf-8")
    dtd = xep_root / "xep.dtd"
    dtd.write_text(
        dtd.read_text(encoding="utf-8")
        + f'\n<!ENTITY % out SYSTEM "{tmp_path / "outside.ent"}">\n%out;\n'
        + '<!ENTITY % in SYSTEM "inside.ent">\n%in;\n',
        encoding="utf-8",
    )
    names = {entity.name for entity in compile_dtd(dtd, xep_root).iterentities()}
    assert "allowed" in names and "stolen" not in names


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("[tool.e2ee-sig]\nignore = [1, 2]", "ignore must be a list of strings"),
        ('[tool.e2ee-sig]\nselect = [["x"]]', "select must be a list of strings"),
        ("[tool]\ne2ee-sig = 5", "[tool.e2ee-sig] must be a table"),
        ("tool = 5", "[tool] must be a table"),
        ("[tool.e2ee-sig]\njobs = 0", "jobs must be at least 1"),
        ("[tool.e2ee-sig]\njobs = true", "jobs must be an integer"),
    ],
)
def test_config_values_of_the_wrong_type_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(setting + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "."])
    assert result.exit_code == 2 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- commands that write through write_atomically (bump, stale --defer, new-xep) -----------

NEW_XEP = (
    "new-xep",
    "--no-input",
    "--title",
    "OMEMO over MLS",
    "--shortname",
    "omemo-mls",
    "--abstract",
    "This specification defines OMEMO over MLS.",
    "--author",
    "Alice Example <alice@example.org>",
    "--jid",
    "alice@example.org",
)


def test_new_xep_never_replaces_a_device_or_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "draft.xml"
    os.mkfifo(fifo)
    for output in ("/dev/null", str(fifo)):
        result = e2ee_sig(*NEW_XEP, "--output", output, "--force", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


BUMP = ("bump", "-m", "Clarify.", "--initials", "ae", "--date", "2026-06-01")


def test_bump_edits_a_symlinks_target_and_keeps_hard_links_and_mode(xep_root: Path) -> None:
    real = xep_root / "drafts" / "real.xml"
    real.parent.mkdir()
    real.write_text(make_xep(), encoding="utf-8")
    real.chmod(0o640)
    twin = xep_root / "twin.xml"
    os.link(real, twin)
    link = xep_root / "xep-0999.xml"
    link.symlink_to(real)
    result = e2ee_sig(*BUMP, str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and b"<version>0.3.0</version>" in real.read_bytes()
    assert twin.read_bytes() == real.read_bytes()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_bump_refuses_a_read_only_file(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    path.chmod(0o444)
    result = e2ee_sig(*BUMP, str(path))
    assert result.returncode == 2 and "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == make_xep().encode()


def test_a_fifo_xep_ent_never_blocks(xep_root: Path) -> None:
    (xep_root / "xep.ent").unlink()
    os.mkfifo(xep_root / "xep.ent")
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    result = e2ee_sig_process("lint", "--format", "concise", str(xep_root))
    assert result.returncode == 1 and "LEGALNOTICE" in result.stdout


def test_output_file_streams_into_devices_and_refuses_folders(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep(status="Final "), encoding="utf-8")
    to_null = e2ee_sig("lint", "--output-file", "/dev/null", str(xep_root))
    assert to_null.returncode == 1 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    to_folder = e2ee_sig("lint", "--output-file", str(xep_root / "inbox"), str(xep_root))
    assert to_folder.returncode == 2 and "directory" in to_folder.stderr
    report = xep_root / "report.txt"
    assert e2ee_sig("lint", "--output-file", str(report), str(xep_root)).returncode == 1
    assert "XSF007" in report.read_text(encoding="utf-8")


def test_changed_since_never_reads_a_symlink_leading_out_of_the_checkout(
    xep_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "settings.xml"
    secret.write_text("<settings>\n<password>SECRET_TOKEN</password>\n</settings>\n", "utf-8")
    repo = git.Repo.init(xep_root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "T").set_value("user", "email", "t@example.org")
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit(m="start")
    (xep_root / "xep-9999.xml").symlink_to(secret)  # what a malicious pull request adds
    repo.git.add(A=True)
    repo.git.commit(m="add a XEP")
    result = e2ee_sig("lint", "--changed-since", "HEAD~1", ".", cwd=xep_root)
    assert "SECRET" not in result.stdout + result.stderr
    assert "xep-9999.xml: a symlink leading outside the checkout" in result.stderr


def test_planned_writes_race_safely_between_processes(tmp_path: Path) -> None:
    """``write_atomically(..., expected=...)``: of three processes planning on the same bytes,
    one writes and the others are refused; nothing is merged blindly (bump, stale --defer)."""
    path = tmp_path / "xep-0999.xml"
    path.write_bytes(b"<xep>\n</xep>\n")
    code = """
        import sys, time
        from pathlib import Path
        from e2ee_sig.fsio import WriteRefused
        from e2ee_sig.xep.edit import write_atomically
        path = Path(sys.argv[1])
        planned = path.read_bytes()
        time.sleep(float(sys.argv[3]))
        try:
            write_atomically(path, planned.replace(b"</xep>", sys.argv[2].encode() + b"</xep>"),
                             expected=planned)
        except WriteRefused:
            sys.exit(2)
        """
    env = {**os.environ, "PYTHONPATH": SRC}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), str(path), f"<r{n}/>\n", "1"], env=env
        )
        for n in range(3)
    ]
    statuses = [w.wait(timeout=BOUND) for w in workers]
    final = path.read_bytes()
    written = [n for n in range(3) if f"<r{n}/>".encode() in final]
    assert len(written) == statuses.count(0) >= 1 and set(statuses) <= {0, 2}
    assert final.startswith(b"<xep>\n") and final.endswith(b"</xep>\n")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(0, 5000), limit=st.integers(0, 5000))
def test_read_capped_returns_the_bytes_exactly_up_to_the_cap(
    tmp_path: Path, size: int, limit: int
) -> None:
    path = tmp_path / "x.xml"
    data = bytes(i % 251 for i in range(size))
    path.write_bytes(data)
    if size <= limit:
        assert read_capped(path, limit) == data
    else:
        with pytest.raises(ReadRefused, match="limit"):
            read_capped(path, limit)


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab <>", max_size=8), max_size=6), crlf=st.booleans())
def test_inserted_lines_take_the_files_line_ending(lines: list[str], crlf: bool) -> None:
    ending = b"\r\n" if crlf else b"\n"
    data = ending.join(line.encode() for line in lines) + ending
    inserted = with_line_ending(b"<?pi?>\n", line_ending(data))
    assert inserted.endswith(ending) and inserted.count(b"\n") == 1


def test_an_inbox_symlinked_out_of_the_root_is_not_scanned(xep_root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.xml").write_text("<secret>TOKEN</secret>\n", encoding="utf-8")
    (xep_root / "inbox").rmdir()
    (xep_root / "inbox").symlink_to(elsewhere)
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    result = e2ee_sig("lint", str(xep_root))
    assert result.returncode == 0 and "(1 file)" in result.stdout
    assert "inbox: a symlink leading outside" in result.stderr
