"""E2E001-E2E013: a firing and a passing fixture per rule, scope, and the real E2EE specs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Severity
from e2ee_sig.lint.rules.e2ee import SECURITY_MIN_WORDS
from e2ee_sig.xep import load, root_at
from e2ee_sig.xep.scope import is_encryption_spec
from tests.xepfactory import codes, lint_text, make_xep

PROJECT_DRAFTS = Path(__file__).resolve().parents[1] / "xeps"
FILLER = " ".join(["Implementations keep key material on the device only."] * 30)
REGISTERED = (
    "<p>The XMPP Registrar shall include 'urn:xmpp:wcrypt:0' in its namespace registry.</p>"
)
MESSAGE = """<message to='juliet@capulet.lit' type='chat'>
  <encrypted xmlns='urn:xmpp:wcrypt:0'>
    <payload>BASE64_CIPHERTEXT</payload>
  </encrypted>
  <encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:wcrypt:0'/>
  <body>This message is encrypted with Widget Crypt.</body>
</message>"""
SECTIONS = f"""<section1 topic='Introduction' anchor='intro'>
  <p>Widget Crypt encrypts one-to-one messages end to end.</p>
</section1>
<section1 topic='Requirements' anchor='reqs'>
  <section2 topic='Threat Model' anchor='reqs-threat-model'>
    <p>The attacker controls the servers. Widget Crypt does not protect against metadata
    analysis.</p>
  </section2>
</section1>
<section1 topic='Discovering Support' anchor='disco'>
  <example caption='Discovery'><![CDATA[<query xmlns='http://jabber.org/protocol/disco#info'/>]]></example>
</section1>
<section1 topic='Sending a Message' anchor='send'>
  <p>Messages are marked as &xep0380; describes.</p>
  <example caption='An encrypted message'><![CDATA[{MESSAGE}]]></example>
</section1>
<section1 topic='Trust' anchor='trust'>
  <p>Clients MUST let users compare fingerprints.</p>
</section1>
<section1 topic='Security Considerations' anchor='security'>
  <p>{FILLER}</p>
</section1>
<section1 topic='Privacy Considerations' anchor='privacy'>
  <p>Device lists are public and reveal how many devices a user has.</p>
</section1>
<section1 topic='IANA Considerations' anchor='iana'>
  <p>This document requires no interaction with the Internet Assigned Numbers Authority (IANA).</p>
</section1>
<section1 topic='XMPP Registrar Considerations' anchor='registrar'>
  {REGISTERED}
  <section2 topic='Protocol Versioning' anchor='registrar-versioning'>&NSVER;</section2>
