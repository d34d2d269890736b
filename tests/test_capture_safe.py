"""provrdf.capture.safe: untrusted bytes decoded and parsed with bounds (the hostile corpus runs them end to end)."""

from __future__ import annotations

import json

import pytest
import yaml

from provrdf.capture.safe import (
    MAX_DEPTH,
    MAX_EXPANSION,
    Unsafe,
    check_depth,
    decode,
    guard_xml,
    json_at,
    load_json,
    load_yaml,
    sniff_text,
)
from provrdf.capture.w3c import check_contexts

TEXT = "Jérôme Müller, nuit étoilée"


@pytest.mark.parametrize(("data", "note"), [
    (TEXT.encode("utf-8"), None),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None),
    (b"\xff\xfe" + TEXT.encode("utf-16-le"), None),
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), None),
    (TEXT.encode("utf-16-le"), "read as UTF-16-LE (no byte order mark; told by its zero bytes)"),
    (TEXT.encode("utf-16-be"), "read as UTF-16-BE (no byte order mark; told by its zero bytes)"),
    (TEXT.encode("utf-32-le"), "read as UTF-32-LE (no byte order mark; told by its zero bytes)"),
    (TEXT.encode("latin-1"), "not UTF-8 (byte 0xe9 at line 1); read as Latin-1"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32le", "latin1"])
def test_text_in_every_usual_encoding(data, note):
    assert decode(data) == (TEXT, note)
    assert sniff_text(data[:17]).startswith(TEXT[:3])


def test_binary_is_not_taken_for_utf16():
    noise = bytes(range(256)) * 8
    text, note = decode(noise)
    assert note is not None and "Latin-1" in note and len(text) == len(noise)


def test_a_declared_encoding_is_honoured_and_a_wrong_one_said():
    assert decode(TEXT.encode("latin-1"), "ISO-8859-1") == (TEXT, None)
    assert decode(TEXT.encode("latin-1"), "UTF-8")[1] == "declared UTF-8, but not UTF-8 (byte 0xe9 at line 1); read as Latin-1"


def test_depth_is_bounded_without_recursion():
    check_depth(json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)))
    with pytest.raises(Unsafe, match=f"nested more than {MAX_DEPTH} levels"):
        check_depth(json.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)))
    with pytest.raises(Unsafe, match="nested more than"):
        load_json("[" * 100_000 + "]" * 100_000)


def test_json_keys_given_twice():
    assert load_json('{"a": 1, "a": 1}') == {"a": 1}
    with pytest.raises(Unsafe, match="the key 'a' is given twice in one object, with different values"):
        load_json('{"a": 1, "a": 2}')
    assert load_json('{"e": {"x": 1}, "e": {"x": 2}, "e": [{"x": 3}]}', duplicates="list") == {
        "e": [{"x": 1}, {"x": 2}, {"x": 3}]}
    value, end = json_at('  [1, 2] tail', 0)
    assert (value, end) == ([1, 2], 8)
    with pytest.raises(json.JSONDecodeError):
        load_json('{"a": 1} {"b": 2}')


def test_yaml_is_safe_and_bounded():
    assert load_yaml("a: [1, 2]\nb: {c: d}\n") == {"a": [1, 2], "b": {"c": "d"}}
    with pytest.raises(yaml.YAMLError, match="python/object/apply"):
        load_yaml("a: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(Unsafe, match="nested more than"):
        load_yaml("a: " + "[" * 100_000 + "]" * 100_000)
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 8))
    with pytest.raises(Unsafe, match="aliases expand to more than"):
        load_yaml(bomb)
    shared = "base: &b {x: 1}\none: *b\ntwo: *b\n"
    assert load_yaml(shared)["two"] == {"x": 1}
    with pytest.raises(Unsafe, match="'a' is given twice") as raised:
        load_yaml("a: 1\nb: 2\na: 3\n")
    assert raised.value.line == 3


def _laughs(levels: int) -> bytes:
    subset = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels))
    return f"<!DOCTYPE r [{subset}]><r>&l{levels - 1};</r>".encode()


def test_xml_entities_are_bounded_and_never_fetched():
    assert guard_xml(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY who "Jane">]><r>&who;</r>').notes == ()
    assert guard_xml(_laughs(3)).content.endswith(b"<r>&l2;</r>")  # 300 characters: expanded by the parser
    with pytest.raises(Unsafe, match=f"expand to more than {MAX_EXPANSION} characters"):
        guard_xml(_laughs(10))
    with pytest.raises(Unsafe, match="external entity 'x' \\(SYSTEM \"http://127.0.0.1:9/x\"\\)"):
        guard_xml(b'<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]><r>&x;</r>')
    with pytest.raises(Unsafe, match="external entity 'x' \\(PUBLIC \"file:///etc/passwd\"\\)"):
        guard_xml(b'<!DOCTYPE r [<!ENTITY x PUBLIC "-//x//EN" "file:///etc/passwd">]><r>&x;</r>')
    with pytest.raises(Unsafe, match="parameter entity 'p'"):
        guard_xml(b'<!DOCTYPE r [<!ENTITY % p "<!ENTITY y \'z\'>"> %p;]><r/>')
    with pytest.raises(Unsafe, match="refers to itself"):
        guard_xml(b'<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r>&a;</r>')
    (kind, note), = guard_xml(b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd"><r/>').notes
    assert kind == "external DTD" and "http://127.0.0.1:9/r.dtd" in note


def test_xml_is_handed_on_as_utf8_and_bounded_in_depth():
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><r>Müller</r>'.encode("latin-1")
    assert guard_xml(latin).content == "<?xml version=\"1.0\" encoding='UTF-8'?><r>Müller</r>".encode()
    utf16 = b"\xff\xfe" + '<?xml version="1.0" encoding="UTF-16"?><r>Müller</r>'.encode("utf-16-le")
    assert "Müller".encode() in guard_xml(utf16).content
    with pytest.raises(Unsafe, match="nested more than"):
        guard_xml(b"<r>" + b"<a>" * (MAX_DEPTH + 5) + b"</a>" * (MAX_DEPTH + 5) + b"</r>")


def test_json_ld_contexts_by_url_are_refused_wherever_they_are():
    check_contexts({"@context": {"prov": "http://www.w3.org/ns/prov#", "@vocab": "http://127.0.0.1:9/v#"}})
    check_contexts({"@context": ["https://openprovenance.org/prov-jsonld/context.jsonld"]},
                   ("https://openprovenance.org/prov-jsonld/context.jsonld",))
    for document in ({"@context": "context.jsonld"},
                     {"@context": [{"prov": "x"}, "http://127.0.0.1:9/c"]},
                     {"@context": {"@import": "http://127.0.0.1:9/c"}},
                     {"@graph": [{"@id": "x", "@context": "http://127.0.0.1:9/c"}]},
                     {"@context": {"p": {"@id": "http://e/p", "@context": "http://127.0.0.1:9/c"}}}):
        with pytest.raises(ValueError, match="is not fetched"):
            check_contexts(document)
