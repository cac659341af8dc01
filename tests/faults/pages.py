"""Pages and feeds for the hostile test site: good Dutch articles, and every kind of broken input.

The article texts are short pieces written for these tests; they read like Dutch news but report
nothing real.
"""

from __future__ import annotations

import gzip
import html
from datetime import UTC, datetime, timedelta

# slug -> (title, paragraphs). Varied subjects, so no two pages share a body.
GOOD: dict[str, tuple[str, list[str]]] = {
    "kim-trein": ("Kim Jong-un reist per pantsertrein naar Vladivostok", [
        "De Noord-Koreaanse leider Kim Jong-un is dinsdagochtend met zijn gepantserde trein de grens met "
        "Rusland overgestoken. Volgens het Russische persbureau gaat de reis naar Vladivostok, waar hij later "
        "deze week president Poetin ontmoet.",
        "Over de agenda zijn beide regeringen zwijgzaam. Diplomaten in Seoel verwachten dat het gesprek vooral "
        "over munitie, voedselhulp en de aanleg van een nieuwe brug over de rivier de Toemen zal gaan.",
        "Het is de eerste buitenlandse reis van Kim sinds de grenzen van zijn land na de pandemie weer opengingen. "
        "Zuid-Korea en Japan volgen de tocht van de trein op de voet.",
    ]),
    "graan-haven": ("Russisch graan komt via Rajin aan in Noord-Korea", [
        "In de haven van Rajin zijn volgens satellietbeelden drie vrachtschepen met Russisch graan gelost. "
        "Analisten van een Amerikaanse denktank zien het als teken dat de handel tussen beide landen groeit.",
        "Noord-Korea kampt al jaren met voedseltekorten. Rusland levert volgens de onderzoekers ook kunstmest en "
        "diesel, wat in strijd zou zijn met de sancties van de VN-Veiligheidsraad.",
        "Het Russische ministerie van Buitenlandse Zaken noemt de leveringen humanitair en spreekt van normale "
        "betrekkingen tussen buurlanden.",
    ]),
    "sancties-panel": ("Panel dat sancties tegen Pyongyang controleerde houdt op te bestaan", [
        "Het panel van deskundigen dat toezicht hield op de naleving van de sancties tegen Noord-Korea stopt "
        "eind april. Rusland sprak in de Veiligheidsraad zijn veto uit over een verlenging van het mandaat.",
        "De Verenigde Staten, Frankrijk en het Verenigd Koninkrijk reageerden verbolgen. Volgens hen wil Moskou "
        "voorkomen dat de wapenhandel met Pyongyang nog langer wordt onderzocht.",
        "China onthield zich van stemming. Het panel publiceerde sinds 2009 twee keer per jaar een rapport.",
    ]),
    "arbeiders-bouw": ("Noord-Koreaanse bouwvakkers opnieuw gesignaleerd in Siberische steden", [
        "In meerdere Russische steden werken weer Noord-Koreaanse bouwvakkers, meldt een Zuid-Koreaanse "
        "onderzoeksgroep. Ze zouden met studentenvisa het land zijn binnengekomen.",
        "Sinds 2019 is het volgens de VN verboden om arbeiders uit Noord-Korea in dienst te nemen. Het loon van "
        "de mannen gaat grotendeels naar de staat in Pyongyang.",
        "Een woordvoerder van het Kremlin wilde niet ingaan op de berichten en verwees naar het ministerie van "
        "Arbeid.",
    ]),
    "raketten-oekraine": ("Oekraïne vindt resten van Noord-Koreaanse raketten bij Charkiv", [
        "Oekraïense onderzoekers hebben in de regio Charkiv brokstukken gevonden van een ballistische raket die "
        "volgens hen uit Noord-Korea afkomstig is. Het gaat om een KN-23, die Rusland zou hebben ingezet.",
        "Het Openbaar Ministerie in Kyiv spreekt van een schending van het wapenembargo. Moskou en Pyongyang "
        "ontkennen dat er wapens zijn geleverd.",
        "Westerse inlichtingendiensten schatten dat Noord-Korea het afgelopen jaar miljoenen artilleriegranaten "
        "naar Rusland heeft gestuurd.",
    ]),
    "verdrag-parlement": ("Doema keurt verdrag met Noord-Korea goed", [
        "Het Russische parlement heeft woensdag ingestemd met het partnerschapsverdrag dat Poetin en Kim vorig "
        "jaar in Pyongyang ondertekenden. Het verdrag bevat een clausule over wederzijdse militaire bijstand.",
        "De stemming was unaniem. Na ondertekening door de president treedt het verdrag in werking zodra beide "
        "landen de ratificatie hebben uitgewisseld.",
        "Japan en Zuid-Korea spreken van een bedreiging voor de veiligheid in de regio.",
    ]),
    "toerisme-wonsan": ("Eerste Russische toeristen in jaren bezoeken skioord in Noord-Korea", [
        "Een groep van ruim negentig Russische toeristen is aangekomen in het skioord Masikryong. De reis werd "
        "georganiseerd door een bureau uit Vladivostok.",
        "De deelnemers mochten alleen onder begeleiding van gidsen het hotel verlaten. Voor buitenlanders uit "
        "andere landen blijft Noord-Korea gesloten.",
        "Het reisbureau wil de komende maanden ook zomerreizen naar de kuststad Wonsan aanbieden.",
    ]),
    "olie-leveringen": ("Tankers brengen Russische olie naar Noord-Koreaanse haven", [
        "Sinds maart hebben tankers ten minste een miljoen vaten olie van Rusland naar Noord-Korea vervoerd, "
        "blijkt uit een analyse van scheepvaartgegevens. Dat is ver boven het plafond dat de VN hebben vastgesteld.",
        "De schepen voeren vanuit de haven van Vostotsjny naar Chongjin. Hun transponders stonden een groot deel "
        "van de reis uit.",
        "Deskundigen zien de olie als betaling voor munitie die Noord-Korea aan het Russische leger levert.",
    ]),
    "brug-toemen": ("Bouw van verkeersbrug tussen Rusland en Noord-Korea begonnen", [
        "Bij de grensplaats Chasan is de bouw begonnen van een verkeersbrug over de Toemen. Tot nu toe verbindt "
        "alleen een spoorbrug uit de jaren vijftig de twee landen.",
        "De brug moet over anderhalf jaar klaar zijn en vrachtwagens de kans geven rechtstreeks tussen Rusland en "
        "Noord-Korea te rijden. De Russische regering betaalt het grootste deel.",
        "Volgens de gouverneur van de regio Primorje gaat het om een van de belangrijkste projecten van dit decennium.",
    ]),
    "studenten-moskou": ("Noord-Koreaanse studenten weer welkom aan Russische universiteiten", [
        "Russische universiteiten nemen dit studiejaar weer studenten uit Noord-Korea op. Het gaat om enkele "
        "tientallen jongeren die techniek en Russische taal studeren.",
        "Critici vrezen dat het om een dekmantel gaat voor arbeidsmigratie. Het ministerie van Onderwijs in Moskou "
        "spreekt van gewone culturele uitwisseling.",
        "In de Sovjettijd studeerden duizenden Noord-Koreanen in de Sovjet-Unie.",
    ]),
    "lavrov-bezoek": ("Lavrov tijdens bezoek aan Wonsan: samenwerking is onbreekbaar", [
        "De Russische minister van Buitenlandse Zaken Sergej Lavrov heeft tijdens een bezoek aan de Noord-Koreaanse "
        "kuststad Wonsan de banden tussen beide landen onbreekbaar genoemd.",
        "Hij sprak met zijn collega Choe Son-hui over de uitvoering van het verdrag en over een mogelijk bezoek van "
        "Kim Jong-un aan Moskou.",
        "Lavrov prees ook de Noord-Koreaanse militairen die in de regio Koersk tegen het Oekraïense leger vochten.",
    ]),
    "keten": ("Russische en Noord-Koreaanse spoorwegen openen nieuwe vrachtlijn", [
        "Tussen Vladivostok en Rajin rijdt voortaan twee keer per week een goederentrein. De spoorwegmaatschappijen "
        "van beide landen tekenden daarvoor een contract.",
        "Op de lijn liggen sporen van twee verschillende breedtes, zodat de lading bij de grens moet worden "
        "overgeladen.",
        "De Russische vicepremier noemde de lijn een begin van een nieuwe logistieke corridor in Oost-Azië.",
    ]),
    "druk": ("Noord-Korea stuurt extra artilleristen naar Rusland", [
        "Noord-Korea heeft volgens de Zuid-Koreaanse inlichtingendienst nog eens drieduizend militairen naar "
        "Rusland gestuurd. Het zou vooral om artilleristen en ingenieurs gaan.",
        "Eerder werden al ruim tienduizend soldaten naar de regio Koersk gestuurd. Honderden van hen zouden zijn "
        "gesneuveld of gewond geraakt.",
        "Pyongyang bevestigde vorige maand voor het eerst dat zijn troepen aan Russische zijde vechten.",
    ]),
    "onderhoud": ("Russische artsen openen ziekenhuisafdeling in Pyongyang", [
        "Een team van Russische artsen heeft in Pyongyang een afdeling voor oogheelkunde geopend. Het Russische "
        "ministerie van Volksgezondheid leverde de apparatuur.",
        "Het is een van de eerste medische projecten die voortkomen uit de afspraken van de regeringscommissie "
        "voor economische samenwerking.",
        "Noord-Koreaanse media spreken van een broederlijk geschenk van het Russische volk.",
    ]),
}

