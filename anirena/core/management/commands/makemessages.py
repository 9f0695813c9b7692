"""Django's makemessages, also extracting the names marked with `pgettext_noop` in anirena/torrents/names.py.

Django has no `pgettext_noop` and makemessages has no option for extra
keywords, so this command adds the keyword to the xgettext options.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=pgettext_noop:1c,2"]
