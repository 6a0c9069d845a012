"""The words of the law in zh and en, through gettext, without Flask.

Source texts are Simplified Chinese marked with `N_` (extracted into the catalogues by
`make extract-messages`); `text(msgid, lang)` translates them from the compiled catalogues
of every feature, so pure modules (the law, the counting core, the offline verifier) speak
the same words as the pages.
"""

from __future__ import annotations

import functools
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

#: the languages the law speaks: the UI's short codes
LANGS = ("zh", "en")
ROOT = Path(__file__).resolve().parent.parent.parent
#: the catalogue folders, core first (as BABEL_TRANSLATION_DIRECTORIES lists them)
CATALOGUE_DIRS = ("translations", "proposals/translations", "voting/translations",
                  "meetings/translations", "notifications/translations",
                  "turnout/translations")


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark a source text for extraction; translated later by `text`."""
    return message


def normalize_lang(lang: str) -> str:
    """Map a language tag such as "zh-CN", "zh_Hans_CN" or "en" to "zh" or "en"."""
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    if base not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    return base


@functools.cache
def _catalogue(lang: str) -> NullTranslations:
    """Every feature's compiled catalogue for the language, merged (Chinese: none needed)."""
    merged: NullTranslations = NullTranslations()
    if lang == "zh":
        return merged
    for folder in CATALOGUE_DIRS:
        path = ROOT / folder
        if not path.is_dir():
            continue
        loaded = Translations.load(str(path), [lang])
        if isinstance(loaded, Translations):
            if isinstance(merged, Translations):
                merged.merge(loaded)
            else:
                merged = loaded
    return merged


def text(message: str, lang: str = "zh", /, **params: object) -> str:
    """A source text in the language, with `%(name)s` parameters filled in."""
    translated = _catalogue(normalize_lang(lang)).gettext(message)
    return translated % params if params else translated


def ptext(context: str, message: str, lang: str = "zh", /, **params: object) -> str:
    """`text` with a message context (pgettext), for words that differ by use."""
    translated = _catalogue(normalize_lang(lang)).pgettext(context, message)
    return translated % params if params else translated
