"""Event coding of one annotated article: pattern cues per sentence, a dependency parse of the sentences
that have one, which cue is the asserted event (governors, modality, negation), its source and target,
date and place. Entry point: `code_article(ann, doc)`."""

from __future__ import annotations

from functools import lru_cache

from newsdesk.code.arguments import (
    Context,
    agent_of,
    direct_objects,
    object_chain,
    prep_objects,
    resolve,
    subject_of,
)
from newsdesk.code.discourse import (
    event_date,
    event_place,
    parse_sentences,
    sentences,
    share_arguments,
    weak_hint,
)
from newsdesk.code.domestic import fill_domestic
from newsdesk.code.ontology import cameo, family_code, to_plover
from newsdesk.code.patterns import Cue, find_cues, lemmas, lexicon
from newsdesk.records import AnnotatedArticle, EventActor, EventMention

CODER_VERSION = "1"

__all__ = ["CODER_VERSION", "code_article"]

_HOSTILE = {"12", "13", "14", "15", "16", "17", "18", "19", "20"}
_COOP = {"04", "05", "06", "07", "08"}
_RECIPROCAL = {"03", "04", "05", "06"}
_FUTURE = {"will", "would", "shall", "'ll", "wo"}
_POSSIBLE = {"could", "might", "may", "can", "ca"}
_OBLIGE = {"must", "should", "ought"}
_SAY = {"say", "announce", "tell", "state", "declare", "add", "confirm", "insist", "report", "claim", "write",
        "tweet", "warn", "stress", "note", "repeat", "reiterate"}
_SUBORDINATE = {"relcl", "acl", "csubj", "nsubj", "nsubjpass", "pcomp"}
_BACKGROUND = {"after", "before", "since", "because", "until", "once", "following"}  # advcl marks
_VENUE_CODES = ("14", "164", "12")
# participles that state an attitude or activity of their subject ("Israel is opposed to ...", "forces
# were engaged in ..."): not passives, the subject is the source
_STATIVE = {"opposed", "engaged", "committed", "determined", "prepared", "involved", "poised", "resolved"}


@lru_cache(maxsize=1)
def _kb():
    try:
        from newsdesk.kb import load_kb
    except ImportError:  # the knowledge base is optional: without it, countries come from mentions only
        return None
    return load_kb()


def code_article(ann: AnnotatedArticle, doc) -> tuple[EventMention, ...]:
    """All event mentions of one article. `doc` is the shared pipeline's Doc of `ann.article.text`."""
    todo = []
    for si, sent in enumerate(sentences(doc)):
        words = [t.lower_ for t in sent]
        cues = [c for c in find_cues(words, [t.tag_ for t in sent]) if c.pattern.kind != "nw" or weak_hint(words, c)]
        if cues:
            todo.append((si, sent, cues))
    if not todo:
        return ()
    parsed = parse_sentences([s for _, s, _ in todo])
    actors = {a.id: a for a in ann.actors}
    kb = _kb()
    events: list[tuple[int, EventMention]] = []
    for (si, sent, cues), pdoc in zip(todo, parsed, strict=True):
        prev = _previous_actors(ann, actors, sent.start_char)
        ctx = Context(ann, kb, pdoc, sent.start_char, actors, prev)
        events.extend((si, e) for e in _code_sentence(ctx, sent, cues))
    # an event with neither a source nor a target, even after sharing, records nothing about who
    # did what to whom ("the incident provided ammunition", "a fact is dismissed as false")
    return tuple(e for e in share_arguments(events) if e.source is not None or e.target is not None)


def _previous_actors(ann, actors, before: int) -> list[EventActor]:
    out = []
    for m in ann.mentions:
        if m.start >= before:
            break
        a = actors.get(m.actor_id) if m.actor_id else None
        if a is not None and a.country:
            out.append(EventActor(m.text, a.name, a.id, a.country, a.sector))
    return out[-5:]


def _owner_map(cues: list[Cue]) -> dict[int, Cue]:
    return {i: c for c in cues for i in c.tokens}


def _governor(tok, cue: Cue, owner: dict[int, Cue]) -> Cue | None:
    """The nearest cue above `tok` in the parse (coordination does not govern)."""
    t = tok
    while t.head.i != t.i:
        was_conj, dep = t.dep_ == "conj", t.dep_
        t = t.head
        if was_conj:
            continue
        c = owner.get(t.i)
        if c is not None and c is not cue:
            return c
        if dep == "ccomp":  # "repeated its demand that X ease ...": the demand governs the clause
            for o in t.children:
                c = owner.get(o.i) if o.dep_ == "dobj" else None
                if c is not None and c is not cue and c.code[:2] in ("02", "10"):
                    return c
    return None


