"""``--fail-on``: which raised flags fail a scheduled audit (exit code 1).

``--fail-on DEAD,GONE`` fails on those flags anywhere. A rule can be limited to where the
flag is raised: ``DEAD@client`` (the client's profiles only, so a competitor's dead
account does not fail the monthly job), ``GONE@competitor``, or ``DEAD@"Spaak Fietsen"``
(one organisation, by its name in the config; the quotes are the shell's business, the
name is matched without regard to case).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from auditor.verdicts import FLAG_CODES

ROLES = ("client", "competitor")


class FailOnProblem(ValueError):
    """A ``--fail-on`` value that names no known flag, role or organisation."""


@dataclass(frozen=True, slots=True)
class FailRule:
    code: str
    #: None: anywhere; a role ("client", "competitor"); or an organisation's name, casefolded.
    scope: str | None = None

    def __str__(self) -> str:
        return self.code if self.scope is None else f"{self.code}@{self.scope}"

    def matches(self, code: str, role: str | None, organisation: str) -> bool:
        if code != self.code:
            return False
        return self.scope is None or self.scope in ((role or "").casefold(),
                                                    organisation.casefold())


def parse_fail_on(value: str, *, organisations: Collection[str] = ()) -> tuple[FailRule, ...]:
    """The rules in ``value`` ("DEAD@client,GONE"); FailOnProblem names every bad part."""
    names = {name.casefold() for name in organisations}
    rules: dict[FailRule, None] = {}
    problems: list[str] = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        code, at, scope = part.partition("@")
        code = code.strip().upper()
        where = scope.strip().strip("\"'").casefold() if at else None
        if code not in FLAG_CODES:
            problems.append(f"unknown flag code {code or '(none)'}")
            continue
        if where is not None and where not in ROLES and where not in names:
            problems.append(f"{part}: after @ comes client, competitor or an organisation's "
                            "name in the config")
            continue
        rules.setdefault(FailRule(code, where))
    if problems:
        raise FailOnProblem(f"--fail-on: {'; '.join(problems)} (flag codes: "
                            f"{', '.join(FLAG_CODES)})")
    return tuple(rules)


def triggered(rules: Iterable[FailRule],
              raised: Iterable[tuple[str, str | None, str]]) -> list[str]:
    """The rules that a raised flag (code, role, organisation) meets, as written."""
    seen = list(raised)
    return sorted({str(rule) for rule in rules
                   if any(rule.matches(code, role, name) for code, role, name in seen)})
