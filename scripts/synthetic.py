"""The synthetic corpus: N protocols x en/nl/id in the project's own source format.

One definition for scripts/benchmark.py, scripts/measure_scale.py and the page-size
tests (tests/test_page_size.py). Each protocol cites two references and links to three
others; every tenth embeds the creatinine-clearance calculator. Every title starts with
the same word in each language ("Synthetic protocol N"...) and all share one specialty,
the worst case for an index split by letter or by specialty. With ``hub=True`` every
protocol also links to the seed protocol cmv-icu, the worst case for "Referenced by".
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LANGS = ("en", "nl", "id")
CALC_EVERY = 10

YAML = """\
id: {id}
version: "1.0"
status: approved
original_language: en
owner: Infectious Diseases
review_due: 2030-01-01
approved_by: Dr. A. Test
approved_on: 2025-01-01
specialties: [infectious-diseases]
references:
  - key: ref-1
    text: "Author A, Author B. A study of synthetic protocol {n}. J Synth Med. 2024;1:1-10."
  - key: ref-2
    text: "Author C. Another study. J Synth Med. 2023;2:11-20."
{calculators}changelog:
  - version: "1.0"
    date: 2025-01-01
    note: First version.
"""

WORDS = {
    "en": "The patient receives treatment after diagnosis of the infection in the intensive care "
          "unit, with monitoring of kidney function and blood counts every week.",
    "nl": "De patiënt krijgt behandeling na de diagnose van de infectie op de intensive care, "
          "met controle van de nierfunctie en het bloedbeeld elke week.",
    "id": "Pasien menerima pengobatan setelah diagnosis infeksi di unit perawatan intensif, "
          "dengan pemantauan fungsi ginjal dan hitung darah setiap minggu.",
}
TITLE = {"en": "Synthetic protocol", "nl": "Synthetisch protocol", "id": "Protokol sintetis"}
ALIAS = {"en": "Alias", "nl": "Alias", "id": "Alias"}


def protocol_id(n: int) -> str:
    return f"synthetic-{n:04d}"


def body(n: int, count: int, lang: str, hub: bool = False) -> str:
    links = " ".join(f"[[{protocol_id((n * 7 + k) % count)}]]" for k in (1, 2, 3))
    if hub:
        links += " [[cmv-icu]]"
    front = [f"title: {TITLE[lang]} {n}", f'aliases: ["{ALIAS[lang]} {n} zebra{n}"]']
    if lang != "en":
        front.append('translation_of_version: "1.0"')
    calc = "\n\n## Calculator {#calculator}\n\n[[calc:creatinine-clearance]]\n" \
        if n % CALC_EVERY == 0 else ""
    paragraph = WORDS[lang]
    return ("---\n" + "\n".join(front) + "\n---\n\n"
            f"{paragraph} CMV [@ref-1]. {links}\n\n"
            "## Dosing {#dosing}\n\n"
            + "\n\n".join(f"{paragraph} ({i}) [@ref-2]" for i in range(6)) + calc + "\n")


def make_project(root: Path, count: int, hub: bool = False) -> Path:
    """The repository's settings and seed protocols plus ``count`` synthetic ones, at ``root``."""
    shutil.copytree(REPO / "site_config", root / "site_config")
    shutil.copytree(REPO / "protocol_src", root / "protocol_src")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for n in range(count):
        pid = protocol_id(n)
        folder = root / "protocol_src" / "protocols" / pid
        folder.mkdir(parents=True)
        calculators = "calculators: [creatinine-clearance]\n" if n % CALC_EVERY == 0 else ""
        (folder / "protocol.yaml").write_text(
            YAML.format(id=pid, n=n, calculators=calculators), encoding="utf-8")
        for lang in LANGS:
            (folder / f"{lang}.md").write_text(body(n, count, lang, hub), encoding="utf-8")
    return root
