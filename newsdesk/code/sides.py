"""Who did it to whom: the source and target phrases of one event cue in the parsed sentence (subject and
objects, passives and their agents or causes, event nouns and their participants, the speaker of a
venue walked out of), resolved to actors by `code.arguments`."""

from __future__ import annotations

from newsdesk.code.arguments import (
    agent_of,
    direct_objects,
    hearing,
    named_side,
    object_chain,
    prep_objects,
    resolve,
    subject_of,
    thing,
)
from newsdesk.code.coref import PRONOUNS
from newsdesk.code.domestic import implicit_police
from newsdesk.code.patterns import lemmas, lexicon
from newsdesk.records import EventActor

__all__ = ["sides"]

_VENUE_CODES = ("14", "164", "12")
_AIMED = ("against", "on", "upon", "to", "toward", "towards", "at", "into", "over", "of", "for")
# sectors of people and bodies (not of the equipment "tank", "drone", "warplane" also name)
_ROLE_SECTORS = {"GOV", "LEG", "JUD", "COP", "OPP", "CVL", "REB", "DIP", "LAB", "MED", "BUS", "REF", "SPY"}
_UNDERGO = {f"{v}{e}" for v in ("fac", "suffer", "endur", "receiv", "weather", "surviv")
            for e in ("e", "es", "ed", "ing", "s")} | {"draw", "draws", "drew", "drawn", "drawing"}
# participles that state an attitude or activity of their subject ("Norway is opposed to ...", "forces
# were engaged in ..."): not passives, the subject is the source
_STATIVE = {"opposed", "engaged", "committed", "determined", "prepared", "involved", "poised", "resolved"}


def _first_resolved(ctx, toks, avoid: tuple[EventActor, ...] = (), role_first: bool = False,
                    named: bool = False) -> list[EventActor]:
    """The actors of the first phrase of `toks` that names one with a country (else a fallback); a
    phrase resolving to one of `avoid` (the source: "arrested a man who attacked us") is passed over.
    `role_first`: the first phrase wins when it names a role or group ("the administration",
    "protesters"), whose country `code.domestic` fills in. `named` (targets): with no better side, the
    first phrase naming a person, body or group the KB does not know, without a country."""
    fallback: list[EventActor] = []
    texts = {a.text for a in avoid}
    ids = {a.actor_id for a in avoid if a.actor_id}
    for t in toks:
        if t is None:
            continue
        # "Syria will withdraw its troops from Lebanon": "its" is Syria again, not the other side
        got = [a for a in resolve(ctx, t) if a.text not in texts and not (a.actor_id and a.actor_id in ids)]
        if t.lower_ in PRONOUNS and any(a.country and a.country in {s.country for s in avoid} for a in got):
            continue  # "Chile's minister rejected their proposal": not Chile's own

        if any(a.country for a in got):
            # "Trump and Putin agreed": a conjunct without a country is an actor of its own too
            named = {a.text for a in got}
            return [a for a in got if a.country or a.actor_id] + [
                n for c in (t, *t.conjuncts) for n in named_side(ctx, c) if n.text not in named | texts]
        if got and got[0].actor_id and got[0].sector:
            return got  # a titled person the KB does not know ("former president X"): the object itself
        if role_first and not fallback and got and got[0].sector in _ROLE_SECTORS:
            return got  # "the mayor and the governor": one side each
        fallback = fallback or got
    return fallback or (_named(ctx, toks, avoid) if named else [])


def _named(ctx, toks, avoid: tuple[EventActor, ...] = ()) -> list[EventActor]:
    """The first phrase of `toks` naming a person, body or group (without a country); through a thing
    ("the business dealings of the hotel group Kempinski": the group)."""
    texts = {a.text for a in avoid}
    toks = [x for t in toks if t is not None for x in (t, *(_owned_by(t) if thing(t) else ()))]
    return next((got for t in toks if (got := [a for a in named_side(ctx, t) if a.text not in texts])), [])


def _owned_by(tok) -> list:
    """Who a thing is of: "the dealings of X", "X's dealings" (not a pronoun)."""
    return [c for c in tok.children if c.dep_ == "poss" and c.lower_ not in PRONOUNS] + prep_objects(tok, ("of",))


def _event_noun(tok, lex) -> bool:
    return any(p.kind in ("n", "nw") for b in lemmas(tok.lower_) for p in lex.by_head.get(b, ()))


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


