"""Speech acts: what a political actor's quoted or reported words do to another actor. Event coders record a
quote that attacks a rival's conduct as ACCUSE, one that praises or endorses as SUPPORT, one that calls on
someone to act as REQUEST, a refusal or denial as REJECT and a warning as THREATEN — usually without any verb
like "criticised" for the cue patterns to find. So every sentence of a quote whose speaker is a resolved
political actor is read by a small multinomial logistic model over its words (names masked, so it learns how
criticism is worded, not who is criticised) and the valence of those words in the VADER sentiment lexicon (so
critical words the training sentences never used still count). The model is data
(`data/speech_model.json`, trained by `scripts/train_speech_model.py` on `training/speech/`).

The speaker is the source; the target is the first other political actor the quoted words name; the date
and place are those of the sentence's own clause (`discourse.event_date` / `event_place`)."""

from __future__ import annotations

import re
from functools import lru_cache

from newsdesk.code.coref import person_by_surname
from newsdesk.code.discourse import event_date, event_place, parse_sentences
from newsdesk.code.linear import load_model
from newsdesk.code.linear import probabilities as linear_probabilities
from newsdesk.code.ontology import cameo, to_plover
from newsdesk.records import AnnotatedArticle, EventActor, EventMention, Quote

__all__ = ["ACT_CODES", "MATERIAL", "MATERIAL_TYPES", "MODEL_FILE", "features", "probabilities", "speech_events", "speech_version"]

MODEL_FILE = "speech_model.json"
NONE = "NONE"
MATERIAL = "MATERIAL"  # a `taken` type: the sentence holds a material act the cue patterns recorded
# the PLOVER types of material acts (the others are verbal: said, not done)
MATERIAL_TYPES = frozenset({"COOPERATE", "AID", "CONCEDE", "RETREAT", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT",
                            "PROTEST"})
