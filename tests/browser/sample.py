"""A small annotated store built directly from records: three events reported by several outlets (with a
disagreement), a story of two events, quotes, geocoded places, and one hostile article whose every
user-controlled field carries markup that must come out escaped."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.cluster.incremental import Clusterer
from newsdesk.extract import article_id
from newsdesk.records import Actor, AnnotatedArticle, Article, EventActor, EventMention, Place, Quote
from newsdesk.store import open_store

HOSTILE = '<script>alert("xss")</script>'
HOSTILE_IMG = "<img src=x onerror=alert(1)>"

KALLAS = Actor("Q-kallas", "Kaja Kallas", "person", "EST", "GOV", "EU foreign policy chief",
               mentions=("Kaja Kallas", "Kallas"))
EU = Actor("IGOEUREEC", "European Union", "igo", "IGOEUREEC", "IGO", mentions=("EU", "European Union"))
RUSSIA = Actor("RUS", "Russia", "country", "RUS", "GOV", mentions=("Russia", "Russian"))
BAERBOCK = Actor("Q-baerbock", "Annalena Baerbock", "person", "DEU", "GOV", "Foreign Minister",
                 mentions=("Annalena Baerbock", "Baerbock"))
UN = Actor("IGOUNO", "United Nations Security Council", "igo", "IGOUNO", "IGO", mentions=("Security Council",))
EVIL = Actor("Q-evil", f"Evil {HOSTILE}", "person", "XSS", "GOV", f"Office {HOSTILE_IMG}",
             mentions=(f"Evil {HOSTILE}",))

BRUSSELS = ("Brussels", "BE", 50.85, 4.35)
SKOPJE = ("Skopje", "MK", 42.0, 21.43)
EL_FASHER = ("El Fasher", "SD", 13.63, 25.35)


@dataclass(frozen=True)
class Doc:
    outlet: str
    published: str
    title: str
    body: str
    event: tuple  # (sentence, trigger, cameo, plover, quad, source, target, date, place)
    actors: tuple[Actor, ...]
    quote: tuple[str, Actor] | None = None
    url: str | None = None


def _side(a: Actor) -> EventActor:
    return EventActor(text=a.mentions[0], name=a.name, actor_id=a.id, country=a.country, sector=a.sector)


SANCTIONS = ("The European Union imposed sanctions on Russian officials over the deportation of Ukrainian "
             "children, freezing assets of {n} officials.")
DOCS = [
    Doc("Harbour Times", "2024-02-23T09:00:00Z", "EU sanctions Russian officials over deported children",
        SANCTIONS.format(n=12) + "\n\nThe measures were agreed in Brussels on Friday by foreign ministers.\n\n"
        '"Those who deport children will be held to account," Kaja Kallas said in Brussels.',
        (SANCTIONS.format(n=12), "imposed sanctions", "163", "SANCTION", 4, EU, RUSSIA, "2024-02-23", BRUSSELS),
        (KALLAS, EU, RUSSIA), ('Those who deport children will be held to account', KALLAS),
        "https://harbour.example/eu-sanctions"),
    Doc("Meridian Post", "2024-02-23T11:30:00Z", "Brussels freezes assets of Russian officials",
        SANCTIONS.format(n=14) + "\n\nThe European Union decision on sanctions follows months of talks in Brussels.\n\n"
        "Kaja Kallas said the deportation of children was a war crime.",
        (SANCTIONS.format(n=14), "imposed sanctions", "163", "SANCTION", 4, EU, RUSSIA, "2024-02-24", BRUSSELS),
        (KALLAS, EU, RUSSIA), None, "https://meridian.example/brussels-freezes"),
    Doc("Capital Ledger", "2024-02-24T08:00:00Z", "EU widens Russia sanctions over Ukrainian children",
        SANCTIONS.format(n=12) + "\n\nOfficials in Brussels said more names could follow.",
        (SANCTIONS.format(n=12), "imposed sanctions", "1631", "SANCTION", 4, EU, RUSSIA, "2024-02-23", BRUSSELS),
        (KALLAS, EU, RUSSIA), None, None),
    Doc("Harbour Times", "2024-03-15T10:00:00Z", "Kallas presses for tribunal on deported Ukrainian children",
        "Kaja Kallas urged Russia to return deported Ukrainian children and called for a special tribunal.\n\n"
        "The appeal in Brussels came three weeks after the European Union froze assets of Russian officials.",
        ("Kaja Kallas urged Russia to return deported Ukrainian children and called for a special tribunal.",
         "urged", "1041", "REQUEST", 3, KALLAS, RUSSIA, "2024-03-15", BRUSSELS),
        (KALLAS, RUSSIA), ("return deported Ukrainian children", KALLAS), None),
    Doc("Eastbridge Herald", "2023-11-30T16:00:00Z", "Baerbock leads walkout at OSCE meeting in Skopje",
        "Annalena Baerbock led a walkout of diplomats when the Russian foreign minister spoke at the OSCE "
        "meeting in Skopje.\n\nAbout 40 diplomats left the hall in protest.",
        ("Annalena Baerbock led a walkout of diplomats when the Russian foreign minister spoke at the OSCE "
         "meeting in Skopje.", "led a walkout", "1411", "PROTEST", 3, BAERBOCK, RUSSIA, "2023-11-30", SKOPJE),
        (BAERBOCK, RUSSIA), None, None),
    Doc("Meridian Post", "2023-11-30T18:00:00Z", "Diplomats walk out on Lavrov in Skopje",
        "Annalena Baerbock led a walkout of diplomats when the Russian foreign minister spoke at the OSCE "
        "meeting in Skopje on Thursday.\n\nAbout 30 diplomats left the hall in protest.",
        ("Annalena Baerbock led a walkout of diplomats when the Russian foreign minister spoke at the OSCE "
         "meeting in Skopje on Thursday.", "led a walkout", "1411", "PROTEST", 3, BAERBOCK, RUSSIA, "2023-11-30",
         SKOPJE), (BAERBOCK, RUSSIA), None, None),
    Doc("Capital Ledger", "2024-06-13T20:00:00Z", "Security Council demands halt to siege of El Fasher",
        "The United Nations Security Council demanded an immediate halt to the siege of El Fasher in Sudan.\n\n"
        "The resolution passed with fourteen votes in favour.",
        ("The United Nations Security Council demanded an immediate halt to the siege of El Fasher in Sudan.",
         "demanded", "1041", "REQUEST", 3, UN, None, "2024-06-13", EL_FASHER), (UN,), None, None),
    Doc(f"Evil {HOSTILE} Outlet", "2024-01-10T12:00:00Z", f"{HOSTILE} Hostile talks {HOSTILE_IMG}",
        f"Evil {HOSTILE} accused Zanzibarian negotiators {HOSTILE_IMG} of stalling at the quayside "
        f"conference.\n\n\"We reject this {HOSTILE},\" Evil {HOSTILE} said.",
        (f"Evil {HOSTILE} accused Zanzibarian negotiators {HOSTILE_IMG} of stalling at the quayside conference.",
         f"accused {HOSTILE}", "112", "ACCUSE", 3, EVIL, None, "2024-01-10",
         (f"Quay {HOSTILE_IMG}", "TZ", -6.16, 39.19)),
        (EVIL,), (f"We reject this {HOSTILE}", EVIL), f"javascript:alert('{HOSTILE}')"),
]


def annotated(doc: Doc, i: int) -> AnnotatedArticle:
    text = doc.body
    paragraphs = tuple(p for p in text.split("\n\n"))
    art = Article(id=article_id(text), source=f"sample:{i}", text=text, paragraphs=paragraphs,
                  url=doc.url, outlet=doc.outlet, title=doc.title, published=doc.published, language="en")
    sentence, trigger, cameo, plover, quad, src, tgt, day, place = doc.event
    start = text.index(sentence)
    pname, pcountry, lat, lon = place
    event = EventMention(start, start + len(sentence), sentence, trigger, cameo, plover, None, quad, -5.0,
                         _side(src), _side(tgt) if tgt else None, day, False, pname, pcountry, lat, lon, 0.8)
    quotes = ()
    if doc.quote:
        qtext, speaker = doc.quote
        qs = text.index(qtext)
        quotes = (Quote(qs, qs + len(qtext), qtext, "direct", "said", speaker.mentions[0],
                        speaker_id=speaker.id, speaker=speaker.name),)
    places = (Place(pname, pcountry, lat, lon, None, "city", ((start, start + 1),), (pname,)),)
    return AnnotatedArticle(art, actors=doc.actors, quotes=quotes, places=places, events=(event,))


def build_sample_store(path: str) -> dict[str, list[str]]:
    """Write the sample articles (annotated, clustered in time order) to a new store at `path`."""
    store = open_store(path)
    try:
        anns = sorted((annotated(d, i) for i, d in enumerate(DOCS)), key=lambda a: a.article.published or "")
        for ann in anns:
            store.add_article(ann.article, ann, "sample")
        clusterer = Clusterer(store)
        for ann in anns:
            clusterer.add(store.get_article(ann.article.id))
        return {"articles": [a.article.id for a in anns],
                "events": [e["id"] for e in store.list_clustered_events(limit=100)],
                "stories": [s["id"] for s in store.list_stories(limit=100)]}
    finally:
        store.close()
