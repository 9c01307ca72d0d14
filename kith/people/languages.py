"""Names of the languages people record, for pages people read (codes are ISO 639)."""

LANGUAGE_NAMES = {
    "ur": "Urdu", "pl": "Polish", "ar": "Arabic", "so": "Somali", "yue": "Cantonese", "pa": "Punjabi",
    "bn": "Bengali", "zh": "Chinese", "ro": "Romanian", "ku": "Kurdish", "fa": "Persian", "gu": "Gujarati",
    "ti": "Tigrinya", "es": "Spanish", "pt": "Portuguese", "fr": "French", "it": "Italian", "lt": "Lithuanian",
    "tr": "Turkish", "uk": "Ukrainian", "ru": "Russian", "hi": "Hindi", "ta": "Tamil", "sq": "Albanian",
    "bg": "Bulgarian", "hu": "Hungarian", "cy": "Welsh", "en": "English", "bsl": "British Sign Language",
}  # fmt: skip


def language_name(code: str) -> str:
    code = code.strip().lower()
    return LANGUAGE_NAMES.get(code, code)


def language_names(codes: str) -> str:
    """'ur, pl' → 'Urdu, Polish'; an unknown code is shown as typed."""
    return ", ".join(language_name(c) for c in codes.split(",") if c.strip())