</section1>"""
DEPENDENCIES = "<spec>XMPP Core</spec>\n    <spec>XEP-0030</spec>\n    <spec>XEP-0380</spec>"


def spec(sections: str = SECTIONS, **overrides: str) -> str:
    """A small encryption spec that passes every E2E rule; ``sections`` replaces the body."""
    values = {
        "title": "Widget Encryption",
        "shortname": "wcrypt",
        "dependencies": DEPENDENCIES,
        "sections": sections,
        **overrides,
    }
    return make_xep(**values)


def replaced(old: str, new: str, text: str = SECTIONS) -> str:
    assert old in text, old
    return text.replace(old, new)


def findings(text: str, code: str) -> list[str]:
    return [d.message for d in lint_text(text, select=(code,), profile="e2ee")]


def test_clean_spec_passes_every_e2ee_rule() -> None:
    assert codes(lint_text(spec(), select=("E2E",), profile="e2ee")) == []


def test_e2e001_short_security_section() -> None:
    short = replaced(FILLER, "Widget Crypt is secure.")
    (message,) = findings(spec(short), "E2E001")
    assert f"{SECURITY_MIN_WORDS}" in message and "has 4 words" in message


def test_e2e002_threat_model() -> None:
    bare = replaced(
        """<section2 topic='Threat Model' anchor='reqs-threat-model'>
    <p>The attacker controls the servers. Widget Crypt does not protect against metadata
    analysis.</p>
  </section2>""",
        "<p>Widget Crypt is simple.</p>",
    )
    (message,) = findings(spec(bare), "E2E002")
    assert "threat model" in message and "does not protect against" in message
    prose_only = replaced(
        "<p>Widget Crypt is simple.</p>",
        "<p>An attacker on the server learns who talks to whom; this is out of scope.</p>",
        bare,
    )
    assert findings(spec(prose_only), "E2E002") == []


def test_e2e004_privacy_metadata() -> None:
    vague = replaced(
        "Device lists are public and reveal how many devices a user has.",
        "No personal data is exposed.",
    )
    (message,) = findings(spec(vague), "E2E004")
    assert "does not discuss metadata" in message
    missing = replaced(
        "<section1 topic='Privacy Considerations' anchor='privacy'>",
        "<section1 topic='Notes' anchor='privacy'>",
    )
    (message,) = findings(spec(missing), "E2E004")
    assert "no 'Privacy Considerations' section" in message


def test_e2e005_eme_marking() -> None:
    unmarked = replaced(
        "  <encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:wcrypt:0'/>\n", ""
    ).replace("  <body>This message is encrypted with Widget Crypt.</body>\n", "")
    (message,) = findings(spec(unmarked), "E2E005")
    assert "urn:xmpp:eme:0" in message and "fallback <body/>" in message


def test_e2e005_sce_users_need_no_fallback_body() -> None:
    with_sce = replaced(
        "  <body>This message is encrypted with Widget Crypt.</body>\n",
        "  <store xmlns='urn:xmpp:hints'/>\n",
    ).replace(
        "<payload>BASE64_CIPHERTEXT</payload>",
        "<payload><envelope xmlns='urn:xmpp:sce:1'/></payload>",
    )
    assert findings(spec(with_sce), "E2E005") == []
    without = replaced("<p>Messages are marked as &xep0380; describes.</p>", "<p>Hi.</p>", with_sce)
    (message,) = findings(spec(without, dependencies="<spec>XMPP Core</spec>"), "E2E005")
    assert "&xep0380;" in message and "fallback" not in message


SCE_SECTIONS = replaced(
    "<payload>BASE64_CIPHERTEXT</payload>",
    "<payload><envelope xmlns='urn:xmpp:sce:1'><rpad>x</rpad></envelope></payload>",
)
SCE_PROFILE = """<section1 topic='SCE Profile' anchor='sce'>
  <p>The &lt;rpad/&gt; affix MUST be present; the &lt;to/&gt; affix MUST be verified.</p>
</section1>
"""


def test_e2e006_sce_profile() -> None:
    assert sorted(findings(spec(SCE_SECTIONS), "E2E006")) == [
        "uses Stanza Content Encryption but XEP-0420 is not in <dependencies>",
        "uses Stanza Content Encryption but defines no SCE profile (which affixes rpad, time, "
        "to, from are required and how they are verified)",
    ]
    profiled = replaced(
        "<section1 topic='Trust' anchor='trust'>",
        SCE_PROFILE + "<section1 topic='Trust' anchor='trust'>",
        SCE_SECTIONS,
    )
    dependencies = DEPENDENCIES + "\n    <spec>XEP-0420</spec>"
    assert findings(spec(profiled, dependencies=dependencies), "E2E006") == []


def test_e2e006_is_an_error_by_default() -> None:
    (diagnostic, *_) = lint_text(spec(SCE_SECTIONS), select=("E2E006",))
    assert diagnostic.severity is Severity.ERROR


def test_e2e007_ns_versioned() -> None:
    unversioned = SECTIONS.replace("urn:xmpp:wcrypt:0", "urn:xmpp:wcrypt").replace(
        "<section2 topic='Protocol Versioning' anchor='registrar-versioning'>&NSVER;</section2>",
        "",
    )
    assert findings(spec(unversioned), "E2E007") == [
        "namespace 'urn:xmpp:wcrypt' has no version number (urn:xmpp:ShortName:N)",
        "no namespace versioning note (&NSVER;) for urn:xmpp:wcrypt",
    ]


def test_e2e008_ns_registered() -> None:
    unregistered = replaced(
        REGISTERED,
        "<p>No namespaces need to be registered.</p>",
    )
    assert findings(spec(unregistered), "E2E008") == [
        "namespace 'urn:xmpp:wcrypt:0' is not listed in XMPP Registrar Considerations"
    ]


def test_e2e009_discovery() -> None:
    hidden = replaced(
        """<section1 topic='Discovering Support' anchor='disco'>
  <example caption='Discovery'><![CDATA[<query xmlns='http://jabber.org/protocol/disco#info'/>]]></example>
