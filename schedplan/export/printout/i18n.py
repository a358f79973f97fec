"""The printout's language: gettext catalogs for words, babel for dates, month and weekday names."""

from __future__ import annotations

import datetime as dt
import gettext
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, get_day_names

from schedplan.errors import InputError

DOMAIN = "schedplan-print"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FALLBACK = "en_GB"
Width = Literal["abbreviated", "narrow", "short", "wide"]


def environment_locale(environ: Mapping[str, str] | None = None) -> str:
    """The locale the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, the first one set);
    en_GB when that is C/POSIX, unset, or a locale babel does not know."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(name) or "").split(":")[0].split(".")[0].split("@")[0].strip()
        if not value:
            continue
        if value in ("C", "POSIX"):
            return FALLBACK
        try:
            Locale.parse(value.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            return FALLBACK
        return value
    return FALLBACK


def parse_locale(name: str) -> Locale:
    """A babel Locale for ``en_GB``, ``it-IT``, ``it_IT.UTF-8``; InputError naming the right form otherwise."""
    text = (name or "").strip().split(".")[0].replace("-", "_")
    try:
        return Locale.parse(text)
    except (UnknownLocaleError, ValueError, TypeError):
        raise InputError(
            f"--locale {name!r} is not a locale this machine knows; write it like en_GB, en_US or it_IT",
            field="locale",
        ) from None


@dataclass(frozen=True)
class Language:
    """Words (gettext) and dates (babel) in one locale."""

    locale: Locale
    translations: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def long_date(self, d: dt.date) -> str:
        return format_date(d, "full", locale=self.locale)

    def medium_date(self, d: dt.date) -> str:
        return format_date(d, "medium", locale=self.locale)

    def month_title(self, d: dt.date) -> str:
        return format_skeleton("yMMMM", d, locale=self.locale)

    def day_month(self, d: dt.date) -> str:
        return format_skeleton("MMMd", d, locale=self.locale)

    def weekday(self, d: dt.date, width: Width = "abbreviated") -> str:
        return str(get_day_names(width, locale=self.locale)[d.weekday()])

    def weekday_names(self, width: Width = "abbreviated") -> list[str]:
        """Weekday names from the locale's first day of the week."""
        names = get_day_names(width, locale=self.locale)
        first = self.locale.first_week_day
        return [str(names[(first + i) % 7]) for i in range(7)]

    def is_weekend(self, d: dt.date) -> bool:
        start, end = self.locale.weekend_start, self.locale.weekend_end
        wd = d.weekday()
        return start <= wd <= end if start <= end else wd >= start or wd <= end

    def datetime(self, when: dt.datetime) -> str:
        return format_datetime(when, "medium", tzinfo=when.tzinfo, locale=self.locale) + " " + (when.tzname() or "")


def language(name: str) -> Language:
    """The Language for a locale name: its catalog if one is installed in LOCALE_DIR, else English words."""
    loc = parse_locale(name)
    candidates = [str(loc), loc.language]
    translations = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=candidates, fallback=True)
    return Language(locale=loc, translations=translations)