def _path_deps(tok) -> list:
    out, t = [], tok
    while t.head.i != t.i:
        out.append(t)
        t = t.head
    return out


def _weak_ok(tok, lex) -> bool:
    """A weak event noun ("talks", "visit") counts with a participant or after a support verb."""
    for c in tok.children:
        if c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ("with", "between", "by", "to", "among")):
            return True
    return tok.dep_ == "dobj" and bool(lemmas(tok.head.lower_) & lex.support_verbs)


def _modality(tok) -> tuple[bool, str | None, object]:
    """(negated, "future"/"possible"/"oblige"/None, the verb carrying it) of a predicate."""
    negated, mode = False, None
    chain = [tok]
    t = tok
    while t.dep_ in ("xcomp", "conj", "acomp") and t.head.i != t.i and len(chain) < 3:
        t = t.head
        chain.append(t)
    for v in chain:
        for c in v.children:
            low = c.lower_
            if c.dep_ == "neg" or low in ("never",) or (low == "longer" and any(x.lower_ == "no" for x in c.children)):
                negated = True
            if c.dep_ in ("aux", "auxpass"):
                if low in _FUTURE or (low == "going" and any(x.lower_ == "to" for x in v.children)):
                    mode = mode or "future"
                elif low in _POSSIBLE:
                    mode = mode or "possible"
                elif low in _OBLIGE:
                    mode = mode or "oblige"
        if v is not tok and v.dep_ != "conj":
            break
    return negated, mode, chain[-1]


def _say_parent(tok):
    """A verb of saying above `tok` ("Russia said Sudan must ...") and its subject."""
    t = tok
    while t.head.i != t.i:
        t = t.head
        if lemmas(t.lower_) & _SAY and t.tag_.startswith("VB"):
            subj, _ = subject_of(t)
            return t, subj
    return None, None


def _irrealis(tok, lex, sent_text: str) -> bool:
    if sent_text.rstrip().rstrip("\u201d\u2019'\"").endswith("?"):
        return True
    t = tok
    while t.head.i != t.i:
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless") for c in t.children):
            return True
        was_conj = t.dep_ == "conj"
        t = t.head
        if not was_conj and lemmas(t.lower_) & lex.irrealis and t.tag_.startswith(("VB", "JJ")):
            return True
    return False


def _code_sentence(ctx: Context, sent, cues: list[Cue]) -> list[EventMention]:
    lex = lexicon()
    pdoc = ctx.doc
    cues = [c for c in cues if c.pattern.kind != "nw" or _weak_ok(pdoc[c.head], lex)]
    owner = _owner_map(cues)
    governed: dict[int, list[Cue]] = {}
    top = []
    for c in cues:
        g = _governor(pdoc[c.head], c, owner)
        if g is None:
            top.append(c)
        else:
            governed.setdefault(id(g), []).append(c)
    main = [c for c in top if not any(t.dep_ in _SUBORDINATE or t.dep_ == "advcl" and any(
        m.dep_ == "mark" and m.lower_ in _BACKGROUND for m in t.children) for t in _path_deps(pdoc[c.head]))]
    if main:
        top = main
    out = []
    for c in top:
        ev = _event(ctx, sent, c, governed.get(id(c), []), lex)
        out.extend(ev)
    return out


def _event(ctx: Context, sent, cue: Cue, below: list[Cue], lex) -> list[EventMention]:
    pdoc = ctx.doc
    tok = pdoc[cue.head]
    if _irrealis(tok, lex, sent.text):
        return []
    action = min(below, key=lambda c: abs(c.head - cue.head)) if below else None
    code = cue.code
    fam = cue.pattern.family
    if fam and action is not None:
        if fam == "commit":
            fam = "threaten" if action.code[:2] in _HOSTILE else "intent" if action.code[:2] < "09" else None
        code = family_code(fam, action.code) if fam else action.code
    elif fam == "commit":
        code = "030"
    negated, mode, _ = _modality(tok) if cue.pattern.kind in ("v", "a") else (False, None, tok)
    unless = any(c.dep_ == "advcl" and any(m.lower_ == "unless" for m in c.children) for c in tok.children)
    source_tok = target_tok = None
    passive = cue.pattern.kind == "v" and tok.lower_ not in _STATIVE \
        and any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
    if negated:
        if mode == "future" and code[:2] in _COOP | {"03"}:
            code = family_code("reject", code)
        else:
            return []
    elif mode == "possible":
        return []
    elif mode == "oblige":
        verb, sayer = _say_parent(tok)
        subj, _ = subject_of(tok)
        if sayer is None or subj is None or sayer.i == subj.i:
            return []
        code = family_code("demand", code)
        source_tok, target_tok = sayer, subj
    elif (mode == "future" or unless) and not fam:
        root = code[:2]
        if root in _HOSTILE - {"12", "13"} or unless:
            code = family_code("threaten", code)
        elif root in _COOP:
            code = family_code("intent", code)
    sources, targets = _arguments(ctx, cue, tok, action, code, passive, source_tok, target_tok, lex)
    sources, targets = fill_domestic(ctx, code, sources, targets)
    return _mentions(ctx, sent, cue, code, sources, targets)


