"""The shadow copy structure patterns are matched on: script-folded, one code point for one.

Traditional characters are folded to simplified with an OpenCC character conversion (``t2s``, ``tw2s``,
``hk2s`` keep the length in code points) and full-width digits and Latin letters to half-width, so rules
written once in simplified Chinese match traditional pages too. Match offsets in the shadow are offsets
in the original text, which is never changed.

>>> Shadow("t2s")("（續第３版）")
'（续第3版）'
"""

from __future__ import annotations

import functools

import opencc
import regex

_SURROGATE = regex.compile(r"[\ud800-\udfff]")

_FULLWIDTH_ALNUM = {
    **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},
    **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},
    **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},
}


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


class Shadow:
    """Make shadow copies with one OpenCC configuration (``""``: fold widths only).

    ``fold_widths=False`` folds the script only: normalisation rules, which repair widths themselves,
    see full-width characters as they are.
    """

    def __init__(self, config: str, *, fold_widths: bool = True) -> None:
        self.config = config
        self.fold_widths = fold_widths

    def __call__(self, text: str) -> str:
        return _shadow(self.config, text, self.fold_widths)


@functools.lru_cache(maxsize=1 << 16)
def _shadow(config: str, text: str, fold_widths: bool = True) -> str:
    """Each line or block is matched by several passes: fold it once (bounded cache)."""
    folded = text.translate(_FULLWIDTH_ALNUM) if fold_widths else text
    # OpenCC takes valid UTF-8 only: a lone surrogate becomes U+FFFD (one code point for one)
    folded = _SURROGATE.sub("\ufffd", folded)
    if not config or folded.isascii():
        return folded
    converted: str = _converter(config).convert(folded)
    # a conversion that changed the length would break offsets: match on the folded text instead
    return converted if len(converted) == len(folded) else folded