ENGLISH = ("Kim and Putin sign defence pact", [
    "North Korean leader Kim Jong Un and Russian President Vladimir Putin signed a mutual defence treaty in "
    "Pyongyang on Wednesday, pledging to help each other if either country is attacked.",
    "The agreement marks the strongest link between the two countries since the end of the Cold War and was "
    "criticised by the United States, South Korea and Japan.",
])

TEASER = ("Hoe Noord-Korea met Russische hulp zijn satellieten lanceert", [
    "Na twee mislukte pogingen bracht Noord-Korea vorig jaar een spionagesatelliet in een baan om de aarde. "
    "Deskundigen vermoeden dat Russische ingenieurs daarbij hebben geholpen.",
])

FUTURE = ("Rusland en Noord-Korea ondertekenen akkoord over visserij", [
    "Rusland en Noord-Korea hebben een akkoord ondertekend over visserij in de Japanse Zee. Noord-Koreaanse "
    "vissers mogen in bepaalde Russische wateren op koolvis en inktvis vissen.",
    "In ruil daarvoor levert Noord-Korea arbeidskrachten aan visverwerkende bedrijven in Primorje, aldus het "
    "Russische agentschap voor de visserij.",
    "Het akkoord geldt voor vijf jaar en wordt jaarlijks geëvalueerd door een gemengde commissie.",
])

