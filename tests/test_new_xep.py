"""``e2ee-sig new-xep``: drafts that pass the XSF's checks as written, and never a hang."""

from __future__ import annotations

import shutil
import subprocess
from contextlib import chdir
from datetime import UTC, date, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2ee_sig.cli import main
from e2ee_sig.commands.new_xep import TerminalPrompter
from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Severity
from e2ee_sig.scaffold import (
    DraftRequest,
    InvalidValue,
    create_draft,
    discover_templates,
    initials,
    parse_author,
    split_name,
    suggest_shortname,
)
from e2ee_sig.xep import load
from tests.xepfactory import make_xep

TEMPLATES = ("protocol", "encryption", "informational")
ALICE = "Alice Example <alice@example.org>"
XMLLINT = shutil.which("xmllint")
XMLLINT_VALID = [XMLLINT or "xmllint", "--nonet", "--noout", "--noent", "--loaddtd", "--valid"]


def new_xep(cwd: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    """Run ``e2ee-sig new-xep ARGS`` in ``cwd``; CliRunner's stdin is never a terminal."""
    with chdir(cwd):
        result = CliRunner().invoke(main, ["new-xep", *args], input=input)
    return result.exit_code, result.output


def complete(shortname: str = "widget-sync", *extra: str) -> list[str]:
    """Arguments giving every value, for --no-input runs."""
    return [
        "--no-input",
        "--title",
        "Widget Synchronization",
        "--shortname",
        shortname,
        "--abstract",
        "This specification defines how widgets are synchronized.",
        "--author",
        ALICE,
        "--jid",
        "alice@example.org",
        "--date",
        "2026-11-20",
        *extra,
    ]


def lint(path: Path, profile: str) -> list:  # type: ignore[type-arg]
    return lint_paths([str(path)], LintOptions(profile=profile, jobs=1)).diagnostics


def xmllint_problems(root: Path, path: Path) -> str:
    """What ``xmllint --valid`` (as the XSF's make target runs it) says about ``path``."""
    result = subprocess.run(
        [*XMLLINT_VALID, "--path", str(root), str(path.relative_to(root))],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr if result.returncode else ""


# --- every template, as the XSF checks it -------------------------------------------------


def test_the_packaged_templates_are_found() -> None:
    templates = discover_templates()
    assert set(TEMPLATES) <= set(templates)
    assert templates["informational"].xep_type == "Informational"
    assert templates["encryption"].xep_type == "Standards Track"
    assert all(info.description for info in templates.values())


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_passes_the_official_checks(xsf_root: Path, template: str) -> None:
    code, output = new_xep(xsf_root, *complete(f"new-{template}", "--template", template))
    assert code == 0, output
    draft = xsf_root / "inbox" / f"new-{template}.xml"
    assert f"inbox/new-{template}.xml" in output
    assert lint(draft, "xsf-ci") == []
    if XMLLINT:
        assert xmllint_problems(xsf_root, draft) == ""


@pytest.mark.skipif(XMLLINT is None, reason="xmllint is not installed")
def test_xmllint_notices_a_broken_draft(xsf_root: Path) -> None:
    """The xmllint comparison above can fail: a draft without &LEGALNOTICE; is invalid."""
    assert new_xep(xsf_root, *complete())[0] == 0
    draft = xsf_root / "inbox" / "widget-sync.xml"
    draft.write_bytes(draft.read_bytes().replace(b"&LEGALNOTICE;", b""))
    assert "legal" in xmllint_problems(xsf_root, draft)


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_fresh_draft_lists_only_warnings(xep_root: Path, template: str) -> None:
    """Under the default profile the draft's findings are the author's to-do list: warnings,
    at least one for the placeholders, and no errors."""
    assert new_xep(xep_root, *complete("todo", "--template", template))[0] == 0
    diagnostics = lint(xep_root / "inbox" / "todo.xml", "default")
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    assert "SEC011" in {d.code for d in diagnostics}


def test_the_encryption_draft_has_no_errors_under_the_e2ee_profile(xep_root: Path) -> None:
    assert new_xep(xep_root, *complete("omemo-mls", "--template", "encryption"))[0] == 0
    diagnostics = lint(xep_root / "inbox" / "omemo-mls.xml", "e2ee")
    assert [f"{d.code} {d.message}" for d in diagnostics if d.severity is Severity.ERROR] == []


def test_what_the_draft_says(xep_root: Path) -> None:
    args = complete("omemo-mls", "--template", "encryption")
    args += ["--author", "Ludwig van Beethoven <lvb@example.org>"]
    assert new_xep(xep_root, *args)[0] == 0
    draft = xep_root / "inbox" / "omemo-mls.xml"
    raw = draft.read_bytes()
    header = load(draft).header
    assert header is not None
    assert (header.value("number"), header.value("status")) == ("XXXX", "ProtoXEP")
    assert (header.value("sig"), header.value("approver")) == ("Standards", "Council")
    assert header.value("type") == "Standards Track"
    assert header.shortname is not None and header.shortname.value == "omemo-mls"
    specs = [spec.value for spec in header.dependencies]
    assert "XEP-0420" in specs and "XEP-0380" in specs and "Etc." not in specs
    [revision] = header.revisions
    fields = (revision.version, revision.date, revision.initials)
    assert tuple(f.value for f in fields) == ("0.0.1", "2026-11-20", "ae")
    assert revision.remark is not None and revision.remark.value == "First draft."
    names = [(a.firstname.value, a.surname.value) for a in header.authors]  # type: ignore[union-attr]
    assert names == [("Alice", "Example"), ("Ludwig", "van Beethoven")]
    assert header.authors[0].jid is not None and header.authors[0].jid.value == "alice@example.org"
    assert header.authors[1].jid is None and header.authors[1].email is not None
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    assert b"<?xml-stylesheet type='text/xsl' href='xep.xsl'?>" in raw
    assert b"&LEGALNOTICE;" in raw and b"&NSVER;" in raw
    assert b'<!ENTITY ns "urn:xmpp:omemo-mls:0">' in raw
    assert b"\r" not in raw and b"\t" not in raw
    assert b"\n  <title>Widget Synchronization</title>\n" in raw
    assert b"REQUIRED.</p>" not in raw


def test_the_date_defaults_to_today_in_utc(xep_root: Path) -> None:
    before = datetime.now(UTC).date()
    args = [a for a in complete() if a not in ("--date", "2026-11-20")]
    assert new_xep(xep_root, *args)[0] == 0
    header = load(xep_root / "inbox" / "widget-sync.xml").header
    assert header is not None
    written = header.revisions[0].date
    assert written is not None
    assert written.value in {before.isoformat(), datetime.now(UTC).date().isoformat()}


def test_the_type_option_overrides_the_templates(xep_root: Path) -> None:
    args = complete("advice", "--template", "protocol", "--type", "Informational")
    assert new_xep(xep_root, *args)[0] == 0
    draft = xep_root / "inbox" / "advice.xml"
    assert load(draft).header.value("type") == "Informational"  # type: ignore[union-attr]
    assert lint(draft, "xsf-ci") == []


# --- never overwrite, never hang ----------------------------------------------------------


def test_a_second_run_exits_2_and_leaves_the_file_alone(xep_root: Path) -> None:
    assert new_xep(xep_root, *complete())[0] == 0
    draft = xep_root / "inbox" / "widget-sync.xml"
    first = draft.read_bytes()
    code, output = new_xep(xep_root, *complete(), "--title", "Another Title")
    assert code == 2
    assert "already exists" in output and "--force" in output
    assert draft.read_bytes() == first
    assert sorted(p.name for p in draft.parent.iterdir()) == ["widget-sync.xml"]


def test_force_overwrites(xep_root: Path) -> None:
    assert new_xep(xep_root, *complete())[0] == 0
    code, output = new_xep(xep_root, *complete(), "--title", "Another Title", "--force")
    assert code == 0, output
    header = load(xep_root / "inbox" / "widget-sync.xml").header
    assert header is not None and header.value("title") == "Another Title"


@pytest.mark.parametrize("option", ["--title", "--shortname", "--abstract", "--author"])
@pytest.mark.parametrize("no_input", [True, False])
def test_a_missing_value_without_a_terminal_is_an_error(
    tmp_path: Path, option: str, no_input: bool
) -> None:
    args = complete()
    index = args.index(option)
    del args[index : index + 2]
    if option == "--author":
        args.remove("--jid")
        args.remove("alice@example.org")
    if not no_input:
        args.remove("--no-input")
    code, output = new_xep(tmp_path, *args, input="Some Answer\n" * 5)
    assert code == 2
    assert f"{option} is required" in output
    assert list(tmp_path.iterdir()) == []


# --- where the draft goes -----------------------------------------------------------------


def test_inside_a_checkout_the_draft_goes_to_the_inbox(xep_root: Path) -> None:
    folder = xep_root / "resources"
    folder.mkdir()
    assert new_xep(folder, *complete())[0] == 0
    assert (xep_root / "inbox" / "widget-sync.xml").is_file()
    assert list(folder.iterdir()) == []


def test_a_workspace_draft_goes_to_xeps(tmp_path: Path) -> None:
    (tmp_path / "xeps").mkdir()
    code, output = new_xep(tmp_path, *complete())
    assert code == 0
    assert (tmp_path / "xeps" / "widget-sync.xml").is_file()
    assert "e2ee-sig lint xeps/widget-sync.xml" in output
    assert "e2ee-sig bundle" in output


def test_elsewhere_the_draft_goes_to_the_current_folder(tmp_path: Path) -> None:
    assert new_xep(tmp_path, *complete())[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["widget-sync.xml"]


def test_output_names_a_file_or_a_folder(xep_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "draft.xml"
    assert new_xep(xep_root, *complete(), "--output", str(target))[0] == 0
    assert target.is_file() and list((xep_root / "inbox").iterdir()) == []
    folder = tmp_path / "folder"
    folder.mkdir()
    assert new_xep(xep_root, *complete(), "--output", str(folder))[0] == 0
    assert (folder / "widget-sync.xml").is_file()


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--shortname", "Widget_Sync", "not a short name"),
        ("--shortname", "-widgets", "not a short name"),
        ("--shortname", "xep-0384", "numbered XEP"),
        ("--shortname", "", "not a short name"),
        ("--title", "XEP Template", "template's own title"),
        ("--title", "   ", "title is empty"),
        ("--title", "Bell\x07", "U+0007"),
        ("--abstract", "", "abstract is empty"),
        ("--author", "Alice Example", "'Name <email>'"),
        ("--author", "Alice <alice@example.org>", "first name and a surname"),
        ("--author", "Alice Example <alice>", "email address"),
        ("--jid", "alice@example.org/phone", "bare JID"),
        ("--date", "2099-01-01", "in the future"),
        ("--date", "2026-02-30", "--date"),
        ("--template", "nonesuch", "no template 'nonesuch'"),
        ("--type", "Humorous", "--type"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, option: str, value: str, message: str) -> None:
    args = complete()
    index = args.index(option) if option in args else len(args)
    args[index : index + 2] = [option, value]
    code, output = new_xep(tmp_path, *args)
    assert code == 2
    assert message in output
    assert list(tmp_path.iterdir()) == []


def test_more_jids_than_authors_is_an_error(tmp_path: Path) -> None:
    code, output = new_xep(tmp_path, *complete(), "--jid", "bob@example.org")
    assert code == 2 and "more JIDs than authors" in output


def test_a_shortname_used_by_a_xep_is_refused(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep(shortname="widget-sync"), encoding="utf-8")
    code, output = new_xep(xep_root, *complete())
    assert code == 2 and "already used by" in output and "xep-0999.xml" in output
    assert list((xep_root / "inbox").iterdir()) == []


def test_a_shortname_used_by_an_inbox_file_is_refused(xep_root: Path, tmp_path: Path) -> None:
    (xep_root / "inbox" / "widget-sync.xml").write_text(make_xep(), encoding="utf-8")
    code, output = new_xep(xep_root, *complete(), "--output", str(tmp_path / "a.xml"))
    assert code == 2 and "inbox/widget-sync.xml" in output


def test_a_shortname_declared_in_the_workspace_is_refused(tmp_path: Path) -> None:
    (tmp_path / "xeps").mkdir()
    (tmp_path / "xeps" / "other.xml").write_text(make_xep(shortname="widget-sync"), "utf-8")
    code, output = new_xep(tmp_path, *complete())
    assert code == 2 and "other.xml" in output


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alice Example", ("Alice", "Example")),
        ("Peter Saint-Andre", ("Peter", "Saint-Andre")),
        ("Mary Ann  Smith", ("Mary Ann", "Smith")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Maria de la Cruz", ("Maria", "de la Cruz")),
        ("García Márquez, Gabriel", ("Gabriel", "García Márquez")),
        ("Daniel Gultsch", ("Daniel", "Gultsch")),
    ],
)
def test_names_split_into_firstname_and_surname(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


@pytest.mark.parametrize("name", ["Madonna", "Example,", ", Alice"])
def test_a_name_without_two_parts_is_refused(name: str) -> None:
    with pytest.raises(InvalidValue):
        split_name(name)


def test_initials_and_suggested_shortnames() -> None:
    assert initials(parse_author("Peter Saint-Andre <stpeter@example.org>")) == "psa"
    assert initials(parse_author("🐱 🐶 <cat@example.org>")) == "cat"
    assert suggest_shortname("OMEMO over MLS") == "omemo-over-mls"
    assert suggest_shortname("Ünïcode & 2 Things!") == "unicode-2-things"
    assert suggest_shortname("42 Widgets") == "widgets"


# --- templates: listing and a user's own ----------------------------------------------------


def test_list_templates_prints_name_then_description(tmp_path: Path) -> None:
    code, output = new_xep(tmp_path, "--list-templates")
    assert code == 0
    lines = output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(TEMPLATES)
    encryption = next(line for line in lines if line.startswith("encryption"))
    assert "threat model" in encryption
    assert list(tmp_path.iterdir()) == []


def custom_template(folder: Path, name: str = "mls") -> Path:
    """A user's template: the packaged protocol template with its own description."""
    text = discover_templates()["protocol"].path.read_text(encoding="utf-8")
    body = text.split("\n", 2)[2]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.xml.j2"
    path.write_text(
        "{# description: MLS-based scheme (SIG house style) #}\n{# type: Informational #}\n"
        + body.replace("TODO: Describe the problem", "TODO: Explain the MLS group"),
        encoding="utf-8",
    )
    return path


def test_a_draft_failing_the_xsf_checks_is_written_with_a_warning(
    xep_root: Path, tmp_path: Path
) -> None:
    path = custom_template(tmp_path / "mine")
    path.write_text(path.read_text("utf-8").replace("&LEGALNOTICE;", ""), "utf-8")
    args = [*complete(), "--template", "mls", "--template-dir", str(tmp_path / "mine")]
    code, output = new_xep(xep_root, *args)
    assert code == 0, output
    warnings = [line for line in output.splitlines() if line.startswith("warning: ")]
    assert warnings and all(" XSF" in line for line in warnings), output
    assert any("LEGALNOTICE" in line for line in warnings), output


def test_a_packaged_draft_has_no_warning(xep_root: Path) -> None:
    code, output = new_xep(xep_root, *complete())
    assert code == 0 and "warning:" not in output, output


def test_a_template_dir_adds_templates(xep_root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    custom_template(folder)
    code, output = new_xep(xep_root, "--list-templates", "--template-dir", str(folder))
    assert code == 0 and "mls" in output and "SIG house style" in output
    code, output = new_xep(
        xep_root, *complete(), "--template", "mls", "--template-dir", str(folder)
    )
    assert code == 0, output
    draft = xep_root / "inbox" / "widget-sync.xml"
    assert b"Explain the MLS group" in draft.read_bytes()
    assert load(draft).header.value("type") == "Informational"  # type: ignore[union-attr]
    assert lint(draft, "xsf-ci") == []


def test_the_template_dir_setting_is_read_from_the_configuration(tmp_path: Path) -> None:
    custom_template(tmp_path / "my-templates", "house")
    (tmp_path / ".e2ee-sig.toml").write_text('template-dir = "my-templates"\n', "utf-8")
    code, output = new_xep(tmp_path, "--list-templates")
    assert code == 0 and output.splitlines()[1].startswith("house ")


def test_a_missing_template_dir_is_an_error(tmp_path: Path) -> None:
    code, output = new_xep(tmp_path, "--list-templates", "--template-dir", str(tmp_path / "no"))
    assert code == 2 and "template folder not found" in output


def test_a_template_with_an_unusable_type_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    path = custom_template(folder)
    path.write_text(path.read_text("utf-8").replace("type: Informational", "type: Humorous"))
    code, output = new_xep(
        tmp_path, *complete(), "--template", "mls", "--template-dir", str(folder)
    )
    assert code == 2 and "--type: no type 'Humorous'" in output
    code, output = new_xep(
        tmp_path,
        *complete(),
        "--template",
        "mls",
        "--template-dir",
        str(folder),
        "--type",
        "Informational",
    )
    assert code == 0, output


def test_a_template_that_renders_broken_xml_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    path = custom_template(folder)
    path.write_text(
        path.read_text("utf-8").replace("<header>", "<header><!-- {{ title }} -->"), "utf-8"
    )
    args = complete("broken", "--template", "mls", "--template-dir", str(folder))
    args[args.index("Widget Synchronization")] = "A -- B"
    code, output = new_xep(tmp_path, *args)
    assert code == 2 and "not well-formed" in output
    assert not (tmp_path / "broken.xml").exists()


# --- prompts on a terminal ----------------------------------------------------------------


def test_prompts_offer_defaults_and_ask_again_after_a_bad_answer(tmp_path: Path) -> None:
    @click.command()
    def ask() -> None:
        path, _ = create_draft(
            DraftRequest(template="protocol"),
            prompter=TerminalPrompter(),
            today=date(2026, 11, 25),
            cwd=tmp_path,
        )
        click.echo(f"-> {path.name}")

    answers = [
        "OMEMO over MLS",  # title
        "Bad_Name",  # short name: refused, asked again
        "",  # short name: the suggested default
        "This specification defines OMEMO over MLS.",
        "Alice",  # author: refused, asked again
        ALICE,
        "alice@example.org",  # jid
        "",  # no other author
        "",  # type: the template's
    ]
    result = CliRunner().invoke(ask, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "-> omemo-over-mls.xml" in result.output
    assert result.output.count("Error:") == 2
    header = load(tmp_path / "omemo-over-mls.xml").header
    assert header is not None and header.value("type") == "Standards Track"
    assert header.authors[0].jid is not None and header.authors[0].jid.value == "alice@example.org"


# --- odd input ------------------------------------------------------------------------------

# Any character XML can hold, plus the ones that need escaping.
odd_text = (
    st.lists(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
        | st.sampled_from(["&", "<", ">", "'", '"', "]]>", "--", "&amp;", "é", "😀", "\u202e"]),
        min_size=1,
        max_size=30,
    )
    .map("".join)
    .filter(lambda text: text.strip() and text.strip().casefold() != "xep template")
)
name_part = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Zs", "Zl", "Zp")).filter(
        lambda c: c not in "<>," and not c.isspace()
    )
    | st.sampled_from(["&", "'", '"', "é", "😀"]),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(title=odd_text, abstract=odd_text, first=name_part, last=name_part)
def test_odd_input_always_yields_a_valid_draft(
    xep_root: Path, title: str, abstract: str, first: str, last: str
) -> None:
    args = complete("odd", "--force", "--template", "encryption")
    args[args.index("Widget Synchronization")] = title
    args[args.index("This specification defines how widgets are synchronized.")] = abstract
    args[args.index(ALICE)] = f"{first} {last} <odd@example.org>"
    code, output = new_xep(xep_root, *args)
    assert code == 0, output
    draft = xep_root / "inbox" / "odd.xml"
    assert lint(draft, "xsf-ci") == []
    if XMLLINT:
        assert xmllint_problems(xep_root, draft) == ""
    header = load(draft).header
    assert header is not None
    assert header.value("title") == " ".join(title.split())
    assert header.value("abstract") == " ".join(abstract.split())
    author = header.authors[0]
    assert author.firstname is not None and author.surname is not None
    assert f"{author.firstname.value} {author.surname.value}" == f"{first} {last}"


def test_the_configured_xeps_root_is_searched_for_used_shortnames(
    xep_root: Path, tmp_path: Path
) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep(shortname="widget-sync"), encoding="utf-8")
    workspace = tmp_path / "sig"
    (workspace / "xeps").mkdir(parents=True)
    (workspace / ".e2ee-sig.toml").write_text(f'xeps-root = "{xep_root}"\n', "utf-8")
    code, output = new_xep(workspace, *complete())
    assert code == 2 and "xep-0999.xml" in output
    assert new_xep(workspace, *complete("widget-sync-2"))[0] == 0
    assert (workspace / "xeps" / "widget-sync-2.xml").is_file()


def test_addresses_may_hold_apostrophes_and_ampersands() -> None:
    author = parse_author("Pat O'Brien <pat.o'brien+xmpp&co@example.org>")
    assert (author.firstname, author.surname) == ("Pat", "O'Brien")
    assert author.email == "pat.o'brien+xmpp&co@example.org"
