"""Line-level cleaning of scraped plain-text articles: the `clean_text` entry point.

Owns which lines of the text are body paragraphs and why every other line went (teasers, images,
captions, duplicates, trailing promo blocks, web boilerplate); header metadata comes from `text_meta`
and the body/boilerplate line scores from `boilerplate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.extract.boilerplate import body_mask, ends_sentence, page_stoplist
from newsdesk.extract.text_meta import read_header
from newsdesk.records import RemovedLine

__all__ = ["CleanedText", "clean_text"]


@dataclass(frozen=True)
class CleanedText:
    """The body paragraphs of one article, its header metadata, and every line removed with why."""

    title: str | None
    byline: str | None
    published: str | None  # ISO 8601: "2022-03-01T14:46", or "2022-03-01" when no time is given
    updated: str | None
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...]


_WORD = re.compile(r"\w+")
_IMAGE_TAG = re.compile(r"<image>.*?</image>|<img\b[^>]*>|!\[[^\]]*\]\([^)]*\)|data:image/\S+", re.I)
_TEASER = re.compile(
    r"^\W*(read more|read also|also read|more|live|watch|related|see also|read next|listen|video|"
    r"recommended|most read|don't miss|must see|trending|opinion|analysis|explainer)\b\s*(:|\||–|—|-\s|>|»|$)",
    re.I,
)
_CREDIT_PREFIX = re.compile(
    r"^\W*(pictured|picture|photo|photograph|image|images|caption|image caption|image copyright|credit|"
    r"source|illustration|graphic|video)s?\s*(:|\||/|…|\.\.\.)", re.I
)
_CREDIT_INLINE = re.compile(
    r"\b(picture|photo|photograph|image|credit)s?\s*(:|…|\.\.\.)\s*\S|"
    r"\((?:photo|picture|image|credit|pictured)[^)]*\)\s*$|"
    r"\b(getty images|shutterstock|alamy|afp via getty|ap photo|reuters/|epa-efe)\b", re.I
)
_CREDIT_HINTS = ("pictur", "photo", "image", "credit", "caption", "source", "illustrat", "graphic", "video",
                 "getty", "shutterstock", "alamy", "reuters", "epa")
_CAPTION_MARK = re.compile(r"\((pictured|left|right|centre|center|above|below|top|bottom|inset|file)\b[^)]*\)", re.I)
_NAME_WORD = re.compile(r"(?<=[\w,;] )([A-ZÀ-Þ][\w'’-]+)")
DUP_MIN_WORDS = 8  # shorter exact repeats are list items ("Serves 4") more often than copies
TAIL_MIN = 0.2  # relatedness below which a trailing block counts as another story
_BULLET = re.compile(r"^\s*[•·▪►▶◦‣*–-]\s+")


_SENTENCE_END = frozenset(".!?。！？…")


def _ends(text: str) -> bool:
    return ends_sentence(text, _SENTENCE_END)


@dataclass(slots=True)
class _Line:
    idx: int
    text: str
    blanks_before: int  # blank lines just above: big gaps separate page regions
    reason: str | None = None
    _words: list[str] | None = None

    @property
    def words(self) -> list[str]:
        """Lowercased words without caption marks, computed once (both duplicate passes use them)."""
        if self._words is None:
            self._words = _norm_words(self.text)
        return self._words


def _rule_reason(text: str) -> tuple[str | None, str]:
    """(reason, text) for lines that rules alone can judge; images inside a line are cut out."""
    low = text.lower()
    if "data:image" in low or "<image" in low or "](" in text or "<img" in low:
        stripped = _IMAGE_TAG.sub(" ", text).strip()
        if not _WORD.search(stripped) or stripped == text.strip():
            return "image", text
        text = stripped
    # Teasers, captions and credits are short: a whole paragraph opening "Analysis:" is the article itself.
    short = text.count(" ") < 40
    if short and _TEASER.match(text):
        return "link teaser", text
    # Captions and credits name a picture or an agency; other lines skip these searches.
    if short and any(h in low for h in _CREDIT_HINTS):
        if _CREDIT_PREFIX.match(text):
            return "photo credit", text
        if _CREDIT_INLINE.search(text):
            return "caption", text
    if "(" in text and _CAPTION_MARK.search(text) and not _ends(text):
        return "caption", text
    return None, text


def _norm_words(text: str) -> list[str]:
    if "(" in text:
        text = _CAPTION_MARK.sub(" ", text)
    return _WORD.findall(text.lower())


def _caption_like(line: _Line) -> bool:
    return bool(line.reason in ("caption", "photo credit") or _CAPTION_MARK.search(line.text)
                or not _ends(line.text))


def _mark_repeated_headlines(lines: list[_Line]) -> None:
    """Before scoring: later copies of headline-shaped lines (teaser and menu lists repeated on the page)."""
    seen: set[tuple[str, ...]] = set()
    for line in lines:
        if line.reason is not None or _ends(line.text):
            continue
        key = tuple(line.words)
        if len(key) < 4:
            continue
        if key in seen:
            line.reason = "duplicate"
        seen.add(key)


def _mark_duplicates(lines: list[_Line]) -> None:
    """Drop repeated kept lines: later exact copies of sentences, and near-copies that look like captions.

    Runs after the body scorer, so a copy outside the body (a teaser of the lead) is already gone and
    the body copy survives. Lines removed as captions still count as partners, so a caption that nearly
    repeats a removed caption goes too. Short repeated list items ("Serves 4") are left alone.
    """
    seen: dict[tuple[str, ...], _Line] = {}
    pool: list[tuple[_Line, set[tuple[str, ...]]]] = []
    for line in lines:
        if line.reason not in (None, "caption", "photo credit"):
            continue
        words = line.words
        if len(words) < 4:
            continue
        key = tuple(words)
        if key in seen:
            if line.reason is None and (len(words) >= DUP_MIN_WORDS or _caption_like(line)):
                line.reason = "duplicate"
            continue
        seen[key] = line
        if len(words) <= 80:  # captions are short, so a long line has no caption copy
            pool.append((line, {tuple(words[k : k + 3]) for k in range(len(words) - 2)}))
    # Near copies matter only when one side is caption-shaped, so only those lines are indexed.
    grams: dict[tuple[str, ...], list[int]] = {}
    for n, (line, tri) in enumerate(pool):
        if _caption_like(line):
            for g in tri:
                grams.setdefault(g, []).append(n)
    if not grams:
        return
    done: set[tuple[int, int]] = set()
    for n, (_line, tri) in enumerate(pool):
        for g in tri:
            for m in grams.get(g, ()):
                pair = (min(n, m), max(n, m))
                if m == n or pair in done:
                    continue
                done.add(pair)
                other_tri = pool[m][1]
                if len(tri & other_tri) / min(len(tri), len(other_tri)) >= 0.7:
                    _resolve_near_copy(pool[pair[0]][0], pool[pair[1]][0])


def _resolve_near_copy(a: _Line, b: _Line) -> None:
    if a.reason is not None and b.reason is not None:
        return
    ca, cb = _caption_like(a), _caption_like(b)
    if ca and cb:
        for x in (a, b):
            x.reason = x.reason or "duplicate"
    elif cb:
        b.reason = b.reason or "duplicate"
    elif ca:
        a.reason = a.reason or "duplicate"
    elif len(_WORD.findall(b.text)) <= len(_WORD.findall(a.text)):
        b.reason = b.reason or "duplicate"


def _content_words(text: str, stop: frozenset[str]) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in stop and not w.isdigit()}


def _names(text: str) -> set[str]:
    """Capitalised words not opening a sentence: a cheap, language-independent stand-in for names."""
    return {m.lower() for m in _NAME_WORD.findall(text)}


def relatedness(words: set[str], names: set[str], b_words: set[str], b_names: set[str]) -> float:
    """Share of a block's content words and names that the body also uses.

    Names weigh three times as much as other content words: another story shares generic words
    ("shows", "analysis") with any article but rarely its people and places.
    """
    if not words:
        return 1.0
    shared = len(words & b_words) + 3 * len(names & (b_names | b_words))
    return shared / (len(words) + 3 * len(names))


def _drop_unrelated_tail(lines: list[_Line], stop: frozenset[str]) -> None:
    """Drop trailing groups of lines (promo lists, other stories) sharing few content words with the body.

    A tail may only start at a section break: a run of blank lines longer than the page's usual gap,
    or a bullet list or repeated headlines just before it. The longest such tail (at most half of the
    body) that is unrelated as a whole, and whose first group is unrelated too, is cut; so a related
    closing paragraph is never judged alone, and prose that merely changes vocabulary is never cut.
    """
    kept = [x for x in lines if x.reason is None]
    if len(kept) < 3:
        return
    gaps = sorted(x.blanks_before for x in kept[1:])
    usual = gaps[len(gaps) // 2]
    pos = {x.idx: k for k, x in enumerate(lines)}
    groups: list[list[_Line]] = [[kept[0]]]
    for prev, line in zip(kept, kept[1:], strict=False):
        between = lines[pos[prev.idx] + 1 : pos[line.idx]]
        if (
            line.blanks_before > usual
            or _BULLET.match(line.text)
            or any(_BULLET.match(x.text) or x.reason in ("duplicate", "link teaser") for x in between)
        ):
            groups.append([])
        groups[-1].append(line)
    if len(groups) < 2:
        return
    vocab = [
        (set().union(*(_content_words(x.text, stop) for x in g)), set().union(*(_names(x.text) for x in g)))
        for g in groups
    ]
    total = sum(len(x.text) for x in kept)
    tail_chars = 0
    cut = None
    for k in range(len(groups) - 1, 0, -1):
        tail_chars += sum(len(x.text) for x in groups[k])
        if tail_chars > total / 2:
            break
        head_w = set().union(*(v[0] for v in vocab[:k]))
        head_n = set().union(*(v[1] for v in vocab[:k]))
        tail_w = set().union(*(v[0] for v in vocab[k:]))
        tail_n = set().union(*(v[1] for v in vocab[k:]))
        score = relatedness(tail_w, tail_n, head_w, head_n)
        first = relatedness(vocab[k][0], vocab[k][1], head_w, head_n)
        if score < TAIL_MIN and first < TAIL_MIN:
            cut = k
    if cut is not None:
        for g in groups[cut:]:
            for x in g:
                x.reason = "unrelated trailing block"


# reasons that judge a line by its content (and may be wrong on a short text), not by its form
_CONTENT_JUDGED = {"title", "boilerplate", "duplicate", "unrelated trailing block"}


def clean_text(text: str) -> CleanedText:
    """Clean one scraped plain-text article.

    Args:
        text: the article as scraped, one paragraph or page element per line.

    Returns:
        The title, byline and dates found in the header, the kept body paragraphs in order,
        and every removed line with a short reason.
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[_Line] = []
    blanks = 0
    for i, line in enumerate(raw):
        s = " ".join(line.split())
        if not s:
            blanks += 1
            continue
        lines.append(_Line(idx=i, text=s, blanks_before=blanks))
        blanks = 0
    header = read_header(raw)
    for line in lines:
        line.reason = header.lines.get(line.idx)
        if line.reason is None:
            line.reason, line.text = _rule_reason(line.text)
    _mark_repeated_headlines(lines)

    candidates = [x for x in lines if x.reason is None]
    texts, words = [x.text for x in candidates], [x.words for x in candidates]
    stop = page_stoplist(texts, words)
    mask = body_mask(texts, stop, words)
    if not any(mask):
        # Short clean texts have no line long enough to anchor a body: keep the sentence-shaped lines.
        mask = [_ends(x.text) and len(_WORD.findall(x.text)) >= 3 for x in candidates]
    for x, keep in zip(candidates, mask, strict=True):
        if not keep:
            x.reason = "boilerplate"
    _mark_duplicates(lines)
    _drop_unrelated_tail(lines, stop)
    if not any(x.reason is None for x in lines):
        # Nothing left: a short text (one sentence, a headline and a line) is all body. Only lines removed
        # for what they are (images, teasers, credits, byline, dateline) stay removed.
        for x in lines:
            if x.reason in _CONTENT_JUDGED and len(_WORD.findall(x.text)) >= 3:
                x.reason = None

    return CleanedText(
        title=header.title,
        byline=header.byline,
        published=header.published,
        updated=header.updated,
        paragraphs=tuple(x.text for x in lines if x.reason is None),
        removed=tuple(RemovedLine(x.text, x.reason) for x in lines if x.reason is not None),
    )
