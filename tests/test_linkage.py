"""Complete-link settling: reports of two events of the same kind stay apart even when a single pass, taking them
in an unlucky order, lets one event's centroid draw the other in; penalties are averaged over group pairs."""

from __future__ import annotations

import dataclasses

from newsdesk.cluster.features import (
    Features,
    Happening,
    cosine,
    lead_names,
    normalise,
    term_vector,
)
from newsdesk.cluster.incremental import ClusterConfig, add_report, fold, score
from newsdesk.cluster.linkage import LinkConfig, agglomerate, blocks, clashes, link, pair_penalty
from newsdesk.cluster.report import features

# Two title matches of one champion, undated here as many older reports are. The first report of each is the
# wire's short version (the champion, the title, the score); the others tell their own match's story (the
# challenger, the venue, the decisive game), which the other match's stories do not share.
MATCH_A = [
    "Ilse Varga retained the world chess title on Sunday, beating challenger Tomas Brandt 7-5 at the Kursaal "
    "in Lucerne.",
    "Tomas Brandt, the 31-year-old Bavarian engineer, lost on time at the Kursaal in Lucerne after his knight "
    "sacrifice in the twelfth game went wrong; Brandt had led after game eight.",
    "In Lucerne, the knight sacrifice of Tomas Brandt in the twelfth game failed at the Kursaal, and the "
    "Bavarian engineer, 31, lost on time after leading at game eight.",
]
MATCH_B = [
    "Ilse Varga retained the world chess title on Sunday, beating challenger Arjun Mehra 8-6 at the "
    "Mediterranean Conference Centre in Valletta.",
    "Arjun Mehra, the 19-year-old prodigy from Pune, blundered a rook in the fourteenth game at the "
    "Mediterranean Conference Centre in Valletta after levelling the match in game ten.",
    "In Valletta the teenager from Pune, Arjun Mehra, had levelled in game ten but blundered a rook in the "
    "fourteenth game at the Mediterranean Conference Centre.",
]


def feats(text: str, **kw) -> Features:
    base = dict(years=frozenset(), date=None, actors=frozenset(), places=frozenset())
    return Features(vector=term_vector(text, number_boost=5.0, lead_words=30.0), **{**base, **kw})


def test_linkage_keeps_two_matches_of_one_champion_apart():
    fs = [feats(t) for t in MATCH_A + MATCH_B]
    labels = link(fs)
    assert len({labels[i] for i in range(3)}) == 1 and len({labels[i] for i in range(3, 6)}) == 1
    assert labels[0] != labels[3]


def test_linkage_undoes_the_single_pass_order_error():
    """Interleaved with a first report of B arriving second, a permissive single pass merges the matches; the
    complete link does not, whatever the order."""
    order = [MATCH_A[0], MATCH_B[0], MATCH_A[1], MATCH_B[1], MATCH_A[2], MATCH_B[2]]
    fs = [feats(t) for t in order]
    cfg = dataclasses.replace(ClusterConfig(), threshold=0.2)
    event = fold([fs[0]])
    assert score(fs[1], event, cfg) >= cfg.threshold  # a single pass at this threshold would join B to A
    labels = link(fs)
    assert labels[0] == labels[2] == labels[4] and labels[1] == labels[3] == labels[5] and labels[0] != labels[1]
    assert labels == link(fs)  # deterministic


def test_linkage_penalties():
    cfg = LinkConfig()
    a = feats(MATCH_A[0], date="2024-03-01", published=True, years=frozenset({"2024"}), scenes=frozenset({"CH"}))
    near = dataclasses.replace(a, date="2024-03-06")
    weeks = dataclasses.replace(a, date="2024-04-06")
    far = dataclasses.replace(a, date="2025-06-01")
    assert pair_penalty(a, near, cfg) == 0.0
    assert 0 < pair_penalty(a, weeks, cfg) < cfg.date_penalty_cap
    assert pair_penalty(a, far, cfg) == cfg.far_date_penalty
    other = dataclasses.replace(a, years=frozenset({"2019"}), scenes=frozenset({"MT"}))
    assert pair_penalty(a, other, cfg) == cfg.year_penalty + cfg.scene_penalty
    undated = dataclasses.replace(a, published=False, date=None, years=frozenset(), scenes=frozenset())
    assert pair_penalty(a, undated, cfg) == 0.0


