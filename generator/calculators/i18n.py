"""The calculators' own interface strings, per site language.

Validation messages are rendered here, in Python, for one input and one language, and
the browser gets the finished strings in the page's JSON. So the page and
``protocols calc`` show the same words, and the browser never formats a message itself.
Numbers inside messages (range limits) are formatted with Babel's CLDR data.
"""

from __future__ import annotations

from fractions import Fraction

from babel.numbers import format_decimal, get_decimal_symbol

from .exact import for_display

LANGUAGES: tuple[str, ...] = ("en", "nl", "id")
DECIMAL_SYMBOL = {lang: get_decimal_symbol(lang) for lang in LANGUAGES}

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
        "not_approved_dose": "Not yet approved: verify every dose against the product label.",
        "not_approved_clearance": "Not yet approved: check the clearance by hand before you "
        "use it.",
        "not_approved_trend": "Not yet approved: check the decline by hand before you use it.",
        "ambiguous": "{label}: “{text}” could mean {grouped} or {decimal}. Type {grouped} or "
        "{decimal}.",
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
        "chart_target": "target: a decline of more than 1 log per week",
        "day": "day",
        "whole": "whole number",
        "status_draft": "draft",
        "status_review": "in review",
        "status_approved": "approved",
        "status_retired": "retired",
        "link_waiting": "{label}: no result there yet.",
        "link_implausible": "{label}: {value} is above {max}, which is implausible. Check the "
        "inputs there; the value is not used here.",
        "link_typed": "Typed here by hand: the calculated value is not used.",
        "link_restore": "Use the calculated value",
        "word_and": "and",
        "word_or": "or",
        "word_not": "not",
        "word_given": "{value} filled in",
        "word_otherwise": "or else",
        "copy": "Copy result",
        "copied": "Copied: {text}",
        "copy_failed": "Could not copy. Select the result and copy it by hand.",
        "reset": "Reset",
        "unrounded": "Unrounded",
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
        "not_approved_dose": "Nog niet goedgekeurd: controleer elke dosis met de "
        "productinformatie.",
        "not_approved_clearance": "Nog niet goedgekeurd: controleer de klaring zelf voordat u "
        "die gebruikt.",
        "not_approved_trend": "Nog niet goedgekeurd: controleer de daling zelf voordat u die "
        "gebruikt.",
        "ambiguous": "{label}: ‘{text}’ kan {grouped} of {decimal} betekenen. Typ {grouped} of "
        "{decimal}.",
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
        "chart_target": "doel: een daling van meer dan 1 log per week",
        "day": "dag",
        "whole": "geheel getal",
        "status_draft": "concept",
        "status_review": "in beoordeling",
        "status_approved": "goedgekeurd",
        "status_retired": "ingetrokken",
        "link_waiting": "{label}: daar nog geen uitkomst.",
        "link_implausible": "{label}: {value} is hoger dan {max} en dus niet aannemelijk. "
        "Controleer daar de invoer; de waarde wordt hier niet gebruikt.",
        "link_typed": "Hier met de hand ingevuld: de berekende waarde wordt niet gebruikt.",
        "link_restore": "Gebruik de berekende waarde",
        "word_and": "en",
        "word_or": "of",
        "word_not": "niet",
        "word_given": "{value} ingevuld",
        "word_otherwise": "anders",
        "copy": "Uitkomst kopiëren",
        "copied": "Gekopieerd: {text}",
        "copy_failed": "Kopiëren lukte niet. Selecteer de uitkomst en kopieer die zelf.",
        "reset": "Wissen",
        "unrounded": "Onafgerond",
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
        "not_approved_dose": "Belum disetujui: periksa setiap dosis dengan label produk.",
        "not_approved_clearance": "Belum disetujui: periksa sendiri klirens ini sebelum "
        "dipakai.",
        "not_approved_trend": "Belum disetujui: periksa sendiri penurunan ini sebelum dipakai.",
        "ambiguous": "{label}: “{text}” bisa berarti {grouped} atau {decimal}. Ketik {grouped} "
        "atau {decimal}.",
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
        "chart_target": "target: penurunan lebih dari 1 log per minggu",
        "day": "hari",
        "whole": "bilangan bulat",
        "status_draft": "draf",
        "status_review": "sedang ditinjau",
        "status_approved": "disetujui",
        "status_retired": "ditarik",
        "link_waiting": "{label}: belum ada hasil di sana.",
        "link_implausible": "{label}: {value} lebih dari {max}, jadi tidak masuk akal. Periksa "
        "masukan di sana; nilai ini tidak dipakai di sini.",
        "link_typed": "Diisi manual di sini: nilai hasil hitungan tidak dipakai.",
        "link_restore": "Pakai nilai hasil hitungan",
        "word_and": "dan",
        "word_or": "atau",
        "word_not": "bukan",
        "word_given": "{value} diisi",
        "word_otherwise": "jika tidak,",
        "copy": "Salin hasil",
        "copied": "Tersalin: {text}",
        "copy_failed": "Gagal menyalin. Pilih hasilnya dan salin secara manual.",
        "reset": "Atur ulang",
        "unrounded": "Tanpa pembulatan",
    },
}


def ui(lang: str, key: str) -> str:
    return UI[lang][key]


def not_approved(lang: str, gives: str) -> str:
    """The status notice of a calculator that is not approved, naming what it gives."""
    return UI[lang][f"not_approved_{gives}"]


def number(value: Fraction | float, lang: str) -> str:
    """A limit or table value in the language's own notation (CLDR via Babel)."""
    return format_decimal(for_display(value), locale=lang, decimal_quantization=False)


def message(lang: str, key: str, label: str, unit: str = "", low: Fraction | float = 0,
            high: Fraction | float = 0) -> str:
    return UI[lang][key].format(
        label=label,
        min=number(low, lang),
        max=number(high, lang),
        unit=f" {unit}" if unit else "",
    )
