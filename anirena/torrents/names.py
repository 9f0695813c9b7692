"""English names of the categories, sub-categories and content languages, marked for translation.

The database stores these names in English (migration 0002 loads them), and the
API and the RSS feed publish them as stored. The HTML pages show them through
the models' `display_name`, which looks each name up in the message catalogues
under CATEGORY_CONTEXT or LANGUAGE_CONTEXT. A name missing from the catalogue of
the active language is shown in English.

The lists below exist so that makemessages extracts the names, because the
project's makemessages command (anirena/core/management/commands/makemessages.py)
adds `pgettext_noop` to xgettext's keywords. The tests in
tests/torrents/test_name_translations.py check that the lists match the rows the
migrations load, and scripts/fill-name-translations fills the language names of
each catalogue from CLDR.
"""

import unicodedata

from django.utils.translation import pgettext

# Sub-category names share the categories' context: several are also category names.
CATEGORY_CONTEXT = "category"
LANGUAGE_CONTEXT = "language"


def pgettext_noop(context: str, message: str) -> str:
    """Mark `message` for extraction under `context` and return it untranslated."""
    return message


CATEGORY_NAMES = (
    pgettext_noop("category", "Anime"),
    pgettext_noop("category", "Manga/Manhwa/Comic"),
    pgettext_noop("category", "Audio"),
    pgettext_noop("category", "Literature"),
    pgettext_noop("category", "Live Action"),
    pgettext_noop("category", "Pictures"),
    pgettext_noop("category", "Software"),
    pgettext_noop("category", "Hentai"),
    pgettext_noop("category", "Other"),
)

# Each distinct sub-category name once, in the order of its first appearance.
SUB_CATEGORY_NAMES = (
    pgettext_noop("category", "Raw"),
    pgettext_noop("category", "Sub/Audio"),
    pgettext_noop("category", "English-translated"),
    pgettext_noop("category", "Non-English-translated"),
    pgettext_noop("category", "Music Video"),
    pgettext_noop("category", "Anime Music Video"),
    pgettext_noop("category", "Artbook"),
    pgettext_noop("category", "Lossless"),
    pgettext_noop("category", "Lossy"),
    pgettext_noop("category", "Soundtrack"),
    pgettext_noop("category", "Drama CD"),
    pgettext_noop("category", "Light Novel"),
    pgettext_noop("category", "Idol/Promotional Video"),
    pgettext_noop("category", "Graphics"),
    pgettext_noop("category", "Photos"),
    pgettext_noop("category", "Wallpapers"),
    pgettext_noop("category", "Applications"),
    pgettext_noop("category", "Games"),
    pgettext_noop("category", "Anime"),
    pgettext_noop("category", "Manga"),
    pgettext_noop("category", "Pictures"),
    pgettext_noop("category", "Live Action"),
    pgettext_noop("category", "Miscellaneous"),
)

