"""The memory one page may cost: a page of a million tags is read within a bounded tree.

A 4 MB website page of a million elements took the audit to 1,009 MiB (issue 17): the
readers built a tree of every element. Each hostile page below is parsed in a fresh
Python process, whose peak resident memory (``ru_maxrss``, or on Linux the same figure
for the process's own memory, ``VmHWM``; imports included) must stay under
:data:`BOUND_MIB`. The bound is structural and generous: before the cap the same pages
cost 230 to 780 MiB, after it about 60 to 160 MiB.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from auditor.platforms.htmlmeta import read_html_meta
from auditor.platforms.markupcap import MAX_MARKUP_TOKENS, cap_markup
from auditor.platforms.telegrampage import parse_page
from auditor.platforms.youtubepage import read_channel_page
from tests.conftest import REPO

BOUND_MIB = 200

#: name -> (code that builds ``body``, code that reads it)
HOSTILE: dict[str, tuple[str, str]] = {
    # a website: a million short elements with text between them (4 MB)
    "website": (
        'body = b"<html><head><title>T</title></head><body>" + b"<p>x\\n" * 800_000',
        "from auditor.platforms.htmlmeta import read_html_meta\n"
        'read_html_meta(body, "https://www.example.org/")',
    ),
    # a million nested-and-closed elements (the shape issue 17 measured)
    "website-nested": (
        'body = b"<html><body>" + b"<b>" * 1_000_000 + b"</body></html>"',
        "from auditor.platforms.htmlmeta import read_html_meta\n"
        'read_html_meta(body, "https://www.example.org/")',
    ),
    # a t.me answer of 750,000 paragraphs (3 MB, the reader's byte cap)
    "telegram": (
        'body = b"<html><body>" + b"<p>x" * 750_000',
        "from auditor.platforms.telegrampage import parse_page\nparse_page(body)",
    ),
    # a YouTube browse answer (JSON) of 2.8 million empty arrays (8 MB, the byte cap)
    "youtube-json": (
        'body = b\'{"a":[\' + b"[]," * 2_790_000 + b"0]}"',
        "from auditor.platforms.youtubepage import read_channel_page\n"
        "read_channel_page(body)",
    ),
    # ytInitialData of 890,000 small objects in a channel page (6 MB, the JSON cap)
    "youtube-page": (
        'body = b"<html><script>var ytInitialData = {\\"a\\":[" + b"{\\"\\":0}," * 890_000'
        ' + b"0]};</script></html>"',
        "from auditor.platforms.youtubepage import read_channel_page\n"
        "read_channel_page(body)",
    ),
}

#: The child's own peak, in KiB. Linux carries a parent's peak into ``ru_maxrss`` of a
#: child it starts (the forked memory's high-water mark is kept across ``exec``), so a
#: child of a big pytest process would report pytest's peak: the high-water mark of the
#: child's own memory (``VmHWM``, reset by ``exec``) is read where /proc has it.
_PROGRAM = """\
import os, resource
{build}
{read}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if os.path.exists("/proc/self/status"):
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(peak)
"""


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_one_hostile_page_costs_bounded_memory(name: str) -> None:
    build, read = HOSTILE[name]
    program = _PROGRAM.format(build=build, read=textwrap.dedent(read))
    done = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    peak_mib = int(done.stdout.split()[-1]) // 1024  # Linux: kilobytes
    assert peak_mib < BOUND_MIB, f"{name}: peak {peak_mib} MiB"


def test_cap_markup_cuts_after_the_cap_and_leaves_ordinary_pages_alone() -> None:
    page = "<html><head><title>T</title></head><body><p>hello</p></body></html>"
    assert cap_markup(page) == (page, False)
    assert cap_markup(page.encode()) == (page.encode(), False)
    assert cap_markup("a < b, c <= d " * 10, max_tokens=2) == ("a < b, c <= d " * 10, False)
    cut, was_cut = cap_markup("<p>1<p>2<p>3</p>", max_tokens=2)
    assert (cut, was_cut) == ("<p>1<p>2", True)
    cut_bytes, _ = cap_markup(b"<!-- x --><b>y</b>", max_tokens=2)
    assert cut_bytes == b"<!-- x --><b>y"


def test_a_cut_page_is_read_over_its_first_part_and_says_so() -> None:
    head = ('<html><head><title>Spaak</title><script type="application/ld+json">'
            '{"@type": "Organization", "name": "Spaak Fietsen"}</script></head><body>'
            '<a href="https://mastodon.social/@spaak">Mastodon</a>')
    page = head + "<p>x" * (MAX_MARKUP_TOKENS + 10) + '<a href="https://bsky.app/profile/late">'
    meta = read_html_meta(page, "https://spaak.example/")
    assert meta.cut
    assert meta.name == "Spaak Fietsen"
    assert "https://mastodon.social/@spaak" in meta.links
    assert "https://bsky.app/profile/late" not in meta.links
    assert not read_html_meta(head, "https://spaak.example/").cut


def test_the_caps_leave_ordinary_pages_whole() -> None:
    channel = (REPO / "sample_pages" / "youtube" / "spaak-channel.html").read_bytes()
    assert read_channel_page(channel).channel_id is not None
    preview = (REPO / "sample_pages" / "telegram" / "spaakfietsen.html").read_bytes()
    assert parse_page(preview).messages