def sides(ctx, cue, tok, action, code: str, source_tok=None, target_tok=None):
    """(sources, targets) of the event `cue` names at `tok` with the final `code`; `action` is the cue it
    governs ("threatened to impose sanctions"); `source_tok`/`target_tok` are set by the caller when
    modality decided them ("X said Y must ...")."""
    lex = lexicon()
    root = code[:2]
    passive = cue.pattern.kind == "v" and tok.lower_ not in _STATIVE \
        and any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
    if source_tok is not None or target_tok is not None:
        return _first_resolved(ctx, [source_tok]), _first_resolved(ctx, [target_tok], named=True)
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
        # "an attempt to assassinate X": the object of a verb inside the pattern
        patients += [o for i in cue.tokens[1:] for o in direct_objects(ctx.doc[i])]
        undergo = tok.dep_ == "dobj" and tok.head.lower_ in _UNDERGO
        if undergo:  # "Rubio faced attacks from Bush": the one who faces them is the target
            patients = [subject_of(tok.head)[0]]
            # "drew criticism from X" with the from-phrase on the verb
            agents += prep_objects(tok.head, ("from", "by"))
        if not patients and tok.dep_ == "dobj" and tok.head.tag_.startswith("VB"):
            # "delivered a plea to the Security Council", "held talks on Monday with X"
            patients = prep_objects(tok.head, ("to", "with", "against", "at", "toward", "towards", "on"))
        if not patients and root in ("02", "10"):  # "its demand that Israel ease ..."
            clause = ctx.doc[action.head] if action is not None else next(
                (c for c in [*tok.children, *tok.head.children] if c.dep_ in ("acl", "ccomp") and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
            patients = [subject_of(clause)[0]] if clause is not None else []
        between = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "between"]
        # "Collins' endorsement": the named agent, even without a country, not the clause's subject
        sources = [a for a in _first_resolved(ctx, agents) if a.country or a.actor_id]
        if between and len(sources) >= 2:
            return sources, []
        if not sources and not undergo:
            # a name the KB does not know: the noun's own agent, or the subject of a support verb ("ISIS
            # carried out an attack"), not that of a clause the noun only sits in
            sources = _first_resolved(ctx, [_clause_subject(tok)]) or _named(
                ctx, [*agents, *([subject_of(tok.head)[0]] if tok.dep_ == "dobj" and tok.head.tag_.startswith("VB")
                                 and not subject_of(tok.head)[1] else [])])
        targets = _first_resolved(ctx, patients, named=True)
        return sources, _drop_same(sources, targets)
    subj, subj_passive = subject_of(tok)
    passive = passive or (subj_passive and cue.pattern.kind == "v" and tok.lower_ not in _STATIVE)
    if cue.pattern.words[:2] == ("come", "under"):  # "X came under fire from Y": Y did it to X
        heads = [ctx.doc[i] for i in cue.tokens]
        agents = [g for h in heads for p in h.children if p.dep_ == "prep" and p.lower_ in ("from", "by")
                  for g in p.children if g.dep_ == "pobj"]
        return _first_resolved(ctx, agents), _first_resolved(ctx, [subj], named=True)
    if passive:
        sources = _first_resolved(ctx, [agent_of(tok)]) or _first_resolved(ctx, _causes(tok, lex)) \
            or _named(ctx, [agent_of(tok)])
        targets = _first_resolved(ctx, [subj], named=True)
        if not sources and code[:3] == "173":  # "was arrested in Rwanda": by the state, there
            sources = implicit_police(ctx)
        return sources, targets
    sources = _first_resolved(ctx, [subj]) or _first_resolved(ctx, _doers(ctx, subj, tok, lex)) or _named(ctx, [subj])
    heads = [tok] + [ctx.doc[i] for i in cue.tokens[1:]]
    comps = [c for c in tok.children if c.dep_ in ("xcomp", "ccomp") and c.tag_.startswith("VB")]
    if root == "14":  # "blocked a road to show their disapproval of X": a protest is aimed at its purpose
        comps += [c for c in tok.children if c.dep_ == "advcl" and any(a.lower_ == "to" for a in c.children)]
    if action is not None and not _inside_argument(ctx.doc[action.head], tok):
        comps.insert(0, ctx.doc[action.head])
    # direct objects first, the governed action's next ("threatened to bomb Syrian ports"), then
    # prepositional objects ("sanctions on X", "talks with X")
    # the object of a prepositional verb's preposition is its direct object ("called on X", "met with X")
    dobjs = [o for h in heads[1:] if h.dep_ == "prep" and h.head.i == tok.i for o in h.children
             if o.dep_ == "pobj" and o.i not in cue.tokens]
    dobjs += [o for h in heads + comps for o in direct_objects(h)]
    # an object that is part of the cue ("carried out an attack on X", "imposed a blockade of X with Y's
    # help") names its target by the phrase it is aimed at: X, not the attack nor a helper
    cands = [x for o in dobjs for x in (prep_objects(o, _AIMED) if o.i in cue.tokens and not any(
        c.dep_ == "poss" and c.lower_ not in PRONOUNS for c in o.children) else []) + object_chain(o)]
    cands += [o for h in heads for o in prep_objects(h)] + [o for c in comps for o in prep_objects(c)]
    # last: the one a purpose clause helps ("offered to send troops to help X") and the subject of a clause
    # the act lets or makes happen ("allowed X to deliver food")
    cands += [o for c in comps for g in c.children if g.dep_ in ("xcomp", "advcl") and g.tag_.startswith("VB")
              and not _inside_argument(g, tok) for o in direct_objects(g)]
    cands += [s for h in (tok, *comps) for c in h.children if c.dep_ == "ccomp"  # not "warned that X will"
              and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) and (s := subject_of(c)[0]) is not None]
    # "testified before the panel", "asserted his rights before Congress": the body one answers to
    cands += [o for h in heads + comps for x in (h, *prep_objects(h)) for o in prep_objects(x, ("before",))
              if hearing(o)]
    if root == "04":  # "discussed Libya with Erdogan": the one talked with, not the topic
        partners = [o for h in heads + comps for o in prep_objects(h, ("with",))]
        cands = partners + [c for c in cands if c not in partners]
    # "urged X to ...", "demanded that X ...", "alleged that X killed ...": the clause's subject
    if root in ("02", "10", "11") or (cue.pattern.family in ("demand", "appeal")):
        for c in tok.children:
            # "called for the allies to send troops": the clause's subject is asked
            if c.dep_ == "ccomp" or c.dep_ in ("advcl", "xcomp") and any(
                    m.dep_ == "mark" and m.lower_ == "for" for m in c.children):
                s, _ = subject_of(c)
                cands.insert(0, s)
            if c.dep_ in ("dobj",) and any(x.dep_ in ("xcomp", "ccomp") for x in tok.children):
                cands.insert(0, c)
    if action is not None and action.pattern.kind in ("n", "nw") and not _inside_argument(ctx.doc[action.head], tok):
        cands.extend(_noun_participants(ctx.doc[action.head])[0])
    if root == "11":  # "condemned the attack by X", "criticized the Israeli strike on Y": the doer is blamed
        doers = [a for o in dobjs if o.i not in cue.tokens and thing(o) and _event_noun(o, lex)
                 for a in _noun_participants(o)[0]]
        cands = doers + [c for c in cands if c not in doers]
    targets: list[EventActor] = []
    if root in _VENUE_CODES or code.startswith(_VENUE_CODES):
        role_side: list[EventActor] = []  # "refused a request from the justice minister": a role, country to come
        for c in cands + [g for p in tok.children if p.dep_ == "prep" and p.lower_ == "during" for g in p.children]:
            if c is None:
                continue
            if lemmas(c.lower_) & lex.venue_nouns or c.head.lower_ == "during":
                targets = _venue_speaker(ctx, c)
                if targets:
                    break
                continue
            got = _first_resolved(ctx, [c], tuple(sources))
            if got and (got[0].country or got[0].actor_id):
                targets = got
                break
            role_side = role_side or [a for a in got[:1] if a.sector in _ROLE_SECTORS]
        targets = targets or role_side
        if not targets and not root == "14":  # "rejected the organization"
            targets = _named(ctx, [c for c in cands if c is not None and not lemmas(c.lower_) & lex.venue_nouns],
                             tuple(sources))
    else:
        # the addressee a role noun names ("called on the administration to confront Russia"), unless a
        # recipient follows ("sent troops to Ukraine": the troops are what is sent)
        role = not any(p.dep_ == "prep" and p.lower_ in ("to", "into", "for") for h in heads for p in h.children)
        targets = _first_resolved(ctx, cands, tuple(sources), role_first=role, named=True)
    return sources, _drop_same(sources, targets)


