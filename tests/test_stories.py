"""Storylines: related but distinct happenings reported days apart (a letter and the warrant two days later, a
strike and the talks that end it) are two events of one storyline; happenings that only share their people
(every campaign story names both candidates) are not; the storyline's timeline is shown by `newsdesk story`,
the API and the web page. The articles are written for these tests."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsdesk.api import create_app
from newsdesk.cli import app
from newsdesk.cluster.features import LEAD_WORDS, NAME_BOOST, NUMBER_BOOST, cosine, normalise, term_vector
from newsdesk.cluster.incremental import ClusterConfig
from newsdesk.cluster.rebuild import recluster
from newsdesk.cluster.stories import continued, recalled, setting_words, subject
from newsdesk.pipeline import ingest_paths
from newsdesk.store import open_store

TEMBO, MWANZA = "Grace Tembo", "Joseph Mwanza"

# name -> (outlet, published, title, text): three weeks of an election campaign, every report naming the two
# candidates; the letter and the warrant two days later are related happenings, the rest are not
CAMPAIGN = {
    "letter_a": ("Lusaka Times", "2025-06-02T09:00:00", "Mwanza demands audit of voters' roll in letter to "
                 "electoral commission",
                 "Opposition leader Joseph Mwanza wrote to the Electoral Commission of Zambia on Monday demanding "
                 "an independent audit of the voters' roll, which he said held about 400,000 names of dead or "
                 "duplicated voters.\nIn the four-page letter, Mwanza gave the commission seven days to publish "
                 "the roll district by district and warned that his party would ask observers to stay away if it "
                 "refused.\nA commission spokesman confirmed that the letter had been received and said it would "
                 "be answered in due course. President Grace Tembo's office did not comment."),
    "letter_b": ("Copperbelt Wire", "2025-06-02T15:30:00", "Opposition chief gives electoral body seven days over "
                 "voter register",
                 "Joseph Mwanza, the leader of the opposition, has given the Electoral Commission of Zambia seven "
                 "days to open the voters' roll to an independent audit, according to a letter delivered to the "
                 "commission in Lusaka on Monday.\nThe letter says some 400,000 entries belong to people who have "
                 "died or are registered twice. The commission said it had received the letter and would "
                 "respond.\nThe election between Mwanza and President Grace Tembo is due in August."),
    "warrant_a": ("Lusaka Times", "2025-06-04T11:00:00", "Court issues arrest warrant for opposition leader Mwanza",
                  "A Lusaka magistrate issued a warrant for the arrest of opposition leader Joseph Mwanza on "
                  "Wednesday on a charge of publishing false statements likely to cause public alarm.\nPolice said "
                  "officers had gone to his house in Kabulonga but he was not there. His lawyers said they would "
                  "apply to the High Court to have the warrant set aside.\nThe charge concerns his claim, in a "
                  "letter to the electoral commission on Monday, that the voters' roll held hundreds of thousands "
                  "of dead voters."),
    "warrant_b": ("Copperbelt Wire", "2025-06-04T17:45:00", "Warrant out for Mwanza over 'false statements'",
                  "Magistrate Ruth Banda in Lusaka on Wednesday ordered the arrest of Joseph Mwanza, the opposition "
                  "leader, accusing him of spreading false statements.\nSupporters gathered outside his party's "
                  "headquarters and riot police blocked the road. The government of President Grace Tembo denied "
                  "any part in the case.\nMwanza had accused the electoral commission of padding the voters' roll."),
    "rally": ("Lusaka Times", "2025-06-07T10:00:00", "Tembo opens smelter at Kitwe rally",
              "President Grace Tembo opened a new copper smelter in Kitwe on Saturday and told a rally of several "
              "thousand miners that the plant would create 2,000 jobs.\nTembo said mining royalties would pay for "
              "new clinics in the Copperbelt province. She made no mention of her rival Joseph Mwanza.\nThe smelter "
              "was built by a Chinese and Zambian joint venture at a cost of $600 million."),
    "mill": ("Copperbelt Wire", "2025-06-10T12:00:00", "Mwanza tours Kabwe textile mill, promises cotton subsidy",
             "Joseph Mwanza toured a textile mill in Kabwe on Tuesday and promised cotton farmers a subsidy of 30 "
             "per cent on seed if he defeats President Grace Tembo in August.\nWorkers at the mill, which reopened "
             "last year after a decade shut, told him wages had not kept up with the price of maize meal.\nMwanza "
             "said the mill showed what local manufacturing could do with cheaper power."),
    "debate_a": ("Lusaka Times", "2025-06-13T07:00:00", "Tembo and Mwanza clash over debt in televised debate",
                 "President Grace Tembo and opposition leader Joseph Mwanza clashed over national debt and maize "
                 "prices in a televised debate on Thursday night, the first of the campaign.\nMwanza accused the "
                 "president of borrowing to pay for projects that never started, while Tembo said his party had "
                 "left the treasury empty when it last governed.\nThe 90-minute debate was broadcast by ZNBC and "
                 "moderated by the broadcaster Mutale Phiri."),
    "debate_b": ("Copperbelt Wire", "2025-06-13T09:00:00", "Debt and maize dominate first presidential debate",
                 "Debt and the price of maize meal dominated the first presidential debate between Grace Tembo and "
                 "Joseph Mwanza, broadcast live by ZNBC on Thursday.\nTembo defended her borrowing as investment "
                 "in roads and power, and Mwanza said families could no longer afford a bag of mealie meal.\n"
                 "Moderator Mutale Phiri twice asked the candidates to stop interrupting each other."),
    "flood": ("Lusaka Times", "2025-06-16T08:00:00", "Tembo visits flood victims in Mongu",
              "President Grace Tembo visited families displaced by floods in Mongu on Sunday and promised 50 "
              "million kwacha in relief after the Zambezi rose over its banks in Western province.\nAbout 12,000 "
              "people have left their homes, the disaster management unit said. Joseph Mwanza's party said relief "
              "had come too late."),
    "ad": ("Copperbelt Wire", "2025-06-24T10:00:00", "Mwanza campaign launches radio advert on fuel prices",
           "Joseph Mwanza's campaign launched a radio advertisement on Tuesday blaming President Grace Tembo for "
           "fuel prices that have doubled since 2022.\nThe 30-second advert, in Bemba, Nyanja and English, will "
           "run on 40 community stations until the election, campaign officials said."),
}

# a strike, and the talks and the deal that end it two weeks later, beside other work of the minister they name
STRIKE = {
    "strike_a": ("Santiago Post", "2025-03-03T09:00:00", "Miners walk out at Los Quillayes copper mine",
                 "About 1,800 workers at the Los Quillayes copper mine in the Atacama desert went on strike on "
                 "Monday after talks on a 9 per cent pay rise broke down, the miners' union said.\nOutput at the "
                 "mine, which produces about 4 per cent of Chile's copper, stopped at midnight. Mining Minister "
                 "Andres Salgado urged the union and the company, Minera Quillayes, to return to the table."),
    "strike_b": ("Andes Wire", "2025-03-03T14:00:00", "Strike halts output at Chilean copper mine",
                 "Production at Los Quillayes, one of Chile's biggest copper mines, was halted on Monday when its "
                 "union began an indefinite strike over pay.\nThe union wants a 9 per cent raise and a bonus of 5 "
                 "million pesos; Minera Quillayes has offered 4 per cent. Minister Andres Salgado said the "
                 "government was ready to mediate."),
    "lithium": ("Santiago Post", "2025-03-05T10:00:00", "Salgado sends lithium bill to Congress",
                "Mining Minister Andres Salgado sent a bill to Congress on Wednesday that would let private "
                "companies mine lithium in salt flats alongside the state copper company Codelco.\nThe bill sets "
                "a royalty of up to 40 per cent on lithium sales and creates a fund for indigenous communities "
                "near the Salar de Atacama."),
    "talks": ("Andes Wire", "2025-03-11T18:00:00", "Government brokers talks as Quillayes strike enters second week",
              "Union leaders and managers of Minera Quillayes met for eight hours at the mining ministry in "
              "Santiago on Tuesday in talks brokered by Andres Salgado, as the strike at the Los Quillayes mine "
              "entered its second week.\nBoth sides said progress had been made on the bonus but not on the pay "
              "rise. The strike has cost about $15 million a day in lost copper output, analysts estimate."),
    "japan": ("Santiago Post", "2025-03-12T08:00:00", "Salgado courts Japanese investors in Tokyo",
              "Andres Salgado met executives of Japanese trading houses in Tokyo on Wednesday to promote investment "
              "in Chilean copper smelting and green hydrogen.\nThe minister said Chile wanted to refine more of its "
              "ore at home instead of shipping concentrate to Asian smelters."),
    "pension": ("Andes Wire", "2025-03-14T09:00:00", "Salgado backs pension overhaul in radio interview",
                "Andres Salgado said in a radio interview on Friday that he supported the government's plan to "
                "raise employer pension contributions by 6 percentage points over nine years.\nThe minister said "
                "the reform would not harm investment, rejecting warnings from business groups."),
    "deal_a": ("Santiago Post", "2025-03-18T20:00:00", "Los Quillayes strike ends with wage deal",
               "The union at the Los Quillayes copper mine signed a wage agreement with Minera Quillayes on "
               "Tuesday, ending a 15-day strike.\nWorkers will get a 6 per cent raise and a bonus of 3.5 million "
               "pesos. Andres Salgado, the mining minister, who brokered the talks, said production would resume "
               "on Thursday."),
    "deal_b": ("Andes Wire", "2025-03-19T07:00:00", "Chilean miners accept pay offer, return to work",
               "Miners at Los Quillayes voted to accept a 6 per cent pay rise on Tuesday, ending the longest strike "
               "at a Chilean copper mine in a decade.\nMinister Andres Salgado thanked both sides. Copper prices "
               "fell 1 per cent in London on news that output would restart."),
}

# the ruling party's complaint about the debate's broadcast, a week on
COMPLAINT = ("Ruling party complains to broadcasting regulator over ZNBC",
             "President Grace Tembo's party filed a complaint with the Independent Broadcasting Authority on Friday "
             "accusing ZNBC of bias, a week after the state broadcaster hosted the televised debate between Tembo "
             "and Joseph Mwanza.\nThe complaint says the president's microphone was cut twice while Mwanza spoke "
             "for four minutes longer. The authority said it would hear both sides within 14 days.")


def person(name: str, *mentions: str) -> dict:
    return {"id": "p:" + name.lower().replace(" ", "-"), "name": name, "kind": "person", "mentions": [name, *mentions]}


def stored(name: str, title: str, text: str, actors: list[dict], timexes: tuple[str, ...] = ()) -> dict:
    """An article as `Store.get_article` returns it, with the people and dates the annotator would find."""
    return {"id": name, "title": title, "text": text, "actors": actors, "places": [],
            "timexes": [{"text": t, "type": "DATE"} for t in timexes]}


def event_state(name: str, *articles: dict) -> dict:
    """A stored event's state as `Store.story_candidates` returns it: its reports' summed term vectors."""
    terms: dict[str, float] = {}
    for a in articles:
        for w, x in term_vector(f"{a['title']}\n{a['text']}", name_boost=NAME_BOOST, number_boost=NUMBER_BOOST,
                                lead_words=LEAD_WORDS).items():
            terms[w] = terms.get(w, 0.0) + x
    return {"id": "e" + name, "story_id": "s" + name, "terms": terms}


def campaign_article(name: str) -> dict:
    _, _, title, text = CAMPAIGN[name]
    return stored(name, title, text, [person(TEMBO, "President Grace Tembo", "Tembo"),
                                      person(MWANZA, "opposition leader", "Mwanza")], ("Thursday",))


def test_stories_setting_words_are_people_countries_and_dates():
    article = {"actors": [person(MWANZA, "the opposition leader"), {"name": "Zambia", "kind": "country"},
                          {"name": "Electoral Commission of Zambia", "kind": "org", "mentions": ["the commission"]}],
               "places": [{"name": "Zambia", "feature": "country"}, {"name": "Lusaka", "feature": "city"}],
               "timexes": [{"text": "on Monday", "type": "DATE"}, {"text": "seven days", "type": "DURATION"}]}
    assert setting_words(article) == {"joseph", "mwanza", "the", "opposition", "leader", "zambia", "on", "monday"}
    # a possessive is its name's; what the subject is made of stays
    assert set(subject({"mwanza's": 0.5, "letter": 0.5, "commission": 0.5}, frozenset({"mwanza"}), {})) == \
        {"letter", "commission"}


def test_stories_a_reaction_continues_the_debate_a_tour_does_not():
    """Every report names both candidates: the complaint about the debate's broadcast continues the debate's
    story; a tour of a textile mill does not, though its words with the candidates' names reach the debate's as
    closely as the complaint's do."""
    debate = event_state("debate", campaign_article("debate_a"), campaign_article("debate_b"))
    others = [event_state(n, campaign_article(n)) for n in ("rally", "flood", "letter_a")]
    threshold = ClusterConfig().story_threshold
    complaint = stored("complaint", *COMPLAINT, campaign_article("debate_a")["actors"], ("on Friday",))
    assert continued(complaint, "ecomplaint", [debate, *others], threshold)["id"] == "edebate"
    mill = campaign_article("mill")
    assert continued(mill, "emill", [debate, *others], threshold) is None
    # with the candidates' names left in, the tour would read as close to the debate as the complaint does
    names_in = cosine(normalise(recalled(mill)), normalise(debate["terms"]))
    assert names_in > cosine(subject(recalled(mill), setting_words(mill), {}), subject(debate["terms"],
                                                                                       setting_words(mill), {}))
    assert names_in > threshold
    # a candidate with no story of its own (being placed) or the new event itself is never continued
    assert continued(complaint, "edebate", [debate], threshold) is None
    assert continued(complaint, "ecomplaint", [{**debate, "story_id": None}], threshold) is None