</section1>""",
        "",
    )
    (message,) = findings(spec(hidden), "E2E009")
    assert "discovered or announced" in message


def test_e2e010_deps_crypto() -> None:
    hinted = replaced(
        "  <body>This message is encrypted with Widget Crypt.</body>\n",
        "  <body>Encrypted.</body>\n  <store xmlns='urn:xmpp:hints'/>\n",
    )
    assert findings(spec(hinted), "E2E010") == [
        "examples use 'urn:xmpp:hints' but XEP-0334 is not in <dependencies>"
    ]
    listed = DEPENDENCIES + "\n    <spec>XEP-0334</spec>"
    assert findings(spec(hinted, dependencies=listed), "E2E010") == []


def test_e2e011_crypto_refs() -> None:
    uncited = replaced(
        "<p>Widget Crypt encrypts one-to-one messages end to end.</p>",
        "<p>Keys are derived with HKDF.</p>",
    )
    assert findings(spec(uncited), "E2E011") == [
        "HKDF is used but never cited: add a reference such as &rfc5869; at its first mention"
    ]
    cited = replaced(
        "with HKDF.",
        "with HKDF (<link url='https://www.rfc-editor.org/rfc/rfc5869'>RFC 5869</link>).",
        uncited,
    )
    assert findings(spec(cited), "E2E011") == []


def test_e2e011_a_name_split_across_two_paragraphs_is_no_mention() -> None:
    split = replaced(
        "<p>Widget Crypt encrypts one-to-one messages end to end.</p>",
        "<p>Widget Crypt is not the Double</p><p>Ratchet of the widget world.</p>",
    )
    assert findings(spec(split), "E2E011") == []
    whole = replaced("the Double</p><p>Ratchet", "the Double Ratchet</p><p>", split)
    assert findings(spec(whole), "E2E011") == [
        "Double Ratchet is used but never cited: add a reference such as &doubleratchet; "
        "at its first mention"
    ]


PEM = "-----BEGIN " + "PRIVATE KEY-----"


@pytest.mark.parametrize(
    "secret",
    [
        f"<key>\n{PEM}\nMIIEvQ\n</key>",
        "<secretkey>-----BEGIN PGP PRIVATE KEY BLOCK-----</secretkey>",
        "<private-key>9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</private-key>",
    ],
)
def test_e2e012_no_real_secrets(secret: str) -> None:
    leaky = replaced("<payload>BASE64_CIPHERTEXT</payload>", secret)
    diagnostics = lint_text(spec(leaky), select=("E2E012",))
    assert codes(diagnostics) == ["E2E012"] and diagnostics[0].severity is Severity.ERROR


@pytest.mark.parametrize(
    "placeholder",
    [
        "<secretkey>BASE64_OPENPGP_ENCRYPTED_SECRET_KEY</secretkey>",
        "<private-key>000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f</private-key>",
        "<private-key>00000000000000000000000000000000000000000000</private-key>",
    ],
)
def test_e2e012_placeholders_pass(placeholder: str) -> None:
    text = spec(replaced("<payload>BASE64_CIPHERTEXT</payload>", placeholder))
    assert findings(text, "E2E012") == []


def test_e2e013_trust_model() -> None:
    trustless = replaced(
        """<section1 topic='Trust' anchor='trust'>
  <p>Clients MUST let users compare fingerprints.</p>
</section1>""",
        "",
    )
    (message,) = findings(spec(trustless), "E2E013")
    assert "trust in keys" in message
    declared = replaced(
        "<p>Widget Crypt encrypts one-to-one messages end to end.</p>",
        "<p>Trust management is out of scope; see &xep0450;.</p>",
        trustless,
    )
    assert findings(spec(declared), "E2E013") == []


def test_protocol_rules_skip_informational_documents() -> None:
    bare = replaced(
        """<section1 topic='Discovering Support' anchor='disco'>
  <example caption='Discovery'><![CDATA[<query xmlns='http://jabber.org/protocol/disco#info'/>]]></example>
