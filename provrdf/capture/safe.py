"""Reading untrusted bytes safely: text in any usual encoding, JSON, YAML and XML with bounds.

Every reader takes its input through here, so that one rule holds for all:

* **Text.** A byte order mark (UTF-8, UTF-16, UTF-32) is honoured; UTF-16
  or UTF-32 without one is told by its zero bytes; otherwise the bytes are
  UTF-8, or, when they are not, Latin-1. A guessed encoding is said
  (:func:`decode` returns a note the reader gives as a warning).
* **Depth.** No document is read nested deeper than :data:`MAX_DEPTH`
  levels (arrays, objects, mappings, XML elements): deeper input is an
  error that says so, never a ``RecursionError``.
* **JSON** (:func:`load_json`, :func:`json_at`): a key given twice with two
  different values is an error, or, for PROV-JSON, both values kept as a
  list (the PROV-JSON way of saying one id twice).
* **YAML** (:func:`load_yaml`): the safe loader only (no tag builds a
  Python object), aliases that would expand past :data:`MAX_NODES` nodes
  refused, a key given twice with different values refused.
* **XML** (:func:`guard_xml`): no entity is ever fetched (an external
  entity or parameter entity is an error naming it, an external DTD is not
  read and said so), internal entities are expanded only when their
  expansion stays under :data:`MAX_EXPANSION` characters, and the bytes
  handed on are UTF-8 whatever the document's own encoding.

>>> decode("Jérôme".encode("utf-16-le"))
('Jérôme', 'read as UTF-16-LE (no byte order mark; told by its zero bytes)')
>>> load_json('{"a": [1, 2]}')
{'a': [1, 2]}
>>> load_json('{"a": 1, "a": 2}', duplicates="list")
{'a': [1, 2]}
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import yaml

__all__ = [
    "MAX_DEPTH", "MAX_EXPANSION", "MAX_NODES", "Unsafe", "check_depth", "decode", "guard_xml", "json_at",
    "load_json", "load_yaml", "sniff_text",
]  # fmt: skip

#: How deep a document may nest (arrays and objects, mappings, XML elements).
MAX_DEPTH = 200
#: How many characters the internal entities of an XML document may expand to, all references counted.
MAX_EXPANSION = 8_000_000
#: How many nodes a YAML document may have once its aliases are expanded.
MAX_NODES = 1_000_000


class Unsafe(ValueError):
    """Input that is refused because reading it would not be bounded or not be safe.

    ``line`` is the 1-based line it was met at, when known.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