UPDATED_PARAGRAPH = (
    "Update: het Kremlin heeft inmiddels bevestigd dat de twee leiders donderdag een gezamenlijke verklaring "
    "zullen afleggen. Een persconferentie is niet voorzien."
)

PUBLISHED = "2024-06-19T10:00:00+02:00"


def article_page(title: str, paragraphs: list[str], *, published: str = PUBLISHED, lang: str = "nl",
                 paywall: bool = False, extra: str = "") -> bytes:  # fmt: skip
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    if paywall:
        body += '<div class="paywall">Lees verder met een abonnement. Word abonnee voor 1 euro per week.</div>'
    free = "false" if paywall else "true"
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{html.escape(title)}",
"datePublished": "{published}", "isAccessibleForFree": {free}}}</script></head>
<body><nav><a href="/">Home</a> <a href="/buitenland">Buitenland</a> <a href="/sport">Sport</a></nav>
<article><h1>{html.escape(title)}</h1>{body}{extra}</article>
<footer>Colofon - Privacy - Cookies</footer></body></html>""".encode()


def rss(items: list[tuple[str, str, str | None]], *, title: str = "Testkrant", encoding: str = "utf-8",
        prolog: bool = True, extra_items: str = "") -> bytes:  # fmt: skip
    """items: (link, title, pubDate or None). Written by hand so broken variants stay close to real ones."""
    parts = []
    for link, item_title, date in items:
        date_tag = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(f"<item><title>{html.escape(item_title)}</title><link>{html.escape(link)}</link>"
                     f"<guid>{html.escape(link)}</guid>{date_tag}</item>")  # fmt: skip
    head = f'<?xml version="1.0" encoding="{encoding}"?>\n' if prolog else ""
    text = (f'{head}<rss version="2.0"><channel><title>{html.escape(title)}</title><link>https://example.nl/</link>'
            f"{''.join(parts)}{extra_items}</channel></rss>")  # fmt: skip
    return text.encode(encoding)


def atom(items: list[tuple[str, str, str, str]], *, title: str = "Tweede feed") -> bytes:
    """items: (link, title, published, updated), ISO 8601."""
    entries = "".join(
        f'<entry><title>{html.escape(t)}</title><link href="{html.escape(link)}"/><id>{html.escape(link)}</id>'
        f"<published>{pub}</published><updated>{upd}</updated></entry>"
        for link, t, pub, upd in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
            f"<id>urn:test:tweede</id><updated>2024-06-19T10:00:00Z</updated>{entries}</feed>").encode()  # fmt: skip


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title><link>http://127.0.0.1/x</link></item>
</channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY geheim SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&geheim;</title><link>http://127.0.0.1/y</link></item>
</channel></rss>"""


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


def iso_seconds(when: datetime) -> str:
    """A feed's timestamp: UTC, whole seconds (rounded up, so it is never before `when`)."""
    up = when.astimezone(UTC).replace(microsecond=0) + (timedelta(seconds=1) if when.microsecond else timedelta())
    return up.isoformat().replace("+00:00", "Z")