def _first_resolved(ctx, toks, avoid: tuple[EventActor, ...] = ()) -> list[EventActor]:
    """The actors of the first phrase of `toks` that names one with a country (else a fallback); a
    phrase resolving to one of `avoid` (the source: "arrested a man who attacked us") is passed over."""
    fallback: list[EventActor] = []
    texts = {a.text for a in avoid}
    for t in toks:
        if t is None:
            continue
        got = [a for a in resolve(ctx, t) if a.text not in texts]
        if any(a.country for a in got):
            return [a for a in got if a.country]
        if got and got[0].actor_id and got[0].sector:
            return got  # a titled person the KB does not know ("former president X"): the object itself
        fallback = fallback or got
    return fallback[:1]


def _noun_participants(tok, joint: bool = False) -> tuple[list, list]:
    """(agent tokens, patient tokens) of an event noun: "Russia's invasion of Ukraine", "talks with X";
    `joint`: "with X" names a co-agent ("a walkout with Ukraine"), not the other side."""
    agents, patients = [], []
    for c in tok.children:
        if c.dep_ == "poss" or (c.dep_ in ("compound", "amod") and c.tag_ in ("NNP", "NNPS", "JJ") and c.i < tok.i):
            agents.append(c)
        elif c.dep_ == "prep":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if c.lower_ in ("by", "from") or (joint and c.lower_ in ("with", "alongside")):
                agents.extend(objs)
            elif c.lower_ == "between":
                agents.extend(objs)
            elif c.lower_ in ("against", "on", "with", "to", "at", "toward", "towards", "of", "into", "over"):
                patients.extend(objs)
    return agents, patients


def _clause_subject(tok):
    t = tok
    for _ in range(6):
        if t.head.i == t.i:
            break
        t = t.head
        if t.tag_.startswith("VB"):
            subj, passive = subject_of(t)
            if passive:
                return agent_of(t)
            return subj
    return None


def _venue_speaker(ctx, tok) -> list[EventActor]:
    """Who was speaking at the occasion walked out of: "a speech by X", "X's address", "message from X"."""
    cands = []
    for c in tok.subtree:
        if c.dep_ == "poss":
            cands.append(c)
        elif c.dep_ == "pobj" and c.head.lower_ in ("by", "from"):
            cands.append(c)
    for c in cands:
        got = [a for a in resolve(ctx, c) if a.country]
        if got:
            return got
    return []


