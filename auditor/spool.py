"""Keep an audit's records and judged organisations on disk, one in memory at a time.

A crawl of 10,000 profiles writes about 200 MB of records (up to 120 posts each). Reading
them all to judge the audit, and keeping every judged profile for the reports, made the
auditor's memory grow with the list. Instead:

- :class:`RecordIndex` remembers where each profile's record starts in ``records.jsonl``
  and reads one record when it is asked for;
- :class:`OrganisationSpool` keeps each judged organisation pickled in a temporary file and
  gives them back one at a time, as often as the history and the report writers ask.

What stays in memory grows only with the number of URLs (an offset each), not with what
was scraped.
"""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, overload

from auditor.models import ProfileRecord

if TYPE_CHECKING:
    from auditor.audit import OrganisationResult

_URL_KEY = b'{"url": '
_DECODER = json.JSONDecoder()


class RecordIndex:
    """Where each URL's record is in a JSON-lines records file; the last line for a URL wins.

    A torn or unreadable line (a killed run) reads as no record, exactly as
    :func:`auditor.crawl.read_records` skips it.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        #: URL -> (offset, length) of each of its lines, the last one first.
        self._offsets: dict[str, tuple[tuple[int, int], ...]] = {}
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            offset = 0
            for line in handle:
                url = _url_of(line)
                if url is not None:
                    self._offsets[url] = ((offset, len(line)), *self._offsets.get(url, ()))
                offset += len(line)

    def __len__(self) -> int:
        return len(self._offsets)

    def __contains__(self, url: object) -> bool:
        return url in self._offsets

    def urls(self) -> Iterator[str]:
        return iter(self._offsets)

    def get(self, url: str) -> ProfileRecord | None:
        """The record of ``url`` from its last readable line (a torn last line that
        happens to end in ``}`` falls back to the line before it), or None."""
        places = self._offsets.get(url, ())
        if not places:
            return None
        with self.path.open("rb") as handle:
            for offset, length in places:
                handle.seek(offset)
                try:
                    record = ProfileRecord.from_dict(json.loads(handle.read(length)))
                except (ValueError, KeyError, TypeError):
                    continue
                if record.url == url:
                    return record
        return None


def _url_of(line: bytes) -> str | None:
    """The ``url`` of one records line without parsing the whole record.

    The crawl writes ``url`` first; a line written otherwise is parsed in full.
    """
    line = line.strip()
    if not line:
        return None
    if line.startswith(_URL_KEY):
        try:
            text = line[len(_URL_KEY):len(_URL_KEY) + 4096].decode("utf-8", "replace")
            url, _ = _DECODER.raw_decode(text)
        except ValueError:
            url = None
        if isinstance(url, str) and line.endswith(b"}"):
            return url
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) else None


class OrganisationSpool(Sequence["OrganisationResult"]):
    """Judged organisations (:class:`auditor.audit.OrganisationResult`) pickled to a
    temporary file in ``directory``, read back one at a time.

    Posts keep their text only where a report shows it (the ``posts_with_text`` newest of
    each profile); every post keeps its id, date and kind for the history. The file is
    removed on :meth:`close` (and by the OS if the process dies).
    """

    def __init__(self, directory: Path | None = None, *, posts_with_text: int = 10) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed in close()
            prefix=".judged-", suffix=".spool", dir=directory)
        self._offsets: list[tuple[int, int]] = []
        self._end = 0
        #: Profiles in all organisations appended so far.
        self.profile_count = 0
        self.posts_with_text = posts_with_text

    def append(self, organisation: OrganisationResult) -> None:
        self.profile_count += len(getattr(organisation, "profiles", ()))
        data = pickle.dumps(self._slim(organisation), protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._offsets.append((self._end, len(data)))
        self._end += len(data)

    def _slim(self, organisation: OrganisationResult) -> OrganisationResult:
        profiles = getattr(organisation, "profiles", ())
        slim = tuple(replace(p, record=_slim_record(p.record, self.posts_with_text))
                     for p in profiles)
        return replace(organisation, profiles=slim)

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> OrganisationResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[OrganisationResult]: ...

    def __getitem__(self, index: int | slice) -> OrganisationResult | list[OrganisationResult]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        offset, length = self._offsets[index]
        self._file.seek(offset)
        return pickle.loads(self._file.read(length))

    def __iter__(self) -> Iterator[OrganisationResult]:
        for index in range(len(self._offsets)):
            yield self[index]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> OrganisationSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _slim_record(record: ProfileRecord, posts_with_text: int) -> ProfileRecord:
    """``record`` with the texts and links of posts no report shows dropped."""
    if len(record.items) <= posts_with_text:
        return record
    newest = sorted(range(len(record.items)), key=lambda i: record.items[i].published_at,
                    reverse=True)
    keep = set(newest[:posts_with_text])
    items = tuple(item if i in keep or (not item.text and not item.links)
                  else replace(item, text="", links=())
                  for i, item in enumerate(record.items))
    return replace(record, items=items)
