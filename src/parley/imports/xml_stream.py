"""Streaming an XML export one top-level record at a time (Disqus, WordPress WXR).

``iterparse`` builds the tree as it reads; clearing the parent after each record keeps memory
flat however large the file is. Namespaces are dropped from tag names (``{http://disqus.com}post``
becomes ``post``) since exports differ in the versions they declare (WXR 1.0, 1.1, 1.2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element

# defusedxml refuses entity expansion and external entities (a "billion laughs" export would
# otherwise exhaust memory); it streams exactly as ElementTree's iterparse does.
from defusedxml.ElementTree import iterparse


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def records(stream: IO[bytes], depth: int) -> Iterator[Element]:
    """Yield each element that closes at ``depth`` (1 = the root's children), then free it."""
    level = 0
    parents: list[Element] = []
    for event, element in iterparse(stream, events=("start", "end")):
        if event == "start":
            parents.append(element)
            level += 1
            continue
        level -= 1
        parents.pop()
        if level == depth:
            yield element
            if parents:
                parents[-1].clear()  # drop this record (and any text before it) from the tree


def child_text(element: Element, name: str) -> str:
    """Return the text of the first child called ``name`` (namespace ignored), or ""."""
    for child in element:
        if local(child.tag) == name:
            return child.text or ""
    return ""


def child(element: Element, name: str) -> Element | None:
    for item in element:
        if local(item.tag) == name:
            return item
    return None


def attr(element: Element | None, name: str) -> str:
    """Return an attribute by local name (``dsq:id`` is ``{...disqus-internals}id``)."""
    if element is None:
        return ""
    for key, value in element.attrib.items():
        if local(key) == name:
            return value
    return ""
