"""Who did it to whom: source and target phrases from the dependency parse of one sentence, resolved to
canonical actors (annotation mentions), else to countries named in the phrase (demonyms, country names)
with a sector from the phrase's head noun; pronouns and lone surnames through `code.coref`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsdesk.annotate.quote_cues import cue_verbs
from newsdesk.code.coref import PRONOUNS, TRANSNATIONAL, as_event_actor, by_surname, pronoun
from newsdesk.code.domestic import iso3, sentence_countries
from newsdesk.code.patterns import lemmas, lexicon
from newsdesk.kb import KnowledgeBase
from newsdesk.records import AnnotatedArticle, EventActor

_SKIP = {"relcl", "acl", "advcl", "cc", "punct", "conj", "parataxis", "ccomp"}
_TARGET_PREPS = ("against", "on", "with", "to", "at", "toward", "towards", "into", "upon", "over", "from",
                 "for", "of", "between", "in")
_DASHES = {"--", "-", "\u2014", "\u2013", ":"}
_GROUP = {"those", "members", "member", "dozens", "dozen", "hundreds", "thousands", "some", "group", "all",
          "many", "most", "leaders", "one", "two", "three", "several", "part", "delegations"}


@dataclass
class Context:
    """What argument resolution needs of the article: mentions, actors, the KB, the sentence."""

    ann: AnnotatedArticle
    kb: KnowledgeBase | None
    doc: Any  # the parsed sentence (a spaCy Doc)
    offset: int  # sentence start in the article text
    actors: dict
    prev_actors: list  # EventActor of earlier sentences (for pronouns), most recent last

    def chars(self, tok) -> tuple[int, int]:
        return self.offset + tok.idx, self.offset + tok.idx + len(tok.text)


def _country_of_text(ctx: Context, text: str) -> str | None:
    if ctx.kb is None or not text:
        return None
    if text.isupper() and len(text) <= 3:  # in running text "US" is a name, "BLM" no ISO code
        text = text.lower()
    try:
        return ctx.kb.country(text)
    except Exception:  # a KB that cannot read this string is no country
        return None


def _sector_of(tok, words: str = "") -> str | None:
    sectors = lexicon().sectors
    for w in (tok.lower_, *words.split()):
        for base in lemmas(w.lower()) | {w.lower().rstrip("s")}:
            if base in sectors:
                return sectors[base]
    return None


def _span_tokens(tok, top: bool = True) -> list:
    """The phrase of `tok` without its clauses and its own conjuncts (a modifier's conjuncts stay:
    "Hungarian and Romanian officials")."""
    out = [tok]
    for child in tok.children:
        if child.dep_ in _SKIP and not (child.dep_ in ("conj", "cc") and not top) \
                or child.dep_ == "appos" and child.i < tok.i or in_dateline(child):
            continue  # nor the dateline the parser hangs on it ("BAMAKO - Armed men")
        out.extend(_span_tokens(child, False))
    return sorted(out, key=lambda t: t.i)


def _mention_actor(ctx: Context, start: int, end: int):
    """The canonical actor of an annotation mention overlapping [start, end)."""
    for m in ctx.ann.mentions:
        if m.actor_id and m.start < end and start < m.end:
            a = ctx.actors.get(m.actor_id)
            if a is not None:
                return a, m
    return None, None


def resolve(ctx: Context, tok, depth: int = 0) -> list[EventActor]:
    """Actors the phrase headed by `tok` stands for: one per conjunct, one per country of a group phrase."""
    out: list[EventActor] = []
    for t in [tok, *[c for c in tok.conjuncts if c.i > tok.i]]:
        out.extend(_resolve_one(ctx, t, depth))
    seen, uniq = set(), []
    for a in out:
        key = (a.actor_id or a.text, a.country)
        if key not in seen:
            seen.add(key)
            uniq.append(a)
    return uniq


def in_dateline(tok) -> bool:
    """Is `tok` part of a dateline opening the sentence ("BERLIN --", "GAZA CITY, Gaza Strip --",
    "KABUL (Pajhwok):")? A dateline says where the story was filed; it never does anything."""
    doc = tok.doc
    first = next((t for t in doc[:3] if t.is_alpha), None)
    if first is None or not (first.text.isupper() and len(first.text) > 2):
        return False
    for t in doc[:14]:
        # a dash standing apart ("BERLIN - The ..."), not the hyphen of "ISIS carried out a multi-pronged attack"
        if t.text in _DASHES and not (t.text == "-" and t.i > 0 and not doc[t.i - 1].whitespace_):
            return tok.i < t.i
    return False


def _resolve_one(ctx: Context, tok, depth: int) -> list[EventActor]:
    if in_dateline(tok):
        return []
    toks = _span_tokens(tok)
    text = ctx.doc[toks[0].i: toks[-1].i + 1].text
    if tok.lower_ in PRONOUNS and tok.tag_.startswith("PRP"):
        return pronoun(ctx, tok, resolve, depth)
    if tok.lower_ in ("who", "which", "that") and tok.head.dep_ == "relcl" and depth < 2:
        return resolve(ctx, tok.head.head, depth + 1)  # "Okafor, who backed him": Okafor
    sector = _sector_of(tok)
    # the head itself is a mention of a known actor ("Sergei Lavrov", "the Danish foreign minister")
    a, m = _mention_actor(ctx, *ctx.chars(tok))
    if a is not None and (a.country or a.kind in ("country", "igo")):
        ea = as_event_actor(a, text, sector)
        if ea.country is None:
            ea = EventActor(ea.text, ea.name, ea.actor_id, _phrase_country(ctx, toks, m), ea.sector)
        return [ea]
    # a group phrase: "diplomats from Britain, the US and the EU", "Hungarian and Romanian officials"
    found: list[tuple[int, EventActor]] = []
    tied = [ctx.chars(t) for t in toks if _stance(ctx, t)]
    for t in toks:
        if t.i == tok.i and (a is not None or not (t.tag_ in ("NNP", "NNPS") or t.ent_type_ == "NORP")):
            continue
        if _other_party(t, tok):
            continue  # "a protest against X", "relations with X and Y": X is not part of who protested
        if _stance(ctx, t):
            continue  # "pro-Iranian": an ally, not the country
        ma, mm = _mention_actor(ctx, *ctx.chars(t))
        if mm is not None and any(mm.start < e and s < mm.end for s, e in tied):
            continue  # "The Kremlin-backed ...": "The" is in the mention of the name they are tied to
        if ma is not None and (ma.country or ma.kind in ("country", "igo")):
            ea = as_event_actor(ma, text, sector)
            # "Putin's ally" is Russian, not Putin; "Putin's handling of the war" is his
            person = ma.kind != "country" and not (t.dep_ == "poss" and tok.tag_ in ("NN", "NNS")
                                                   and not (t.head.i == tok.i and thing(tok)))
            # "the EU's envoy" is of the EU (sector IGO), "Russia's envoy" a Russian diplomat
            own = ea.sector if person or ea.sector in TRANSNATIONAL else sector
            found.append((_depth(t, tok), EventActor(text, ma.name if person else None, ma.id if person else None,
                                                     ea.country, own)))
            continue
        if t.tag_ in ("NNP", "NNPS", "JJ") or t.ent_type_ in ("GPE", "NORP"):
            # the whole entity first: "North Korean" is not "Korean"
            whole = _entity_country(ctx, t) if t.ent_type_ else None
            if whole == "":
                continue  # a later word of an entity its first word already resolved
            country = whole or _country_of_text(ctx, t.text)
            if country is None:
                country = _ethnic_home(ctx, t.text)
            if country:
                found.append((_depth(t, tok), EventActor(text, None, None, country, sector)))
    if found:
        # the nearest modifiers and their conjuncts name the actor; countries deeper in the phrase
        # ("a resolution censuring ... in Panama") do not
        best = min(d for d, _ in found)
        return _ethnic(ctx, tok, toks, _uniq([a for d, a in found if d == best]))
    if a is not None:
        return [as_event_actor(a, text, sector)]
    if tok.tag_ == "NNP" and (person := by_surname(ctx, tok)) is not None:
        return [as_event_actor(person, text, sector)]
    country = _country_of_text(ctx, text) if len(toks) <= 4 else None
    if country is None and tok.tag_ in ("NNP", "NNPS"):
        country = _country_of_text(ctx, tok.text)
    if country:
        return [EventActor(text, None, None, country, None if tok.tag_.startswith("NNP") else sector)]
    # a place ("in Baghdad", "Darfur rebels"): its country
    for t in toks:
        if _other_party(t, tok, ("with", "against", "by")) or _stance(ctx, t):
            continue  # a place in "aid for X" is the phrase's, one in "relations with X" another side's
        country = _place_country(ctx, *ctx.chars(t))
        if country:
            return [EventActor(text, None, None, country, sector)]
    ours = [c for c in tok.children if c.dep_ == "poss" and c.lower_ in ("our", "my")]
    if ours:  # "Russia attacked our power grid," Zelensky said: the speaker's
        return [EventActor(text, a.name, a.actor_id, a.country, a.sector) for a in pronoun(ctx, ours[0], resolve, depth)]
    # "rebels", "23 people": a side whose country the sentence may still tell (see code.domestic)
    return [EventActor(text, None, None, None, sector)] if sector else []


# whom an act can be aimed at though neither the KB nor the sector nouns know them: named entities of the
# parse and nouns of organisations and groups ("accused Gulen", "rejected the organization", "freed 19
# Christians")
_NAMED_ENTS = {"PERSON", "ORG", "NORP", "GPE", "FAC"}
_BODY_NOUNS = {"organization", "organisation", "group", "party", "movement", "committee", "commission", "council",
               "agency", "association", "coalition", "alliance", "federation", "institution", "network",
               "foundation", "church", "bloc", "club", "board", "league", "syndicate", "cartel", "gang",
               "panel", "subcommittee", "caucus", "firm", "company", "corporation",
               # people acted on whom no sector names: "pressured lecturers", "detained 110 individuals"
               "suspect", "individual", "man", "men", "woman", "women", "inmate", "employee", "staff", "lecturer",
               "teacher", "migrant", "immigrant", "member", "opponent", "critic", "lawyer", "hostage", "crew",
               "foreigner", "citizen", "national", "supporter", "follower", "defendant", "candidate", "voter",
               "smuggler", "trafficker", "gunman", "attacker", "kidnapper", "pirate", "poacher", "thief", "robber",
               "bomber", "assailant", "shooter", "sniper", "farmer", "settler", "fisherman", "trader", "miner"}
# bodies one answers to: "testified before the panel", "appeared before a judge"
_HEARING_SECTORS = {"LEG", "JUD", "GOV"}
_NOT_AIMED = {"in", "at", "near", "from", "for", "during", "after", "before", "since", "across", "throughout",
              "outside", "inside", "by", "about", "within", "under", "among"}


def named_side(ctx: Context, tok) -> list[EventActor]:
    """The phrase headed by `tok` as a side without a country, when it names a person, organisation or
    group; never a place it happens in or a time ("in Kabul", "on Monday")."""
    if tok is None or in_dateline(tok) or tok.lower_ in PRONOUNS or not tok.tag_.startswith("NN"):
        return []
    if tok.dep_ == "pobj" and tok.head.lower_ in _NOT_AIMED and not (tok.head.lower_ == "before" and hearing(tok)) \
            and not (tok.head.lower_ in ("from", "by") and lemmas(tok.head.head.lower_) & _SPEECH_NOUNS):
        return []  # but "questions from the panel" are the panel's
    if tok.ent_type_ and tok.ent_type_ not in _NAMED_ENTS:
        return []  # "on Wednesday", "the Geneva Conventions", "Brexit"
    if not (tok.ent_type_ in _NAMED_ENTS or tok.tag_ in ("NNP", "NNPS") or tok.text.isupper() and len(tok) > 1
            or (lemmas(tok.lower_) | {tok.lower_.rstrip("s")}) & _BODY_NOUNS):
        return []
    toks = _span_tokens(tok)
    text = ctx.doc[toks[0].i: toks[-1].i + 1].text
    return [EventActor(text, None, None, None, None)]


def hearing(tok) -> bool:
    """Is `tok` a body or person one appears before ("before the panel", "before Congress", "before a
    judge"), not a time or an occasion ("before the vote", "before Christmas")?"""
    if tok.ent_type_ in ("DATE", "TIME", "EVENT", "CARDINAL", "ORDINAL"):
        return False
    return tok.ent_type_ in ("ORG", "PERSON") or _sector_of(tok) in _HEARING_SECTORS \
        or bool((lemmas(tok.lower_) | {tok.lower_.rstrip("s")}) & _BODY_NOUNS)


# "Iran-backed militias", "a Biden-appointed judge": the name is whom they are tied to, not who they are
# ("Paris-based", "Saudi-led", "state-run" say who they are and stay)
_TIED = {"backed", "appointed", "allied", "funded", "sponsored", "supported", "aligned", "linked", "inspired",
         "affiliated", "friendly", "leaning", "trained", "armed", "nominated"}
# entities whose inner names are no actor: "the Toyota Corolla driver", "the Dodd-Frank Act"
_NAMED_THINGS = {"PRODUCT", "WORK_OF_ART", "LAW", "EVENT"}


def _stance(ctx: Context, t) -> bool:
    """Is `t` the name in "pro-Moscow", "anti-Trump", "Kremlin-backed", or inside the name of a product
    or law: whom the phrase is for, against or tied to, not who it is?"""
    doc = ctx.doc
    if t.i >= 2 and doc[t.i - 1].text == "-" and doc[t.i - 2].lower_ in ("pro", "anti"):
        return True
    if t.i + 2 < len(doc) and doc[t.i + 1].text == "-" and doc[t.i + 2].lower_ in _TIED:
        return True
    return t.head.i != t.i and t.head.ent_type_ in _NAMED_THINGS and t.ent_type_ != t.head.ent_type_


_OTHER_PREPS = ("by", "with", "against", "to", "at", "after", "before", "for", "about", "over", "into", "on",
                "regarding", "concerning")


def _other_party(t, top, preps=_OTHER_PREPS) -> bool:
    """Is `t` inside a "with X" / "against X" ... phrase of the phrase headed by `top` (conjuncts too)?"""
    while t.i != top.i and t.head.i != t.i:
        if t.dep_ == "pobj" and t.head.lower_ in preps:
            return True
        t = t.head
    return False


def _entity_country(ctx: Context, t) -> str | None:
    """The country the named entity `t` is part of names, None if it names none, "" for the later words
    of an entity that does (they are that entity's, already counted)."""
    start = t
    while start.ent_iob_ == "I" and start.i > 0:
        start = ctx.doc[start.i - 1]
    ent = [start]
    while ent[-1].i + 1 < len(ctx.doc) and ctx.doc[ent[-1].i + 1].ent_iob_ == "I":
        ent.append(ctx.doc[ent[-1].i + 1])
    if len(ent) == 1:
        return None
    country = _country_of_text(ctx, " ".join(x.text for x in ent))
    if start.i != t.i and (country or t.ent_type_ == "GPE"):
        return ""  # "New Jersey" is not Jersey
    return country


def _ethnic_home(ctx: Context, word: str) -> str | None:
    """The country of a stateless ethnic group ("Kurdish rebels"): one the sentence names, else the one
    most often meant."""
    homes = ctx.kb.ethnic_countries(word) if ctx.kb is not None else ()
    if not homes:
        return None
    named = sentence_countries(ctx) + [_country_of_text(ctx, t.text) for t in ctx.doc
                                       if t.tag_ in ("JJ", "NNP", "NNPS") and t.text != word]
    return next((c for c in named if c in homes), homes[0])


def _ethnic(ctx: Context, tok, toks, actors: list[EventActor]) -> list[EventActor]:
    """An ethnic group is coded by the country it lives in: "ethnic Albanians" demonstrating in Serbia,
    "the Hungarians of northern Serbia" are Serbian civilians (CAMEO adds the ethnicity, SRBCVLALB)."""
    people = tok.tag_ == "NNPS" and any(c.dep_ == "prep" and c.lower_ in ("of", "in") for c in tok.children) \
        or tok.lower_ in ("population", "minority", "community")  # "the Albanian population"
    if not (people or any(t.lower_ == "ethnic" for t in toks)) or len(actors) != 1 or actors[0].actor_id:
        return actors
    home = sentence_countries(ctx, exclude=(actors[0].country,) if actors[0].country else ())
    if not home:
        return actors
    return [EventActor(actors[0].text, None, None, home[0], actors[0].sector or "CVL")]


def _depth(t, top) -> int:
    """Tree distance from the phrase head, not counting coordination."""
    d = 0
    while t.i != top.i and t.head.i != t.i:
        d += t.dep_ not in ("conj", "appos")
        t = t.head
    return d


def _uniq(actors: list[EventActor]) -> list[EventActor]:
    seen, out = set(), []
    for f in actors:
        if (f.country, f.actor_id) not in seen:
            seen.add((f.country, f.actor_id))
            out.append(f)
    return out


def _phrase_country(ctx: Context, toks, mention) -> str | None:
    for t in toks:
        if mention is not None and mention.start <= ctx.chars(t)[0] < mention.end and t.ent_type_ not in ("NORP", "GPE"):
            continue
        if t.tag_ in ("NNP", "NNPS", "JJ"):
            c = _country_of_text(ctx, t.text)
            if c:
                return c
    return None


def _place_country(ctx: Context, start: int, end: int) -> str | None:
    for p in ctx.ann.places:
        if p.country and any(s < end and start < e for s, e in p.spans):
            return iso3(p.country)
    return None


def subject_of(tok):
    """The subject of a verb, or of the verb it depends on (control, coordination, auxiliaries)."""
    seen = 0
    t = tok
    while t is not None and seen < 6:
        for c in t.children:
            if c.dep_ in ("nsubj", "csubj", "nsubjpass"):
                passive = c.dep_ == "nsubjpass"
                # "MOGADISHU -- A U.S. airstrike killed ...": the parser may hang the subject on the dateline
                subj = c if not in_dateline(c) else next((a for a in c.children if a.dep_ == "appos"
                                                           and not in_dateline(a)), None)
                if subj is not None:
                    return subj, passive
        if t.dep_ == "acl" and t.head.tag_.startswith("NN") and t.tag_ in ("VBG", "VBN"):
            # "protesters demanding reform", "a man arrested by police": the noun the participle modifies
            return t.head, t.tag_ == "VBN"
        if t.dep_ == "ccomp" and _saying(t.head):
            return None, False  # '"X killed Y," officials said': the speaker only said it
        if t.dep_ in ("xcomp", "conj", "advcl", "acomp", "pcomp", "prep", "pobj", "dobj", "ccomp", "aux") \
                and t.head.i != t.i:
            t = t.head
            seen += 1
            continue
        return None, False
    return None, False


def _saying(tok) -> bool:
    """Is `tok` a verb of saying or posting (the quote attribution's lexicon)?"""
    return tok.tag_.startswith("VB") and cue_verbs().get(tok.lower_, "").startswith(("speech", "post"))


def agent_of(tok):
    """The "by X" agent of a passive verb."""
    for c in tok.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def objects_of(tok, preps=_TARGET_PREPS):
    """Direct object, then prepositional objects in the order of `preps`."""
    return direct_objects(tok) + prep_objects(tok, preps)


_NOUN_PREPS = ("with", "on", "against", "to", "toward", "towards", "into", "upon", "over", "of", "for")
# nouns of what someone said, proposed or asked: rejecting, welcoming or answering one is aimed at its author
_SPEECH_NOUNS = {"appeal", "call", "offer", "proposal", "request", "demand", "plea", "invitation", "initiative",
                 "suggestion", "plan", "ultimatum", "overture", "bid", "statement", "remark", "accusation",
                 "allegation", "criticism", "claim", "warning", "threat", "position", "decision", "question",
                 "subpoena", "summons", "recommendation", "advice", "order", "ruling", "nomination"}
_RELATIVE = {"who", "which", "that", "whom", "whose"}


def object_chain(obj) -> list:
    """An object, with the phrases that name the other side through it, best first: the author of an
    appeal or offer ("rejected an appeal from X", "X's proposal"), the object itself, its prepositional
    objects ("broke off relations with X and Y", "imposed sanctions on X"), then the owner of what it
    names, told further off ("accepted their advice", "criticized aspects of the strategy X outlined")."""
    authors = []
    speech = bool(lemmas(obj.lower_) & _SPEECH_NOUNS)
    if speech:
        authors = [c for c in obj.children if c.dep_ == "poss" and c.lower_ not in PRONOUNS]
        authors += [g for c in obj.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                    for g in c.children if g.dep_ == "pobj"]
    preps = [p for x in (obj, *obj.conjuncts) for p in prep_objects(x, _NOUN_PREPS)]
    later = [c for c in obj.children if speech and c.dep_ == "poss" and c.lower_ in PRONOUNS]
    return authors + [obj] + preps + later + [o for x in (obj, *preps) for o in _author(x)]


def thing(tok) -> bool:
    """Is `tok` a common noun that names no person, body or group ("use", "handling", "policy")?"""
    return tok.tag_ in ("NN", "NNS") and not tok.ent_type_ and _sector_of(tok) is None \
        and not (lemmas(tok.lower_) | {tok.lower_.rstrip("s")}) & _BODY_NOUNS


def _author(tok) -> list:
    """The named subject of a clause that says whose the thing `tok` is ("the strategy Obama outlined",
    "the deal the council approved"); not one that says something else of it ("the vote that the
    opposition says was rigged")."""
    out = []
    for c in tok.children:
        if c.dep_ == "relcl" and not any(x.dep_ in ("dobj", "ccomp", "xcomp") for x in c.children):
            out += [s for s in c.children if s.dep_ == "nsubj" and s.lower_ not in _RELATIVE | PRONOUNS]
    return out


def direct_objects(tok) -> list:
    """Direct objects; a dative written as a preposition ("granted a pardon to X") gives its object."""
    out = []
    for c in tok.children:
        if c.dep_ == "dative" and c.tag_ == "IN":
            out += [g for g in c.children if g.dep_ == "pobj"]
        elif c.dep_ in ("dobj", "dative", "attr", "oprd"):
            out.append(c)
    return out


def prep_objects(tok, preps=_TARGET_PREPS) -> list:
    out: list = []
    pobjs = []
    for c in tok.children:
        if c.i > 0 and c.doc[c.i - 1].lower_ in ("while", "when", "whilst"):
            continue  # "faulted X's conduct while at the State Department": where X was, no other side
        if c.dep_ == "prep" and c.lower_ in preps:
            for g in c.children:
                if g.dep_ == "pobj":
                    pobjs.append((preps.index(c.lower_), g))
        if c.dep_ == "prt":  # "walk out of X": the particle carries the preposition
            for g in c.children:
                if g.dep_ == "prep" and g.lower_ in preps:
                    pobjs.extend((preps.index(g.lower_), x) for x in g.children if x.dep_ == "pobj")
    return out + [g for _, g in sorted(pobjs, key=lambda x: x[0])]
