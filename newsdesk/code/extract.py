"""Event coding of one annotated article: pattern cues per sentence, a dependency parse of the sentences
that have one, which cue is the asserted event (governors, modality, negation), its source and target,
date and place. Entry point: `code_article(ann, doc)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from newsdesk.code.arguments import Context, subject_of
from newsdesk.code.discourse import (
    event_date,
    event_place,
    parse_sentences,
    sentences,
    share_arguments,
    weak_hint,
)
from newsdesk.code.domestic import fill_domestic
from newsdesk.code.event_time import date_continuations
from newsdesk.code.judge import judge
from newsdesk.code.ontology import cameo, family_code, to_plover
from newsdesk.code.patterns import Cue, find_cues, inflect, lemmas, lexicon
from newsdesk.code.sides import sides
from newsdesk.code.speech import MATERIAL, MATERIAL_TYPES, speech_events
from newsdesk.kb import load_kb
from newsdesk.records import AnnotatedArticle, EventActor, EventMention

CODER_VERSION = "4"  # 3: candidates judged by the trained model (newsdesk.code.judge); 4: speech acts

__all__ = ["CODER_VERSION", "Candidate", "candidates", "code_article"]

_HOSTILE = {"12", "13", "14", "15", "16", "17", "18", "19", "20"}
_COOP = {"04", "05", "06", "07", "08"}
_RECIPROCAL = {"03", "04", "05", "06"}
_FUTURE = {"will", "would", "shall", "'ll", "wo"}
_POSSIBLE = {"could", "might", "may", "can", "ca"}
_OBLIGE = {"must", "should", "ought"}
_MODAL_PAST = {"would", "could", "might", "should", "must", "may"}
_SAY = {"say", "announce", "tell", "state", "declare", "add", "confirm", "insist", "report", "claim", "write",
        "tweet", "warn", "stress", "note", "repeat", "reiterate"}
_SUBORDINATE = {"relcl", "acl", "csubj", "nsubj", "nsubjpass", "pcomp"}
_BACKGROUND = {"after", "before", "since", "because", "until", "once", "following"}  # advcl marks


@lru_cache(maxsize=1)
def _kb():
    return load_kb()


@dataclass(eq=False)
class Candidate:
    """One cue read as a possible event: the rules' code and verdict, and the parse around it. The judge
    (`newsdesk.code.judge`) decides from these whether it is an asserted event and of which type."""

    ctx: Context
    sent: object  # the sentence Span of the article's doc
    cue: Cue
    tok: object  # the cue's head token in the parsed sentence
    action: Cue | None  # the cue it governs ("threatened to impose sanctions")
    code: str  # the rules' code after governing families and modality
    subordinate: bool = False
    negated: bool = False
    mode: str | None = None
    drop: str | None = None  # why the rules would not record it
    source_tok: object = None
    target_tok: object = None
    sentence_index: int = 0
    governor: Cue | None = None  # the cue above it, for an action the rules fold into another cue
    _sides: tuple | None = field(default=None, repr=False)

    @property
    def sides(self) -> tuple:
        """(sources, targets) under `code`; worked out on first use (the judge never asks for most of the
        candidates the rules drop)."""
        if self._sides is None:
            sources, targets, self.code = _sides(self, self.code)
            self._sides = (tuple(sources), tuple(targets))
        return self._sides


def candidates(ann: AnnotatedArticle, doc, sents=None) -> list[Candidate]:
    """Every candidate event of one article, with its sides under the rules' code. `sents`: the doc's
    sentences (`discourse.sentences`), when the caller has them already."""
    todo = []
    for si, sent in enumerate(sents if sents is not None else sentences(doc)):
        words = [t.lower_ for t in sent]
        cues = [c for c in find_cues(words, [t.tag_ for t in sent]) if c.pattern.kind != "nw" or weak_hint(words, c)]
        if cues:
            todo.append((si, sent, cues))
    if not todo:
        return []
    parsed = parse_sentences([s for _, s, _ in todo])
    actors = {a.id: a for a in ann.actors}
    kb = _kb()
    out: list[Candidate] = []
    for (si, sent, cues), pdoc in zip(todo, parsed, strict=True):
        prev = _previous_actors(ann, actors, sent.start_char)
        ctx = Context(ann, kb, pdoc, sent.start_char, actors, prev)
        for cand in _code_sentence(ctx, sent, cues):
            cand.sentence_index = si
            if cand.drop is None:
                cand.sides  # noqa: B018  (the rules' own events: their code may change with their sides)
            out.append(cand)
    return out


def code_article(ann: AnnotatedArticle, doc, *, rules_only: bool = False) -> tuple[EventMention, ...]:
    """All event mentions of one article. `doc` is the shared pipeline's Doc of `ann.article.text`.
    `rules_only`: the rules' verdicts decide, not the judge's model (for testing the rules on their own)."""
    events: list[tuple[int, EventMention]] = []
    sents = list(sentences(doc))
    for cand in candidates(ann, doc, sents):
        code = judge(cand, rules_only=rules_only)
        if code is None:
            continue
        if code == cand.code:
            sources, targets = cand.sides
        else:
            sources, targets, code = _sides(cand, code)
        events.extend((cand.sentence_index, e) for e in _mentions(cand.ctx, cand.sent, cand.cue, code,
                                                                  list(sources), list(targets)))
    if not rules_only:  # what quoted words do to another actor, where no cue pattern named the act
        taken = {(si, e.plover) for si, e in events} | {(si, MATERIAL) for si, e in events if e.plover in MATERIAL_TYPES}
        events.extend(speech_events(ann, sents, taken))
    events = date_continuations(ann, events, sents)  # what an event's own clause leaves undated, the article may date
    # an event whose sides, even after sharing, have neither a country nor a role records nothing an
    # event coder can use ("the incident provided ammunition", "the deal will give it 7 percent",
    # "Doyle plotted the robbery")
    return tuple(e for e in share_arguments(events, ann) if any(a is not None and (a.country or a.sector)
                                                           for a in (e.source, e.target)))


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
        if dep in ("ccomp", "advcl"):  # "repeated its demand that X ease ...", "its calls for X to quit"
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
    # up through the verbs it complements; a gerund that is the object of a verb is its action too ("could
    # include imposing sanctions", "may consider expelling")
    while (t.dep_ in ("xcomp", "conj", "acomp") or _gerund_object(t)) and t.head.i != t.i and len(chain) < 3:
        t = t.head
        chain.append(t)
    for v in chain:
        for c in v.children:
            low = c.lower_
            if c.dep_ == "neg" or low in ("never",) or (low == "longer" and any(x.lower_ == "no" for x in c.children)):
                negated = True
            if c.dep_ in ("nsubj", "nsubjpass") and _nobody(c):  # "no one was killed"
                negated = True
            if c.dep_ in ("aux", "auxpass"):
                if low in _MODAL_PAST and any(x.dep_ == "aux" and x.lower_ in ("have", "'ve") for x in v.children):
                    mode = "counterfactual"  # "would have been killed", "could have stopped it"
                elif low == "would":
                    mode = mode or "would"  # reported speech makes it an intent; on its own a hypothetical
                elif low in _FUTURE or (low == "going" and any(x.lower_ == "to" for x in v.children)):
                    mode = mode or "future"
                elif low in _POSSIBLE:
                    mode = mode or "possible"
                elif low in _OBLIGE:
                    mode = mode or "oblige"
        if v is not tok and v.dep_ != "conj" and not _gerund_object(v):
            break
    return negated, mode, chain[-1]


def _gerund_object(t) -> bool:
    """A gerund that is the object of a verb: that verb's modality is its own ("could include imposing")."""
    return t.tag_ == "VBG" and t.dep_ in ("dobj", "pcomp", "xcomp") and t.head.tag_.startswith("VB")


