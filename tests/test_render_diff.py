"""``e2ee-sig diff``: constructed version pairs with exact expected markup, git versions."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.cli import main
from e2ee_sig.render.diff import render_diff_html, render_diff_text
from e2ee_sig.render.words import DELETED, INSERTED, SAME, line_diff, word_diff
from tests.xepfactory import REVISIONS, SECTIONS, make_xep

INTRO = """<section1 topic='Introduction' anchor='intro'>
  <p>Widgets are negotiated between two entities.</p>
</section1>"""
REQS = """<section1 topic='Requirements' anchor='reqs'>
  <p>The protocol is simple.</p>
  <p>Offers are small.</p>
</section1>"""
EXAMPLE = """<section1 topic='Protocol' anchor='protocol'>
  <example caption='An offer'><![CDATA[
<offer>
  <widget>a</widget>
</offer>
]]></example>
</section1>"""


def diff_html(root: Path, old: str, new: str) -> str:
    return render_diff_html(
        old.encode(), new.encode(), root / "xep-0999.xml", labels=("old", "new")
    )


def test_inserted_section(xep_root: Path) -> None:
    new_section = (
        "<section1 topic='Negotiation' anchor='negotiation'><p>Send an offer.</p></section1>"
    )
    page = diff_html(
        xep_root,
        make_xep(sections=INTRO + REQS),
        make_xep(sections=INTRO + REQS + new_section),
    )
    assert (
        '<section class="inserted" id="s-negotiation">'
        '<h2>3. Negotiation <span class="tag inserted">inserted</span></h2>'
        '<div class="inline"><p class="b inserted"><ins>Send an offer.</ins></p></div>'
        '<table class="side"><tr class="inserted"><td></td>'
        '<td><p class="b inserted"><ins>Send an offer.</ins></p></td></tr></table></section>'
    ) in page
    assert (
        '<li class="level-1 inserted"><a href="#s-negotiation">3. Negotiation</a>'
        ' <span class="tag inserted">inserted</span></li>'
    ) in page
    assert '<li class="level-1 same"><a href="#s-intro">1. Introduction</a></li>' in page
    assert "1 inserted, 2 unchanged sections" in page


def test_section_inserted_first_leaves_the_renumbered_ones_unchanged(xep_root: Path) -> None:
    overview = "<section1 topic='Overview' anchor='overview'><p>In short.</p></section1>"
    page = diff_html(xep_root, make_xep(), make_xep(sections=overview + SECTIONS))
    assert page.count('class="tag inserted"') == 2  # TOC entry + heading
    assert '<li class="level-1 same"><a href="#s-intro">2. Introduction</a></li>' in page
    assert 'class="tag changed"' not in page
    assert 'class="tag deleted"' not in page


def test_moved_paragraph(xep_root: Path) -> None:
    old = make_xep(sections=INTRO + REQS)
    new = make_xep(
        sections=INTRO.replace("</p>", "</p>\n  <p>Offers are small.</p>").replace(
            "</section1>", "</section1>", 1
        )
        + REQS.replace("\n  <p>Offers are small.</p>", "")
    )
    page = diff_html(xep_root, old, new)
    assert (
        '<div class="inline"><p class="b same">Widgets are negotiated between two entities.</p>'
        '<p class="b moved-to"><ins>Offers are small.</ins></p></div>'
    ) in page
    assert (
        '<div class="inline"><p class="b same">The protocol is simple.</p>'
        '<p class="b moved-from"><del>Offers are small.</del></p></div>'
    ) in page
    assert page.count('<span class="tag changed">changed</span>') == 4  # 2 TOC + 2 headings


def test_reordered_sections_are_moved(xep_root: Path) -> None:
    page = diff_html(xep_root, make_xep(sections=INTRO + REQS), make_xep(sections=REQS + INTRO))
    assert '<span class="tag moved">moved</span>' in page
    assert 'class="tag deleted"' not in page


def test_renamed_section_is_changed_not_deleted_and_inserted(xep_root: Path) -> None:
    renamed = REQS.replace("topic='Requirements' anchor='reqs'", "topic='Goals' anchor='goals'")
    page = diff_html(xep_root, make_xep(sections=INTRO + REQS), make_xep(sections=INTRO + renamed))
    assert (
        '<section class="changed" id="s-goals"><h2>2. <del>Requirements</del><ins>Goals</ins>'
        ' <span class="tag changed">changed</span></h2>'
    ) in page
    assert "inserted" not in page.split("<main>")[1]
    assert "deleted" not in page.split("<main>")[1]


def test_word_changes_in_a_paragraph(xep_root: Path) -> None:
    new_reqs = REQS.replace("is simple.", "is rather complex.")
    page = diff_html(xep_root, make_xep(sections=INTRO + REQS), make_xep(sections=INTRO + new_reqs))
    assert (
        '<p class="b changed">The protocol is <del>simple</del><ins>rather complex</ins>.</p>'
    ) in page
    # Side by side: the old column keeps only deletions, the new one only insertions.
    assert (
        '<tr class="changed"><td><p class="b changed">The protocol is <del>simple</del>.</p></td>'
        '<td><p class="b changed">The protocol is <ins>rather complex</ins>.</p></td></tr>'
    ) in page


def test_changed_example_line_by_line(xep_root: Path) -> None:
    new_example = EXAMPLE.replace(
        "  <widget>a</widget>", "  <widget>b</widget>\n  <widget>c</widget>"
    )
    page = diff_html(
        xep_root, make_xep(sections=INTRO + EXAMPLE), make_xep(sections=INTRO + new_example)
    )
    assert (
        '<div class="b changed"><p class="caption">Example: An offer</p><pre>&lt;offer&gt;\n'
        "<del>  &lt;widget&gt;a&lt;/widget&gt;\n</del>"
        "<ins>  &lt;widget&gt;b&lt;/widget&gt;\n</ins>"
        "<ins>  &lt;widget&gt;c&lt;/widget&gt;\n</ins>"
        "&lt;/offer&gt;\n</pre></div>"
    ) in page


AUTHORS = (
    "<author><firstname>Alex</firstname><surname>Example</surname>"
    "<email>alex@example.org</email></author>"
)
MORE_AUTHORS = (
    AUTHORS
    + "\n  <author><firstname>Bea</firstname><surname>Two</surname></author>"
    + "\n  <author><firstname>Cy</firstname><surname>Three</surname></author>"
)
NEW_REVISION = """  <revision>
    <version>0.3.0</version>
    <date>2026-04-01</date>
    <initials>bt</initials>
    <remark><p>Add authors.</p></remark>
  </revision>
