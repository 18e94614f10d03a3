"""Session 12's fast paths give what the code they replace gave (never timings: those are
measured in benchmarks/)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint import engine
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lint.rules import e2ee
from e2ee_sig.xep import Document
from e2ee_sig.xep.query import per_document


class _Body:
    """A stand-in document whose body text is given (the per-document cache filled in)."""

    def __init__(self, text: str) -> None:
        self.cache = {
            "e2ee_sig.xep.query.body_text": text,
            "e2ee_sig.xep.query.lower_body_text": text.lower(),
        }


PIECES = ["HKDF", "hkdf", "X25519", "25519", "Ed25519", "ed25519", "XEdDSA", "XEDDSA", "HMAC"]
PIECES += ["AES", "A", "ES", "ChaCha20", "Chacha20", "Poly1305", "POLY1305", "Double", "ratchet"]
PIECES += ["X3DH", "MLS", "Messaging", "Layer", "Security", "OpenPGP", "OPENPGP", "SHA", "SHA-"]
PIECES += ["2", "3", "5", "-", " ", "x", "d", "é", "€", "\U0001f512", "\ud800", "İ", "\n"]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_a_primitive_may_be_named_exactly_when_every_word_of_a_group_is_in_the_body(
    text: str,
) -> None:
    for primitive in e2ee.PRIMITIVES:
        name = primitive[0]
        searched = text.lower() if name in e2ee._CASE_BLIND else text
        plain = any(all(word in searched for word in group) for group in e2ee._NEEDLES[name])
        assert e2ee._may_name(_Body(text), primitive) == plain  # type: ignore[arg-type]


_DIAGNOSTICS = st.builds(
    Diagnostic,
    st.sampled_from(["a.xml", "b.xml", "inbox/a.xml"]),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from(["SEC001", "SEC010", "XSF001"]),
    st.sampled_from(list(Severity)),
    st.sampled_from(["m", "n"]),
)


@settings(max_examples=300)
@given(st.lists(_DIAGNOSTICS, max_size=12))
def test_diagnostics_sorted_by_their_key_are_in_their_dataclass_order(
    found: list[Diagnostic],
) -> None:
    by_key = sorted(found, key=engine._ORDER)
    assert by_key == sorted(found)
    assert [id(d) for d in by_key] == [id(d) for d in sorted(found)]  # ties keep their order


def test_a_shared_none_is_read_once() -> None:
    reads = []

    @per_document
    def nothing(document: Document) -> None:
        reads.append(document)

    document = Document(Path("xep-0001.xml"), "xep-0001.xml", b"")
    assert nothing(document) is None and nothing(document) is None
    assert reads == [document]


def test_the_name_is_the_paths_name() -> None:
    document = Document(Path("inbox") / "widgets.xml", "inbox/widgets.xml", b"")
    assert document.name == "widgets.xml" == document.name