# (BCP 47 code, English name) in the migration's order. The code lets
# scripts/fill-name-translations look each name up in CLDR.
LANGUAGE_NAMES = (
    ("ab", pgettext_noop("language", "Abkhaz")),
    ("aa", pgettext_noop("language", "Afar")),
    ("af", pgettext_noop("language", "Afrikaans")),
    ("ak", pgettext_noop("language", "Akan")),
    ("sq", pgettext_noop("language", "Albanian")),
    ("am", pgettext_noop("language", "Amharic")),
    ("ar", pgettext_noop("language", "Arabic")),
    ("ar-001", pgettext_noop("language", "Arabic (Modern Standard)")),
    ("an", pgettext_noop("language", "Aragonese")),
    ("hy", pgettext_noop("language", "Armenian")),
    ("as", pgettext_noop("language", "Assamese")),
    ("av", pgettext_noop("language", "Avaric")),
    ("ae", pgettext_noop("language", "Avestan")),
    ("ay", pgettext_noop("language", "Aymara")),
    ("az", pgettext_noop("language", "Azerbaijani")),
    ("bm", pgettext_noop("language", "Bambara")),
    ("ba", pgettext_noop("language", "Bashkir")),
    ("eu", pgettext_noop("language", "Basque")),
    ("be", pgettext_noop("language", "Belarusian")),
    ("bn", pgettext_noop("language", "Bengali")),
    ("bh", pgettext_noop("language", "Bihari")),
    ("bi", pgettext_noop("language", "Bislama")),
    ("bs", pgettext_noop("language", "Bosnian")),
    ("br", pgettext_noop("language", "Breton")),
    ("bg", pgettext_noop("language", "Bulgarian")),
    ("my", pgettext_noop("language", "Burmese")),
    ("yue", pgettext_noop("language", "Cantonese")),
    ("ca", pgettext_noop("language", "Catalan")),
    ("ch", pgettext_noop("language", "Chamorro")),
    ("ce", pgettext_noop("language", "Chechen")),
    ("ny", pgettext_noop("language", "Chichewa")),
    ("zh", pgettext_noop("language", "Chinese")),
    ("zh-HK", pgettext_noop("language", "Chinese (Hong Kong)")),
    ("zh-Hans", pgettext_noop("language", "Chinese (Simplified)")),
    ("zh-SG", pgettext_noop("language", "Chinese (Singapore)")),
    ("zh-TW", pgettext_noop("language", "Chinese (Taiwan)")),
    ("cu", pgettext_noop("language", "Church Slavonic")),
    ("cv", pgettext_noop("language", "Chuvash")),
    ("kw", pgettext_noop("language", "Cornish")),
    ("co", pgettext_noop("language", "Corsican")),
    ("cr", pgettext_noop("language", "Cree")),
    ("hr", pgettext_noop("language", "Croatian")),
    ("cs", pgettext_noop("language", "Czech")),
    ("da", pgettext_noop("language", "Danish")),
    ("dv", pgettext_noop("language", "Divehi")),
    ("nl", pgettext_noop("language", "Dutch")),
    ("nl-BE", pgettext_noop("language", "Dutch (Belgium)")),
    ("dz", pgettext_noop("language", "Dzongkha")),
    ("en", pgettext_noop("language", "English")),
    ("en-US", pgettext_noop("language", "English (United States)")),
    ("eo", pgettext_noop("language", "Esperanto")),
    ("et", pgettext_noop("language", "Estonian")),
    ("ee", pgettext_noop("language", "Ewe")),
    ("fo", pgettext_noop("language", "Faroese")),
    ("fj", pgettext_noop("language", "Fijian")),
    ("fil", pgettext_noop("language", "Filipino")),
    ("fi", pgettext_noop("language", "Finnish")),
    ("fr", pgettext_noop("language", "French")),
    ("fr-CA", pgettext_noop("language", "French (Canada)")),
    ("ff", pgettext_noop("language", "Fula")),
    ("gl", pgettext_noop("language", "Galician")),
    ("lg", pgettext_noop("language", "Ganda")),
    ("ka", pgettext_noop("language", "Georgian")),
    ("de", pgettext_noop("language", "German")),
    ("de-AT", pgettext_noop("language", "German (Austria)")),
    ("el", pgettext_noop("language", "Greek")),
    ("gn", pgettext_noop("language", "Guarani")),
    ("gu", pgettext_noop("language", "Gujarati")),
    ("ht", pgettext_noop("language", "Haitian Creole")),
    ("ha", pgettext_noop("language", "Hausa")),
    ("he", pgettext_noop("language", "Hebrew")),
    ("hz", pgettext_noop("language", "Herero")),
    ("hi", pgettext_noop("language", "Hindi")),
    ("ho", pgettext_noop("language", "Hiri Motu")),
    ("hu", pgettext_noop("language", "Hungarian")),
    ("is", pgettext_noop("language", "Icelandic")),
    ("io", pgettext_noop("language", "Ido")),
    ("ig", pgettext_noop("language", "Igbo")),
    ("id", pgettext_noop("language", "Indonesian")),
    ("ia", pgettext_noop("language", "Interlingua")),
    ("ie", pgettext_noop("language", "Interlingue")),
    ("iu", pgettext_noop("language", "Inuktitut")),
    ("ik", pgettext_noop("language", "Inupiaq")),
    ("ga", pgettext_noop("language", "Irish")),
    ("it", pgettext_noop("language", "Italian")),
    ("ja", pgettext_noop("language", "Japanese")),
    ("jv", pgettext_noop("language", "Javanese")),
    ("kl", pgettext_noop("language", "Kalaallisut")),
    ("kn", pgettext_noop("language", "Kannada")),
    ("kr", pgettext_noop("language", "Kanuri")),
    ("ks", pgettext_noop("language", "Kashmiri")),
    ("kk", pgettext_noop("language", "Kazakh")),
    ("km", pgettext_noop("language", "Khmer")),
    ("ki", pgettext_noop("language", "Kikuyu")),
    ("rw", pgettext_noop("language", "Kinyarwanda")),
    ("rn", pgettext_noop("language", "Kirundi")),
    ("kv", pgettext_noop("language", "Komi")),
    ("kg", pgettext_noop("language", "Kongo")),
    ("ko", pgettext_noop("language", "Korean")),
    ("kj", pgettext_noop("language", "Kwanyama")),
    ("ku", pgettext_noop("language", "Kurdish")),
    ("ky", pgettext_noop("language", "Kyrgyz")),
    ("lo", pgettext_noop("language", "Lao")),
    ("la", pgettext_noop("language", "Latin")),
    ("lv", pgettext_noop("language", "Latvian")),
    ("li", pgettext_noop("language", "Limburgish")),
    ("ln", pgettext_noop("language", "Lingala")),
    ("lt", pgettext_noop("language", "Lithuanian")),
    ("lu", pgettext_noop("language", "Luba-Katanga")),
    ("lb", pgettext_noop("language", "Luxembourgish")),
    ("mk", pgettext_noop("language", "Macedonian")),
    ("mg", pgettext_noop("language", "Malagasy")),
    ("ms", pgettext_noop("language", "Malay")),
    ("ml", pgettext_noop("language", "Malayalam")),
    ("mt", pgettext_noop("language", "Maltese")),
    ("gv", pgettext_noop("language", "Manx")),
    ("mi", pgettext_noop("language", "Māori")),
    ("mr", pgettext_noop("language", "Marathi")),
    ("mh", pgettext_noop("language", "Marshallese")),
    ("mn", pgettext_noop("language", "Mongolian")),
    ("na", pgettext_noop("language", "Nauruan")),
    ("nv", pgettext_noop("language", "Navajo")),
    ("ng", pgettext_noop("language", "Ndonga")),
    ("ne", pgettext_noop("language", "Nepali")),
    ("nd", pgettext_noop("language", "Northern Ndebele")),
    ("se", pgettext_noop("language", "Northern Sami")),
    ("no", pgettext_noop("language", "Norwegian")),
    ("nb", pgettext_noop("language", "Norwegian Bokmål")),
    ("nn", pgettext_noop("language", "Norwegian Nynorsk")),
    ("oc", pgettext_noop("language", "Occitan")),
    ("or", pgettext_noop("language", "Odia")),
    ("oj", pgettext_noop("language", "Ojibwe")),
    ("om", pgettext_noop("language", "Oromo")),
    ("os", pgettext_noop("language", "Ossetian")),
    ("pi", pgettext_noop("language", "Pali")),
    ("ps", pgettext_noop("language", "Pashto")),
    ("fa", pgettext_noop("language", "Persian")),
    ("pl", pgettext_noop("language", "Polish")),
    ("pt", pgettext_noop("language", "Portuguese")),
    ("pt-BR", pgettext_noop("language", "Portuguese (Brazil)")),
    ("pa", pgettext_noop("language", "Punjabi")),
    ("qu", pgettext_noop("language", "Quechua")),
    ("ro", pgettext_noop("language", "Romanian")),
    ("rm", pgettext_noop("language", "Romansh")),
    ("ru", pgettext_noop("language", "Russian")),
    ("sm", pgettext_noop("language", "Samoan")),
    ("sg", pgettext_noop("language", "Sango")),
    ("sa", pgettext_noop("language", "Sanskrit")),
    ("sc", pgettext_noop("language", "Sardinian")),
    ("gd", pgettext_noop("language", "Scottish Gaelic")),
    ("sr", pgettext_noop("language", "Serbian")),
    ("sr-Latn", pgettext_noop("language", "Serbian (Latin)")),
    ("sn", pgettext_noop("language", "Shona")),
    ("ii", pgettext_noop("language", "Sichuan Yi")),
    ("sd", pgettext_noop("language", "Sindhi")),
    ("si", pgettext_noop("language", "Sinhala")),
    ("sk", pgettext_noop("language", "Slovak")),
    ("sl", pgettext_noop("language", "Slovenian")),
    ("so", pgettext_noop("language", "Somali")),
    ("nr", pgettext_noop("language", "Southern Ndebele")),
    ("st", pgettext_noop("language", "Southern Sotho")),
    ("es", pgettext_noop("language", "Spanish")),
    ("es-419", pgettext_noop("language", "Spanish (Latin America)")),
    ("es-MX", pgettext_noop("language", "Spanish (Mexico)")),
    ("su", pgettext_noop("language", "Sundanese")),
    ("sw", pgettext_noop("language", "Swahili")),
    ("ss", pgettext_noop("language", "Swati")),
    ("sv", pgettext_noop("language", "Swedish")),
    ("tl", pgettext_noop("language", "Tagalog")),
    ("ty", pgettext_noop("language", "Tahitian")),
    ("tg", pgettext_noop("language", "Tajik")),
    ("ta", pgettext_noop("language", "Tamil")),
    ("tt", pgettext_noop("language", "Tatar")),
    ("te", pgettext_noop("language", "Telugu")),
    ("th", pgettext_noop("language", "Thai")),
    ("bo", pgettext_noop("language", "Tibetan")),
    ("ti", pgettext_noop("language", "Tigrinya")),
    ("to", pgettext_noop("language", "Tongan")),
    ("ts", pgettext_noop("language", "Tsonga")),
    ("tn", pgettext_noop("language", "Tswana")),
    ("tr", pgettext_noop("language", "Turkish")),
    ("tk", pgettext_noop("language", "Turkmen")),
    ("tw", pgettext_noop("language", "Twi")),
    ("uk", pgettext_noop("language", "Ukrainian")),
    ("ur", pgettext_noop("language", "Urdu")),
    ("ug", pgettext_noop("language", "Uyghur")),
    ("uz", pgettext_noop("language", "Uzbek")),
    ("ve", pgettext_noop("language", "Venda")),
    ("vi", pgettext_noop("language", "Vietnamese")),
    ("vo", pgettext_noop("language", "Volapük")),
    ("wa", pgettext_noop("language", "Walloon")),
    ("cy", pgettext_noop("language", "Welsh")),
    ("fy", pgettext_noop("language", "Western Frisian")),
    ("wo", pgettext_noop("language", "Wolof")),
    ("xh", pgettext_noop("language", "Xhosa")),
    ("yi", pgettext_noop("language", "Yiddish")),
    ("yo", pgettext_noop("language", "Yoruba")),
    ("za", pgettext_noop("language", "Zhuang")),
    ("zu", pgettext_noop("language", "Zulu")),
)


def translate_category_name(name: str) -> str:
    """Translate a category or sub-category name as stored into the active language."""
    return pgettext(CATEGORY_CONTEXT, name)


def translate_language_name(name: str) -> str:
    """Translate a content language's English name as stored into the active language."""
    return pgettext(LANGUAGE_CONTEXT, name)


def display_sort_key(name: str) -> str:
    """Return `name` without accents, voicing marks or letter case, so that "Éwé" sorts with "Ewe" and ガ with カ."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(character for character in decomposed if not unicodedata.combining(character)).casefold()


def sorted_by_display_name(rows) -> list:
    """Return `rows` (models with `display_name`) sorted by their names in the active language.

    NOTE: names written in kanji sort by code point, not by reading, because Python
    ships no reading data. In Japanese they come after the katakana names.
    """
    return sorted(rows, key=lambda row: display_sort_key(row.display_name))
