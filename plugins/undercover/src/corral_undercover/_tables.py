"""Character tables used by normalization: look-alike letters, leetspeak, invisible characters.

The look-alike table is applied before case folding, because some capitals and their small
letters look like different Latin letters (Greek capital eta looks like ``H``, its small letter
like ``n``).
"""

from __future__ import annotations

# Cyrillic letters that render like Latin ones in common fonts.
_CYRILLIC = {
    "А": "a", "а": "a", "В": "b", "в": "b", "С": "c", "с": "c", "Е": "e", "е": "e",
    "Ё": "e", "ё": "e", "Н": "h", "н": "h", "һ": "h", "Һ": "h", "І": "i", "і": "i",
    "Ї": "i", "ї": "i", "Ј": "j", "ј": "j", "К": "k", "к": "k", "М": "m", "м": "m",
    "О": "o", "о": "o", "Р": "p", "р": "p", "Ѕ": "s", "ѕ": "s", "Т": "t", "т": "t",
    "Х": "x", "х": "x", "У": "y", "у": "y", "Ү": "y", "ү": "y", "ԁ": "d", "Ԁ": "d",
    "Ԛ": "q", "ԛ": "q", "Ԝ": "w", "ԝ": "w", "Ӏ": "l", "ӏ": "l", "ь": "b", "п": "n",
    "г": "r", "Ɡ": "g",
}  # fmt: skip

# Greek letters that render like Latin ones.
_GREEK = {
    "Α": "a", "α": "a", "Β": "b", "β": "b", "Ε": "e", "ε": "e", "Ζ": "z", "Η": "h",
    "η": "n", "Ι": "i", "ι": "i", "Κ": "k", "κ": "k", "Μ": "m", "μ": "u", "Ν": "n",
    "ν": "v", "Ο": "o", "ο": "o", "Ρ": "p", "ρ": "p", "Τ": "t", "τ": "t", "Υ": "y",
    "υ": "u", "Χ": "x", "χ": "x", "γ": "y", "ω": "w", "ϲ": "c", "Ϲ": "c", "ϳ": "j",
}  # fmt: skip

# Latin small capitals and other Latin letters that NFKC leaves alone.
_LATIN = {
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r",
    "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ı": "i",
    "ȷ": "j", "ɑ": "a", "ɡ": "g", "ꞵ": "b",
}  # fmt: skip

#: Look-alike letter -> the Latin letter it imitates.
HOMOGLYPHS: dict[str, str] = {**_CYRILLIC, **_GREEK, **_LATIN}

#: Leetspeak folding, applied (when enabled) after case folding. ``1``, ``l`` and ``i`` all
#: become ``i`` so that either reading of ``1`` is caught.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s",
    "7": "t", "8": "b", "9": "g",
}  # fmt: skip

#: Characters that render as nothing (or as blank) but are letters or symbols to Unicode;
#: they are dropped like zero-width characters.
INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")

#: Unicode categories dropped outright: format characters (zero-width space and joiners,
#: soft hyphen, bidi controls, tags) and combining marks (accents, variation selectors).
DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})