def _nobody(tok) -> bool:
    """"nobody", "none", "no one", "no soldiers": a phrase that says nobody did or underwent it."""
    return tok.lower_ in ("nobody", "none", "nothing") or any(
        x.dep_ == "det" and x.lower_ == "no" for x in tok.children)


@lru_cache(maxsize=1)
def _say_forms() -> frozenset[str]:
    """Every form of the verbs of saying (the pattern lexicon knows only the words its patterns use)."""
    return frozenset(f for w in _SAY for f in inflect(w))


def _say_parent(tok):
    """A verb of saying above `tok` ("Russia said Sudan must ...") and its subject."""
    t = tok
    while t.head.i != t.i:
        t = t.head
        if t.lower_ in _say_forms() and t.tag_.startswith("VB"):
            subj, _ = subject_of(t)
            return t, subj
    return None, None


def _irrealis(tok, lex, sent_text: str) -> bool:
    if sent_text.rstrip().rstrip("\u201d\u2019'\"").endswith("?"):
        return True
    t = tok
    while t.head.i != t.i:
        if t.dep_ in ("advcl", "ccomp") and any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless")
                                               for c in t.children):
            return True
        was_conj = t.dep_ == "conj"
        t = t.head
        if not was_conj and lemmas(t.lower_) & lex.irrealis and t.tag_.startswith(("VB", "JJ")):
            return True
    return False


