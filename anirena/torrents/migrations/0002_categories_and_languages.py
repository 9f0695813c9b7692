"""Load the nine categories with their sub-categories and the content languages.

Category slugs are part of the API and of feed URLs, so they never change once
published. Languages are (BCP 47 code, English name, flag country code) in the
order the guide and the API document; an empty country code means the language
has no single country for its flag.
"""

from django.db import migrations

CATEGORIES = [
    ("anime", "Anime", False, [("raw", "Raw"), ("sub-audio", "Sub/Audio"), ("english-translated", "English-translated"),
                               ("non-english-translated", "Non-English-translated"), ("music-video", "Music Video"),
                               ("amv", "Anime Music Video")]),
    ("manga", "Manga/Manhwa/Comic", False, [("raw", "Raw"), ("english-translated", "English-translated"),
                                            ("non-english-translated", "Non-English-translated"),
                                            ("artbook", "Artbook")]),
    ("audio", "Audio", False, [("lossless", "Lossless"), ("lossy", "Lossy"), ("soundtrack", "Soundtrack"),
                               ("drama-cd", "Drama CD")]),
    ("literature", "Literature", False, [("raw", "Raw"), ("english-translated", "English-translated"),
                                         ("non-english-translated", "Non-English-translated"),
                                         ("light-novel", "Light Novel")]),
    ("live", "Live Action", False, [("raw", "Raw"), ("english-translated", "English-translated"),
                                    ("non-english-translated", "Non-English-translated"),
                                    ("idol-pv", "Idol/Promotional Video")]),
    ("pictures", "Pictures", False, [("graphics", "Graphics"), ("photos", "Photos"), ("wallpapers", "Wallpapers")]),
    ("software", "Software", False, [("applications", "Applications"), ("games", "Games")]),
    ("hentai", "Hentai", True, [("anime", "Anime"), ("manga", "Manga"), ("games", "Games"), ("pictures", "Pictures"),
                                ("live", "Live Action")]),
    ("other", "Other", False, [("misc", "Miscellaneous")]),
]