def test_lead_names_are_the_rare_capitalised_words_of_the_title_and_first_sentence():
    names = lead_names("Varga Keeps Crown Against Brandt",
                       "Varga Keeps Crown Against Brandt\nIn Lucerne on Sunday, Ilse Varga beat Tomas Brandt.\nMore.")
    assert {"varga", "ilse", "lucerne"} <= names
    # common words, even capitalised or a surname as common as Brandt, and nothing past the first sentence
    assert not names & {"sunday", "keeps", "in", "brandt", "more"}


def test_linkage_name_clash_penalty_needs_each_lead_name_missing_from_the_other():
    def art(title, text):
        return features({"id": "x", "title": title, "text": text, "published": None, "updated": None,
                         "removed": [], "events": [], "actors": [], "places": []})
    cfg = LinkConfig()
    a = art("Varga beats Brandt in Lucerne", MATCH_A[1])
    b = art("Varga beats Mehra in Valletta", MATCH_B[1])
    follow_up = art("Brandt blames his knight", MATCH_A[2])
    assert pair_penalty(a, b, cfg) == cfg.name_clash_penalty  # each leads with a name the other never uses
    assert pair_penalty(a, follow_up, cfg) == 0.0  # the follow-up's lead names all occur in the first report


def test_linkage_far_apart_publication_dates_split_identical_texts():
    a = feats(MATCH_A[1], date="2023-05-01", published=True)
    b = dataclasses.replace(a, date="2024-09-01")
    assert agglomerate([a, b], LinkConfig()) == [[0], [1]]
    assert agglomerate([a, dataclasses.replace(a, date="2023-05-03")], LinkConfig()) == [[0, 1]]


def test_linkage_blocks_are_bounded_and_cover_every_report():
    fs = [feats(t) for t in MATCH_A + MATCH_B] + [feats("Floods closed the coastal road near Tarvik on Monday.")]
    cfg = dataclasses.replace(LinkConfig(), max_block=2)
    parts = blocks(fs, cfg)
    assert sorted(i for p in parts for i in p) == list(range(len(fs)))
    assert all(len(p) <= 2 for p in parts)
    assert [6] in parts  # an unrelated report shares no block


def test_linkage_state_of_settled_events_matches_their_reports():
    fs = [feats(t) for t in MATCH_A]
    event = fold(fs)
    again = fold([])
    for f in fs:
        again = add_report(again, f)
    assert event["n_articles"] == again["n_articles"] == 3


def test_linkage_joins_complete_link_groups_whose_centroids_agree_within_a_fortnight():
    """Reports of one event drift apart in what they tell (the aftershock, the tents, the bridge), so two of them
    may share no word and complete link leaves two groups; their summed vectors still agree, and the centroid
    step joins them unless their publication dates span more than a fortnight."""
    def report(words: str, day: str | None = None) -> Features:
        return Features(vector=normalise(dict.fromkeys(words.split(), 1.0)), years=frozenset(), date=day,
                        actors=frozenset(), places=frozenset(), published=day is not None)

    texts = ["aftershock tents tarvik toll mayor", "tents tarvik quake bridge", "toll aftershock",
             "tents bridge quake toll aftershock"]
    fs = [report(t) for t in texts]
    assert cosine(fs[1].vector, fs[2].vector) == 0.0
    assert agglomerate(fs, dataclasses.replace(LinkConfig(), centroid_threshold=None)) == [[0, 2], [1, 3]]
    assert agglomerate(fs, LinkConfig()) == [[0, 1, 2, 3]]
    days = ["2024-03-01", "2024-03-21", "2024-03-02", "2024-03-20"]  # the groups' dates span 20 days
    dated = [dataclasses.replace(f, date=d, published=True) for f, d in zip(fs, days, strict=True)]
    assert agglomerate(dated, LinkConfig()) == [[0, 2], [1, 3]]
    wider = dataclasses.replace(LinkConfig(), centroid_span_days=30, date_grace_days=30)  # no date penalty either
    assert agglomerate(dated, wider) == [[0, 1, 2, 3]]


