"""Is a candidate an asserted event, and of which type? A multinomial logistic model over features of the
candidate (its cue, the rules' verdict on modality, the parse around it, its sides) decides; the model is
data (`data/event_model.json`, trained by `scripts/train_event_model.py`). Without it, the rules decide."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.code.linear import load_model
from newsdesk.code.linear import probabilities as linear_probabilities
from newsdesk.code.ontology import to_plover

__all__ = ["MODEL_FILE", "RulesView", "decide", "features", "judge", "model_version", "probabilities", "rules_view"]

MODEL_FILE = "event_model.json"
NONE = "NONE"
# the code a type gets when the model gives a candidate a type its cue's code is not of
DEFAULT_CODE = {"AGREE": "030", "CONSULT": "040", "SUPPORT": "051", "COOPERATE": "060", "AID": "070",
                "CONCEDE": "080", "RETREAT": "087", "REQUEST": "020", "ACCUSE": "112", "REJECT": "120",
                "THREATEN": "130", "PROTEST": "140", "MOBILIZE": "150", "SANCTION": "160", "COERCE": "173",
                "ASSAULT": "190"}
_AUX = {"will", "would", "could", "might", "may", "can", "should", "must", "'ll", "wo", "ca", "shall", "to"}
_QUOTES = "\u201c\u201d\""
# adverbs that make a verb a habit or a long state rather than one occasion ("has long opposed")
_HABIT = {"long", "often", "repeatedly", "always", "usually", "frequently", "routinely", "regularly",
          "traditionally", "generally", "typically", "sometimes", "constantly", "ever", "never"}


def _model() -> dict | None:
    return load_model(MODEL_FILE)


def model_version() -> str | None:
    m = _model()
    return m["version"] if m else None


def _side(prefix: str, actors) -> list[str]:
    if not actors:
        return [f"{prefix}=none"]
    a = actors[0]
    out = [f"{prefix}=some"]
    if a.country:
        out.append(f"{prefix}=country")
    if a.sector:
        out.append(f"{prefix}_sector={a.sector}")
    if a.actor_id:
        out.append(f"{prefix}=resolved")
    return out


def features(cand) -> list[str]:
    """The candidate's features as strings (present = 1)."""
    tok, cue, code = cand.tok, cand.cue, cand.code
    doc = tok.doc
    rule_type = to_plover(code)[0] or "STATEMENT"
    cue_name = "_".join(cue.pattern.words)
    f = [f"cue={cue_name}", f"rule={rule_type}", f"root={code[:2]}", f"cue_root={cue.code[:2]}",
         f"kind={cue.pattern.kind}", f"fam={cue.pattern.family}", f"drop={cand.drop}", f"mode={cand.mode}",
         f"tag={tok.tag_}", f"dep={tok.dep_}", f"head={tok.head.lower_}", f"cue={cue_name}|rule={rule_type}",
         f"cue={cue_name}|drop={cand.drop}", f"rule={rule_type}|drop={cand.drop}"]
    if cand.negated:
        f.append("negated")
    if cand.subordinate:
        f.append("subordinate")
    if cand.action is not None:
        f.append(f"action={to_plover(cand.action.code)[0]}")
    if cand.governor is not None:
        f.append(f"governor={to_plover(cand.governor.code)[0] or 'STATEMENT'}")
        f.append(f"governor={cand.governor.pattern.words[0]}")
    for c in tok.children:
        if c.dep_ in ("aux", "auxpass", "neg", "mark", "advmod") and c.lower_ in _AUX | {"not", "n't", "never", "if",
                                                                                          "whether", "no", "also"}:
            f.append(f"child={c.lower_}")
        if c.dep_ in ("dobj", "pobj", "attr", "nsubjpass"):
            f.append(f"obj={c.lower_}")
        if c.dep_ == "prep":
            f.append(f"prep={c.lower_}")
            f.append(f"prep={c.lower_}|cue={cue_name}")
        if c.dep_ in ("auxpass", "nsubjpass"):
            f.append("passive")
        if c.dep_ == "aux" and c.lower_ in ("has", "have", "had", "'s", "'ve"):
            f.append("perfect")  # wire copy reports fresh events so ("has expelled"); habits need an adverb
        if c.dep_ in ("advmod", "npadvmod") and c.lower_ in _HABIT:
            f.append("habit_adverb")
    t, hops = tok, 0
    while t.head.i != t.i and hops < 4:
        f.append(f"up{hops}={t.dep_}>{t.head.lower_}" if hops == 0 else f"anc={t.head.lower_}")
        t, hops = t.head, hops + 1
    # no window of neighbouring words: in cross-file validation and on real news such words fitted the
    # training writers' habits ("has", "is") more than the assertion; the parse features carry it
    sent = cand.sent.text
    if sent.rstrip().rstrip(_QUOTES + "'\u2019").endswith("?"):
        f.append("question")
    before = sent[:tok.idx]  # the parsed sentence is its own Doc: offsets are from its start
    if sum(before.count(q) for q in _QUOTES) % 2 == 1:
        f.append("inside_quote")
    if any(q in sent for q in _QUOTES):
        f.append("quote_in_sentence")
    words = {x.lower_ for x in doc}
    if words & {"i", "we", "my", "our", "us", "you"}:
        f.append("first_or_second_person")  # rhetoric and quoted speech more than reported acts

    for w in ("if", "whether", "unless", "would", "could", "may", "might", "should", "not", "never", "no",
              "said", "says", "expected", "plans", "vowed", "promised", "often", "always", "usually"):
        if w in words:
            f.append(f"has={w}")
    sources, targets = cand.sides
    f += _side("src", sources) + _side("tgt", targets)
    return f


