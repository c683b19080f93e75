"""The API credentials a user brings for X, Instagram and Facebook: never in the config.

A config travels to clients; tokens must not. They come from the environment, or from a
credentials file outside the repository that only its owner can read (as ssh insists on
for its keys):

- ``AUDITOR_X_BEARER_TOKEN``: an X API v2 app bearer token;
- ``AUDITOR_META_TOKEN`` and ``AUDITOR_IG_USER_ID``: a Meta user access token with
  ``instagram_basic`` and ``instagram_manage_insights``/``pages_read_engagement``, and the
  id of the user's own Instagram professional account (Business Discovery asks through it);
- ``AUDITOR_FB_PAGE_TOKEN``: a page access token, for the one page it belongs to;
- ``AUDITOR_CREDENTIALS``: the credentials file, else ``$XDG_CONFIG_HOME/auditor/
  credentials.toml`` (``~/.config/auditor/credentials.toml``)::

      [x]
      bearer_token = "AAAA..."

      [meta]
      access_token = "EAAG..."
      instagram_user_id = "17841400000000000"

      [facebook.pages]   # page handle or id = that page's access token
      spaakfietsen = "EAAG..."

The environment wins over the file. A file readable by its group or by others is refused
with the ``chmod`` that fixes it, and no token in it is used.

Who reads them: the crawl child (:mod:`spiders.profiles`) itself, when it starts, into
:attr:`auditor.platforms.base.CrawlOptions.credentials`, which ``plan.json`` never holds
(:meth:`auditor.crawl.CrawlPlan.to_json` writes only the options it names). The ``auditor``
process reads them only to say, before the crawl, which networks will be read and what X
may cost. A replayed crawl (``--replay``) never sends anything, so it uses placeholder
tokens and never reads real ones.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

ENV_X: Final = "AUDITOR_X_BEARER_TOKEN"
ENV_META: Final = "AUDITOR_META_TOKEN"
ENV_IG_USER: Final = "AUDITOR_IG_USER_ID"
ENV_PAGE: Final = "AUDITOR_FB_PAGE_TOKEN"
ENV_FILE: Final = "AUDITOR_CREDENTIALS"
#: The token every API gets in a replayed crawl (the answers are recorded; nothing is sent).
REPLAY_TOKEN: Final = "replay-placeholder-token"
#: A token is at most this long (X's are ~110 characters, Meta's ~200-300).
_MAX_TOKEN: Final = 2048
_TOKEN: Final = re.compile(r"^[A-Za-z0-9%._~+/=\-|]+$")
#: Where a page token is valid for every page (``AUDITOR_FB_PAGE_TOKEN``).
ANY_PAGE: Final = "*"


def default_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "auditor" / "credentials.toml"


@dataclass(frozen=True, slots=True)
class ApiCredentials:
    """Tokens for the owners' APIs. The tokens never show in ``repr`` (logs, tracebacks)."""

    x_bearer: str | None = field(default=None, repr=False)
    meta_token: str | None = field(default=None, repr=False)
    ig_user_id: str | None = None
    #: Page handle or id (lower case) -> page access token; ``*``: the environment's one.
    page_tokens: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Where they came from: "environment", a file's path, "replay".
    source: str = ""
    #: Why some could not be used (a credentials file others can read, a bad value).
    problems: tuple[str, ...] = ()

    @property
    def replay(self) -> bool:
        return self.source == "replay"

    def page_token(self, *names: str | None) -> str | None:
        """The access token for the page called any of ``names`` (handle, id)."""
        for name in names:
            if name and name.lower() in self.page_tokens:
                return self.page_tokens[name.lower()]
        return self.page_tokens.get(ANY_PAGE)

    def secrets(self) -> tuple[str, ...]:
        """Every token held (to make sure none is written anywhere)."""
        found = [t for t in (self.x_bearer, self.meta_token) if t]
        found += [t for t in self.page_tokens.values() if t]
        return tuple(t for t in found if t != REPLAY_TOKEN)

    def problem_text(self) -> str | None:
        return "; ".join(self.problems) if self.problems else None


