"""Extraction quality on the demo site's pages (gold = the texts the pages were written from)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsmon.extract import FeedHints, extract_article, url_date
from tests.demo_truth import articles, expected_status, token_f1, with_base

SITE = Path(__file__).resolve().parents[1] / "demo" / "site"
BASE = "http://127.0.0.1:8765"
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)

# Pinned floors: raise them when extraction improves, never lower them silently.
MIN_MEAN_F1 = 0.99
MIN_PAGE_F1 = 0.97


def page_bytes(item: dict[str, Any]) -> bytes:
    path = item["url"].replace("__BASE__/", "")
    file = SITE / path
    if path.endswith("/"):
        file = file / "index.html"
    return file.read_bytes().replace(b"__BASE__", BASE.encode())


def extract(item: dict[str, Any]):  # type: ignore[no-untyped-def]
    return extract_article(page_bytes(item), with_base(item["url"], BASE), None, FETCHED)


ARTICLES = [a for a in articles() if expected_status(a) == "ok"]


def test_body_token_f1_floor() -> None:
    scores = {a["url"]: token_f1(extract(a).body, a["body_text"]) for a in ARTICLES}
    f1s = [s[2] for s in scores.values()]
    worst = sorted(scores.items(), key=lambda kv: kv[1][2])[:3]
    print(f"body token F1 over {len(f1s)} pages: mean {statistics.mean(f1s):.3f}, min {min(f1s):.3f}; worst {worst}")
    assert statistics.mean(f1s) >= MIN_MEAN_F1
    assert min(f1s) >= MIN_PAGE_F1, worst


def test_comments_and_boilerplate_stay_out() -> None:
    # precision is what boilerplate (menus, cookie banners, reader comments) would lower
    precisions = [token_f1(extract(a).body, a["body_text"])[0] for a in ARTICLES]
    assert statistics.mean(precisions) >= 0.97


@pytest.mark.parametrize("outlet", ["dagkoerier", "westbode", "nljournaal", "scheldepost"])
def test_metadata_per_outlet(outlet: str) -> None:
    items = [a for a in ARTICLES if a["outlet"] == outlet]
    assert items
    for item in items:
        art = extract(item)
        assert art.title == item["title"], item["url"]
        assert art.lead == item["lead"], item["url"]
        assert art.status == "ok" and art.language == "nl"
        assert art.canonical_url == with_base(item["canonical_url"], BASE)
        published = datetime.fromisoformat(item["published"])
        if outlet == "scheldepost":  # only the URL carries a date: day precision
            assert art.published_source == "url"
            assert art.published_at is not None
            assert art.published_at.astimezone(published.tzinfo).date() == published.date()
        else:
            assert art.published_source in {"jsonld", "meta", "rdfa", "time"}, item["url"]
            assert art.published_at == published, item["url"]


def test_person_bylines_are_found() -> None:
    with_author = [a for a in ARTICLES if a["author"] and a["outlet"] in {"dagkoerier", "westbode"}]
    found = sum(extract(a).author == a["author"] for a in with_author)
    assert found == len(with_author)


@pytest.mark.parametrize("status", ["paywalled", "not_article", "not_dutch", "live"])
def test_special_pages_are_classified(status: str) -> None:
    items = [a for a in articles() if expected_status(a) == status]
    assert items, f"demo site lacks a {status} page"
    for item in items:
        assert extract(item).status == status, item["url"]


def test_page_date_wins_over_the_feed_and_future_dates_are_rejected() -> None:
    item = next(a for a in ARTICLES if a["outlet"] != "scheldepost")
    page_date = datetime.fromisoformat(item["published"])
    feed_date = datetime(2020, 2, 2, 12, 0, tzinfo=UTC)
    art = extract_article(page_bytes(item), with_base(item["url"], BASE), FeedHints(published_at=feed_date), FETCHED)
    assert art.published_at == page_date and art.published_source != "feed"
    # a page with no date of its own: the feed's date, and a feed date far ahead is rejected
    bare = b"<html><body><h1>Kop</h1><p>" + b"Een zin zonder datum erin. " * 20 + b"</p></body></html>"
    art = extract_article(bare, "http://127.0.0.1:1/nieuws/kop", FeedHints(published_at=feed_date), FETCHED)
    assert (art.published_at, art.published_source) == (feed_date, "feed")
    future = datetime(2026, 1, 10, tzinfo=UTC)  # 9 days after the fetch
    art = extract_article(bare, "http://127.0.0.1:1/nieuws/kop", FeedHints(published_at=future), FETCHED)
    assert art.published_source == "fetched" and any("rejected feed date" in n for n in art.notes)


def test_url_dates() -> None:
    assert url_date("https://x.be/2024/06/19/poetin-in-pyongyang/") == datetime(2024, 6, 18, 22, 0, tzinfo=UTC)
    assert url_date("https://x.nl/nieuws/20190425-top") is not None
    assert url_date("https://x.nl/nieuws/top-in-vladivostok") is None


@pytest.mark.parametrize("html", [b"", b"\x00\x01\x02binary", b"%PDF-1.7\n%\xe2\xe3", b"<html><body></body></html>"])
def test_unusable_pages_give_empty_not_an_exception(html: bytes) -> None:
    art = extract_article(html, "https://x.nl/a.html", None, FETCHED)
    assert art.status == "empty" and art.word_count == 0


def test_cli_extract_contract(tmp_path: Path) -> None:
    item = ARTICLES[0]
    page = tmp_path / "page.html"
    page.write_bytes(page_bytes(item))
    url = with_base(item["url"], BASE)
    cli = Path(sys.executable).with_name("newsmon")
    from_file = subprocess.run([cli, "extract", str(page), "--url", url], capture_output=True, check=True)
    from_stdin = subprocess.run([cli, "extract", "-", "--url", url], input=page.read_bytes(), capture_output=True,
                                check=True)
    data = json.loads(from_file.stdout)
    assert set(data) == {"url", "canonical_url", "title", "lead", "body", "author", "section", "published_at",
                         "published_source", "language", "word_count", "status"}
    assert data == json.loads(from_stdin.stdout)
    assert data["url"] == url and data["title"] == item["title"] and data["status"] == "ok"
    assert datetime.fromisoformat(data["published_at"]).utcoffset() is not None


def _page(body_words: int, extra: str = "", jsonld_type: str = "NewsArticle") -> bytes:
    text = " ".join(["Poetin ontving Kim Jong-un in het oosten van Rusland voor overleg."] * (body_words // 11 + 1))
    return (f'<html lang="nl"><head><script type="application/ld+json">{{"@type": "{jsonld_type}", '
            f'"headline": "Kop"}}</script></head><body><article><h1>Kop</h1><p>{text}</p></article>{extra}'
            "</body></html>").encode()


def test_premium_teasers_of_other_stories_do_not_make_a_short_article_paywalled() -> None:
    related = '<aside><a href="/x">Exclusief voor abonnees: het verhaal achter de top</a></aside>'
    assert extract_article(_page(120, related), "https://x.nl/a.html", None, FETCHED).status == "ok"
    box = '<div class="box"><p>Dit artikel is exclusief voor abonnees.</p></div>'
    assert extract_article(_page(120, box), "https://x.nl/a.html", None, FETCHED).status == "paywalled"


def test_news_article_markup_overrules_a_listing_like_url() -> None:
    assert extract_article(_page(200), "https://x.nl/dossier/top.html", None, FETCHED).status == "ok"
    assert extract_article(_page(200, jsonld_type="WebPage"), "https://x.nl/dossier/top.html", None,
                           FETCHED).status == "not_article"


def test_title_and_lead_repeated_at_the_top_of_the_body_are_dropped() -> None:
    from newsmon.extract import clean_author, drop_repeated_head

    body = "Kim in Vladivostok\nDe leider kwam per trein.\nHij werd ontvangen door Poetin."
    head_dropped = drop_repeated_head(body, "Kim in  Vladivostok", "de leider kwam per trein.")
    assert head_dropped == "Hij werd ontvangen door Poetin."
    assert drop_repeated_head(body, "Iets anders", None) == body
    assert clean_author("Door Marieke de Boer") == "Marieke de Boer"
    assert clean_author("Tekst: Jan Jansen") == "Jan Jansen"
    assert clean_author("Doortje Smit") == "Doortje Smit"


def test_text_comes_out_nfc() -> None:
    decomposed = "Oekrai\u0308ne"
    para = f"De steun aan {decomposed} is dinsdag in de Tweede Kamer opnieuw besproken door alle fracties. " * 4
    page = (f'<html lang="nl"><head><meta charset="utf-8"><title>Steun voor {decomposed}</title>'
            f'<meta property="og:description" content="Over {decomposed}"></head>'
            f"<body><article><h1>Steun voor {decomposed}</h1><p>{para}</p></article></body></html>")  # fmt: skip
    art = extract_article(page.encode(), "https://x.nl/nieuws/steun-oekraine-123", None, FETCHED)
    assert art.title == "Steun voor Oekraïne" and art.lead == "Over Oekraïne"
    assert "Oekraïne" in art.body and "\u0308" not in art.body


TEASER = ("<div class='kaart'><h2><a href='/binnenland/{i}/{slug}'>Nieuwe regels voor {slug} gaan volgend jaar in</a>"
          "</h2><p>Het kabinet wil dat gemeenten meer ruimte krijgen om zelf te bepalen hoe zij de nieuwe regels "
          "voor {slug} uitvoeren.</p></div>")  # fmt: skip
SUBJECTS = ["huurwoningen", "fietspaden", "kinderopvang", "zonnepanelen", "parkeren", "afvalinzameling",
            "sportvelden", "bibliotheken", "speeltuinen", "markten", "haventarieven", "schoolgebouwen"]  # fmt: skip


def test_section_pages_with_teasers_are_not_articles() -> None:
    cards = "".join(TEASER.format(i=1000 + i, slug=s) for i, s in enumerate(SUBJECTS * 3))
    page = f'<html lang="nl"><head><meta charset="utf-8"><title>Binnenland</title></head><body>{cards}</body></html>'
    art = extract_article(page.encode(), "https://krant.example/binnenland", None, FETCHED)
    assert art.status == "not_article"


def test_an_article_with_long_link_sidebars_stays_an_article() -> None:
    prose = "".join(
        f"<p>De wethouder van {s} legde dinsdagavond in de raad uit waarom het plan pas na de zomer kan starten "
        f"en wat dat betekent voor de inwoners van de wijk.</p>" for s in SUBJECTS[:6]
    )
    side = "".join(f"<li><a href='/binnenland/{2000 + i}/{s}'>Raad praat opnieuw over {s} in de wijk</a></li>"
                   for i, s in enumerate(SUBJECTS * 4))  # fmt: skip
    page = (f'<html lang="nl"><head><meta charset="utf-8"><title>Plan start na de zomer</title></head><body>'
            f"<aside><ul>{side}</ul></aside><div class='tekst'><h1>Plan start na de zomer</h1>{prose}</div>"
            f"<aside><h2>Meest gelezen</h2><ul>{side}</ul></aside></body></html>")  # fmt: skip
    art = extract_article(page.encode(), "https://krant.example/binnenland/3001/plan-start-na-de-zomer", None,
                          FETCHED)  # fmt: skip
    assert art.status == "ok"
    assert "Meest gelezen" not in art.body and "Raad praat opnieuw" not in art.body


PROSE = "<p>" + "De brandweer rukte zaterdagmiddag uit voor een grote brand in een loods bij het dorp. " * 5 + "</p>"


@pytest.mark.parametrize(
    ("head", "expected", "source"),
    [
        # only a day on the page, in an element named for it; the footer and a list of other stories carry
        # other dates
        ('<div class="byline"><span>Door Jan Jansen</span> <span class="datum">01 MRT 2016</span></div>',
         datetime(2016, 2, 29, 23, 0, tzinfo=UTC), "visible"),
        # day and time in the line under the headline
        ("<p>za 5 mrt 2016, 17:04</p>", datetime(2016, 3, 5, 16, 4, tzinfo=UTC), "visible"),
        ('<div class="meta">Gepubliceerd: 19 juni 2024 14:05 | Bijgewerkt: 19 juni 2024 16:10</div>',
         datetime(2024, 6, 19, 12, 5, tzinfo=UTC), "visible"),
    ],
)
def test_dates_the_page_shows(head: str, expected: datetime, source: str) -> None:
    page = (f'<html lang="nl"><head><meta charset="utf-8"><title>Brand in loods</title></head><body>'
            f'<nav><a href="/">Home</a></nav><div class="artikel"><h1>Brand in loods</h1>{head}{PROSE}</div>'
            f'<aside><h2>Net binnen</h2><ul><li><a href="/a/1/x">Ander nieuws van 12-02-2024</a></li></ul></aside>'
            f"<footer>© 2024 Krant. Pagina bijgewerkt 21 nov 2023</footer></body></html>")  # fmt: skip
    art = extract_article(page.encode(), "https://krant.example/nieuws/12345/brand-in-loods", None, FETCHED)
    assert (art.published_at, art.published_source) == (expected, source)


def kind_page(head: str = "", body_extra: str = "") -> bytes:
    return (f'<html lang="nl"><head><meta charset="utf-8"><title>Kop</title>{head}</head><body><article><h1>Kop</h1>'
            f"{PROSE}{body_extra}</article></body></html>").encode()  # fmt: skip


@pytest.mark.parametrize(
    ("head", "url", "status"),
    [
        ('<meta property="og:type" content="video.other">', "https://krant.example/nieuws/12345/brand", "not_article"),
        ("", "https://krant.example/video/12345/brand-in-loods", "not_article"),
        ('<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Kop"}</script>',
         "https://krant.example/nieuws/12345/brand", "live"),
        ("", "https://krant.example/nieuws/12345/liveblog-brand-in-loods", "live"),
        ("", "https://krant.example/", "not_article"),
        # NewsArticle markup overrules a /video/ path: an article with a video in it
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Kop"}</script>',
         "https://krant.example/video/12345/brand-in-loods", "ok"),
    ],
)
def test_page_kinds_from_markup_and_url_shape(head: str, url: str, status: str) -> None:
    assert extract_article(kind_page(head), url, None, FETCHED).status == status


def test_a_subscriber_teaser_with_a_login_form_is_paywalled_not_a_wall() -> None:
    teaser = "<p>De gemeente wil de haven uitbreiden, maar omwonenden maken zich zorgen over het verkeer.</p>"
    login = ('<div class="plus"><p>Dit is een plus-artikel. Word abonnee om verder te lezen.</p><form action="/login">'
             '<input type="password" name="wachtwoord"><button>Inloggen</button></form></div>')  # fmt: skip
    page = (f'<html lang="nl"><head><meta charset="utf-8"><title>Haven</title>'
            f'<meta property="og:type" content="article"></head><body><article><h1>Haven</h1>'
            f"{teaser}{login}</article></body></html>")  # fmt: skip
    assert extract_article(page.encode(), "https://krant.example/nieuws/123/haven", None, FETCHED).status == "paywalled"