LANGUAGES = [
    ("ab", "Abkhaz", "ge"), ("aa", "Afar", "et"), ("af", "Afrikaans", "za"), ("ak", "Akan", "gh"),
    ("sq", "Albanian", "al"), ("am", "Amharic", "et"), ("ar", "Arabic", "sa"),
    ("ar-001", "Arabic (Modern Standard)", "sa"), ("an", "Aragonese", "es"), ("hy", "Armenian", "am"),
    ("as", "Assamese", "in"), ("av", "Avaric", "ru"), ("ae", "Avestan", "ir"), ("ay", "Aymara", "bo"),
    ("az", "Azerbaijani", "az"), ("bm", "Bambara", "ml"), ("ba", "Bashkir", "ru"), ("eu", "Basque", "es"),
    ("be", "Belarusian", "by"), ("bn", "Bengali", "bd"), ("bh", "Bihari", "in"), ("bi", "Bislama", "vu"),
    ("bs", "Bosnian", "ba"), ("br", "Breton", "fr"), ("bg", "Bulgarian", "bg"), ("my", "Burmese", "mm"),
    ("yue", "Cantonese", "hk"), ("ca", "Catalan", "ad"), ("ch", "Chamorro", "gu"), ("ce", "Chechen", "ru"),
    ("ny", "Chichewa", "mw"), ("zh", "Chinese", "cn"), ("zh-HK", "Chinese (Hong Kong)", "hk"),
    ("zh-Hans", "Chinese (Simplified)", "cn"), ("zh-SG", "Chinese (Singapore)", "sg"),
    ("zh-TW", "Chinese (Taiwan)", "tw"), ("cu", "Church Slavonic", ""), ("cv", "Chuvash", "ru"),
    ("kw", "Cornish", "gb"), ("co", "Corsican", "fr"), ("cr", "Cree", "ca"), ("hr", "Croatian", "hr"),
    ("cs", "Czech", "cz"), ("da", "Danish", "dk"), ("dv", "Divehi", "mv"), ("nl", "Dutch", "nl"),
    ("nl-BE", "Dutch (Belgium)", "be"), ("dz", "Dzongkha", "bt"), ("en", "English", "gb"),
    ("en-US", "English (United States)", "us"), ("eo", "Esperanto", ""), ("et", "Estonian", "ee"),
    ("ee", "Ewe", "gh"), ("fo", "Faroese", "fo"), ("fj", "Fijian", "fj"), ("fil", "Filipino", "ph"),
    ("fi", "Finnish", "fi"), ("fr", "French", "fr"), ("fr-CA", "French (Canada)", "ca"),
    ("ff", "Fula", "sn"), ("gl", "Galician", "es"), ("lg", "Ganda", "ug"), ("ka", "Georgian", "ge"),
    ("de", "German", "de"), ("de-AT", "German (Austria)", "at"), ("el", "Greek", "gr"),
    ("gn", "Guarani", "py"), ("gu", "Gujarati", "in"), ("ht", "Haitian Creole", "ht"), ("ha", "Hausa", "ng"),
    ("he", "Hebrew", "il"), ("hz", "Herero", "na"), ("hi", "Hindi", "in"), ("ho", "Hiri Motu", "pg"),
    ("hu", "Hungarian", "hu"), ("is", "Icelandic", "is"), ("io", "Ido", ""), ("ig", "Igbo", "ng"),
    ("id", "Indonesian", "id"), ("ia", "Interlingua", ""), ("ie", "Interlingue", ""),
    ("iu", "Inuktitut", "ca"), ("ik", "Inupiaq", "us"), ("ga", "Irish", "ie"), ("it", "Italian", "it"),
    ("ja", "Japanese", "jp"), ("jv", "Javanese", "id"), ("kl", "Kalaallisut", "gl"), ("kn", "Kannada", "in"),
    ("kr", "Kanuri", "ng"), ("ks", "Kashmiri", "in"), ("kk", "Kazakh", "kz"), ("km", "Khmer", "kh"),
    ("ki", "Kikuyu", "ke"), ("rw", "Kinyarwanda", "rw"), ("rn", "Kirundi", "bi"), ("kv", "Komi", "ru"),
    ("kg", "Kongo", "cd"), ("ko", "Korean", "kr"), ("kj", "Kwanyama", "ao"), ("ku", "Kurdish", "iq"),
    ("ky", "Kyrgyz", "kg"), ("lo", "Lao", "la"), ("la", "Latin", "va"), ("lv", "Latvian", "lv"),
    ("li", "Limburgish", "nl"), ("ln", "Lingala", "cd"), ("lt", "Lithuanian", "lt"),
    ("lu", "Luba-Katanga", "cd"), ("lb", "Luxembourgish", "lu"), ("mk", "Macedonian", "mk"),
    ("mg", "Malagasy", "mg"), ("ms", "Malay", "my"), ("ml", "Malayalam", "in"), ("mt", "Maltese", "mt"),
    ("gv", "Manx", "im"), ("mi", "Māori", "nz"), ("mr", "Marathi", "in"), ("mh", "Marshallese", "mh"),
    ("mn", "Mongolian", "mn"), ("na", "Nauruan", "nr"), ("nv", "Navajo", "us"), ("ng", "Ndonga", "na"),
    ("ne", "Nepali", "np"), ("nd", "Northern Ndebele", "zw"), ("se", "Northern Sami", "no"),
    ("no", "Norwegian", "no"), ("nb", "Norwegian Bokmål", "no"), ("nn", "Norwegian Nynorsk", "no"),
    ("oc", "Occitan", "fr"), ("or", "Odia", "in"), ("oj", "Ojibwe", "ca"), ("om", "Oromo", "et"),
    ("os", "Ossetian", "ge"), ("pi", "Pali", "in"), ("ps", "Pashto", "af"), ("fa", "Persian", "ir"),
    ("pl", "Polish", "pl"), ("pt", "Portuguese", "pt"), ("pt-BR", "Portuguese (Brazil)", "br"),
    ("pa", "Punjabi", "in"), ("qu", "Quechua", "pe"), ("ro", "Romanian", "ro"), ("rm", "Romansh", "ch"),
    ("ru", "Russian", "ru"), ("sm", "Samoan", "ws"), ("sg", "Sango", "cf"), ("sa", "Sanskrit", "in"),
    ("sc", "Sardinian", "it"), ("gd", "Scottish Gaelic", "gb"), ("sr", "Serbian", "rs"),
    ("sr-Latn", "Serbian (Latin)", "rs"), ("sn", "Shona", "zw"), ("ii", "Sichuan Yi", "cn"),
    ("sd", "Sindhi", "pk"), ("si", "Sinhala", "lk"), ("sk", "Slovak", "sk"), ("sl", "Slovenian", "si"),
    ("so", "Somali", "so"), ("nr", "Southern Ndebele", "za"), ("st", "Southern Sotho", "ls"),
    ("es", "Spanish", "es"), ("es-419", "Spanish (Latin America)", "mx"), ("es-MX", "Spanish (Mexico)", "mx"),
    ("su", "Sundanese", "id"), ("sw", "Swahili", "tz"), ("ss", "Swati", "sz"), ("sv", "Swedish", "se"),
    ("tl", "Tagalog", "ph"), ("ty", "Tahitian", "pf"), ("tg", "Tajik", "tj"), ("ta", "Tamil", "in"),
    ("tt", "Tatar", "ru"), ("te", "Telugu", "in"), ("th", "Thai", "th"), ("bo", "Tibetan", "cn"),
    ("ti", "Tigrinya", "er"), ("to", "Tongan", "to"), ("ts", "Tsonga", "za"), ("tn", "Tswana", "bw"),
    ("tr", "Turkish", "tr"), ("tk", "Turkmen", "tm"), ("tw", "Twi", "gh"), ("uk", "Ukrainian", "ua"),
    ("ur", "Urdu", "pk"), ("ug", "Uyghur", "cn"), ("uz", "Uzbek", "uz"), ("ve", "Venda", "za"),
    ("vi", "Vietnamese", "vn"), ("vo", "Volapük", ""), ("wa", "Walloon", "be"), ("cy", "Welsh", "gb"),
    ("fy", "Western Frisian", "nl"), ("wo", "Wolof", "sn"), ("xh", "Xhosa", "za"), ("yi", "Yiddish", ""),
    ("yo", "Yoruba", "ng"), ("za", "Zhuang", "cn"), ("zu", "Zulu", "za"),
]


def load(apps, schema_editor):
    Category = apps.get_model("torrents", "Category")
    SubCategory = apps.get_model("torrents", "SubCategory")
    Language = apps.get_model("torrents", "Language")
    for position, (slug, name, is_adult, subs) in enumerate(CATEGORIES):
        category, _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "is_adult": is_adult, "position": position}
        )
        for sub_position, (sub_slug, sub_name) in enumerate(subs):
            SubCategory.objects.update_or_create(
                category=category, slug=sub_slug, defaults={"name": sub_name, "position": sub_position}
            )
    for position, (code, name, country) in enumerate(LANGUAGES):
        Language.objects.update_or_create(code=code, defaults={"name": name, "country_code": country,
                                                               "position": position})


class Migration(migrations.Migration):
    dependencies = [("torrents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
