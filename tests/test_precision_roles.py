"""E2EE rule scope by what a spec defines: roles inferred or declared, never by number."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.xep import parse_bytes
from e2ee_sig.xep.scope import Role, role_of
from tests.test_rules_e2ee import FILLER, SECTIONS, spec
from tests.xepfactory import codes, lint_text, make_xep

MARKER_SECTIONS = """<section1 topic='Introduction' anchor='intro'>
  <p>Widget Marking tells a client which encryption a message uses.</p>
  <example caption='A marked message'><![CDATA[<message to='juliet@capulet.lit'>
  <wmark xmlns='urn:xmpp:wmark:0' namespace='urn:xmpp:omemo:2'/>
  <body>This message is encrypted.</body>
</message>]]></example>
</section1>
<section1 topic='Security Considerations' anchor='security'><p>Marks can be forged.</p></section1>
<section1 topic='XMPP Registrar Considerations' anchor='registrar'>
  <p>The XMPP Registrar shall include 'urn:xmpp:wmark:0' in its namespace registry.</p>
</section1>"""


def _role(text: str) -> Role | None:
    return role_of(parse_bytes(text.encode(), Path("xep-0999.xml"), "xep-0999.xml", None))


def test_a_full_encryption_spec_owes_every_section() -> None:
    assert _role(spec()) is Role.ENCRYPTION


def test_a_marker_spec_is_not_asked_for_keys_threats_or_trust() -> None:
    marker = make_xep(
        title="Widget Encryption Marking", shortname="wmark", sections=MARKER_SECTIONS
    )
    assert _role(marker) is Role.MARKER
    found = set(codes(lint_text(marker, select=("E2E",), profile="e2ee")))
    assert not found & {"E2E001", "E2E002", "E2E004", "E2E005", "E2E009", "E2E013"}


def test_a_framework_whose_users_write_profiles() -> None:
    text = MARKER_SECTIONS.replace(
        "Widget Marking tells a client which encryption a message uses.",
        "Encryption protocols that use this envelope MUST define their own profiles.",
    )
    framework = make_xep(title="Widget Envelope Encryption", shortname="wmark", sections=text)
    assert _role(framework) is Role.FRAMEWORK


def test_a_base_spec_leaves_marking_to_its_profiles() -> None:
    base = spec(
        SECTIONS.replace(
            "Widget Crypt encrypts one-to-one messages end to end.",
            "Applications write their own Widget Crypt profile; one such profile is for IM.",
        )
    )
    assert _role(base) is Role.BASE
    assert "E2E005" not in codes(
        lint_text(base.replace("urn:xmpp:eme:0", "urn:x"), select=("E2E005",))
    )


def test_a_profile_inherits_keys_threats_and_trust() -> None:
    profile = make_xep(
        title="Widget Encryption for Pubsub",
        abstract="Specifies a Widget Crypt profile for pubsub.",
        sections="<section1 topic='Introduction' anchor='intro'><p>Hi.</p></section1>",
    )
    assert _role(profile) is Role.PROFILE
    assert not {"E2E002", "E2E013"} & set(codes(lint_text(profile, select=("E2E",))))


def test_a_declared_role_wins_and_none_opts_out() -> None:
    declared = spec().replace("<xep>", '<?e2ee-sig role="marker"?>\n<xep>')
    assert _role(declared) is Role.MARKER
    opted_out = spec().replace("<xep>", '<?e2ee-sig role="none"?>\n<xep>')
    assert _role(opted_out) is None and lint_text(opted_out, select=("E2E",)) == []


def test_certificate_based_trust_is_a_trust_model() -> None:
    certificates = SECTIONS.replace(
        "<section1 topic='Trust' anchor='trust'>\n  <p>Clients MUST let users compare "
        "fingerprints.</p>\n</section1>",
        "<section1 topic='Authentication' anchor='auth'><p>Keys are X.509 certificates issued "
        "by a certificate authority the user configures.</p></section1>",
    )
    assert certificates != SECTIONS
    assert lint_text(spec(certificates), select=("E2E013",)) == []


def test_e2ee_profile_spares_process_and_humorous_documents(corpus: Path) -> None:
    humorous = [p for p in corpus.glob("xep-*.xml") if b"<type>Humorous</type>" in p.read_bytes()]
    files = [str(corpus / "xep-0001.xml"), *map(str, humorous)]
    assert len(files) > 1
    report = lint_paths(files, LintOptions(profile="e2ee", select=("E2E",), jobs=1))
    assert report.diagnostics == []


def test_a_spec_carrying_established_encryption_schemes_is_a_framework() -> None:
    short = SECTIONS.replace(FILLER, "Secure.")
    intro = "Widget Crypt encrypts one-to-one messages end to end."
    assert "E2E001" in codes(lint_text(spec(short), select=("E2E001",)))
    carrier = spec(
        short.replace(
            intro, "Widget Transport uses established encryption schemes to protect its AES keys."
        )
    )
    assert _role(carrier) is Role.FRAMEWORK
    assert lint_text(carrier, select=("E2E001",)) == []