# -- text -----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)  # fmt: skip
_NAMES = {"utf-16-le": "UTF-16-LE", "utf-16-be": "UTF-16-BE", "utf-32-le": "UTF-32-LE", "utf-32-be": "UTF-32-BE"}


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def _zeros(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte order mark, told by where the zero bytes of ASCII text fall."""
    head = data[:4096]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    quads = len(head) // 4
    by_position = [sum(1 for i in range(position, quads * 4, 4) if head[i] == 0) for position in range(4)]
    if by_position[1] == by_position[2] == by_position[3] == quads and by_position[0] < quads:
        return "utf-32-le"
    if by_position[0] == by_position[1] == by_position[2] == quads and by_position[3] < quads:
        return "utf-32-be"
    even, odd = by_position[0] + by_position[2], by_position[1] + by_position[3]
    if odd >= 0.6 * 2 * quads and even < 0.2 * 2 * quads:
        return "utf-16-le"
    if even >= 0.6 * 2 * quads and odd < 0.2 * 2 * quads:
        return "utf-16-be"
    return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """The text of ``data`` and, when its encoding had to be guessed, a note saying how it was read.

    Parameters
    ----------
    data
        The bytes of a file.
    declared
        An encoding the document declares for itself (an XML declaration's), honoured when the bytes
        agree with it.

    >>> decode(b"\\xef\\xbb\\xbfplain")
    ('plain', None)
    >>> decode("Müller".encode("latin-1"))
    ('Müller', 'not UTF-8 (byte 0xfc at line 1); read as Latin-1')
    """
    found = _bom(data)
    if found is not None:
        codec, skip = found
        text = data[skip:].decode(codec, errors="replace")
        return text, _replaced(text, codec)
    guessed = _zeros(data)
    if guessed is not None:
        text = data.decode(guessed, errors="replace")
        note = f"read as {_NAMES[guessed]} (no byte order mark; told by its zero bytes)"
        return text, note + (_replaced(text, guessed) or "")
    if declared is not None and _codec(declared) not in (None, "utf-8"):
        try:
            return data.decode(_codec(declared) or "utf-8"), None
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        what = f"declared {declared}, but not" if declared else "not"
        return data.decode("latin-1"), f"{what} UTF-8 (byte 0x{data[error.start]:02x} at line {line}); read as Latin-1"


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name.replace("_", "-")
    except LookupError:
        return None


def _replaced(text: str, codec: str) -> str | None:
    if "\ufffd" in text:
        return f"; bytes that are not {_NAMES.get(codec, codec.upper())} were replaced by U+FFFD"
    return None


def sniff_text(head: bytes) -> str:
    """The beginning of a file as text for the readers' sniffs: decoded as :func:`decode` would,
    a character cut by the end of ``head`` replaced."""
    found = _bom(head)
    if found is not None:
        return head[found[1]:].decode(found[0], errors="replace")
    guessed = _zeros(head)
    if guessed is not None:
        return head.decode(guessed, errors="replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the end of the head
            return head[:error.start].decode("utf-8")
        return head.decode("latin-1")


# -- depth ----------------------------------------------------------------------------------


def too_deep(what: str = "the document") -> str:
    """The message for input nested deeper than :data:`MAX_DEPTH`."""
    return f"{what} is nested more than {MAX_DEPTH} levels deep; provrdf reads at most {MAX_DEPTH} levels"


def check_depth(value: Any, what: str = "the document") -> None:
    """Raise :class:`Unsafe` when ``value`` (lists, tuples, dicts) nests deeper than :data:`MAX_DEPTH`.

    The walk is iterative, so any depth is measured without recursion.

    >>> check_depth([[1]])
    >>> check_depth([[]] * 3)
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, tuple, dict)):
            if depth >= MAX_DEPTH:
                raise Unsafe(too_deep(what))
            if id(item) in seen:
                continue
            seen.add(id(item))
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


# -- JSON -------------------------------------------------------------------------------------

Duplicates = Literal["reject", "list"]


class _Conflict(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(duplicates: Duplicates) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        many: set[str] = set()
        for key, value in pairs:
            if key not in result:
                result[key] = value
            elif result[key] == value and key not in many:
                continue
            elif duplicates == "reject":
                raise _Conflict(key)
            else:
                if key not in many:
                    first = result[key]
                    result[key] = list(first) if isinstance(first, list) else [first]
                    many.add(key)
                for item in value if isinstance(value, list) else [value]:
                    if item not in result[key]:
                        result[key].append(item)
        return result

    return hook


def _decoder(duplicates: Duplicates) -> json.JSONDecoder:
    return json.JSONDecoder(object_pairs_hook=_pairs(duplicates))


_DECODERS: dict[str, json.JSONDecoder] = {"reject": _decoder("reject"), "list": _decoder("list")}


def load_json(text: str, *, duplicates: Duplicates = "reject", what: str = "the document") -> Any:
    """The JSON value of ``text``, nested at most :data:`MAX_DEPTH` levels.

    Parameters
    ----------
    duplicates
        What a key given twice with different values in one object is:
        ``"reject"`` an error, ``"list"`` one key holding both values.

    Raises
    ------
    json.JSONDecodeError
        When ``text`` is not JSON.
    Unsafe
        When it nests too deeply, or repeats a key with another value (``duplicates="reject"``).
    """
    value, end = json_at(text, 0, duplicates=duplicates, what=what)
    rest = len(text) - len(text[end:].lstrip())
    if rest < len(text):
        raise json.JSONDecodeError("Extra data", text, rest)
    return value


def json_at(text: str, position: int, *, duplicates: Duplicates = "reject",
            what: str = "the document") -> tuple[Any, int]:
    """The JSON value starting at ``position`` (after blanks) and the offset after it; see :func:`load_json`."""
    start = position
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    try:
        value, end = _DECODERS[duplicates].raw_decode(text, start)
    except RecursionError:
        raise Unsafe(too_deep(what), line=text.count("\n", 0, start) + 1) from None
    except _Conflict as conflict:
        raise Unsafe(f"the key {conflict.key!r} is given twice in one object, with different values",
                     line=text.count("\n", 0, start) + 1) from None
    check_depth(value, what)
    return value, end


# -- YAML --------------------------------------------------------------------------------------


def load_yaml(text: str) -> Any:
    """The YAML document ``text`` read with the safe loader, bounded.

    Raises
    ------
    yaml.YAMLError
        When ``text`` is not YAML, or a tag asks for a Python object.
    Unsafe
        When it nests deeper than :data:`MAX_DEPTH`, its aliases expand past
        :data:`MAX_NODES` nodes, or a mapping gives one key two different values.
    """
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise Unsafe(too_deep()) from None
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node) -> None:
    """Depth, expanded size and repeated keys of a composed YAML document, measured without recursion."""
    sizes: dict[int, int] = {}
    mappings: list[yaml.MappingNode] = []
    # post-order walk: (node, depth, children done)
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not done:
            if depth >= MAX_DEPTH and children:
                raise Unsafe(too_deep(), line=node.start_mark.line + 1)
            if isinstance(node, yaml.MappingNode):
                mappings.append(node)
            stack.append((node, depth, True))
            stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(child), 1) for child in children)
        if size > MAX_NODES:
            raise Unsafe(f"its aliases expand to more than {MAX_NODES} nodes (an alias bomb?); not read",
                         line=node.start_mark.line + 1)
        sizes[id(node)] = size
    for mapping in mappings:  # the depth is bounded now: comparing values may recurse
        _repeated_keys(mapping)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _repeated_keys(node: yaml.MappingNode) -> None:
    seen: dict[Any, yaml.Node] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        earlier = seen.get(key.value)
        if earlier is not None and not _same(earlier, value):
            raise Unsafe(f"the key {key.value!r} is given twice in one mapping, with different values",
                         line=key.start_mark.line + 1)
        seen[key.value] = value


