"""Set translations in a catalogue from the command line (for small batches; translators
use Poedit, Weblate or any .po editor on auditor/locale/<lang>/LC_MESSAGES/auditor.po).

Usage: python scripts/i18n_set.py LANG 'English text' 'translation' ['English' 'translation' ...]
A plural entry takes its forms joined by ' || '. A message of auditor.messages is named by
its id in square brackets instead of its English text: '[change.new_bio]' 'nieuwe bio'.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import write_po
from i18n_check import catalog_path, read_catalog


def main(argv: list[str]) -> int:
    if len(argv) < 3 or len(argv) % 2 == 0:
        print(__doc__, file=sys.stderr)
        return 2
    lang, pairs = argv[0], argv[1:]
    catalog = read_catalog(lang)
    failed = 0
    for source, translation in zip(pairs[::2], pairs[1::2], strict=True):
        found = None
        for message in catalog:
            english = message.id if isinstance(message.id, str) else message.id[0]
            if (source.startswith("[") and message.context == source[1:-1]) or (
                    message.context is None and english == source):
                found = message
                break
        if found is None:
            print(f"not in the catalogue: {source!r}", file=sys.stderr)
            failed += 1
            continue
        forms = translation.split(" || ")
        found.string = forms[0] if isinstance(found.id, str) else tuple(forms)
        found.flags.discard("fuzzy")
    with catalog_path(lang).open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