def replay_credentials(*, x: bool = True, meta: bool = True) -> ApiCredentials:
    """Placeholders for a replayed crawl (nothing is sent): for the APIs whose answers the
    replay holds (``x``, ``meta``); the others are read as without a token, as they were
    when the answers were recorded."""
    return ApiCredentials(x_bearer=REPLAY_TOKEN if x else None,
                          meta_token=REPLAY_TOKEN if meta else None,
                          ig_user_id="17841400000000001" if meta else None,
                          page_tokens={ANY_PAGE: REPLAY_TOKEN} if meta else {},
                          source="replay")


def load_credentials(*, replay: bool = False, environ: Mapping[str, str] | None = None,
                     path: Path | None = None) -> ApiCredentials:
    """The user's credentials: the environment over the credentials file. Never raises:
    what cannot be used is named in ``problems``. ``replay``: placeholders for every API
    (a replay that holds only some APIs' answers: :func:`replay_credentials`)."""
    if replay:
        return replay_credentials()
    env = os.environ if environ is None else environ
    problems: list[str] = []
    from_file: dict[str, Any] = {}
    file = path or (Path(env[ENV_FILE]).expanduser() if env.get(ENV_FILE) else default_file())
    sources: list[str] = []
    if file.exists():
        from_file = _read_file(file, problems)
        if from_file:
            sources.append(str(file))
    elif env.get(ENV_FILE):
        problems.append(f"the credentials file {file} ({ENV_FILE}) does not exist")

    def pick(env_name: str, table: str, key: str) -> str | None:
        value = env.get(env_name)
        where = env_name
        if value:
            if "environment" not in sources:
                sources.append("environment")
        else:
            section = from_file.get(table)
            value = section.get(key) if isinstance(section, dict) else None
            where = f"[{table}] {key} in {file}"
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) > _MAX_TOKEN \
                or not _TOKEN.match(value.strip()):
            problems.append(f"{where} is not a token (letters, digits and . _ - ~ + / = |)")
            return None
        return value.strip()

    pages: dict[str, str] = {}
    facebook = from_file.get("facebook")
    raw_pages = facebook.get("pages") if isinstance(facebook, dict) else None
    if isinstance(raw_pages, dict):
        for name, token in raw_pages.items():
            if isinstance(token, str) and token and len(token) <= _MAX_TOKEN \
                    and _TOKEN.match(token):
                pages[str(name).lower().lstrip("@")] = token
            else:
                problems.append(f"[facebook.pages] {name} in {file} is not a token")
    page_env = pick(ENV_PAGE, "facebook", "page_token")
    if page_env:
        pages[ANY_PAGE] = page_env
    ig_user = pick(ENV_IG_USER, "meta", "instagram_user_id")
    if ig_user is not None and not ig_user.isdigit():
        problems.append(f"{ENV_IG_USER} (or [meta] instagram_user_id) must be the numeric id "
                        "of your Instagram professional account")
        ig_user = None
    return ApiCredentials(
        x_bearer=pick(ENV_X, "x", "bearer_token"),
        meta_token=pick(ENV_META, "meta", "access_token"),
        ig_user_id=ig_user, page_tokens=pages,
        source=" and ".join(sources), problems=tuple(problems))


def _read_file(file: Path, problems: list[str]) -> dict[str, Any]:
    """The credentials file's tables, or {} (with the reason in ``problems``)."""
    try:
        info = file.stat()
    except OSError as exc:
        problems.append(f"the credentials file {file} cannot be read ({exc.strerror})")
        return {}
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        problems.append(f"the credentials file {file} can be read by others (mode "
                        f"{stat.S_IMODE(info.st_mode):04o}), so it is not used; run "
                        f"chmod 600 {file}")
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"the credentials file {file} cannot be read ({exc})")
        return {}
    except tomllib.TOMLDecodeError as exc:
        # The parser's message quotes no values, only where it stopped.
        problems.append(f"the credentials file {file} is not valid TOML ({exc})")
        return {}
    return data


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every one of ``secrets`` (and any ``access_token=`` value) replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return ACCESS_TOKEN_PARAM.sub(r"\1[redacted]", text)


#: ``access_token=...`` in a URL or a JSON body's paging links (Graph API ``next`` URLs).
ACCESS_TOKEN_PARAM: Final = re.compile(r"((?:access_token|input_token)=)[^&\"'\s<>#]+")