</section1>""",
        "",
    ).replace(
        REGISTERED,
        "",
    )
    protocol = codes(lint_text(spec(bare), select=("E2E",), profile="e2ee"))
    assert {"E2E008", "E2E009"} <= set(protocol)
    informational = lint_text(spec(bare, xep_type="Informational"), select=("E2E",))
    assert not {"E2E005", "E2E006", "E2E007", "E2E008", "E2E009"} & set(codes(informational))


def test_e2ee_profile_makes_warnings_errors() -> None:
    text = spec(replaced(FILLER, "Secure."))
    (default,) = lint_text(text, select=("E2E001",))
    (strict,) = lint_text(text, select=("E2E001",), profile="e2ee")
    assert (default.severity, strict.severity) == (Severity.WARNING, Severity.ERROR)


def test_non_encryption_xep_gets_no_e2ee_diagnostics() -> None:
    widget = make_xep(
        sections="<section1 topic='Introduction' anchor='intro'><p>Hi.</p></section1>"
    )
    assert [c for c in codes(lint_text(widget)) if c.startswith("E2E")] == []
    strict = lint_text(widget, select=("E2E",), profile="e2ee")
    assert strict == []  # --profile e2ee raises severities; it does not widen the scope
    declared = widget.replace("<xep>", '<?e2ee-sig role="encryption"?>\n<xep>')
    assert "E2E002" in codes(lint_text(declared, select=("E2E",)))


# --- the real corpus ---

ENCRYPTION_SPECS = re.findall(
    r"\d{4}", "0027 0373 0374 0380 0384 0420 0434 0448 0450 0454 0473 0476 0477 0510"
)
ENCRYPTION_DRAFTS = [
    "automatic-trust-management",
    "contacts-e2e",
    "esfs",
    "gateway-relayed-encryption",
    "gre-encrypter-openpgp",
    "omemo-filetransfer",
    "omemo-media-sharing",
    "pubsub-encryption",
    "pubsub-signing-openpgp",
    "pubsub-targeted-encryption",
    "trust-messages",
    "xep-sce",
]
NOT_ENCRYPTION = re.findall(r"\d{4}", "0011 0030 0060 0300 0322 0414 0429 0516")


def _load(corpus: Path, name: str):
    return load(corpus / name, name, root_at(corpus))


def test_scope_selects_the_encryption_specs(corpus: Path) -> None:
    names = [f"xep-{n}.xml" for n in ENCRYPTION_SPECS]
    names += [f"inbox/{n}.xml" for n in ENCRYPTION_DRAFTS]
    assert [n for n in names if not is_encryption_spec(_load(corpus, n))] == []


def test_scope_leaves_other_xeps_alone(corpus: Path) -> None:
    names = [f"xep-{n}.xml" for n in NOT_ENCRYPTION] + ["inbox/sige2ee.xml"]
    assert [n for n in names if is_encryption_spec(_load(corpus, n))] == []


def _corpus_codes(corpus: Path, name: str) -> set[str]:
    report = lint_paths(
        [str(corpus / name)], LintOptions(select=("E2E",), xeps_root=corpus, jobs=1)
    )
    return {d.code for d in report.diagnostics}


@pytest.mark.parametrize(
    ("name", "expected", "absent"),
    [
        ("xep-0420.xml", {"E2E007", "E2E008"}, {"E2E001", "E2E005", "E2E009", "E2E013"}),
        ("xep-0384.xml", {"E2E004", "E2E005", "E2E010"}, {"E2E001", "E2E002", "E2E006"}),
        ("xep-0380.xml", {"E2E007"}, {"E2E001", "E2E002", "E2E005", "E2E008", "E2E013"}),
        ("xep-0373.xml", {"E2E002"}, {"E2E005"}),
        ("xep-0454.xml", {"E2E001"}, {"E2E012"}),
        ("inbox/gateway-relayed-encryption.xml", {"E2E005", "E2E008"}, {"E2E006"}),
    ],
)
def test_real_e2ee_specs(corpus: Path, name: str, expected: set[str], absent: set[str]) -> None:
    found = _corpus_codes(corpus, name)
    assert expected <= found and not absent & found


def test_no_private_keys_anywhere_in_the_corpus(corpus: Path) -> None:
    options = LintOptions(select=("E2E012",), profile="e2ee", xeps_root=corpus)
    assert lint_paths([str(corpus)], options).diagnostics == []


def test_project_drafts_are_clean_under_the_e2ee_profile(corpus: Path) -> None:
    options = LintOptions(profile="e2ee", xeps_root=corpus, jobs=1)
    report = lint_paths([str(PROJECT_DRAFTS)], options)
    assert [(d.code, d.line, d.message) for d in report.diagnostics] == []
