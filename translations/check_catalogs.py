"""Check the en and da translation catalogs.

Run from the project root after compiling:

    .venv/bin/pybabel compile -f -d translations -D messages --statistics
    .venv/bin/python translations/check_catalogs.py

* en: every msgid of translations/messages.pot (the app's Danish strings)
  has a non-empty, non-fuzzy msgstr with the same %(name)s placeholders.
* da: every msgid of Flask-AppBuilder's own (de) catalogue has a Danish
  msgstr with the same placeholders.
* Both compiled .mo files exist, are not older than their .po files, and
  return the expected translation for every checked msgid.
"""

import os
import re
import sys
from pathlib import Path

import flask_appbuilder
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent
FAB_DE = (
    Path(flask_appbuilder.__file__).parent / "translations" / "de" / "LC_MESSAGES" / "messages.po"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def load_po(path):
    with open(path, "rb") as f:
        return read_po(f)


def check(locale, required_ids):
    errors = []
    po_path = ROOT / locale / "LC_MESSAGES" / "messages.po"
    mo_path = po_path.with_suffix(".mo")
    catalog = load_po(po_path)
    if str(catalog.locale) != locale:
        errors.append(f"{locale}: header Language is {catalog.locale}")
    for msgid in required_ids:
        message = catalog.get(msgid)
        if message is None:
            errors.append(f"{locale}: missing msgid {msgid!r}")
        elif not message.string:
            errors.append(f"{locale}: empty msgstr for {msgid!r}")
        elif message.fuzzy:
            errors.append(f"{locale}: fuzzy msgstr for {msgid!r}")
        elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(message.string)):
            errors.append(f"{locale}: placeholders differ for {msgid!r}")
    if not mo_path.exists():
        errors.append(f"{locale}: {mo_path} missing, run pybabel compile")
    else:
        if os.path.getmtime(mo_path) < os.path.getmtime(po_path):
            errors.append(f"{locale}: {mo_path.name} is older than the .po")
        with open(mo_path, "rb") as f:
            compiled = read_mo(f)
        for msgid in required_ids:
            message, expected = compiled.get(msgid), catalog.get(msgid)
            if (
                message is None
                or not message.string
                or (expected is not None and message.string != expected.string)
            ):
                errors.append(f"{locale}: .mo lacks translation for {msgid!r}")
    print(f"{locale}: {len(catalog)} entries, {len(required_ids)} checked")
    return errors


def main():
    app_ids = [m.id for m in load_po(ROOT / "messages.pot") if m.id]
    fab_ids = [m.id for m in load_po(FAB_DE) if m.id]
    errors = check("en", app_ids) + check("da", fab_ids)
    for error in errors:
        print("ERROR:", error)
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
