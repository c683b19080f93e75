"""Check the translation catalogues against every text the code can show, or update them.

Two kinds of entries, both read by auditor/i18n.py:

- the judgement's messages: every id in :data:`auditor.messages.ENGLISH`, as msgctxt with
  its English text as msgid (and msgid_plural for the (singular, plural) ones);
- the writers' labels: the English texts passed to a translator in Python files under
  auditor/ (``t("...")``, ``t.n(count, "singular", "plural")``; a name argument that is a
  module-level string constant, or a variable read from a module-level dict of strings in
  the same function, counts too) and ``_("...")`` in templates/*.html.

``python scripts/i18n_check.py`` prints what each language's catalogue
(auditor/locale/<lang>/LC_MESSAGES/auditor.po) lacks (missing, empty or fuzzy), the
entries no code uses, and translator calls whose text cannot be worked out statically
(information only); it exits 1 when a translation is missing.
``python scripts/i18n_check.py --update`` rewrites the template (auditor/locale/auditor.pot)
and merges it into every language's catalogue the way msgmerge does: new texts are added
untranslated, changed English texts are marked fuzzy, texts no code uses are dropped.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "auditor" / "locale"
TEMPLATE = LOCALE / "auditor.pot"
LANGUAGES = ("nl",)

#: ``_("...")`` or ``_('...')`` in a Jinja2 template; backslash escapes allowed.
_TEMPLATE_CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""",
                            re.DOTALL)

#: A label: its msgid, or (singular, plural).
Label = str | tuple[str, str]


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _module_constants(tree: ast.Module) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Module-level ``NAME = "text"`` constants and ``NAME = {key: "text", ...}`` dicts."""
    strings: dict[str, str] = {}
    dicts: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if (text := _string(value)) is not None:
            strings[target.id] = text
        elif isinstance(value, ast.Dict) and value.values:
            texts = [_string(v) for v in value.values]
            if all(text is not None for text in texts):
                dicts[target.id] = [text for text in texts if text is not None]
    return strings, dicts


def _dict_reads(function: ast.AST, dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    """Local names assigned from ``DICT.get(...)`` or ``DICT[...]`` of a module-level dict."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(function):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            continue
        value = node.value
        source: ast.expr | None = None
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                and value.func.attr == "get"):
            source = value.func.value
        elif isinstance(value, ast.Subscript):
            source = value.value
        if isinstance(source, ast.Name) and source.id in dicts:
            found[node.targets[0].id] = dicts[source.id]
    return found


def _is_translator(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in ("t", "_")


def _python_labels(path: Path, unresolved: list[str], root: Path = ROOT) -> Iterator[Label]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    strings, dicts = _module_constants(tree)
    functions = [node for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    locals_of = {id(function): _dict_reads(function, dicts) for function in functions}
    enclosing: dict[int, ast.AST] = {}
    for function in functions:
        for node in ast.walk(function):
            enclosing[id(node)] = function  # inner functions come later and win
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "n" and _is_translator(func.value):
            one, many = _string(node.args[1]) if len(node.args) > 1 else None, \
                _string(node.args[2]) if len(node.args) > 2 else None
            if one is not None and many is not None:
                yield (one, many)
            else:
                unresolved.append(f"{path.relative_to(root)}:{node.lineno}: "
                                  f"{ast.unparse(node)[:80]}")
            continue
        if not (_is_translator(func) and node.args):
            continue
        arg = node.args[0]
        if (text := _string(arg)) is not None:
            yield text
            continue
        if isinstance(arg, ast.Name):
            if arg.id in strings:
                yield strings[arg.id]
                continue
            function = enclosing.get(id(node))
            local = locals_of.get(id(function), {}) if function is not None else {}
            if arg.id in local:
                yield from local[arg.id]
                continue
        unresolved.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:80]}")


