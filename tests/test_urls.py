from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsmon.urls import article_id, canonical_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.NL/nieuws/a.html", "https://www.example.nl/nieuws/a.html"),
        ("https://example.nl:443/a", "https://example.nl/a"),
        ("http://example.nl:8080/a", "http://example.nl:8080/a"),
        ("https://example.nl/a#reacties", "https://example.nl/a"),
        ("https://example.nl/a?utm_source=rss&utm_medium=feed&id=7", "https://example.nl/a?id=7"),
        ("https://example.nl/a?fbclid=abc&gclid=x", "https://example.nl/a"),
        ("https://example.nl/a?b=2&a=1", "https://example.nl/a?a=1&b=2"),
        ("https://example.nl/x/../a/./b", "https://example.nl/a/b"),
        ("https://example.nl", "https://example.nl/"),
        ("https://example.nl/caf%C3%A9", "https://example.nl/caf%C3%A9"),
        ("https://example.nl/café", "https://example.nl/caf%C3%A9"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_tracking_variant_and_plain_link_give_one_id() -> None:
    plain = "http://127.0.0.1:8765/westbode/nieuws/top-123456.html"
    tracked = plain + "?utm_source=rss&utm_medium=feed&utm_campaign=alles#boven"
    assert article_id(plain) == article_id(tracked)
    assert article_id(plain) != article_id(plain.replace("123456", "123457"))
    assert len(article_id(plain)) == 16


def test_non_http_input_comes_back_trimmed() -> None:
    assert canonical_url("  mailto:redactie@example.nl ") == "mailto:redactie@example.nl"
    assert canonical_url("http://[::1") == "http://[::1"  # malformed: returned, not raised


@pytest.mark.fault("property: URL canonicalisation never raises and is idempotent")
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_canonical_url_never_raises_and_is_idempotent_on_any_text(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once


@pytest.mark.fault("property: URL canonicalisation never raises and is idempotent")
@settings(max_examples=300, deadline=None)
@given(
    host=st.from_regex(r"[a-z]{1,10}(\.[a-z]{2,5}){1,2}", fullmatch=True),
    path=st.lists(st.text(alphabet="abcé-_~%2F/", max_size=8), max_size=4),
    params=st.dictionaries(st.sampled_from(["id", "p", "utm_source", "fbclid", "q"]), st.text(max_size=6), max_size=4),
)
def test_canonical_url_is_idempotent_on_urls(host: str, path: list[str], params: dict[str, str]) -> None:
    from urllib.parse import urlencode

    url = f"https://{host.upper()}/{'/'.join(path)}?{urlencode(params)}#frag"
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_source" not in once and "fbclid" not in once and "#" not in once