def _not_predicate(tok, cue: Cue) -> bool:
    """A word that states no event of its own: "Given his remarks, ..." (a preposition), "Asked
    whether ..., X said" and "Backed by Y, X ..." (a participle setting the scene), "assault rifles"."""
    if cue.code[:2] in ("17", "18", "19", "20") and _contest(tok):
        return True
    if cue.pattern.kind in ("n", "nw"):  # "assault rifles", "appeals courts": a noun modifying a noun
        return tok.dep_ == "compound" and len(cue.tokens) == 1
    if cue.pattern.kind != "v":
        return False
    if cue.pattern.words == ("ask",) and _question(tok):
        return True
    if cue.pattern.words == ("insist",) and _asserts(tok):
        return True
    if tok.dep_ in ("prep", "mark"):
        return True
    return tok.tag_ == "VBN" and tok.dep_ == "advcl" and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in tok.children)


_CONTESTS = {"nomination", "race", "primary", "primaries", "election", "debate", "vote", "votes", "delegates",
             "seat", "title", "championship", "game", "match", "imagination", "attention", "market", "heart",
             "hearts", "headlines", "spotlight", "lead"}


# what a verbal attack is aimed at: words, decisions and conduct, not people or places ("attacked the plan",
# "slammed her record", "an attack on his remarks" is criticism, ACCUSE, not force)
_SAID_OR_DECIDED = {"plan", "plans", "policy", "policies", "record", "proposal", "proposals", "remarks", "comments",
                    "comment", "decision", "decisions", "bill", "speech", "strategy", "stance", "statement",
                    "statements", "position", "handling", "approach", "budget", "agenda", "leadership", "character",
                    "credibility", "judgment", "judgement", "views", "rhetoric", "platform", "candidacy", "tenure",
                    "performance", "response", "reform", "reforms", "ruling", "report", "claims", "claim", "words",
                    "tweet", "tweets", "ad", "ads", "idea", "ideas", "deal", "choice", "nomination", "integrity",
                    "honesty", "competence", "temperament", "vote"}
_FORCE_WORDS = {"attack", "attacks", "attacked", "attacking", "hit", "hits", "hitting", "slam", "slams", "slammed",
                "slamming", "blast", "blasts", "blasted", "blasting", "assail", "assailed", "assails", "bash",
                "bashed", "bashing", "target", "targeted", "targets", "targeting", "savaged", "savage", "hammered",
                "hammer", "lambasted", "lambast", "pummeled", "pummelled"}


def _verbal_attack(tok) -> bool:
    """An attack on what someone said, decided or did ("attacked the plan", "an attack on her record")."""
    heads = [tok] + [c for c in tok.children if c.dep_ == "dobj" and c.lower_ in _FORCE_WORDS]  # "launched an attack"
    if not any(h.lower_ in _FORCE_WORDS for h in heads):
        return False
    objs = [c for h in heads for c in h.children if c.dep_ == "dobj"]
    objs += [g for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ in ("on", "against", "over")
             for g in c.children if g.dep_ == "pobj"]
    return any(o.lower_ in _SAID_OR_DECIDED for o in objs)