def _arguments(ctx, cue, tok, action, code, passive, source_tok, target_tok, lex):
    root = code[:2]
    if source_tok is not None or target_tok is not None:
        return _first_resolved(ctx, [source_tok]), _first_resolved(ctx, [target_tok])
    if cue.pattern.kind in ("n", "nw"):
        protest = code.startswith(_VENUE_CODES)
        agents, patients = _noun_participants(tok, joint=protest)
        if protest:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in ("during", "of", "at"):
                    venue = [_venue_speaker(ctx, g) for g in c.children if g.dep_ == "pobj"]
                    if any(venue):
                        sources = [a for a in _first_resolved(ctx, agents) if a.country] or \
                            _first_resolved(ctx, [_clause_subject(tok)])
                        return sources, [a for v in venue for a in v]
        if not patients and root in ("02", "10"):  # "its demand that Israel ease ..."
            clause = ctx.doc[action.head] if action is not None else next(
                (c for c in [*tok.children, *tok.head.children] if c.dep_ in ("acl", "ccomp") and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
            patients = [subject_of(clause)[0]] if clause is not None else []
        between = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "between"]
        sources = [a for a in _first_resolved(ctx, agents) if a.country]
        if between and len(sources) >= 2:
            return sources, []
        if not sources:
            sources = _first_resolved(ctx, [_clause_subject(tok)])
        targets = _first_resolved(ctx, patients)
        return sources, _drop_same(sources, targets)
    subj, subj_passive = subject_of(tok)
    passive = passive or (subj_passive and cue.pattern.kind == "v" and tok.lower_ not in _STATIVE)
    if passive:
        sources = _first_resolved(ctx, [agent_of(tok)]) or _first_resolved(ctx, _causes(tok, lex))
        targets = _first_resolved(ctx, [subj])
        return sources, targets
    sources = _first_resolved(ctx, [subj])
    heads = [tok] + [ctx.doc[i] for i in cue.tokens[1:]]
    comps = [c for c in tok.children if c.dep_ in ("xcomp", "ccomp") and c.tag_.startswith("VB")]
    if root == "14":  # "blocked a road to show their disapproval of X": a protest is aimed at its purpose
        comps += [c for c in tok.children if c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children)]
    if action is not None:
        comps.insert(0, ctx.doc[action.head])
    # direct objects first, the governed action's next ("threatened to shell Iraqi towns"), then
    # prepositional objects ("sanctions on X", "talks with X")
    cands = [x for h in heads + comps for o in direct_objects(h) for x in object_chain(o)]
    cands += [o for h in heads for o in prep_objects(h)] + [o for c in comps for o in prep_objects(c)]
    # "urged X to ...", "demanded that X ...", "alleged that X killed ...": the clause's subject
    if root in ("02", "10", "11") or (cue.pattern.family in ("demand", "appeal")):
        for c in tok.children:
            if c.dep_ == "ccomp":
                s, _ = subject_of(c)
                cands.insert(0, s)
            if c.dep_ in ("dobj",) and any(x.dep_ in ("xcomp", "ccomp") for x in tok.children):
                cands.insert(0, c)
    if action is not None and action.pattern.kind in ("n", "nw"):
        cands.extend(_noun_participants(ctx.doc[action.head])[0])
    targets: list[EventActor] = []
    if root in _VENUE_CODES or code.startswith(_VENUE_CODES):
        for c in cands + [g for p in tok.children if p.dep_ == "prep" and p.lower_ == "during" for g in p.children]:
            if c is None:
                continue
            if lemmas(c.lower_) & lex.venue_nouns or c.head.lower_ == "during":
                targets = _venue_speaker(ctx, c)
                if targets:
                    break
                continue
            got = _first_resolved(ctx, [c])
            if got and (got[0].country or got[0].actor_id):
                targets = got
                break
    else:
        targets = _first_resolved(ctx, cands, tuple(sources))
    return sources, _drop_same(sources, targets)


def _causes(tok, lex) -> list:
    """The modifiers of the event noun a passive names its cause by ("were killed in an Israeli air
    strike", "by Russian shelling"): they name the agent; a place in the phrase does not."""
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in ("in", "during", "by"):
            for g in c.children:
                if g.dep_ == "pobj" and any(p.kind in ("n", "nw") for b in lemmas(g.lower_)
                                            for p in lex.by_head.get(b, ())):
                    out += [m for m in g.subtree if m.i < g.i and m.dep_ in ("amod", "compound", "poss")]
    return out


def _drop_same(sources, targets):
    ids = {(a.actor_id, a.country) for a in sources if a.actor_id}
    return [t for t in targets if not (t.actor_id and (t.actor_id, t.country) in ids)]


def _mentions(ctx, sent, cue, code, sources, targets) -> list[EventMention]:
    entry = cameo(code)
    plover, mode = to_plover(code)
    start, end = sent.start_char, sent.end_char
    trig = ctx.doc[cue.tokens[0]: cue.tokens[-1] + 1]
    trigger = trig.text if len(trig) <= 8 else ctx.doc[cue.head].text
    date, inferred = event_date(ctx.ann, start, end)
    place = event_place(ctx.ann, start, end)
    srcs = [s for s in sources if s.country] or sources[:1] or [None]
    tgts = [t for t in targets if t.country] or targets[:1] or [None]
    pairs = [(s, t) for s in srcs for t in tgts if not (s and t and (s.text == t.text or s.actor_id
                                                        and s.actor_id == t.actor_id))]
    src_countries = {s.country for s in srcs if s and s.country}
    src_ids = {s.actor_id for s in srcs if s}
    # "Jordan and Britain agreed ...", "X and Y said their countries would ...": every ordered pair
    if len(src_countries) >= 2 and (tgts == [None] and code[:2] in _RECIPROCAL
                                    or all(t and t.country in src_countries and (t.actor_id is None
                                           or t.actor_id in src_ids) for t in tgts)):
        pairs = [(s, t) for s in srcs for t in srcs if s is not t and s.country != t.country]
    conf = 0.35 + 0.1 * min(cue.pattern.specificity - 1, 2)
    out = []
    for s, t in pairs or [(s, None) for s in srcs]:
        c = conf + (0.2 if s and s.country else 0) + (0.15 if t and t.country else 0)
        out.append(EventMention(start, end, sent.text, trigger, code, plover, mode, entry.quad, entry.goldstein,
                                s, t, date, inferred, *place, confidence=round(min(c, 0.95), 2)))
    return out