# the CAMEO code each act is recorded under: the unspecified code of its root, or its commonest form
ACT_CODES = {"ACCUSE": "111", "SUPPORT": "051", "REQUEST": "020", "REJECT": "120", "THREATEN": "130"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|[!?]")
_NEGATORS = {"not", "no", "never", "n't", "nothing", "nobody", "neither", "nor", "cannot"}
_SECOND = {"you", "your", "yourself", "yourselves"}
_MODALS = {"must", "should", "need", "needs", "ought", "have"}


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _model() -> dict | None:
    return load_model(MODEL_FILE)


def speech_version() -> str | None:
    m = _model()
    return m["version"] if m else None


def _words(text: str) -> list[str]:
    """Lower-cased words, a capitalised word inside the sentence masked as <name> (who is named is no cue
    to what is done to them; the first word is kept, as it is capitalised anyway)."""
    out = []
    for i, m in enumerate(_WORD.finditer(text)):
        w = m.group().replace("\u2019", "'")
        if i and w[0].isupper() and w.lower() not in ("i",) and not w.isupper():
            out.append("<name>")
        elif w.isupper() and len(w) > 1 and i:
            out.append("<name>")
        else:
            out.append(w.lower())
    return out


def features(text: str, kind: str) -> list[str]:
    """The features of one sentence of a quote (`kind`: direct, inside, reported, post) as strings."""
    words = _words(text)
    out = [f"kind={kind}"]
    out += [f"w={w}" for w in set(words)]
    out += [f"b={a}_{b}" for a, b in set(zip(words, words[1:], strict=False))]
    lex = _vader().lexicon
    neg = pos = 0.0
    for i, w in enumerate(words):
        v = lex.get(w)
        if v is None:
            continue
        # a negator up to three words before turns the word's valence over ("not honest", "never fair")
        if _NEGATORS.intersection(words[max(0, i - 3):i]):
            v = -v * 0.74
        if v < 0:
            neg += -v
        else:
            pos += v
    out.append(f"neg={min(int(neg), 6)}")
    out.append(f"pos={min(int(pos), 6)}")
    out.append("valence=" + ("neg" if neg > pos + 1 else "pos" if pos > neg + 1 else "flat"))
    if _SECOND.intersection(words):
        out.append("second_person")
    if _MODALS.intersection(words):
        out.append("modal")
    if "?" in words:
        out.append("question")
    if _NEGATORS.intersection(words):
        out.append("negated")
    return out


def probabilities(feats: list[str]) -> dict[str, float] | None:
    m = _model()
    return None if m is None else linear_probabilities(m, feats)


def _act(text: str, kind: str) -> tuple[str, float] | None:
    probs = probabilities(features(text, kind))
    if not probs:
        return None
    act, p = max(probs.items(), key=lambda kv: kv[1])
    if act == NONE or p < _model()["threshold"]:
        return None
    return act, p


def _actor(ann: AnnotatedArticle, actor_id: str | None, text: str) -> EventActor | None:
    a = next((x for x in ann.actors if x.id == actor_id), None) if actor_id else None
    if a is None or not (a.country or a.sector):
        return None
    return EventActor(text, a.name, a.id, a.country, a.sector)


def _target(ann: AnnotatedArticle, lo: int, hi: int, speaker: EventActor, before: int) -> EventActor | None:
    """The first political actor other than the speaker that the quoted words name; else, when they name
    nobody ("She lied to us"), the last one named in the text before them, from `before` on (the one the
    quote answers or is about)."""
    last = None
    for m in ann.mentions:
        if m.start >= hi:
            break
        if not m.actor_id or m.actor_id == speaker.actor_id or m.start < before:
            continue
        actor = _actor(ann, m.actor_id, m.text)
        if actor is None or actor.name == speaker.name:
            continue
        if m.start >= lo:
            return actor
        last = actor
    return last


def _speaker_id(ann: AnnotatedArticle, q: Quote) -> str | None:
    """The quote's speaker as an actor id: the attribution's own (annotation links it to an actor mention at
    the speaker's words), else the one person named in full earlier whose surname they are ("..., Schiff
    said")."""
    if q.speaker_id or q.speaker_start is None:
        return q.speaker_id
    words = (q.speaker_text or "").split()
    if len(words) == 1 and words[0][:1].isupper():
        person = person_by_surname(ann, words[0], q.speaker_start)
        return person.id if person else None
    return None


def _quoted_sentences(ann: AnnotatedArticle, sents) -> list[tuple[int, object, Quote, str]]:
    """(sentence index, sentence, quote, speaker id) for each sentence holding words of a quote by a
    resolved speaker."""
    out = []
    seen = set()
    for q in ann.quotes:
        speaker = _speaker_id(ann, q)
        if not speaker:
            continue
        for si, s in enumerate(sents):
            if s.end_char <= q.start or s.start_char >= q.end or si in seen:
                continue
            # at least a few words of the quote are in this sentence (not only its closing mark)
            if min(s.end_char, q.end) - max(s.start_char, q.start) < 12:
                continue
            seen.add(si)
            out.append((si, s, q, speaker))
    return out


def speech_events(ann: AnnotatedArticle, sents, taken: set[tuple[int, str]]) -> list[tuple[int, EventMention]]:
    """The speech acts of an article's quotes, as (sentence index, mention). `sents` are the article's
    sentences (`discourse.sentences`); `taken` holds (sentence index, PLOVER type) the cue patterns already
    recorded, so a sentence whose act the patterns found is not recorded twice, and a sentence whose quoted
    words report a material act (with the type "MATERIAL": "police seized weapons, the army said") is
    a report of that act, not an act of its speaker."""
    if _model() is None:
        return []
    found = []
    for si, sent, q, speaker_id in _quoted_sentences(ann, sents):
        kind = "inside" if sent.start_char >= q.start and sent.end_char <= q.end + 2 else q.kind
        act = _act(sent.text, "post" if kind == "post" else kind)
        if act is None or (si, act[0]) in taken or (si, MATERIAL) in taken:
            continue
        speaker = _actor(ann, speaker_id, q.speaker_text or q.speaker or "")
        if speaker is None:
            continue
        lo, hi = max(sent.start_char, q.start), min(sent.end_char, q.end)
        before = sents[max(0, si - 2)].start_char
        found.append((si, sent, q, act, speaker, _target(ann, lo, hi, speaker, before)))
    if not found:
        return []
    # a speech act is dated and placed by the clause that reports the saying ("..., Rubio said on
    # Sunday"), which for a sentence inside a longer quote is the sentence naming its speaker
    anchors = [_anchor(sents, sent, q) for _, sent, q, *_ in found]
    unique = list({a.start_char: a for a in anchors}.values())
    roots = {a.start_char: next((t for t in d if t.dep_ == "ROOT"), d[0])
             for a, d in zip(unique, parse_sentences(unique), strict=True)}
    out = []
    for (si, sent, q, (act, p), speaker, target), anchor in zip(found, anchors, strict=True):
        code = ACT_CODES[act]
        entry = cameo(code)
        plover, mode = to_plover(code)
        root = roots[anchor.start_char]
        date, inferred = event_date(ann, root, anchor.start_char)
        place = event_place(ann, root, anchor.start_char, date, inferred)
        out.append((si, EventMention(sent.start_char, sent.end_char, sent.text, q.cue or "said", code, plover,
                                     mode, entry.quad, entry.goldstein, speaker, target, date, inferred, *place,
                                     confidence=round(min(p, 0.95), 2))))
    return out


def _anchor(sents, sent, q: Quote):
    """The sentence that names the quote's speaker (the sentence itself when it does, or says nothing)."""
    at = q.speaker_start
    if at is None or sent.start_char <= at < sent.end_char:
        return sent
    return next((s for s in sents if s.start_char <= at < s.end_char), sent)
