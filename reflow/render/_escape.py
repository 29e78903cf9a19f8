"""The one place where renderers make text safe for their output format.

Every string a renderer writes goes through :func:`clean` first: characters XML 1.0 does not allow
(C0 controls other than tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF)
become U+FFFD. The pipeline is meant to remove such characters earlier, with a record of the edit;
this is the last safety net, so that every format is valid and encodable as UTF-8 whatever the input.

>>> clean("a\\x00b\\ud800c\\ufffe")
'a\\ufffdb\\ufffdc\\ufffd'
>>> markup_text('<a & "b">')
'&lt;a &amp; &quot;b&quot;&gt;'
>>> markup_attr("x\\ny")
'x&#10;y'
>>> one_line("a\\nb\\r\\nc")
'a b c'
"""

from __future__ import annotations

import html
import re

__all__ = ["REPLACEMENT", "clean", "markup_attr", "markup_text", "one_line"]

REPLACEMENT = "\ufffd"

# The complement of XML 1.0's Char production.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line boundaries of str.splitlines() that survive clean().
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")

# Parsers normalise a raw CR in text, and raw tab/CR/LF in attribute values; character references
# survive, so the parsed value equals the cleaned text.
_TEXT_REFS = str.maketrans({"\r": "&#13;"})
_ATTR_REFS = str.maketrans({"\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


def clean(text: str) -> str:
    """Replace every character XML 1.0 does not allow (lone surrogates included) by U+FFFD."""
    return _NOT_XML_CHAR.sub(REPLACEMENT, text)


def markup_text(text: str) -> str:
    """Text content for XML and HTML alike: cleaned, with ``& < > " '`` and CR escaped."""
    return html.escape(clean(text), quote=True).translate(_TEXT_REFS)


def markup_attr(value: str) -> str:
    """An attribute value for XML and HTML alike (to go between double quotes)."""
    return html.escape(clean(value), quote=True).translate(_ATTR_REFS)


def one_line(text: str) -> str:
    """Cleaned text with line breaks turned into spaces, for formats where a line is one block."""
    return _LINE_BREAK.sub(" ", clean(text))
