"""The calculators' own interface strings, per site language.

Validation messages are rendered here, in Python, for one input and one language, and
the browser gets the finished strings in the page's JSON. So the page and
``protocols calc`` show the same words, and the browser never formats a message itself.
Numbers inside messages (range limits) are formatted with Babel's CLDR data.
"""

from __future__ import annotations

from babel.numbers import format_decimal

LANGUAGES: tuple[str, ...] = ("en", "nl", "id")

UI: dict[str, dict[str, str]] = {
    "en": {
        "missing": "{label}: enter a value.",
        "choose": "{label}: choose an option.",
        "not_number": "{label}: enter a number, for example 72.5 or 72,5.",
        "not_whole": "{label}: enter a whole number, without dots, commas or spaces.",
        "range": "{label}: must be between {min} and {max}{unit}.",
        "implausible": "{label}: outside the plausible range {min} to {max}{unit}. Check the value.",
        "bad_choice": "{label}: choose one of the listed options.",
        "impossible": "These values do not give a valid result. Check the inputs.",
        "not_approved": "Not yet approved: verify every dose against the product label.",
        "placeholder_choice": "Choose…",
        "result": "Result",
        "details": "How this is calculated",
        "details_with_table": "formula, dosing table, accepted input, source",
        "details_without_table": "formula, accepted input, source",
        "unavailable": "The calculator could not be loaded: no result. Reload the page.",
        "formula": "Formula",
        "table": "Dosing table",
        "band": "Band",
        "source": "Source",
        "version": "Calculator version",
        "status": "Status",
        "limits": "Accepted input",
        "notes": "Notes",
        "empty": "—",
        "chart_start": "start",
        "chart_end": "end",
        "chart_target": "target: 1 log per week",
        "day": "day",
        "whole": "whole number",
    },
    "nl": {
        "missing": "{label}: vul een waarde in.",
        "choose": "{label}: kies een optie.",
        "not_number": "{label}: vul een getal in, bijvoorbeeld 72,5 of 72.5.",
        "not_whole": "{label}: vul een geheel getal in, zonder punten, komma's of spaties.",
        "range": "{label}: moet tussen {min} en {max}{unit} liggen.",
        "implausible": "{label}: buiten het aannemelijke bereik {min} tot {max}{unit}. "
        "Controleer de waarde.",
        "bad_choice": "{label}: kies een van de opties.",
        "impossible": "Deze waarden geven geen geldige uitkomst. Controleer de invoer.",
        "not_approved": "Nog niet goedgekeurd: controleer elke dosis met de productinformatie.",
        "placeholder_choice": "Kies…",
        "result": "Uitkomst",
        "details": "Hoe dit berekend wordt",
        "details_with_table": "formule, doseringstabel, geaccepteerde invoer, bron",
        "details_without_table": "formule, geaccepteerde invoer, bron",
        "unavailable": "De rekenhulp kon niet worden geladen: geen uitkomst. Laad de pagina opnieuw.",
        "formula": "Formule",
        "table": "Doseringstabel",
        "band": "Bereik",
        "source": "Bron",
        "version": "Versie van de calculator",
        "status": "Status",
        "limits": "Geaccepteerde invoer",
        "notes": "Opmerkingen",
        "empty": "—",
        "chart_start": "begin",
        "chart_end": "eind",
        "chart_target": "doel: 1 log per week",
        "day": "dag",
        "whole": "geheel getal",
    },
    "id": {
        "missing": "{label}: isi nilainya.",
        "choose": "{label}: pilih salah satu.",
        "not_number": "{label}: isi angka, misalnya 72,5 atau 72.5.",
        "not_whole": "{label}: isi bilangan bulat, tanpa titik, koma, atau spasi.",
        "range": "{label}: harus antara {min} dan {max}{unit}.",
        "implausible": "{label}: di luar rentang yang masuk akal {min} sampai {max}{unit}. "
        "Periksa nilainya.",
        "bad_choice": "{label}: pilih salah satu pilihan yang ada.",
        "impossible": "Nilai ini tidak memberikan hasil yang sah. Periksa masukan.",
        "not_approved": "Belum disetujui: periksa setiap dosis dengan label produk.",
        "placeholder_choice": "Pilih…",
        "result": "Hasil",
        "details": "Cara perhitungan",
        "details_with_table": "rumus, tabel dosis, masukan yang diterima, sumber",
        "details_without_table": "rumus, masukan yang diterima, sumber",
        "unavailable": "Kalkulator gagal dimuat: tidak ada hasil. Muat ulang halaman.",
        "formula": "Rumus",
        "table": "Tabel dosis",
        "band": "Rentang",
        "source": "Sumber",
        "version": "Versi kalkulator",
        "status": "Status",
        "limits": "Masukan yang diterima",
        "notes": "Catatan",
        "empty": "—",
        "chart_start": "awal",
        "chart_end": "akhir",
        "chart_target": "target: 1 log per minggu",
        "day": "hari",
        "whole": "bilangan bulat",
    },
}


def ui(lang: str, key: str) -> str:
    return UI[lang][key]


def number(value: float, lang: str) -> str:
    """A limit or table value in the language's own notation (CLDR via Babel)."""
    return format_decimal(value, locale=lang, decimal_quantization=False)


def message(lang: str, key: str, label: str, unit: str = "", low: float = 0, high: float = 0) -> str:
    return UI[lang][key].format(
        label=label,
        min=number(low, lang),
        max=number(high, lang),
        unit=f" {unit}" if unit else "",
    )
