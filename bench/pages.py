"""Benchmark pages shaped like real Dutch news pages, with Dutch text generated here.

A real article page is mostly not the article: a long <head> (meta tags, style links, inline
configuration scripts), menus, share buttons, teaser blocks ("Lees ook", "Meest gelezen"), tags, a
comments placeholder, a footer of link columns and a tail of tracking scripts. trafilatura's cost per
page follows that structure (elements to walk, link blocks to judge), not the article's length alone,
so a benchmark on bare <p> pages measures a limit no real outlet gives.

`SHAPE` is the distribution each generated page draws from (see bench/README.md for where the figures
come from); `measure` reads the same quantities from any page, so generated and real pages are
compared on equal terms (`python bench/pages.py --compare DIR`). Every word of the generated text
comes from the templates and word lists below.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

# --- the distribution ------------------------------------------------------------------------
# (median, low, high) per page; a page draws each from a log-normal around the median, clipped.
# Medians follow the real article pages measured with `measure` (two outlets' article pages,
# 57-58 KB of HTML, 8-11 paragraphs, 108-114 links in 13 link blocks, 21 scripts of which 10
# inline, ~20 KB of script, ~500 elements); the spread follows what current outlets serve
# (50-300 KB of HTML, up to a few hundred links) and trafilatura's own evaluation set (news
# pages, blogs and magazines at 16-19 ms per page in its published timing tables).
SHAPE: dict[str, tuple[float, float, float]] = {
    "paragraphs": (7, 3, 24),          # <p> in the article body
    "paragraph_chars": (300, 60, 650),  # characters per body paragraph
    "link_blocks": (13, 8, 40),         # menus, teaser lists, tag lists, footer columns (>= 3 links each)
    "links_per_block": (8, 3, 16),
    "scripts": (21, 8, 45),             # <script> elements, about half inline
    "script_kb": (20, 4, 120),          # bytes of script text and JSON-LD, KB
    "head_meta": (25, 8, 45),           # <meta> elements
    "images": (20, 4, 60),
    "div_depth": (4, 2, 9),             # <div> wrappers around each teaser, menu and the article body
}
# How the article body is marked up: HTML5 <article>, or classed <div>s only (older templates and many
# CMS themes, like both real article pages measured), which trafilatura has to find by its rules.
CONTAINERS = (("article", 0.2), ("div-story", 0.4), ("div-field", 0.4))
SHAPE_SIGMA = 0.35  # log-normal spread of each draw around its median


@dataclass(frozen=True)
class PageShape:
    """What a page is made of, as `measure` counts it."""

    html_bytes: int
    text_bytes: int        # UTF-8 bytes trafilatura extracts as the main text
    visible_bytes: int     # UTF-8 bytes of all visible text (whitespace collapsed)
    elements: int
    links: int
    link_blocks: int       # <ul>/<ol> holding three or more links
    scripts: int
    script_bytes: int
    paragraphs: int        # non-empty <p>
    divs: int
    images: int


def measure(html: bytes) -> PageShape:
    """Count the structure of one HTML page."""
    import lxml.html
    import trafilatura

    if not html.strip():
        raise ValueError("measure: empty page")
    tree = lxml.html.fromstring(html)
    scripts = tree.xpath("//script")
    visible = " ".join(tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"))
    text = trafilatura.extract(html, include_comments=False) or ""
    return PageShape(
        html_bytes=len(html),
        text_bytes=len(text.encode()),
        visible_bytes=len(" ".join(visible.split()).encode()),
        elements=sum(1 for el in tree.iter() if isinstance(el.tag, str)),
        links=len(tree.xpath("//a")),
        link_blocks=sum(1 for ul in tree.xpath("//ul|//ol") if len(ul.xpath(".//a")) >= 3),
        scripts=len(scripts),
        script_bytes=sum(len(s.text or "") for s in scripts),
        paragraphs=sum(1 for p in tree.xpath("//p") if p.text_content().strip()),
        divs=len(tree.xpath("//div")),
        images=len(tree.xpath("//img")),
    )


def summarise(shapes: list[PageShape]) -> dict[str, dict[str, float]]:
    """Median, min and max of every measured quantity."""
    out = {}
    for name in PageShape.__dataclass_fields__:
        values = [getattr(s, name) for s in shapes]
        out[name] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return out


# --- the Dutch text ----------------------------------------------------------------------------
SUBJECTS = [
    "De minister van Binnenlandse Zaken", "Een woordvoerder van de gemeente", "De burgemeester",
    "Onderzoekers van de Universiteit Utrecht", "De vakbond", "Het kabinet", "De provincie",
    "Een meerderheid in de Tweede Kamer", "De Vlaamse regering", "Het OM", "De brandweer",
    "Een werkgroep van artsen", "De toezichthouder", "Bewoners van de wijk", "De directie van het ziekenhuis",
    "Het Centraal Planbureau", "De rechtbank in Arnhem", "Een groep boeren", "De Europese Commissie",
]
VERBS = [
    "kondigde {when} aan dat", "liet {when} weten dat", "zei {when} dat", "waarschuwde {when} dat",
    "maakte {when} bekend dat", "verwacht dat", "vindt dat", "stelde {when} voor dat",
]
CLAUSES = [
    "de kosten voor {thing} volgend jaar met {pct} procent stijgen",
    "er in {place} {num} nieuwe {thing2} komen",
    "het plan voor {thing} voorlopig niet doorgaat",
    "de wachttijden voor {thing} langer worden dan verwacht",
    "de maatregelen in {place} tot {month} van kracht blijven",
    "het aantal meldingen over {thing} sinds {month} is verdubbeld",
    "de subsidie voor {thing} wordt verlaagd",
    "inwoners van {place} meer betalen voor {thing}",
]
WHEN = ["dinsdag", "maandag", "woensdagavond", "vorige week", "gisteren", "vanochtend", "donderdag", "zaterdag"]
THINGS = ["de huur", "zorgverzekeringen", "het openbaar vervoer", "kinderopvang", "energie", "de afvalinzameling",
          "parkeervergunningen", "sportverenigingen", "de renovatie van het station", "nieuwe fietspaden"]  # fmt: skip
THINGS2 = ["woningen", "laadpalen", "zonneparken", "scholen", "huisartsenposten", "opvangplekken"]
PLACES = ["Utrecht", "Gent", "Rotterdam", "Antwerpen", "Zwolle", "Leuven", "Groningen", "Eindhoven", "Brugge",
          "Nijmegen", "Hasselt", "Den Haag"]  # fmt: skip
MONTHS = ["januari", "maart", "april", "juni", "september", "november"]
FILLERS = [
    "Dat blijkt uit cijfers die {subject_l} {when} publiceerde.",
    "Volgens {subject_l} is er nog geen besluit genomen.",
    "Eerder dit jaar waren er al protesten in {place}.",
    "De gemeenteraad van {place} bespreekt het voorstel in {month}.",
    "Het is niet duidelijk wanneer de eerste resultaten bekend worden.",
    "Critici noemen de plannen te weinig ambitieus.",
]
NK_RU = [
    "Kim Jong-un en Vladimir Poetin {met} in {ru_place} over militaire samenwerking.",
    "Volgens de Zuid-Koreaanse inlichtingendienst levert Pyongyang {arms} aan Moskou.",
    "De Russische minister van Buitenlandse Zaken Sergej Lavrov bezocht {when} Pyongyang.",
    "Duizenden Noord-Koreaanse arbeiders werken op Russische bouwplaatsen, ondanks de sancties van de VN.",
    "Het verdrag over een strategisch partnerschap verplicht Noord-Korea en Rusland tot wederzijdse bijstand.",
    "Noord-Koreaanse soldaten vechten volgens Kyiv in de regio Koersk aan Russische zijde.",
    "Moskou en Pyongyang {agreed} {when} over {coop}.",
]
NK_FILL = {
    "met": ["spraken", "overlegden", "onderhandelden"],
    "ru_place": ["Vladivostok", "de Vostotsjny-lanceerbasis", "Moskou"],
    "arms": ["granaten en raketten", "artilleriegranaten", "ballistische raketten"],
    "agreed": ["sloten een akkoord", "bereikten overeenstemming", "tekenden een verklaring"],
    "coop": ["toerisme", "een nieuwe brug over de grensrivier", "samenwerking in de ruimtevaart", "olieleveranties"],
}
TEASERS = ["Brand in leegstaand pand", "Nieuwe regels voor e-steps", "Weerbericht: wisselvallig weekend",
           "Staking bij het streekvervoer", "Recordaantal bezoekers in museum", "Vertraging bij aanleg tunnel",
           "School krijgt nieuw gebouw", "Prijzen in supermarkt stijgen", "Ophef over bomenkap",
           "Lokale club wint beker", "Dijkversterking duurt langer"]  # fmt: skip
SECTIONS = ["Binnenland", "Buitenland", "Politiek", "Economie", "Regio", "Sport", "Cultuur", "Tech", "Opmerkelijk",
            "Wetenschap", "Gezondheid", "Video", "Podcasts", "Weer"]  # fmt: skip


def _pick(rng: random.Random, words: list[str]) -> str:
    return words[rng.randrange(len(words))]


def sentence(rng: random.Random, on_topic: bool = False) -> str:
    """One Dutch sentence from the templates (about North Korea and Russia when `on_topic`)."""
    if on_topic:
        template = _pick(rng, NK_RU)
        slots = {k: _pick(rng, v) for k, v in NK_FILL.items()} | {"when": _pick(rng, WHEN)}
        return template.format(**slots)
    slots = {"when": _pick(rng, WHEN), "thing": _pick(rng, THINGS), "thing2": _pick(rng, THINGS2),
             "place": _pick(rng, PLACES), "month": _pick(rng, MONTHS), "pct": rng.randrange(2, 19),
             "num": rng.randrange(20, 900)}  # fmt: skip
    if rng.random() < 0.3:
        subject = _pick(rng, SUBJECTS)
        return _pick(rng, FILLERS).format(subject_l=subject[0].lower() + subject[1:], **slots)
    verb = _pick(rng, VERBS).format(**slots)
    return f"{_pick(rng, SUBJECTS)} {verb} {_pick(rng, CLAUSES).format(**slots)}."


def paragraph(rng: random.Random, chars: int, on_topic: bool) -> str:
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < chars:
        out.append(sentence(rng, on_topic and rng.random() < 0.4))
    return " ".join(out)


def body_text(rng: random.Random, on_topic: bool, paragraphs: int = 9, chars: int = 300) -> str:
    """An article body of generated paragraphs separated by blank lines (for databases filled directly)."""
    return "\n\n".join(paragraph(rng, int(_draw_value(rng, (chars, 60, 650))), on_topic) for _ in range(paragraphs))


# --- the page ----------------------------------------------------------------------------------


def _draw_value(rng: random.Random, spec: tuple[float, float, float]) -> float:
    median, low, high = spec
    return min(high, max(low, median * math.exp(rng.gauss(0, SHAPE_SIGMA))))


def draw_shape(rng: random.Random) -> dict[str, int]:
    """One page's structure drawn from SHAPE."""
    return {name: round(_draw_value(rng, spec)) for name, spec in SHAPE.items()}


