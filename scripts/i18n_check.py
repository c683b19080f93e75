"""Check the Dutch catalogue (auditor/locale_nl.py) against every message id in the code.

Message ids are the English texts passed to a translator:

- in Python files under auditor/: ``t("...")`` and ``_("...")`` (first argument) and
  ``t.n(count, "singular", "plural")`` (second and third); a name argument that is a
  module-level string constant (``t(NA)``) or a variable read from a module-level dict of
  strings in the same function (``fix = _FIXES.get(code)`` ... ``t(fix)``) counts too;
- in templates/*.html: ``_("...")`` with a double- or single-quoted string;
- the reasons adapters give for unobservable checklist items (translated by
  ``t(reason)`` in a loop over ``record.unobservable.items()`` in auditor/metrics.py):
  string values of a dict literal assigned to a class
  attribute ``unobservable`` or passed as ``unobservable=`` in auditor/platforms/*.py.

Prints the ids missing from ``NL``, the ``NL`` keys no code uses, and translator calls whose
text could not be worked out statically (information only). Exits 1 when an id is missing.

Usage: python scripts/i18n_check.py
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: ``_("...")`` or ``_('...')`` in a Jinja2 template; backslash escapes allowed.
_TEMPLATE_CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""",
                            re.DOTALL)


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _translated_args(call: ast.Call) -> list[ast.expr]:
    """The arguments of a translator call that are message ids ([] for any other call)."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in ("t", "_", "N_"):
        return call.args[:1]
    if (isinstance(func, ast.Attribute) and func.attr == "n"
            and isinstance(func.value, ast.Name) and func.value.id in ("t", "_")):
        return call.args[1:3]
    return []


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


def _unobservable_names(function: ast.AST) -> set[str]:
    """Loop names over ``<record>.unobservable.items()``: their texts are the adapters' reasons."""
    names: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.For):
            continue
        loop = node.iter
        if (isinstance(loop, ast.Call) and isinstance(loop.func, ast.Attribute)
                and loop.func.attr in ("items", "values")
                and isinstance(loop.func.value, ast.Attribute)
                and loop.func.value.attr == "unobservable"):
            names.update(name.id for name in ast.walk(node.target) if isinstance(name, ast.Name))
    return names


def _python_ids(path: Path, unresolved: list[str], root: Path = ROOT) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    strings, dicts = _module_constants(tree)
    functions = [node for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    locals_of = {id(function): _dict_reads(function, dicts) for function in functions}
    reasons_of = {id(function): _unobservable_names(function) for function in functions}
    # The innermost function around each call decides what its local names mean.
    enclosing: dict[int, ast.AST] = {}
    for function in functions:
        for node in ast.walk(function):
            enclosing[id(node)] = function  # inner functions come later and win
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for arg in _translated_args(node):
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
                if function is not None and arg.id in reasons_of[id(function)]:
                    continue  # collected by _unobservable_reasons
            unresolved.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:80]}")


def _unobservable_reasons(path: Path) -> Iterator[str]:
    """String values of ``unobservable`` dicts (class attribute or keyword argument)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    strings, _ = _module_constants(tree)
    dicts: list[ast.Dict] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign):
                    targets, value = [statement.target], statement.value
                elif isinstance(statement, ast.Assign):
                    targets, value = statement.targets, statement.value
                else:
                    continue
                if (isinstance(value, ast.Dict) and any(
                        isinstance(target, ast.Name) and target.id == "unobservable"
                        for target in targets)):
                    dicts.append(value)
                # a walled network's "what to check by hand", shown in its outcome detail
                if any(isinstance(target, ast.Name) and target.id == "by_hand"
                       for target in targets) and (text := _string(value)) is not None:
                    yield text
        elif isinstance(node, ast.Call):
            dicts += [keyword.value for keyword in node.keywords
                      if keyword.arg == "unobservable" and isinstance(keyword.value, ast.Dict)]
    for found in dicts:
        for value in found.values:
            if (text := _string(value)) is not None:
                yield text
            elif isinstance(value, ast.Name) and value.id in strings:
                yield strings[value.id]


def _unescape(literal: str) -> str:
    """A Jinja2 string literal's body as text, decoded the way Jinja2's lexer does."""
    try:
        return literal.encode("ascii", "backslashreplace").decode("unicode-escape")
    except UnicodeDecodeError:
        return literal


def _template_ids(path: Path) -> Iterator[str]:
    text = path.read_text(encoding="utf-8")
    for match in _TEMPLATE_CALL.finditer(text):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        yield _unescape(body)


def scan(root: Path = ROOT) -> tuple[set[str], list[str]]:
    """Every message id under ``root``, and the translator calls that could not be read."""
    ids: set[str] = set()
    unresolved: list[str] = []
    for path in sorted((root / "auditor").rglob("*.py")):
        if path.name == "locale_nl.py":
            continue
        ids.update(_python_ids(path, unresolved, root))
    for path in sorted((root / "auditor" / "platforms").glob("*.py")):
        ids.update(_unobservable_reasons(path))
    for path in sorted((root / "templates").glob("*.html")):
        ids.update(_template_ids(path))
    ids.discard("")
    return ids, unresolved


def message_ids(root: Path = ROOT) -> set[str]:
    """Every English message id used in auditor/ and templates/."""
    return scan(root)[0]


def catalogue() -> dict[str, str]:
    """The Dutch catalogue, freshly imported."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    module = importlib.import_module("auditor.locale_nl")
    return dict(module.NL)


def main() -> int:
    ids, unresolved = scan()
    nl = catalogue()
    missing = sorted(ids - nl.keys())
    unused = sorted(nl.keys() - ids)
    print(f"{len(ids)} message ids, {len(nl)} Dutch translations")
    if missing:
        print(f"\nMissing from NL ({len(missing)}):")
        for msgid in missing:
            print(f"  {msgid!r}")
    if unused:
        print(f"\nUnused NL keys ({len(unused)}):")
        for msgid in unused:
            print(f"  {msgid!r}")
    if unresolved:
        print(f"\nTranslator calls with a text this check cannot see ({len(unresolved)}):")
        for line in unresolved:
            print(f"  {line}")
    if not missing:
        print("\nEvery message id has a Dutch translation.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
