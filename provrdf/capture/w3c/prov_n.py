"""PROV-N, as the W3C defines it and as voprov writes it, read into statements.

The ``prov`` package's PROV-N parser refuses what voprov writes (voprov
0.0.4, used by OPUS): ProvDM statements beside the PROV ones
(``isDescribedBy(…)``, ``parameter(id, name, value, […])``,
``activityDescription(id, name, […])``), bare values in their positional
arguments (``configFile(id, inmodel, /work/crab/model.xml)``,
``datasetDescription(id, EventList, application/fits)``) and bundle names
that are no qualified names (``bundle #description#ctselect``). This reader
takes both, with one tokenizer and one recursive-descent parser:

* ``document`` … ``endDocument`` (both optional), ``prefix p <iri>``,
  ``default <iri>``, ``bundle id`` … ``endBundle``; a bundle sees the
  prefixes of its document (voprov declares in a bundle only some of those
  it uses), and its own, which also name the bundle (as the ``prov``
  package writes it);
* a statement is ``keyword([id;] argument, …, [attribute=value, …])``;
  ``-`` is an absent argument; an identifier without a prefix is in the
  default namespace;
* values: ``"text"``, ``"text"@lang``, ``"text" %% datatype``,
  ``'prefix:local'`` (a qualified name), numbers, and bare words where voprov
  writes them;
* ProvDM statements become the W3C statements voprov writes for them
  (:func:`provrdf.capture.w3c.voprov.ivoa_statement`).

A statement it cannot read is a :class:`PROVNError` with its line and
column; the document is then refused whole, as a malformed document is.

>>> doc = loads('document prefix ex <http://example.org/> entity(ex:e1, [prov:label="run"]) endDocument')
>>> [(s.kind, s.id, s.attributes) for s in doc.statements]
[('entity', 'http://example.org/e1', [('http://www.w3.org/ns/prov#label', 'run')])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from provrdf.capture.w3c.document import (
    ARGUMENTS,
    NODE_KINDS,
    Document,
    Statement,
    literal_value,
    normalize_iri,
    python_literal,
)
from provrdf.capture.w3c.voprov import IVOA_NODES, IVOA_RELATIONS, POSITIONS, ivoa_statement
from provrdf.model import IRI
from provrdf.rdf.namespaces import PROV, VOPROV, XSD
from provrdf.timeutil import parse_time

__all__ = ["PROVNError", "loads"]

#: The namespaces every PROV-N document has without declaring them; ``voprov`` too, which voprov's
#: W3C documents use without declaring it (the IVOA model's prefix is always ``voprov``).
_BUILT_IN = {"prov": PROV, "xsd": XSD, "voprov": VOPROV}
#: Arguments that hold times rather than identifiers.
_TIMES = frozenset({"time", "startTime", "endTime"})
_TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"{3}(?:[^\\]|\\.)*?"{3}|"(?:[^"\\]|\\.)*")
  | (?P<qname>'(?:[^'\\]|\\.)*')
  | (?P<iri><[^<>\s"{}|^`\\]*>)
  | (?P<mark>%%)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>[(),;\[\]=])
  | (?P<word>(?:\\.|[^\s(),;\[\]="'<>])+)
""", re.VERBOSE | re.DOTALL)