def _script(rng: random.Random, size: int) -> str:
    """Inline configuration script of about `size` bytes (keys and values generated)."""
    parts, total = [], 0
    while total < size:
        key = f"{_pick(rng, ['ad', 'tracking', 'consent', 'layout', 'video', 'paywall', 'ab'])}_{rng.randrange(10**4)}"
        value = json.dumps({"id": rng.randrange(10**9), "slot": _pick(rng, SECTIONS).lower(),
                            "enabled": rng.random() < 0.5, "sizes": [[300, 250], [728, 90]]})  # fmt: skip
        part = f'window.__cfg["{key}"] = {value};'
        parts.append(part)
        total += len(part)
    return "window.__cfg = window.__cfg || {};" + "".join(parts)


def _wrap(html: str, depth: int, cls: str) -> str:
    """`html` inside `depth` nested <div>s, as CMS templates nest regions, rows and fields."""
    for k in range(depth):
        html = f'<div class="{cls}-{k}">{html}</div>'
    return html


def _teaser_list(rng: random.Random, links: int, n: int, cls: str, images: int, depth: int) -> str:
    """A teaser list: `links` linked headlines, the first `images` of them with a picture."""
    items = []
    heading = rng.random() < 0.5  # many templates set each teaser's headline in <h3>
    for k in range(links):
        target = rng.randrange(max(n, 1))
        img = f'<img src="/img/{rng.randrange(10**6)}.jpg" alt="" width="120" height="80">' if k < images else ""
        title = escape(_pick(rng, TEASERS))
        tag = "h3" if heading else "span"
        title_html = f'<{tag} class="{cls}__title">{title}</{tag}>'
        inner = f'<a href="/a/{target}.html" class="{cls}__link">{img}{title_html}</a>'
        items.append(f'<li class="{cls}__item">{_wrap(inner, max(1, depth - 2), "views-field")}</li>')
    return f'<ul class="{cls}">' + "".join(items) + "</ul>"