def _contest(tok) -> bool:
    """Fighting for a nomination, capturing the imagination: a figure of speech, not force."""
    near = [g for c in tok.children for g in (c, *c.children) if g.dep_ in ("dobj", "pobj")]
    return any(g.lower_ in _CONTESTS for g in near)


def _asserts(tok) -> bool:
    """"insisted (that) it was premature": insisting on a fact is a statement, not a demand ("insisted on
    a recount", "insisted that he must resign" are demands)."""
    if any(c.dep_ == "prep" and c.lower_ == "on" for c in tok.children):
        return False
    clauses = [c for c in tok.children if c.dep_ == "ccomp"]
    return bool(clauses) and not any(a.lower_ in _OBLIGE | {"should", "be"} and a.dep_ in ("aux", "auxpass")
                                     for c in clauses for a in c.children)


def _question(tok) -> bool:
    """"asked X whether ...", "asked a question": asking something is no request."""
    for c in tok.children:
        if c.dep_ == "dobj" and c.lower_ in ("question", "questions"):
            return True
        if c.dep_ == "ccomp" and any(m.lower_ in ("whether", "if", "what", "why", "how", "when", "who")
                                     for m in c.children if m.i < c.i):
            return True
    return False


def _noun_verb(tok):
    """The verb an event noun is the object of ("not going to do an invasion"); a noun in "was killed
    in the attack" is no object, and the attack happened whether or not anyone was killed."""
    if tok.dep_ in ("dobj", "attr", "oprd") and tok.head.tag_.startswith("VB"):
        return tok.head
    return None


def _code_sentence(ctx: Context, sent, cues: list[Cue]) -> list[Candidate]:
    """Every cue of the sentence that no other cue governs, as a candidate event with the rules' verdict."""
    lex = lexicon()
    pdoc = ctx.doc
    weak = {id(c): "weak_noun" if c.pattern.kind == "nw" and not _weak_ok(pdoc[c.head], lex) else
            "not_predicate" if _not_predicate(pdoc[c.head], c) else None for c in cues}
    kept = [c for c in cues if weak[id(c)] is None]
    owner = _owner_map(kept)
    governed: dict[int, list[Cue]] = {}
    top, under = [], []
    for c in kept:
        g = _governor(pdoc[c.head], c, owner)
        if g is None:
            top.append(c)
        else:
            governed.setdefault(id(g), []).append(c)
            if not g.pattern.family:  # "attacked the convoy, killing two": an action of its own
                under.append((c, g))
    out = []
    for c in top:
        out.append(_candidate(ctx, sent, c, governed.get(id(c), []), lex, _subordinate(pdoc[c.head])))
    main = [c for c in out if not c.subordinate]
    for c in out:  # the rules code a subordinate clause's event only when the sentence has no main one
        if c.subordinate and main and c.drop is None:
            c.drop = "subordinate"
    # the rules leave these out; the judge may take them (its features say why the rules did not)
    for c, g in under:
        cand = _candidate(ctx, sent, c, governed.get(id(c), []), lex, _subordinate(pdoc[c.head]))
        cand.drop, cand.governor = cand.drop or "governed", g
        out.append(cand)
    for c in cues:
        if weak[id(c)] is not None:
            cand = _candidate(ctx, sent, c, [], lex, _subordinate(pdoc[c.head]))
            cand.drop = weak[id(c)]
            out.append(cand)
    return out


def _subordinate(tok) -> bool:
    return any(t.dep_ in _SUBORDINATE or t.dep_ == "advcl" and any(
        m.dep_ == "mark" and m.lower_ in _BACKGROUND for m in t.children) for t in _path_deps(tok))


