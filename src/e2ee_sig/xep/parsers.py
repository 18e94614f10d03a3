"""The lxml parser settings every XEP parse uses, in a module light enough for ``stale``'s
header reads to import (lxml itself loads on the first parser made)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


LINE_LIMIT = 65535
"""libxml2 keeps no larger line number on a node: from here on ``sourceline`` is not exact."""


def nothing_external() -> etree.Resolver:
    """A resolver answering every URL with an empty string: nothing is fetched, nothing read."""
    from lxml import etree

    class NothingExternal(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            return self.resolve_string("", context)

    return NothingExternal()


_PARSERS: dict[tuple[bool, bool], etree.XMLParser] = {}


def xep_parser(expand: bool, recover: bool) -> etree.XMLParser:
    """The shared parser: internal entities expanded or kept as references, nothing external
    loaded, CDATA kept, libxml2's recovery mode on or off."""
    parser = _PARSERS.get((expand, recover))
    if parser is None:
        from lxml import etree

        parser = _PARSERS[expand, recover] = etree.XMLParser(
            load_dtd=False,
            resolve_entities="internal" if expand else False,
            no_network=True,
            huge_tree=False,
            strip_cdata=False,
            recover=recover,
            collect_ids=False,
        )
        parser.resolvers.add(nothing_external())
    return parser
