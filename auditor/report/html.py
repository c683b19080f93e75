"""report.html: the view model (auditor.report.views) rendered by the Jinja2 template
``templates/report.html``, written as it is rendered."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from auditor.audit import AuditResult
from auditor.i18n import translator
from auditor.report import open_atomic
from auditor.report.viewmodel import ReportView
from auditor.report.views import build_report_view
from auditor.resources import templates_dir

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE: Final = "report.html"


# --------------------------------------------------------------------------- rendering


@functools.cache
def _environment() -> Environment:
    # Imported here: a JSON-only run, or the plain-text brief, needs no Jinja2.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,  # every template: bios and posts are untrusted input
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(result: AuditResult, *, view: ReportView | None = None) -> str:
    """The self-contained report.html page for ``result``."""
    return "".join(_html_pieces(result, view))


def write_html(result: AuditResult, path: Path, *, view: ReportView | None = None) -> None:
    """Write ``path`` as it is rendered, atomically: a reader sees the old file or the whole
    new one, and the page is never held in memory whole. ``view`` is the report's view
    when the caller built it already (it is shared with report.md)."""
    with open_atomic(path) as handle:
        handle.writelines(_html_pieces(result, view))


def _html_pieces(result: AuditResult, view: ReportView | None) -> Iterator[str]:
    view = view if view is not None else build_report_view(result)
    template = _environment().get_template(TEMPLATE)
    return template.generate(report=view, _=translator(view.lang))