def test_linkage_a_lone_report_joins_the_group_whose_centroid_it_is_close_to():
    """A report that shares no word with one report of a group, and so stays alone under complete link, joins
    the group when its cosine with the group's centroid reaches `lone_threshold` (not `centroid_threshold`)."""
    fs = [Features(vector=normalise(dict.fromkeys(t.split(), 1.0)), years=frozenset(), date=None,
                   actors=frozenset(), places=frozenset())
          for t in ["aftershock bridge", "tarvik mayor aftershock", "aftershock tarvik mayor", "mayor tents"]]
    assert cosine(fs[0].vector, fs[3].vector) == 0.0
    assert agglomerate(fs, dataclasses.replace(LinkConfig(), lone_threshold=0.35)) == [[0, 1, 2], [3]]  # centroid 0.32
    assert agglomerate(fs, LinkConfig()) == [[0, 1, 2, 3]]


def test_linkage_groups_weeks_apart_join_unless_their_texts_date_the_happenings_apart():
    """By default the 14-day window holds for every join (the issue's rule): two groups filed six weeks apart stay
    apart. With `group_window_margin` set, groups of several outlets' reports may join across it when their texts
    give no days for their happenings (follow-ups of one happening), not when the texts date the happenings six
    weeks apart; a lone report filed weeks later never joins across the window."""
    def report(words: str, day: str, happened: str | None = None) -> Features:
        return Features(vector=normalise(dict.fromkeys(words.split(), 1.0)), years=frozenset(), date=day,
                        actors=frozenset(), places=frozenset(), published=True, happened=happened)

    early = [report("ostrava clinic rehab vesna kral court", "2024-05-02"),
             report("vesna kral clinic rehab court order", "2024-05-03")]
    late = [report("vesna kral clinic rehab ostrava leaves", "2024-06-13"),
            report("kral rehab clinic ostrava court vesna", "2024-06-14")]
    assert agglomerate(early + late, LinkConfig()) == [[0, 1], [2, 3]]
    margin = dataclasses.replace(LinkConfig(), group_window_margin=0.05)
    assert agglomerate(early + late, margin) == [[0, 1, 2, 3]]
    told = [dataclasses.replace(f, happened=f.date) for f in early + late]
    assert agglomerate(told, margin) == [[0, 1], [2, 3]]
    assert agglomerate(early + late[:1], margin) == [[0, 1], [2]]


SIGNING = Happening("cooperation", "Britain", "Japan", "JP")
WALKOUT = Happening("conflict", "Russia", "Britain", "ZA")


def test_linkage_clashes_count_kind_place_and_sides():
    assert clashes(SIGNING, WALKOUT) == 3
    assert clashes(SIGNING, SIGNING) == 0
    assert clashes(SIGNING, Happening("cooperation", "Japan", "Britain", "JP")) == 1  # sides swapped
    assert clashes(SIGNING, Happening("cooperation", "Britain", "Japan", "GB")) == 1  # another country
    assert clashes(SIGNING, Happening(None, "Canada", "Japan", None)) == 0  # a statement; one side shared
    assert clashes(SIGNING, Happening("conflict", None, None, None)) == 1  # who and where unknown: no clash
    assert clashes(SIGNING, None) == 0


def test_linkage_reports_whose_main_happenings_clash_every_way_never_join():
    """Two reports of one week naming the same minister and much the same words: a signing in Tokyo and a
    walkout on him at a summit in Durban. The words alone would join them; their main happenings forbid it."""
    signing = feats("Foreign Secretary Aldous Penrose and the Japanese foreign minister signed a minerals pact on "
                    "Wednesday, Penrose told reporters after the talks with his counterpart.", main=SIGNING)
    walkout = feats("Foreign Secretary Aldous Penrose was left speaking to empty seats on Wednesday as the Russian "
                    "foreign minister walked out before the talks, Penrose told reporters.", main=WALKOUT)
    assert link([signing, walkout], dataclasses.replace(LinkConfig(), happening_clashes=None)) == [0, 0]
    assert link([signing, walkout]) == [0, 1]
    slip = dataclasses.replace(walkout, main=dataclasses.replace(SIGNING, country="GB"))  # one clash: a slip
    assert link([signing, slip]) == [0, 0]


