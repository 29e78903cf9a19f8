"""The explain log: every edit of a document as one readable line, in source order."""

from __future__ import annotations

from reflow.model import Document, Edit

_CONTEXT = 6


def _visible(text: str) -> str:
    return text.replace("\n", "⏎").replace("\f", "␌").replace("\t", "⇥")


def format_edit(edit: Edit, source: str) -> str:
    """One edit as ``L<lines>  <rule>  <action>  <context>  <note>``."""
    lines = (
        f"L{edit.first_line}" if edit.first_line == edit.last_line else f"L{edit.first_line}-{edit.last_line}"
    )
    before = source[max(0, edit.start - _CONTEXT) : edit.start].split("\n")[-1]
    after = source[edit.end : edit.end + _CONTEXT].split("\n")[0]
    change = f"[-{_visible(edit.removed)}-]" if edit.removed else ""
    change += f"{{+{_visible(edit.inserted)}+}}" if edit.inserted else ""
    if not change and edit.end > edit.start:  # a flag: show what it points at
        change = f"[{_visible(source[edit.start : edit.end])}]"
    context = f"{_visible(before)}{change or '|'}{_visible(after)}"
    return f"{lines:<10} {edit.rule:<24} {edit.action:<18} {context}" + (
        f"  ({edit.note})" if edit.note else ""
    )


def format_log(document: Document, *, include_breaks: bool = True) -> str:
    """The whole explain log of ``document``, one edit per line."""
    rows = [f"# encoding: {document.encoding}"] if document.encoding else []
    rows += [
        format_edit(edit, document.source)
        for edit in document.edits
        if include_breaks or edit.action != "break"
    ]
    return "\n".join(rows) + ("\n" if rows else "")
