from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmon.feeds import FeedError, parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss_with_real_world_quirks() -> None:
    feed = parse_feed(load("rss_quirks.xml"))
    assert feed.format == "rss20" and feed.title == "Testkrant - Buitenland"
    assert [e.title for e in feed.entries] == [
        "Kim Jong-un reist per trein naar Vladivostok", "Zonder datum", "Nederlandse datumnotatie"]
    assert feed.skipped == 1  # the item without a link
    first = feed.entries[0]
    assert first.summary == "De Noord-Koreaanse leider is onderweg naar Rusland."  # HTML removed
    assert first.published_at == datetime(2019, 4, 24, 6, 15, tzinfo=UTC)
    assert first.canonical_url == "https://testkrant.example/buitenland/kim-trein.html"
    assert first.url.endswith("utm_medium=feed") and first.guid == "tk-1001"
    assert first.author == "Redactie Buitenland" and first.categories == ("Noord-Korea",)
    assert feed.entries[1].published_at is None
    assert feed.entries[2].published_at == datetime(2019, 4, 25, 14, 40, tzinfo=UTC)  # 16:40 Amsterdam (CEST)


def test_atom() -> None:
    feed = parse_feed(load("atom.xml"))
    (entry,) = feed.entries
    assert feed.format == "atom10"
    assert entry.url == "https://testbode.example/nieuws/poetin-pyongyang-123456.html"
    assert entry.published_at == datetime(2024, 6, 19, 0, 30, tzinfo=UTC)
    assert entry.author == "Jan de Vries" and entry.guid == "tag:testbode.example,2024:1"


def test_windows_1252_feed_is_decoded() -> None:
    (entry,) = parse_feed(load("cp1252.xml")).entries
    assert entry.title == "Geïnteresseerd in “Rusland” – een analyse"


def test_malformed_feed_still_yields_entries_with_a_warning() -> None:
    feed = parse_feed(load("malformed.xml"))
    assert feed.warning  # bozo recorded
    assert any(e.url == "https://kapot.example/a.html" for e in feed.entries)


def test_html_page_instead_of_a_feed() -> None:
    with pytest.raises(FeedError, match="an HTML page, no RSS/Atom found"):
        parse_feed(load("html_page.xml"))


def test_empty_body_and_empty_channel() -> None:
    with pytest.raises(FeedError, match="empty body"):
        parse_feed(b"  \n")
    feed = parse_feed(load("empty_channel.xml"))
    assert feed.entries == () and feed.warning is None


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_attacks_are_refused_not_expanded(name: str) -> None:
    with pytest.raises(FeedError, match="refused: unsafe XML"):
        parse_feed(load(name))


def test_duplicate_guids_are_kept_as_entries_for_the_planner() -> None:
    item = "<item><title>T</title><link>https://d.example/{0}</link><guid>same</guid></item>"
    body = f'<rss version="2.0"><channel><title>d</title>{item.format("a")}{item.format("b")}</channel></rss>'
    feed = parse_feed(body.encode())
    assert [e.url for e in feed.entries] == ["https://d.example/a", "https://d.example/b"]


@pytest.mark.fault("property: arbitrary bytes give a feed or a FeedError")
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_feed_or_a_feed_error(body: bytes) -> None:
    try:
        feed = parse_feed(body)
    except FeedError:
        return
    assert all(e.url.startswith(("http://", "https://")) for e in feed.entries)


REAL_FEEDS = Path(__file__).resolve().parents[2] / "shared" / "realfeeds"


@pytest.mark.skipif(not REAL_FEEDS.is_dir(), reason=f"{REAL_FEEDS} is not here")
def test_real_feed_dates_agree_with_their_pubdate_strings() -> None:
    """Every item's date equals what its own pubDate says (RFC 822 with an offset), read by the stdlib."""
    import email.utils
    import re

    checked = 0
    for path in sorted(REAL_FEEDS.glob("*.xml")):
        raw = path.read_bytes()
        items = re.findall(rb"<item>.*?</item>", raw, re.DOTALL)
        pub = [m.group(1).decode() for i in items if (m := re.search(rb"<pubDate>([^<]+)</pubDate>", i))]
        feed = parse_feed(raw, "https://example.org/", "application/rss+xml")
        dated = [e.published_at for e in feed.entries if e.published_at is not None]
        expected = [email.utils.parsedate_to_datetime(p).astimezone(UTC) for p in pub[: len(dated)]]
        assert dated == expected, path.name
        checked += len(dated)
    assert checked > 0


def test_feed_text_is_nfc() -> None:
    decomposed = "Oekrai\u0308ne"  # i + combining diaeresis
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Nieuws over ' + decomposed +
        "</title><item><title>Oorlog in " + decomposed + "</title><link>https://x.nl/a</link><description>Steun voor "
        + decomposed + "</description><author>Ze\u0301ro</author></item></channel></rss>"
    ).encode()
    feed = parse_feed(body)
    entry = feed.entries[0]
    assert feed.title == "Nieuws over Oekraïne"
    assert entry.title == "Oorlog in Oekraïne" and entry.summary == "Steun voor Oekraïne" and entry.author == "Zéro"