def test_linkage_two_lone_reports_join_on_the_lone_threshold():
    """Two reports share a word or two by chance (the venue and the weekday of a convention week) far more often
    than a report shares them with every report of a group: on their own they join on `lone_threshold`."""
    def report(words: str) -> Features:
        return Features(vector=normalise(dict.fromkeys(words.split(), 1.0)), years=frozenset(), date=None,
                        actors=frozenset(), places=frozenset())

    a, b = report("arena ferry strike harbour pilots union"), report("arena choir concert tickets sold out")
    assert LinkConfig().threshold < cosine(a.vector, b.vector) < LinkConfig().lone_threshold
    assert agglomerate([a, b], LinkConfig()) == [[0], [1]]
    assert agglomerate([a, b], dataclasses.replace(LinkConfig(), lone_threshold=0.09)) == [[0, 1]]


def test_linkage_a_report_sharing_a_chance_word_with_each_of_a_group_stays_out():
    """Two reports of one caucus night; a third, about a debate's ratings, shares 'iowa' with one and 'volunteers'
    with the other: each of its pairs passes the complete-link threshold, but their mean stays under what two lone
    reports need (`lone_threshold`), so it does not join: a group is held to the mean of its pairs as well."""
    def report(words: str) -> Features:
        return Features(vector=normalise(dict.fromkeys(words.split(), 1.0)), years=frozenset(), date=None,
                        actors=frozenset(), places=frozenset())

    a = report("iowa caucus turnout record ames precinct")
    b = report("caucus turnout record ames precinct volunteers")
    c = report("iowa volunteers debate moderator ratings network anchors primetime")
    cfg = LinkConfig()
    assert all(cfg.threshold < cosine(x.vector, c.vector) < cfg.lone_threshold for x in (a, b))
    assert agglomerate([a, b, c], cfg) == [[0, 1], [2]]
    assert agglomerate([a, b, c], dataclasses.replace(cfg, lone_threshold=0.09)) == [[0, 1, 2]]


def test_linkage_principal_actors_apart_cost_the_actor_penalty():
    """Two reports on one theme whose main happenings name different persons as who acted (a senator's speech,
    a rival's rally) pay `actor_penalty`; a shared person, or a side not resolved to a person, costs nothing."""
    def report(*people: str) -> Features:
        return Features(vector=normalise({"wage": 1.0}), years=frozenset(), date=None, actors=frozenset(),
                        places=frozenset(), main=Happening("cooperation", None, None, None, None, frozenset(people)))

    cfg = LinkConfig()
    assert pair_penalty(report("p:vance"), report("p:orloff"), cfg) == cfg.actor_penalty
    assert pair_penalty(report("p:vance", "p:orloff"), report("p:orloff"), cfg) == 0.0
    assert pair_penalty(report("p:vance"), report(), cfg) == 0.0


def test_linkage_main_happening_people_are_the_person_actors_of_its_sides():
    article = {"id": "x", "title": None, "published": None, "updated": None, "removed": [], "places": [],
               "text": "Senator Ada Vance told a rally in Dayton that the minimum wage must rise.",
               "actors": [{"id": "p:ada-vance", "kind": "person", "name": "Ada Vance", "mentions": ["Vance"]},
                          {"id": "c:dayton", "kind": "org", "name": "Dayton", "mentions": []}],
               "events": [{"cameo": "043", "trigger": "told", "source": {"text": "Vance"}, "target": {"text": "Dayton"}, "start": 14,
                           "sentence": 0, "date": None, "place": None}]}
    main = features(article).main
    assert main is not None and main.people == frozenset({"p:ada-vance"})