def probabilities(cand) -> dict[str, float] | None:
    """P(type) for NONE and each PLOVER type, or None without a model."""
    m = _model()
    return None if m is None else linear_probabilities(m, features(cand))


@dataclass(frozen=True)
class RulesView:
    """What the decision needs of the rules' reading of a candidate (kept apart so that the training script
    can replay the decision on cross-validated probabilities)."""

    dropped: bool  # the rules would not record it
    type: str | None  # PLOVER type of the rules' code (None: a bare statement)
    cue_type: str | None  # PLOVER type of the cue's own code
    intent: bool  # an announced intention, threat or refusal: PLOVER counts it, the veto spares it


def rules_view(cand) -> RulesView:
    # announced intentions, threats and refusals ("said it would release", "vowed to retaliate") are
    # PLOVER events that the training sentences often mark as plans: the rules' families code them.
    # A family word governing no action is read like any cue ("agree with him", "was asked about",
    # "proposed tax cuts", "I'll oppose it"): the model may veto it
    family = cand.cue.pattern.family is not None
    return RulesView(cand.drop is not None, to_plover(cand.code)[0], to_plover(cand.cue.code)[0],
                     cand.action is not None if family else cand.mode == "future")


def decide(probs: dict[str, float], rules: RulesView, th: dict[str, float]) -> str | None:
    """The PLOVER type to record, or None. The model and the rules each see what the other misses: an event
    the rules assert is dropped when the model is sure it is no event (`veto`), and retyped when the model
    is sure of another type (`retype`); one the rules drop is taken when the model is sure it is an event
    (`add`). The thresholds are the model file's, chosen by the training script's cross-validation."""
    best = max((c for c in probs if c != NONE), key=probs.__getitem__)
    if not rules.dropped:
        if probs[NONE] >= th["veto"] and not rules.intent:
            return None
        if rules.type and (best == rules.type or probs[best] < th["retype"]):
            return rules.type
        return best
    if probs[best] < th["add"] or probs[NONE] > probs[best]:
        return None
    return best


def judge(cand, *, rules_only: bool = False) -> str | None:
    """The code to record the candidate under, or None when it is no asserted event (see `decide`)."""
    m = None if rules_only else _model()
    if m is None:
        return None if cand.drop else cand.code
    th = m["thresholds"]
    if cand.drop is not None and th["add"] > 1:
        return None  # the model may not add events: spare the features
    rules = rules_view(cand)
    kind = decide(probabilities(cand), rules, th)
    if kind is None:
        return None
    if kind == rules.type:
        return cand.code
    if kind == rules.cue_type:
        return cand.cue.code
    return DEFAULT_CODE[kind]