def _unescape(literal: str) -> str:
    """A Jinja2 string literal's body as text, decoded the way Jinja2's lexer does."""
    try:
        return literal.encode("ascii", "backslashreplace").decode("unicode-escape")
    except UnicodeDecodeError:
        return literal


def _template_labels(path: Path) -> Iterator[str]:
    text = path.read_text(encoding="utf-8")
    for match in _TEMPLATE_CALL.finditer(text):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        yield _unescape(body)


def scan(root: Path = ROOT) -> tuple[set[Label], list[str]]:
    """Every writer label under ``root``, and the translator calls that could not be read."""
    labels: set[Label] = set()
    unresolved: list[str] = []
    for path in sorted((root / "auditor").rglob("*.py")):
        labels.update(_python_labels(path, unresolved, root))
    for path in sorted((root / "templates").glob("*.html")):
        labels.update(_template_labels(path))
    labels.discard("")
    return labels, unresolved


def template_catalog() -> Catalog:
    """The template every language's catalogue is merged from."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from auditor.messages import ENGLISH

    catalog = Catalog(domain="auditor", project="social-presence-auditor",
                      msgid_bugs_address="", copyright_holder="", header_comment=(
                          "# Texts of the social presence auditor.\n"
                          "# Made by scripts/i18n_check.py --update; do not edit by hand.\n"
                          "#"))
    for msgid, english in ENGLISH.items():
        if msgid in ("text", "join"):
            continue
        catalog.add(english, context=msgid)
    labels, _ = scan()
    for label in sorted(labels, key=lambda v: v if isinstance(v, str) else v[0]):
        if isinstance(label, str) and catalog.get(label) is not None:
            continue
        catalog.add(label)
    return catalog


def catalog_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "auditor.po"


def read_catalog(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain="auditor")


def _key(message: object) -> tuple[str | None, str]:
    msgid = message.id  # type: ignore[attr-defined]
    return message.context, msgid if isinstance(msgid, str) else msgid[0]  # type: ignore[attr-defined]


def problems(lang: str) -> tuple[list[str], list[str]]:
    """(what ``lang`` lacks, entries no code uses) as printable lines."""
    template = template_catalog()
    catalog = read_catalog(lang)
    have = {_key(message): message for message in catalog if message.id}
    missing: list[str] = []
    for message in template:
        if not message.id:
            continue
        found = have.get(_key(message))
        name = f"[{message.context}] " if message.context else ""
        english = message.id if isinstance(message.id, str) else message.id[0]
        if found is None:
            missing.append(f"missing: {name}{english!r}")
        elif found.fuzzy:
            missing.append(f"fuzzy: {name}{english!r}")
        elif not (found.string if isinstance(found.string, str) else all(found.string)):
            missing.append(f"untranslated: {name}{english!r}")
    wanted = {_key(message) for message in template if message.id}
    unused = [f"{context or ''} {msgid!r}" for context, msgid in have if (context, msgid)
              not in wanted]
    return missing, unused


def update() -> None:
    template = template_catalog()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=False)
    for lang in LANGUAGES:
        catalog = read_catalog(lang)
        catalog.update(template, no_fuzzy_matching=True)
        with catalog_path(lang).open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True, sort_output=False)
        print(f"updated {catalog_path(lang).relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true",
                        help="rewrite the template and merge it into every catalogue")
    args = parser.parse_args(argv)
    if args.update:
        update()
    failed = False
    _, unresolved = scan()
    for lang in LANGUAGES:
        missing, unused = problems(lang)
        print(f"{lang}: {len(missing)} missing or fuzzy, {len(unused)} unused")
        for line in missing:
            print(f"  {line}")
        for line in unused:
            print(f"  unused: {line}")
        failed = failed or bool(missing)
    if unresolved:
        print(f"\nTranslator calls with a text this check cannot see ({len(unresolved)}):")
        for line in unresolved:
            print(f"  {line}")
    if not failed:
        print("\nEvery text has a translation in every catalogue.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