def _same(one: yaml.Node, other: yaml.Node) -> bool:
    """Whether two composed nodes say the same (tags and values, children in order)."""
    if one is other:
        return True
    if type(one) is not type(other) or one.tag != other.tag:
        return False
    if isinstance(one, yaml.ScalarNode):
        return bool(one.value == other.value)
    mine, theirs = _children(one), _children(other)
    return len(mine) == len(theirs) and all(_same(a, b) for a, b in zip(mine, theirs))


# -- XML ---------------------------------------------------------------------------------------

_DECLARATION = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["'][^>]*\?>""")
_TEXT_DECLARATION = re.compile(r"""^(<\?xml[^>]*?)encoding\s*=\s*["'][A-Za-z0-9._-]+["']""")
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE\s+[^\s\[>]+")
_QUOTED = r"""(?:"[^"]*"|'[^']*')"""
_EXTERNAL_ID = re.compile(rf"\s*(?:SYSTEM\s*({_QUOTED})|PUBLIC\s*{_QUOTED}\s*({_QUOTED}))")
_ENTITY = re.compile(rf"<!ENTITY\s+(%\s+)?([^\s%;]+)\s+(?:(SYSTEM|PUBLIC)\s|({_QUOTED}))")
_SUBSET_TOKEN = re.compile(rf"{_QUOTED}|<!--.*?-->|\]", re.DOTALL)
_REFERENCE = re.compile(r"&([^\s&;#]+);")


@dataclass(frozen=True)
class GuardedXML:
    """XML that passed :func:`guard_xml`: its bytes as UTF-8, and ``(kind, note)`` pairs about how it was read
    (kind ``"encoding"``: how its text was decoded, when guessed; ``"external DTD"``: a DTD it names, not read)."""

    content: bytes
    notes: tuple[tuple[str, str], ...]


def guard_xml(data: bytes) -> GuardedXML:
    """``data`` checked before any XML parser sees it, and re-encoded as UTF-8.

    Raises
    ------
    Unsafe
        For an external entity (``SYSTEM``/``PUBLIC``), a parameter entity, an entity that refers to
        itself, or internal entities whose references expand past :data:`MAX_EXPANSION` characters.

    >>> guard_xml(b'<!DOCTYPE r [<!ENTITY who "Jane">]><r>&who;</r>').notes
    ()
    >>> try:
    ...     guard_xml(b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    ... except Unsafe as error:
    ...     print(error)
    the document declares an external entity 'x' (SYSTEM "file:///etc/passwd"): provrdf reads no file or URL \
that a document names; not read
    """
    declared = _DECLARATION.match(data.lstrip(b"\xef\xbb\xbf"))
    text, note = decode(data, declared.group(1).decode("ascii") if declared else None)
    notes = [("encoding", note)] if note else []
    text = _TEXT_DECLARATION.sub(r"\1encoding='UTF-8'", text.lstrip("\ufeff"), count=1)
    doctype = _doctype(text)
    if doctype is not None:
        start, subset, external, end = doctype
        if external:
            notes.append(("external DTD", f"the document names an external DTD ({external}); it is not read"))
        _check_entities(subset, text[end:], _line(text, start))
    content = text.encode("utf-8")
    _check_xml_depth(content)
    return GuardedXML(content, tuple(notes))


def _check_xml_depth(content: bytes) -> None:
    """Raise :class:`Unsafe` when elements nest deeper than :data:`MAX_DEPTH`; a syntax error is left to the
    reader's own parser, which says what is wrong in its words."""
    from lxml import etree

    depth = 0
    events = etree.iterparse(io.BytesIO(content), events=("start", "end"), resolve_entities="internal",
                             no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise Unsafe(too_deep("the document's XML") + " of elements", line=element.sourceline)
            else:
                depth -= 1
    except etree.XMLSyntaxError as error:
        if "depth" in str(error).lower():
            raise Unsafe(too_deep("the document's XML") + " of elements", line=error.lineno) from None


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _doctype(text: str) -> tuple[int, str, str | None, int] | None:
    """Where the DOCTYPE starts, its internal subset, its external DTD and where it ends."""
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    while position < len(text) and text[position].isspace():
        position += 1
    match = _DOCTYPE.match(text, position)
    if match is None:
        return None
    start, position = position, match.end()
    external_id = _EXTERNAL_ID.match(text, position)
    external = None
    if external_id:
        external = (external_id.group(1) or external_id.group(2))[1:-1]
        position = external_id.end()
    while position < len(text) and text[position].isspace():
        position += 1
    subset = ""
    if text.startswith("[", position):
        begin = position + 1
        position = begin
        while True:
            token = _SUBSET_TOKEN.search(text, position)
            if token is None:
                raise Unsafe("the document's DOCTYPE is never closed", line=_line(text, start))
            position = token.end()
            if token.group() == "]":
                break
        subset = text[begin:position - 1]
    close = text.find(">", position)
    return start, subset, external, (close + 1 if close >= 0 else len(text))


def _check_entities(subset: str, body: str, line: int) -> None:
    values: dict[str, str] = {}
    for match in _ENTITY.finditer(subset):
        parameter, name, external, literal = match.groups()
        if external:
            target = _EXTERNAL_ID.match(subset, match.start(3) - 1)
            where = f' ({external} "{_last_quoted(target.group()) if target else "?"}")'
            raise Unsafe(f"the document declares an external entity {name!r}{where}: provrdf reads no file or URL "
                         "that a document names; not read", line=line)
        if parameter:
            raise Unsafe(f"the document declares a parameter entity {name!r}, which provrdf does not expand; "
                         "not read", line=line)
        values.setdefault(name, literal[1:-1])
    if re.search(r"%[^\s%;]+;", _without_literals(subset)):
        raise Unsafe("the document's DOCTYPE refers to a parameter entity, which provrdf does not expand; not read",
                     line=line)
    sizes: dict[str, int] = {}

    def size(name: str, path: tuple[str, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name in path:
            raise Unsafe(f"the XML entity {name!r} refers to itself; not read", line=line)
        value = values.get(name)
        if value is None:
            return len(name) + 2  # a predefined or undeclared entity: the parser deals with it
        total = len(_REFERENCE.sub("", value))
        for reference in _REFERENCE.findall(value):
            total += size(reference, (*path, name))
            if total > MAX_EXPANSION:
                break
        sizes[name] = total
        return total

    total = 0
    for reference in _REFERENCE.findall(body):
        if reference in values:
            total += size(reference, ())
        if total > MAX_EXPANSION:
            raise Unsafe(f"the document's XML entities expand to more than {MAX_EXPANSION} characters "
                         "(an entity expansion bomb?); not read", line=line)


def _last_quoted(text: str) -> str:
    quoted = re.findall(_QUOTED, text)
    return quoted[-1][1:-1] if quoted else "?"


def _without_literals(subset: str) -> str:
    return re.sub(rf"{_QUOTED}|<!--.*?-->", "", subset, flags=re.DOTALL)