def _container(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for kind, share in CONTAINERS:
        total += share
        if roll < total:
            return kind
    return CONTAINERS[-1][0]


def article_page(rng: random.Random, i: int, n: int, published: datetime, title: str, lead: str,
                 paragraphs: list[str], shape: dict[str, int]) -> str:  # fmt: skip
    """One article page with the given text and a structure drawn by `draw_shape`."""
    iso = published.isoformat()
    depth = shape["div_depth"]
    script_bytes = shape["script_kb"] * 1024
    inline_scripts = max(1, shape["scripts"] // 2)
    external_scripts = max(1, shape["scripts"] - inline_scripts)
    head_scripts = inline_scripts // 2
    per_script = script_bytes // inline_scripts
    ld_json = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                          "datePublished": iso, "author": {"@type": "Person", "name": "Redactie"}},
                         ensure_ascii=False).replace("</", "<\\/")  # fmt: skip
    metas = "".join(f'<meta property="og:x{k}" content="{escape(_pick(rng, SECTIONS))} {k}">'
                    for k in range(max(0, shape["head_meta"] - 6)))  # fmt: skip
    head = (
        f'<head><meta charset="utf-8"><title>{escape(title)} | Dagblad Benchmark</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{escape(lead)}"><meta property="og:title" content="{escape(title)}">'
        f'<meta property="og:type" content="article"><meta property="article:published_time" content="{iso}">'
        + metas
        + "".join(f'<link rel="stylesheet" href="/css/{k}.css">' for k in range(5))
        + f'<script type="application/ld+json">{ld_json}</script>'
        + "".join(f"<script>{_script(rng, per_script)}</script>" for _ in range(head_scripts))
        + "</head>"
    )  # fmt: skip
    # link blocks: 3 menus in the header, tags in the article, teasers beside it, footer columns
    blocks = max(6, shape["link_blocks"])
    per_block = shape["links_per_block"]
    menus = "".join(
        _wrap('<ul class="menu-list">'
              + "".join(f'<li class="menu-item"><a href="/{s.lower()}">{s}</a></li>'
                        for s in rng.sample(SECTIONS, min(len(SECTIONS), max(3, per_block + k * 2))))
              + "</ul>", depth, f"menu menu-{k}")
        for k in range(3)
    )  # fmt: skip
    footer_cols = max(2, blocks // 4)
    teaser_blocks = max(1, blocks - 3 - 1 - footer_cols)
    images_per_block = max(0, shape["images"] - 2) // teaser_blocks
    paras_html = []
    for k, para in enumerate(paragraphs):
        paras_html.append(f"<p>{escape(para)}</p>")
        if k == 2:
            paras_html.append(_wrap(f'<span>Lees ook</span> <a href="/a/{rng.randrange(n)}.html">'
                                    f"{escape(_pick(rng, TEASERS))}</a>", 2, "inline-teaser"))  # fmt: skip
        if k == len(paragraphs) // 2 and shape["images"] > 8:
            paras_html.append(_wrap(f'<img src="/img/{rng.randrange(10**6)}.jpg" alt="">'
                                    f'<span class="caption">{escape(_pick(rng, TEASERS))} (foto: archief)</span>',
                                    2, "media"))  # fmt: skip
    tags = rng.sample(PLACES + SECTIONS, 4)
    kind = _container(rng)
    headline = (f'<h1 class="article-title">{escape(title)}</h1>'
                f'<div class="byline">Door <a href="/auteur/redactie">Redactie</a> · <span class="date">'
                f"{published:%d-%m-%Y %H:%M}</span></div>"
                + _wrap(f'<img src="/img/{i}.jpg" alt="" width="800" height="450">'
                        f'<span class="caption">{escape(_pick(rng, TEASERS))}</span>', 2, "article-image"))  # fmt: skip
    text = (f'<p class="intro"><strong>{escape(lead)}</strong></p>' + "".join(paras_html))
    extras = (
        '<ul class="article-tags">' + "".join(f'<li><a href="/tag/{t.lower()}">{t}</a></li>' for t in tags) + "</ul>"
        + '<div class="social"><a class="social_button" href="/share/fb">Deel</a>'
        '<a class="social_button" href="/share/x">Post</a><a class="social_button" href="/share/mail">Mail</a></div>'
        + '<div class="comments"><h3>Reacties</h3><div class="fb-comments"></div>'
        '<iframe src="/comments/embed" title="reacties"></iframe></div>'
    )  # fmt: skip
    if kind == "article":
        article = (f'<article class="article"><header class="article-header">{headline}</header>'
                   f'<div class="article-body">{text}</div>{extras}</article>')  # fmt: skip
    elif kind == "div-story":
        article = _wrap(f'<div class="story">{headline}<div class="story-text">{text}</div>{extras}</div>',
                        max(1, depth - 2), "region")  # fmt: skip
    else:
        article = _wrap(headline + _wrap(text, 3, "field field-name-body") + extras, max(1, depth - 1), "node")
    titles = ["Lees ook", "Meest gelezen", "Net binnen", "Meer uit de regio"]
    aside = "".join(
        _wrap(f"<h3>{_pick(rng, titles)}</h3>" + _teaser_list(rng, per_block, n, "newslist", images_per_block, depth),
              max(1, depth - 1), "shadow-block")
        for _ in range(teaser_blocks)
    )  # fmt: skip
    footer = (
        '<div class="footer">'
        + "".join(
            _wrap(f"<h4>{_pick(rng, SECTIONS)}</h4><ul>"
                  + "".join(f'<li><a class="footer__link" href="/info/{k}-{j}">{_pick(rng, SECTIONS)}</a></li>'
                            for j in range(per_block))
                  + "</ul>", 2, "footer__column")
            for k in range(footer_cols)
        )
        + '<div class="copyright">© Dagblad Benchmark</div></div>'
    )  # fmt: skip
    tail = (
        "".join(f'<script src="/js/vendor-{k}.js" async></script>' for k in range(external_scripts))
        + "".join(f"<script>{_script(rng, per_script)}</script>" for _ in range(inline_scripts - head_scripts))
    )
    body = (
        '<body class="body body--nieuws"><div id="page"><div class="header">'
        '<div class="cookie-notice">Wij en onze partners gebruiken cookies. <button>Akkoord</button></div>'
        f'<a href="/" class="logo"><img src="/img/logo.svg" alt="Dagblad"></a>{menus}'
        '<form class="search" action="/zoeken"><input name="q" type="search"><button>Zoek</button></form>'
        f'</div><div class="content"><div class="main">{article}</div><div class="sidebar">{aside}</div>'
        f"</div>{footer}</div>{tail}</body>"
    )
    return f'<!DOCTYPE html><html lang="nl">{head}{body}</html>'


def generate_article(rng: random.Random, i: int, n: int, on_topic_share: float = 0.3) -> dict[str, Any]:
    """Text and page of article i of n: title, lead, paragraphs, publication time, HTML."""
    published = datetime(2019, 1, 1, 8, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 6 * 365 * 24))
    on_topic = rng.random() < on_topic_share
    shape = draw_shape(rng)
    paras = [paragraph(rng, round(_draw_value(rng, SHAPE["paragraph_chars"])), on_topic)
             for _ in range(shape["paragraphs"])]  # fmt: skip
    title = f"Bericht {i}: " + ("Kim en Poetin zoeken elkaar op" if on_topic else f"{_pick(rng, TEASERS)}")
    lead = sentence(rng, on_topic)
    html = article_page(rng, i, n, published, title, lead, paras, shape)
    return {"i": i, "day": published, "title": title, "lead": lead, "paras": paras, "html": html, "shape": shape}