def _candidate(ctx: Context, sent, cue: Cue, below: list[Cue], lex, subordinate: bool) -> Candidate:
    """The rules' reading of one cue: its code after governing families and modality, and why the rules
    would drop it (None: the rules assert it)."""
    pdoc = ctx.doc
    tok = pdoc[cue.head]
    action = min(below, key=lambda c: abs(c.head - cue.head)) if below else None
    cand = Candidate(ctx, sent, cue, tok, action, cue.code, subordinate=subordinate)
    if _irrealis(tok, lex, sent.text):
        cand.drop = "irrealis"
    code = cue.code
    fam = cue.pattern.family
    if fam and action is not None:
        if fam == "commit":
            fam = "threaten" if action.code[:2] in _HOSTILE else "intent" if action.code[:2] < "09" else None
        code = family_code(fam, action.code) if fam else action.code
    elif fam == "commit":
        code = "030"
    if cue.pattern.kind in ("v", "a"):
        negated, mode, _ = _modality(tok)
    elif _nobody(tok):  # "makes no apologies", "there was no attack"
        negated, mode = True, None
    else:  # an event noun under a negated or merely possible verb did not happen
        verb = _noun_verb(tok)
        negated, mode, _ = _modality(verb) if verb is not None else (False, None, tok)
        mode = mode if mode in ("possible", "counterfactual", "hypothetical", "would") else None
    if mode == "would":  # "said it would release them" is announced; "they would be scared" is not
        mode = "future" if _say_parent(tok)[0] is not None else "hypothetical"
    cand.negated, cand.mode = negated, mode
    unless = any(c.dep_ == "advcl" and any(m.lower_ == "unless" for m in c.children) for c in tok.children)
    if negated:
        if mode == "future" and code[:2] in _COOP | {"03"}:
            code = family_code("reject", code)
        else:
            cand.drop = cand.drop or "negated"
    elif mode in ("possible", "counterfactual", "hypothetical"):
        cand.drop = cand.drop or mode
    elif mode == "oblige":
        verb, sayer = _say_parent(tok)
        subj, _ = subject_of(tok)
        if sayer is None or subj is None or sayer.i == subj.i:
            cand.drop = cand.drop or "obligation"
        else:
            code = family_code("demand", code)
            cand.source_tok, cand.target_tok = sayer, subj
    elif (mode == "future" or unless) and not fam:
        root = code[:2]
        if root in _HOSTILE - {"12", "13"} or unless:
            code = family_code("threaten", code)
        elif root in _COOP:
            code = family_code("intent", code)
    if code[:2] in ("18", "19", "20") and _verbal_attack(tok):
        code = "111"  # criticism, the codebook's ACCUSE
    cand.code = code
    return cand


def _sides(cand: Candidate, code: str) -> tuple[list[EventActor], list[EventActor], str]:
    """Source and target actors of a candidate coded `code` (and the code, which an attack between two
    politicians turns into criticism)."""
    ctx = cand.ctx
    sources, targets = sides(ctx, cand.cue, cand.tok, cand.action, code, cand.source_tok, cand.target_tok)
    sources, targets = fill_domestic(ctx, code, sources, targets)
    if code[:2] in ("18", "19") and cand.cue.pattern.words[0] in ("attack", "hit", "assault") \
            and _people(ctx, sources) and _people(ctx, targets):
        code = "111"  # one politician "attacking" another does it with words
    return sources, targets, code


def _people(ctx, sides: list[EventActor]) -> bool:
    """Are these sides named persons (not armed groups, not countries)?"""
    kinds = [ctx.actors[a.actor_id].kind if a.actor_id in ctx.actors else None for a in sides if a is not None]
    return bool(kinds) and all(k == "person" for k in kinds)


def _mentions(ctx, sent, cue, code, sources, targets) -> list[EventMention]:
    entry = cameo(code)
    plover, mode = to_plover(code)
    start, end = sent.start_char, sent.end_char
    trig = ctx.doc[cue.tokens[0]: cue.tokens[-1] + 1]
    trigger = trig.text if len(trig) <= 8 else ctx.doc[cue.head].text
    head = ctx.doc[cue.head]  # the event's own clause dates and places it
    date, inferred = event_date(ctx.ann, head, ctx.offset)
    place = event_place(ctx.ann, head, ctx.offset, date, inferred)
    srcs = sources or [None]  # sides keeps the actors of one phrase: each is a source ("Trump and Putin agreed")
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


