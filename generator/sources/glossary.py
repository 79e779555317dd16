"""The glossary (``protocol_src/glossary.yaml``): loading, checks, and tooltips per page.

Tooltips use Python-Markdown's ``abbr`` extension (``*[CMV]: Cytomegalovirus``).
mkdocs-static-i18n cannot give each language its own Markdown extension
settings, so the generator appends the definitions to each page itself, in the
reader's language, and only for the terms that occur on that page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .model import Glossary, GlossaryTerm, SynonymGroup
from .problems import Problems
from .sourcetext import read_source
from .yamlpos import LineList, LineMap, load_yaml

GLOSSARY_FILE = "protocol_src/glossary.yaml"
# abbr reads a definition up to ']' and to the end of the line.
FORBIDDEN_IN_TERM = re.compile(r"[\]\n\\]")
# Synonyms go into front matter and the search index as words: no markup, no line breaks.
FORBIDDEN_IN_SYNONYM = re.compile(r"[<>\[\]\n\\\"]")


def load_glossary(root: Path, languages: tuple[str, ...], problems: Problems) -> Glossary:
    """The glossary, or an empty one when the file does not exist (it is optional)."""
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return Glossary()
    text, found = read_source(path, GLOSSARY_FILE)
    problems.extend(found)
    if text is None:
        return Glossary()
    data, found = load_yaml(text, GLOSSARY_FILE)
    problems.extend(found)
    if data is None and found:
        return Glossary()
    synonyms = _synonyms(data, languages, problems) if isinstance(data, LineMap) else ()
    raw = data.get("terms") if isinstance(data, LineMap) else None
    if not isinstance(raw, LineList):
        line = data.line_of("terms") if isinstance(data, LineMap) else 1
        problems.error(GLOSSARY_FILE, line, "the glossary needs 'terms': a list of terms",
                       "- term: CMV, then one line per language, e.g. en: Cytomegalovirus")
        return Glossary(synonyms=synonyms)
    terms: list[GlossaryTerm] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(raw):
        term = _term(item, raw.line_of(index), languages, problems)
        if term is None:
            continue
        if term.term in first_line:
            problems.error(GLOSSARY_FILE, term.line, f"duplicate term '{term.term}' "
                           f"(first defined on line {first_line[term.term]})")
            continue
        first_line[term.term] = term.line
        terms.append(term)
    return Glossary(tuple(terms), synonyms)


def _synonyms(data: LineMap, languages: tuple[str, ...],
              problems: Problems) -> tuple[SynonymGroup, ...]:
    """``synonyms``: a list of groups, each mapping languages to the spellings its readers
    use (``- en: [ganciclovir, gancyclovir]``, ``id: [gansiklovir]``). A spelling belongs to
    one group only, else a search for it could not say which drug it means."""
    raw = data.get("synonyms")
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        problems.error(GLOSSARY_FILE, data.line_of("synonyms"), "'synonyms' must be a list",
                       "- en: [ganciclovir, gancyclovir]")
        return ()
    groups: list[SynonymGroup] = []
    first: dict[str, int] = {}
    for index, item in enumerate(raw):
        group = _synonym_group(item, raw.line_of(index), languages, problems)
        if group is None:
            continue
        for spelling in group.every:
            key = spelling.casefold()
            if key in first and first[key] != group.line:
                problems.error(GLOSSARY_FILE, group.line, f"synonym '{spelling}' is in two "
                               f"groups (first on line {first[key]})")
            first.setdefault(key, group.line)
        groups.append(group)
    return tuple(groups)


def _synonym_group(item: object, line: int, languages: tuple[str, ...],
                   problems: Problems) -> SynonymGroup | None:
    hint = "each group maps languages to lists of spellings: - en: [ganciclovir, gancyclovir]"
    if not isinstance(item, LineMap) or not item:
        problems.error(GLOSSARY_FILE, line, "each synonyms entry maps languages to spellings",
                       hint)
        return None
    spellings: dict[str, tuple[str, ...]] = {}
    for lang, words in item.items():
        where = item.line_of(lang)
        if lang not in languages:
            problems.error(GLOSSARY_FILE, where, f"synonyms: unknown language '{lang}'",
                           f"site languages: {', '.join(languages)}")
        elif not isinstance(words, list) or not words or not all(
                isinstance(w, str) and w.strip() and not FORBIDDEN_IN_SYNONYM.search(w)
                for w in words):
            problems.error(GLOSSARY_FILE, where,
                           f"synonyms in '{lang}' must be a list of words", hint)
        else:
            spellings[lang] = tuple(" ".join(w.split()) for w in words)
    return SynonymGroup(spellings, line) if len(spellings) == len(item) else None


def synonyms_for(text: str, glossary: Glossary, lang: str) -> list[str]:
    """The spellings, in ``lang``, of every synonym group that ``text`` uses in any language
    (whole words, any case), for the search index; spellings already in the text too, so
    that a page is found by each of them."""
    found: list[str] = []
    for group in glossary.synonyms:
        words = group.every
        if _words(words).search(text):
            found += [w for w in group.spellings.get(lang, words) if w not in found]
    return found


@lru_cache(maxsize=256)
def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
                      re.IGNORECASE)


def _term(item: object, line: int, languages: tuple[str, ...],
          problems: Problems) -> GlossaryTerm | None:
    if not isinstance(item, LineMap) or not isinstance(item.get("term"), str) \
            or not item["term"].strip():
        problems.error(GLOSSARY_FILE, line, "each glossary entry needs a 'term'")
        return None
    term = item["term"].strip()
    ok = True
    if FORBIDDEN_IN_TERM.search(term):
        problems.error(GLOSSARY_FILE, item.line_of("term"),
                       f"term '{term}' must not contain ']' or a backslash")
        ok = False
    drug = item.get("drug", False)
    if not isinstance(drug, bool):
        problems.error(GLOSSARY_FILE, item.line_of("drug"), f"term '{term}': drug must be "
                       "true or false", "true marks a term that names a drug, e.g. IVIG")
        ok = False
    for key in item:
        if key not in ("term", "drug") and key not in languages:
            problems.error(GLOSSARY_FILE, item.line_of(key),
                           f"term '{term}': unknown language '{key}'",
                           f"site languages: {', '.join(languages)}")
            ok = False
    for lang in languages:
        value = item.get(lang)
        if not isinstance(value, str) or not value.strip():
            problems.error(GLOSSARY_FILE, item.line_of(lang) if lang in item else line,
                           f"term '{term}' has no expansion in '{lang}'",
                           "every term needs an expansion in every site language")
            ok = False
    if not ok:
        return None
    return GlossaryTerm(term, {lang: " ".join(item[lang].split()) for lang in languages}, line,
                        drug)


def with_abbreviations(page: str, glossary: Glossary, lang: str) -> str:
    """``page`` with the definitions of the glossary terms it uses, in ``lang``, appended.

    The search uses the word boundaries that ``abbr`` itself uses, so a term is
    defined exactly where it will get a tooltip; the front matter is skipped.
    """
    if not glossary.terms:
        return page
    found = set(_pattern(tuple(t.term for t in glossary.terms)).findall(
        _without_front_matter(page)))
    used = [t for t in glossary.terms if t.term in found]
    if not used:
        return page
    definitions = [f"*[{t.term}]: {t.expansions[lang]}" for t in used]
    return page.rstrip("\n") + "\n\n" + "\n".join(definitions) + "\n"


@lru_cache(maxsize=4)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # One pass per page whatever the glossary's size; longest first, so that of
    # two terms starting alike the longer one is found.
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(t) for t in ordered) + r")\b")


def _without_front_matter(page: str) -> str:
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end != -1:
            return page[end + 5:]
    return page