# --- comparing with real pages ----------------------------------------------------------------


def extract_ms(pages: list[bytes], rounds: int = 3) -> list[float]:
    """Median milliseconds of trafilatura.extract per page (each page timed `rounds` times)."""
    import trafilatura

    out = []
    for page in pages:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            trafilatura.extract(page, include_comments=False)
            times.append(time.perf_counter() - started)
        out.append(1000 * statistics.median(times))
    return out


def real_article_pages(folder: Path) -> list[Path]:
    """The article pages of a real-pages folder (manifest.csv kind 'article', else every *.html)."""
    manifest = folder / "manifest.csv"
    if manifest.is_file():
        import csv

        with manifest.open(encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r.get("kind") == "article"]
        return [folder / r["file"] for r in rows if (folder / r["file"]).is_file()]
    return sorted(folder.glob("*.html"))


def compare(real_dir: Path, generated: int = 40, seed: int = 3, rounds: int = 5) -> dict[str, Any]:
    """Structure and trafilatura.extract time of real article pages against generated ones (medians)."""
    if not real_dir.is_dir():
        raise FileNotFoundError(f"{real_dir}: no such folder of real pages")
    real_paths = real_article_pages(real_dir)
    if not real_paths:
        raise FileNotFoundError(f"{real_dir}: no article pages (*.html) in it")
    real = [p.read_bytes() for p in real_paths]
    rng = random.Random(seed)
    gen = [generate_article(rng, i, generated)["html"].encode() for i in range(generated)]
    extract_ms(real[:1] + gen[:1], 1)  # warm-up: imports and trafilatura's caches
    # interleave the two sets so that a noisy machine slows both alike
    real_ms, gen_ms = [], []
    for k in range(max(len(real), len(gen))):
        if k < len(gen):
            gen_ms += extract_ms([gen[k]], rounds)
        real_ms += extract_ms([real[k % len(real)]], rounds)
    real_med, gen_med = statistics.median(real_ms), statistics.median(gen_ms)
    return {
        "real_pages": [p.name for p in real_paths],
        "real_shape": summarise([measure(p) for p in real]),
        "generated_pages": generated,
        "generated_shape": summarise([measure(p) for p in gen]),
        "extract_ms_real_median": real_med,
        "extract_ms_generated_median": gen_med,
        "extract_ratio_generated_over_real": gen_med / real_med,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, metavar="DIR", help="folder of real pages (manifest.csv optional)")
    parser.add_argument("--generated", type=int, default=40)
    parser.add_argument("--write", type=Path, metavar="DIR", help="write --generated pages as DIR/<i>.html")
    args = parser.parse_args()
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        rng = random.Random(3)
        for i in range(args.generated):
            (args.write / f"{i}.html").write_text(generate_article(rng, i, args.generated)["html"], encoding="utf-8")
    if args.compare:
        try:
            result = compare(args.compare, args.generated)
        except FileNotFoundError as exc:
            print(f"pages: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

