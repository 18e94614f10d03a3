"""``e2ee-sig render``: byte-identical to xsltproc on the corpus, offline, clear errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from e2ee_sig.render import Renderer, RenderError, find_stylesheet
from tests.xepfactory import make_xep

STYLESHEET = Path(__file__).parent / "fixtures" / "render" / "xep.xsl"


def xsltproc() -> str:
    """The xsltproc binary; tests skip without it, except under CI=true where they fail."""
    binary = shutil.which("xsltproc")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("xsltproc is required under CI=true (.ci/run installs it)")
        pytest.skip("xsltproc is not installed")
    return binary


def reference(binary: str, file: Path) -> bytes:
    run = subprocess.run(
        [binary, "--nonet", str(STYLESHEET), str(file)], capture_output=True, check=True
    )
    return run.stdout


def test_parity_with_xsltproc_on_every_root_xep(corpus: Path) -> None:
    binary = xsltproc()
    renderer = Renderer(STYLESHEET)
    files = sorted(corpus.glob("xep-*.xml"))
    assert len(files) > 250
    differing = [f.name for f in files if renderer.render(f) != reference(binary, f)]
    assert differing == []


def test_parity_with_xsltproc_on_every_inbox_xep(corpus: Path, tmp_path: Path) -> None:
    """In xsf/xeps, inbox/xep.dtd and inbox/xep.ent are symlinks to the root's files."""
    binary = xsltproc()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("xep.dtd", "xep.ent"):
        (tmp_path / name).symlink_to(corpus / name)
        (inbox / name).symlink_to(corpus / name)
    files = sorted((corpus / "inbox").glob("*.xml"))
    assert len(files) > 50
    renderer = Renderer(STYLESHEET)
    differing = []
    for file in files:
        link = inbox / file.name
        link.symlink_to(file)
        if renderer.render(link) != reference(binary, link):
            differing.append(file.name)
    assert differing == []


def test_entities_expanded_and_dtd_defaults_applied(xsf_root: Path) -> None:
    xep = xsf_root / "xep-0999.xml"
    xep.write_text(make_xep())
    html = Renderer(STYLESHEET).render(xep).decode()
    assert "Service Discovery" in html  # &xep0030; from xep.ent
    assert "&xep0030;" not in html
    # xep.dtd gives section1 an anchor='' default: the sections without one are marked.
    bare = make_xep(sections="<section1 topic='Intro'><p>Hi.</p></section1>")
    xep.write_text(bare)
    assert 'class="no-anchor"' in Renderer(STYLESHEET).render(xep).decode()


def test_no_network_and_no_files_outside_the_root(xep_root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    subset = f"\n  <!ENTITY leak SYSTEM '{secret}'>\n  <!ENTITY web SYSTEM 'http://127.0.0.1:9/x'>"
    sections = "<section1 topic='Intro' anchor='intro'><p>A&leak;B&web;C</p></section1>"
    xep = xep_root / "xep-0999.xml"
    xep.write_text(make_xep(internal_subset=subset, sections=sections))
    html = Renderer(STYLESHEET).render(xep).decode()
    assert "<p>ABC</p>" in html
    assert "TOP-SECRET" not in html


def test_stylesheet_found_in_the_xep_root(xep_root: Path) -> None:
    (xep_root / "xep.xsl").write_bytes(STYLESHEET.read_bytes())
    draft = xep_root / "inbox" / "draft.xml"
    draft.write_text(make_xep(number="XXXX", status="ProtoXEP"))
    assert find_stylesheet([draft]) == xep_root / "xep.xsl"
    result = CliRunner().invoke(main, ["render", str(draft)])
    assert result.exit_code == 0, result.output
    assert "<h1>XEP-XXXX: Example Widget Negotiation</h1>" in result.output
    assert result.stdout_bytes == Renderer(xep_root / "xep.xsl").render(draft)


def test_missing_stylesheet_is_a_usage_error(xep_root: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    xep.write_text(make_xep())
    with pytest.raises(RenderError, match=r"no xep\.xsl found"):
        find_stylesheet([xep])
    result = CliRunner().invoke(main, ["render", str(xep)])
    assert result.exit_code == 2
    assert "no xep.xsl found" in result.output
    assert "Traceback" not in result.output


def test_several_files_into_a_folder(xep_root: Path, tmp_path: Path) -> None:
    files = []
    for number in ("0998", "0999"):
        files.append(xep_root / f"xep-{number}.xml")
        files[-1].write_text(make_xep(number=number))
    args = ["render", "--stylesheet", str(STYLESHEET), *map(str, files)]
    assert CliRunner().invoke(main, args).exit_code == 2  # several files need -o
    out = tmp_path / "html"
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["xep-0998.html", "xep-0999.html"]
    assert "XEP-0998:" in (out / "xep-0998.html").read_text()


def test_broken_xml_is_one_line_and_exit_1(xep_root: Path, tmp_path: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    xep.write_text(make_xep().replace("</header>", "</heder>"))
    out = tmp_path / "out.html"
    result = CliRunner().invoke(
        main, ["render", "--stylesheet", str(STYLESHEET), str(xep), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert f"{xep}: line " in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