"""


def test_header_change_summary(xep_root: Path) -> None:
    old = make_xep(authors=AUTHORS)
    new = make_xep(authors=MORE_AUTHORS, revisions=NEW_REVISION + REVISIONS)
    page = diff_html(xep_root, old, new)
    assert '<p class="summary">0.2.0 → 0.3.0, status Experimental, 2 authors added</p>' in page
    assert (
        '<ul class="header-changes"><li>Authors added: Bea Two, Cy Three</li>'
        "<li>Revision 0.3.0 (2026-04-01): Add authors.</li></ul>"
    ) in page
    status = make_xep(status="Stable", approver="<approver>Council</approver>")
    summary = diff_html(xep_root, old, status).split('<p class="summary">')[1].split("</p>")[0]
    assert summary == "version 0.2.0 (unchanged), status Experimental → Stable"


def test_text_format(xep_root: Path) -> None:
    new_reqs = REQS.replace("is simple.", "is rather complex.")
    text = render_diff_text(
        make_xep(sections=INTRO + REQS).encode(),
        make_xep(sections=INTRO + new_reqs).encode(),
        xep_root / "xep-0999.xml",
        labels=("HEAD", "work tree"),
    )
    assert text == (
        "XEP-0999: Example Widget Negotiation\n"
        "HEAD → work tree\n"
        "version 0.2.0 (unchanged), status Experimental\n"
        "\n"
        "§ 2. Requirements  [changed]\n"
        "    The protocol is [-simple-]{+rather complex+}.\n"
        "\n"
        "1 section differs, 1 unchanged.\n"
    )


def test_text_format_in_colour(xep_root: Path) -> None:
    text = render_diff_text(
        make_xep(sections=INTRO + REQS).encode(),
        make_xep(sections=INTRO + REQS.replace("simple", "tiny")).encode(),
        xep_root / "xep-0999.xml",
        color=True,
    )
    assert "\x1b[31m\x1b[9msimple\x1b[0m\x1b[32m\x1b[4mtiny\x1b[0m" in text
    assert "[-" not in text


@pytest.fixture
def history(xep_root: Path) -> Path:
    """A git repository with three commits of xep-0999.xml: 0.1.0, 0.2.0, an edit."""
    from git import Actor, Repo

    repo = Repo.init(xep_root)
    author = Actor("Test", "test@example.org")
    xep = xep_root / "xep-0999.xml"
    first = REVISIONS.split("  <revision>")[2]
    steps = [
        make_xep(revisions="  <revision>" + first, sections=INTRO + REQS),
        make_xep(sections=INTRO + REQS),
        make_xep(sections=INTRO + REQS.replace("simple", "tiny")),
    ]
    for number, text in enumerate(steps):
        xep.write_text(text)
        repo.index.add([str(xep)])
        repo.index.commit(f"step {number}", author=author, committer=author)
    return xep


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.output


def test_versions_from_git(history: Path) -> None:
    code, text = invoke("HEAD~1", "HEAD", str(history), "--format", "text")
    assert code == 0, text
    assert "    The protocol is [-simple-]{+tiny+}.\n" in text
    code, text = invoke("0.1.0", "0.2.0", str(history), "--format", "text")
    assert code == 0, text
    assert "0.1.0 → 0.2.0, status Experimental" in text
    assert "  Revision 0.2.0 (2026-03-01): Describe the negotiation." in text
    assert "simple" not in text  # the edit came after 0.2.0's commit


def test_default_is_head_against_the_work_tree(history: Path, tmp_path: Path) -> None:
    history.write_text(history.read_text().replace("tiny", "huge"))
    out = tmp_path / "diff.html"
    code, output = invoke(str(history), "-o", str(out))
    assert code == 0, output
    page = out.read_text()
    assert "<del>tiny</del><ins>huge</ins>" in page
    assert "xep-0999.xml (work tree)" in page


def test_two_files(history: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.xml"
    old.write_text(history.read_text().replace("tiny", "small"))
    code, text = invoke(str(old), str(history), "--format", "text")
    assert code == 0, text
    assert "[-small-]{+tiny+}" in text


def test_unknown_revision_and_broken_xml(history: Path) -> None:
    code, output = invoke("no-such-ref", str(history))
    assert code == 2
    assert "unknown git revision 'no-such-ref'" in output
    code, output = invoke("9.9.9", str(history))
    assert code == 2
    assert "no revision block 9.9.9 in the history of xep-0999.xml" in output
    history.write_text(history.read_text().replace("</xep>", "</xepp>"))
    code, output = invoke(str(history))
    assert code == 1
    assert "xep-0999.xml (work tree): line " in output
    assert "Traceback" not in output


WORDS = st.text(alphabet=st.sampled_from("ab c.\n<&é"), max_size=40)


@given(WORDS, WORDS)
def test_word_diff_rebuilds_both_versions(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op != INSERTED) == old
    assert "".join(t for op, t in ops if op != DELETED) == new
    assert all(a[0] != b[0] or a[0] == SAME for a, b in itertools.pairwise(ops))


@given(st.lists(WORDS, max_size=8), st.lists(WORDS, max_size=8))
def test_line_diff_rebuilds_both_versions(old: list[str], new: list[str]) -> None:
    ops = line_diff(old, new)
    assert [t for op, t in ops if op != INSERTED] == old
    assert [t for op, t in ops if op != DELETED] == new


def test_outside_a_git_repository(xep_root: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    xep.write_text(make_xep())
    code, output = invoke(str(xep))
    assert code == 2
    assert "not inside a git repository" in output