def _inside_argument(t, top) -> bool:
    """Is `t` in a clause that only describes one of the arguments of `top` ("opened fire on protesters
    who defied a curfew", "arrested activists demanding reform") rather than its complement?"""
    while t.i != top.i and t.head.i != t.i:
        if t.dep_ in ("relcl", "acl", "appos", "parataxis", "nsubj", "nsubjpass", "csubj"):
            return True
        # a finite adverbial clause ("after police arrested ...") is another event; an infinitive
        # ("called for X to organize ...", "threatened X to force ...") is the act's purpose or content
        if t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ not in ("for", "to") for m in t.children):
            return True
        t = t.head
    return False


def _doers(ctx, subj, tok, lex) -> list:
    """Who acted when the subject is no actor: an event noun's agent ("a car bombing by the Islamic State
    killed ...", "a Taliban-claimed car bomb struck ..."), the author of a document whose participle
    states the act ("Amnesty put out a report accusing the army ...": Amnesty)."""
    if subj is None or not subj.tag_.startswith("NN"):
        return []
    if tok.dep_ == "acl" and tok.head.i == subj.i and subj.dep_ in ("dobj", "pobj"):
        verb = subj.head.head if subj.dep_ == "pobj" else subj.head
        author, passive = subject_of(verb) if verb.tag_.startswith("VB") else (None, False)
        return [author] if author is not None and not passive else []
    if any(p.kind in ("n", "nw") for b in lemmas(subj.lower_) for p in lex.by_head.get(b, ())):
        agents, _ = _noun_participants(subj)
        return agents
    return []


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