def write(tmp_path, name: str, outlet: str, published: str, title: str, text: str) -> str:
    p = tmp_path / f"{name}.jsonl"
    p.write_text(json.dumps({"id": name, "outlet": outlet, "published": published, "title": title, "text": text}))
    return str(p)


@pytest.fixture(scope="module")
def coverage(tmp_path_factory) -> dict[str, str]:
    """The campaign's and the strike's coverage each ingested (annotated, clustered, settled) into a store of
    its own. (In one store the letter and the warrant become one event: the more other news the store holds,
    the more the candidates' names weigh in the settle step, `features.store_weights`.)"""
    dbs = {}
    for key, articles in (("campaign", CAMPAIGN), ("strike", STRIKE)):
        tmp = tmp_path_factory.mktemp(key)
        dbs[key] = str(tmp / "s.db")
        with open_store(dbs[key]) as store:
            ingest_paths([write(tmp, name, *fields) for name, fields in articles.items()], store, workers=1)
    return dbs


def placed(db: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each report's event and each event's story."""
    with open_store(db) as store:
        event = {r["external_id"].removesuffix(".jsonl"): r["event_id"] for r in store.iter_export()}
        story = {e["id"]: e["story_id"] for e in store.list_clustered_events(limit=100)}
    return event, story


def assert_storylines(event: dict[str, str], story: dict[str, str], first: tuple[str, str],
                      then: tuple[str, ...], alone: tuple[str, ...]) -> None:
    """The reports `first` are one event, and `then` another (or more) of the same storyline; each of `alone`
    is an event of a storyline of its own."""
    assert event[first[0]] == event[first[1]] and not {event[n] for n in then} & {event[first[0]]}
    assert {story[event[n]] for n in (*first, *then)} == {story[event[first[0]]]}
    # the other happenings share their people with these and with each other, and stand alone
    lines = {story[event[n]] for n in alone}
    assert len(lines) == len(alone) and story[event[first[0]]] not in lines


@pytest.mark.slow
@pytest.mark.parametrize(("key", "first", "then", "alone"), [
    ("campaign", ("letter_a", "letter_b"), ("warrant_a", "warrant_b"),
     ("rally", "mill", "debate_a", "flood", "ad")),
    ("strike", ("strike_a", "strike_b"), ("talks", "deal_a", "deal_b"), ("lithium", "japan", "pension")),
])
def test_stories_related_happenings_share_a_storyline_people_alone_do_not(coverage, key, first, then, alone):
    assert_storylines(*placed(coverage[key]), first, then, alone)
    with open_store(coverage[key]) as store:
        recluster(store)
    assert_storylines(*placed(coverage[key]), first, then, alone)  # the same storylines rebuilt


@pytest.mark.slow
def test_stories_timeline_in_cli_api_and_web(coverage):
    db = coverage["campaign"]
    event, story = placed(db)
    sid = story[event["warrant_a"]]
    expected = [(event["letter_a"], "2025-06-02"), (event["warrant_a"], "2025-06-04")]
    runner = CliRunner()
    r = runner.invoke(app, ["story", sid, "--db", db, "--json"], prog_name="newsdesk")
    assert r.exit_code == 0, r.output
    assert [(e["id"], e["date_min"][:10]) for e in json.loads(r.stdout)["events"]] == expected
    r = runner.invoke(app, ["story", sid[:8], "--db", db], env={"COLUMNS": "200"}, prog_name="newsdesk")
    assert r.exit_code == 0, r.output
    dated = re.findall(r"(\d{4}-\d{2}-\d{2}) .*?(\d+) reports\s+(.+)", r.stdout)
    assert [(d, n) for d, n, _ in dated] == [("2025-06-02", "2"), ("2025-06-04", "2")]
    assert dated[1][2].startswith("Court issues arrest warrant")
    with TestClient(create_app(db)) as client:
        rows = client.get(f"/api/v1/stories/{sid}").json()["rows"]
        assert [(e["id"], e["date_min"][:10]) for e in rows[0]["events"]] == expected
        page = client.get(f"/stories/{sid}")
        assert page.status_code == 200 and "2 events in time order" in page.text
        assert page.text.index("2025-06-02") < page.text.index("2025-06-04")
        assert page.text.index(event["letter_a"]) < page.text.index(event["warrant_a"])