class PROVNError(ValueError):
    """PROV-N text that cannot be read; ``line`` and ``column`` say where (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line, self.column = line, column


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def loads(text: str, source: str = "<memory>") -> Document:
    """The statements of the PROV-N document ``text``.

    Raises
    ------
    PROVNError
        At the first place the text is not PROV-N, with its line and column.
    """
    return _Parser(text, source).document()


def _tokens(text: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            line, column = _place(text, position)
            raise PROVNError(f"unexpected character {text[position]!r}", line, column)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    return tokens


def _place(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


class _Parser:
    """Recursive descent over the tokens of one document."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.tokens = _tokens(text)
        self.at = 0

    # -- tokens ---------------------------------------------------------------------

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise self.error("the document ends too early", len(self.text))
        self.at += 1
        return token

    def expect(self, text: str) -> _Token:
        token = self.next()
        if token.text != text:
            raise self.error(f"expected {text!r}, found {token.text!r}", token.position)
        return token

    def error(self, message: str, position: int) -> PROVNError:
        return PROVNError(message, *_place(self.text, position))

    def word_is(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text == text

    # -- structure ------------------------------------------------------------------

    def document(self) -> Document:
        document = Document(self.source)
        wrapped = self.word_is("document")
        if wrapped:
            self.next()
        namespaces = dict(_BUILT_IN)
        self.declarations(namespaces)
        while self.peek() is not None and not self.word_is("endDocument"):
            if self.word_is("bundle"):
                self.next()
                name_token = self.next()
                inner = dict(namespaces)
                self.declarations(inner)
                name = self.identifier(name_token, inner)  # as the prov package writes it: in the bundle's scope
                statements = []
                while not self.word_is("endBundle"):
                    statements.append(self.statement(inner))
                self.next()
                document.bundles[name] = document.bundles.get(name, []) + statements
            else:
                document.statements.append(self.statement(namespaces))
        if wrapped:
            self.expect("endDocument")
        left = self.peek()
        if left is not None:
            raise self.error(f"text after the end of the document: {left.text!r}", left.position)
        return document

    def declarations(self, namespaces: dict[str, str]) -> None:
        while self.word_is("prefix") or self.word_is("default"):
            keyword = self.next().text
            prefix = self.next().text if keyword == "prefix" else ""
            iri = self.next()
            if iri.kind != "iri":
                raise self.error(f"a {keyword} declaration needs an IRI in <…>, found {iri.text!r}", iri.position)
            namespaces[prefix] = iri.text[1:-1]

    def statement(self, namespaces: dict[str, str]) -> Statement:
        keyword = self.next()
        if keyword.kind != "word":
            raise self.error(f"expected a statement, found {keyword.text!r}", keyword.position)
        kind = keyword.text
        if kind not in ARGUMENTS and kind not in IVOA_NODES and kind not in IVOA_RELATIONS:
            raise self.error(f"unknown statement keyword {kind!r}", keyword.position)
        self.expect("(")
        ident, arguments, attributes = self.arguments(namespaces)
        return self.build(kind, ident, arguments, attributes, namespaces, keyword.position)

    def arguments(self, namespaces: dict[str, str]) -> tuple[_Token | None, list[_Token], list[tuple[str, Any]]]:
        """The id (before ``;``), the positional arguments and the attributes, up to the closing ``)``."""
        ident: _Token | None = None
        arguments: list[_Token] = []
        attributes: list[tuple[str, Any]] = []
        while True:
            token = self.next()
            if token.text == ")":
                return ident, arguments, attributes
            if token.text == "[":
                attributes = self.attributes(namespaces)
            elif token.text == ";" and arguments and ident is None and len(arguments) == 1:
                ident = arguments.pop()
            elif token.text == ",":
                continue
            elif token.kind in ("word", "string", "qname"):
                arguments.append(token)
            else:
                raise self.error(f"unexpected {token.text!r} in the arguments of a statement", token.position)

    def attributes(self, namespaces: dict[str, str]) -> list[tuple[str, Any]]:
        pairs: list[tuple[str, Any]] = []
        while True:
            token = self.next()
            if token.text == "]":
                return pairs
            if token.text == ",":
                continue
            if token.kind != "word":
                raise self.error(f"expected an attribute name, found {token.text!r}", token.position)
            self.expect("=")
            pairs.append((self.identifier(token, namespaces), self.value(namespaces)))

    # -- values -----------------------------------------------------------------------

    def value(self, namespaces: dict[str, str]) -> Any:
        token = self.next()
        if token.kind == "qname":
            return IRI(self.identifier(_Token("word", _unescape(token.text[1:-1]), token.position), namespaces))
        if token.kind == "string":
            text = _string(token.text)
            following = self.peek()
            if following is not None and following.kind == "lang":
                self.next()
                return literal_value(text, None, following.text[1:])
            if following is not None and following.kind == "mark":
                self.next()
                datatype = self.identifier(self.next(), namespaces)
                if datatype in (XSD + "QName", PROV + "QUALIFIED_NAME"):
                    return IRI(self.identifier(_Token("word", text, token.position), namespaces))
                return literal_value(text, datatype)
            return text
        if token.kind == "word":
            return _number(token.text)
        raise self.error(f"expected a value, found {token.text!r}", token.position)

    def identifier(self, token: _Token, namespaces: dict[str, str]) -> str:
        """The IRI of a qualified name (``ex:e1``; without a prefix, in the default namespace)."""
        if token.kind == "iri":
            return normalize_iri(token.text[1:-1])
        text = _unescape(token.text)
        prefix, colon, local = text.partition(":")
        if colon and prefix in namespaces:
            return normalize_iri(namespaces[prefix] + local)
        if colon and "://" in text:
            return normalize_iri(text)
        if colon:
            raise self.error(f"cannot resolve {text!r}: the prefix {prefix!r} is not declared", token.position)
        return normalize_iri(namespaces.get("", "") + text)

    def node(self, token: _Token, namespaces: dict[str, str]) -> str | None:
        return None if token.text == "-" else self.identifier(token, namespaces)

    def time(self, token: _Token) -> Any:
        if token.text == "-":
            return None
        text = _string(token.text) if token.kind == "string" else token.text
        try:
            return parse_time(text)
        except ValueError:
            raise self.error(f"{text!r} is not a time", token.position) from None

    def literal(self, token: _Token, namespaces: dict[str, str]) -> Any:
        """A bare positional value of a voprov statement: text as written, or a qualified name."""
        if token.kind == "qname":
            return IRI(self.identifier(_Token("word", _unescape(token.text[1:-1]), token.position), namespaces))
        return _string(token.text) if token.kind == "string" else _unescape(token.text)

    # -- statements -----------------------------------------------------------------

    def build(self, kind: str, ident: _Token | None, arguments: list[_Token], attributes: list[tuple[str, Any]],
              namespaces: dict[str, str], position: int) -> Statement:
        if kind in ARGUMENTS:
            names = ("id", *ARGUMENTS[kind]) if kind in ("entity", "activity", "agent") else ARGUMENTS[kind]
            statement = Statement(kind, self.node(ident, namespaces) if ident else None)
            for name, token in self.named(kind, names, arguments, position):
                if name == "id":
                    statement.id = self.node(token, namespaces)
                elif name in _TIMES:
                    statement.args[name] = self.time(token)
                elif token.text != "-":
                    statement.args[name] = self.identifier(token, namespaces)
            statement.attributes = attributes
            if kind in NODE_KINDS and not statement.id:
                raise self.error(f"{kind}(…) names no {kind}: its identifier is missing", position)
            return statement
        names = (() if kind in IVOA_RELATIONS else ("id",)) + POSITIONS.get(kind, ())
        node_id = self.node(ident, namespaces) if ident else None
        ends: dict[str, str] = {}
        given: list[tuple[str, Any]] = []
        for name, token in self.named(kind, names, arguments, position):
            if name == "id":
                node_id = self.node(token, namespaces)
            elif "://" not in name:  # a relation's end
                node = self.node(token, namespaces)
                if node:
                    ends[name] = node
            elif token.text != "-":
                given.append((name, self.literal(token, namespaces)))
        return ivoa_statement(kind, node_id, ends, given + attributes)

    def named(self, kind: str, names: tuple[str, ...], arguments: list[_Token],
              position: int) -> list[tuple[str, _Token]]:
        if len(arguments) > len(names):
            raise self.error(f"{kind} takes at most {len(names)} arguments, found {len(arguments)}", position)
        return list(zip(names, arguments))


def _string(token: str) -> str:
    """The text of a string literal: in one pair of quotes, or in three (which may run over several lines)."""
    quotes = 3 if token.startswith('"' * 3) else 1
    return _unescape(token[quotes:-quotes])


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _number(text: str) -> Any:
    """A bare value: an integer or a decimal as the ``prov`` package reads them, else the text."""
    try:
        return python_literal(int(text))
    except ValueError:
        pass
    try:
        return python_literal(float(text)) if re.fullmatch(r"[+-]?\d*\.\d+([eE][+-]?\d+)?", text) else text
    except ValueError:
        return text
