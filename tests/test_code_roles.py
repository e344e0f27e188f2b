"""Code stage, roles: who did it (source) and to whom (target) from the parse of sentences written for these
tests: passive agents, "criticism from X", coordination, pronouns and surnames, names inside modifiers,
datelines, event nouns and participles, the clauses that only describe an argument."""

from __future__ import annotations

import pytest


def _country(actor) -> str | None:
    return actor.country if actor is not None else None


def _events(coder, text: str, prefix: str):
    events = [e for e in coder(text) if e.cameo.startswith(prefix)]
    assert events, f"no {prefix} event in {[(e.cameo, e.trigger) for e in coder(text)]}"
    return events


# (sentence, cameo prefix, source country, target country)
CASES = [
    # a passive's by-agent is the source, its subject the target
    ("Three Kenyan activists were detained by Ugandan police on Friday.", "173", "UGA", "KEN"),
    # "drew criticism from X": X criticised the one who drew it
    ("The Polish government drew sharp criticism from Germany on Monday.", "11", "DEU", "POL"),
    # a subject that is an event noun: its agent did it
    ("A bombing by Chadian rebels killed twelve villagers in Niger.", "1", "TCD", "NER"),
    # a participle of a document states its author's act
    ("Ghana published a report accusing Togo of harbouring smugglers.", "112", "GHA", "TGO"),
]


@pytest.mark.parametrize("text,prefix,src,tgt", CASES)
def test_code_roles_source_and_target(coder, text, prefix, src, tgt):
    events = _events(coder, text, prefix)
    assert any(_country(e.source) == src and _country(e.target) == tgt for e in events), \
        [(e.source, e.target) for e in events]


def test_code_roles_coordinated_sources_one_record_each(coder):
    events = _events(coder, "Britain, France and Germany condemned Iran on Tuesday.", "111")
    assert {_country(e.source) for e in events} == {"GBR", "FRA", "DEU"}
    assert {_country(e.target) for e in events} == {"IRN"}


def test_code_roles_dateline_is_no_actor(coder):
    # "LIMA --" says where the story was filed; the police did the arresting
    events = _events(coder, "LIMA -- Peruvian police arrested four Bolivian smugglers on Monday.", "173")
    assert all(e.source is not None and "LIMA" not in e.source.text for e in events)
    assert any(_country(e.source) == "PER" and _country(e.target) == "BOL" for e in events)


def test_code_roles_relative_clause_is_not_the_target(coder):
    # the protesters were fired at, not the road they blocked or the border near it
    events = _events(coder, "Peruvian police fired tear gas at protesters who blocked a road near the Bolivian "
                            "border.", "1")
    assert all(e.target is not None and e.target.text == "protesters" for e in events), \
        [(e.cameo, e.target) for e in events]


def test_code_roles_prepositional_verb_object_is_the_target(coder):
    # "called on X to do Y": X is asked, not the one Y would be done to
    events = _events(coder, "Kenyan lawmakers called on the police to arrest the Somali traders.", "0")
    assert all(e.target is not None and e.target.text == "the police" for e in events), \
        [(e.cameo, e.target) for e in events]


def test_code_roles_pronoun_in_reported_clause_only(coder):
    # "he" is not the subject of the main clause it merely sits beside
    events = coder("Chile's complaints about Peru grew as Argentina accused it of spying.")
    assert all(_country(e.source) != "CHL" for e in events if e.cameo.startswith("112"))


def test_code_roles_they_stand_for_a_body_not_a_person(coder):
    text = "Canada recalled its ambassador from Venezuela. They criticized Nicolás Maduro for the arrests."
    e = _events(coder, text, "111")[0]
    assert _country(e.source) in ("CAN", "VEN") and e.source.actor_id != e.target.actor_id


def test_code_roles_surname_stands_for_the_full_name(coder):
    text = ("Chilean senator Ana Rojas spoke in Santiago on Monday. "
            "On Tuesday, Rojas accused Peru of spying on Chilean ships.")
    e = _events(coder, text, "112")[0]
    assert e.source is not None and e.source.name == "Ana Rojas" and _country(e.target) == "PER"


def test_code_roles_name_in_a_modifier_is_not_the_actor(coder):
    # a pro-Moscow militia is not Russia
    events = _events(coder, "A pro-Moscow militia shelled a Ukrainian village on Sunday.", "19")
    assert all(_country(e.source) != "RUS" for e in events)


# (sentence, cameo prefix, target text): objects the KB does not know are still the one acted on
NAMED_TARGETS = [
    ("A Ghanaian court rejected the organization on Monday.", "12", "the organization"),
    ("Since 2015, the Turkish president has accused Okonkwo of plotting against the state.", "112", "Okonkwo"),
    ("Egyptian authorities freed 23 Christians on Friday.", "08", "23 Christians"),
]


@pytest.mark.parametrize("text,prefix,target", NAMED_TARGETS)
def test_code_roles_unknown_named_object_is_the_target(coder, text, prefix, target):
    events = _events(coder, text, prefix)
    assert any(e.target is not None and e.target.text == target and e.target.country is None for e in events), \
        [(e.cameo, e.target) for e in events]


def test_code_roles_a_date_is_no_target(coder):
    events = _events(coder, "Senior Chilean and Peruvian officials agreed on Wednesday to reopen the border.", "03")
    assert all(e.target is None or "Wednesday" not in e.target.text for e in events), [e.target for e in events]


def test_code_roles_coordinated_source_without_country_kept(coder):
    # a conjunct the KB does not know is a source of its own beside the one it does
    events = _events(coder, "Ghana and Okonkwo condemned Togo on Monday.", "111")
    assert {(_country(e.source), e.source.text) for e in events} == {("GHA", "Ghana"), (None, "Okonkwo")}
    assert {_country(e.target) for e in events} == {"TGO"}


# (sentence, cameo prefix, source text): a doer the KB does not know is still the source
NAMED_SOURCES = [
    ("The Banda Liberation Front attacked a Chadian police post on Sunday.", "18", "The Banda Liberation Front"),
    ("The KLF carried out an attack on a Kenyan army base on Sunday.", "19", "The KLF"),
]


@pytest.mark.parametrize("text,prefix,source", NAMED_SOURCES)
def test_code_roles_unknown_named_doer_is_the_source(coder, text, prefix, source):
    events = _events(coder, text, prefix)
    assert any(e.source is not None and e.source.text == source for e in events), [(e.cameo, e.source) for e in events]


def test_code_roles_agentless_arrest_is_by_the_police_where_it_happened(coder):
    e = _events(coder, "Two Kenyan journalists were arrested in Uganda on Monday.", "173")[0]
    assert (_country(e.source), e.source.sector, _country(e.target)) == ("UGA", "COP", "KEN")
    # no place: no guess
    e = _events(coder, "Two Kenyan journalists were arrested on Monday.", "173")[0]
    assert e.source is None or e.source.sector != "COP" or e.source.text != "police"


# (sentence, cameo prefix, source country, target text): the one acted on named through the parse
TARGETS_THROUGH = [
    # "discussed X with Y": Y is talked with, X is the topic
    ("Kenyan President William Ruto discussed Somalia with Ugandan President Yoweri Museveni on Monday.", "04",
     "KEN", "Ugandan President Yoweri Museveni"),
    # the author of the thing criticised, told by a clause that describes it
    ("Kenyan lawmakers criticized several parts of the plan Yoweri Museveni announced.", "11", "KEN",
     "Yoweri Museveni"),
    # "before the panel": the body one appears before, a body the KB does not know
    ("Kenyan President William Ruto testified before the panel on Tuesday.", "04", "KEN", "the panel"),
    # "questions from X": rejecting them is aimed at X
    ("Kenya's finance minister refused to answer questions from the oversight panel.", "12", "KEN",
     "the oversight panel"),
]


@pytest.mark.parametrize("text,prefix,src,target", TARGETS_THROUGH)
def test_code_roles_target_named_through_the_parse(coder, text, prefix, src, target):
    events = _events(coder, text, prefix)
    assert any(_country(e.source) == src and e.target is not None and e.target.text == target for e in events), \
        [(e.cameo, e.source, e.target) for e in events]


def test_code_roles_owner_of_a_thing_criticised_is_the_person(coder):
    # "X's handling of ...": X, the person, not merely X's country
    events = _events(coder, "Kenyan lawmakers criticized William Ruto's handling of the floods on Monday.", "11")
    assert any(e.target is not None and e.target.name == "William Ruto" for e in events), \
        [(e.cameo, e.target) for e in events]


def test_code_roles_called_for_x_to_act_targets_x(coder):
    events = _events(coder, "Kenyan lawmakers called for Uganda and its allies to withdraw their troops.", "0")
    assert any(_country(e.target) == "UGA" for e in events), [(e.cameo, e.target) for e in events]


def test_code_roles_own_possessive_is_not_the_other_side(coder):
    # "its troops" are Ghana's own: the other side is where they leave
    events = _events(coder, "Ghana said it would withdraw its troops from Togo.", "0")
    assert all(_country(e.target) != "GHA" for e in events), [(e.cameo, e.target) for e in events]
    assert any(_country(e.target) == "TGO" for e in events), [(e.cameo, e.target) for e in events]


def test_code_roles_where_someone_was_is_no_target(coder):
    # "while at the ministry" says where the minister was, not whom he was criticised for
    events = _events(coder, "Kenyan lawmakers criticized Ruto's conduct while at the Foreign Ministry.",
                     "11")
    assert all(e.target is None or "Ministry" not in e.target.text for e in events), [e.target for e in events]


def test_code_roles_they_is_what_the_previous_sentence_is_about(coder):
    # the previous sentence is about the Kenyan opposition; the countries come later in it
    text = ("Kenya's opposition party ODM said the airstrikes in Somalia and Ethiopia were a mistake. "
            "They criticized Uganda for the raids.")
    e = _events(coder, text, "11")[0]
    assert e.source is not None and _country(e.source) == "KEN", e.source


# (sentence, cameo prefix, target text): the one acted on is a role or people no name or KB entry gives
PEOPLE_TARGETS = [
    # "granted a pardon to X": the preposition the parser reads as a dative gives its object
    ("The Kenyan president granted a pardon to Odhiambo Wekesa, a former journalist.", "08",
     "Odhiambo Wekesa, a former journalist"),
    # the author of the request refused is a role whose country comes later
    ("Ghana's president refused a request from the finance minister to sack the central bank governor.", "12",
     "the finance minister"),
    ("The Ugandan authorities are pressuring lecturers to end their strike.", "1", "lecturers"),
    ("Kenyan police and Ugandan soldiers arrested four smugglers on Friday.", "17", "four smugglers"),
]


@pytest.mark.parametrize("text,prefix,target", PEOPLE_TARGETS)
def test_code_roles_people_and_roles_are_targets(coder, text, prefix, target):
    events = _events(coder, text, prefix)
    assert any(e.target is not None and e.target.text == target for e in events), \
        [(e.cameo, e.target) for e in events]


def test_code_roles_speaker_is_not_they_in_his_own_words(coder):
    # in a quote "they" are others; the speaker is the source only of what he says
    text = '"They attacked our convoy near the border," Kenyan Defence Minister Aden Duale said on Tuesday.'
    events = _events(coder, text, "1")
    assert all(e.source is None or "Duale" not in e.source.text for e in events), [e.source for e in events]
    # reported speech: "they" is the one who said it
    e = _events(coder, "Kenyan rebels said they attacked a Ugandan convoy near the border.", "1")[0]
    assert (_country(e.source), _country(e.target)) == ("KEN", "UGA")


def test_code_roles_hyphen_is_no_dateline(coder):
    # "multi-pronged" holds a hyphen, not the dash of a dateline: the subject is the doer
    e = _events(coder, "ADF carried out a multi-pronged attack on a Ugandan army base.", "1")[0]
    assert e.source is not None and e.source.text == "ADF", e.source


def test_code_roles_dateline_stays_out_of_the_actor_text(coder):
    e = _events(coder, "NAIROBI - Armed men attacked a Kenyan police post on Sunday.", "1")[0]
    assert e.source is not None and e.source.text == "Armed men", e.source


def test_code_roles_event_noun_of_the_cue_names_its_target(coder):
    # "carried out an attack on X": X is the target, not the attack
    e = _events(coder, "Somali militants carried out an attack on the Kenyan parliament on Monday.", "1")[0]
    assert e.target is not None and e.target.text == "the Kenyan parliament", e.target


def test_code_roles_condemning_an_act_blames_its_doer(coder):
    e = _events(coder, "The Kenyan foreign ministry condemned the attack by Ugandan rebels on a border post.", "11")[0]
    assert _country(e.target) == "UGA" and "rebels" in e.target.text, e.target


def test_code_roles_investigated_thing_names_its_owner(coder):
    # "the dealings of X": X is who is investigated
    e = _events(coder, "Kenyan prosecutors opened an investigation into the business dealings of the firm "
                       "Okapi Holdings.", "09")[0]
    assert e.target is not None and "Okapi Holdings" in e.target.text, e.target


# a name tied to the actor by a modifier is not the actor: (sentence, cameo prefix, name it must not be)
TIED_NAMES = [
    ("A Ruto-appointed judge blocked the Nairobi county law on Tuesday.", "1", "William Ruto"),
    ("The Kremlin-backed separatists shelled Mariupol on Sunday.", "19", "Kremlin"),
]


@pytest.mark.parametrize("text,prefix,name", TIED_NAMES)
def test_code_roles_tied_name_is_not_the_actor(coder, text, prefix, name):
    context = "Kenyan President William Ruto spoke in Nairobi on Monday. " if "Ruto" in text else ""
    events = _events(coder, context + text, prefix)
    assert all(e.source is None or e.source.name != name for e in events), [e.source for e in events]


def test_code_roles_name_inside_a_product_is_no_actor(coder):
    events = coder("The Toyota Corolla driver struck a Kenyan police officer on Monday.")
    assert all(e.source is None or _country(e.source) != "JPN" for e in events), [e.source for e in events]


# (sentence, cameo prefix, target country): whom the act helps or lets act, named in a clause below it
CLAUSE_TARGETS = [
    ("Kenya offered to send troops to help the Somali army.", "03", "SOM"),
    ("Ethiopia agreed to allow the Kenyan Red Cross to deliver food.", "03", "KEN"),
]


@pytest.mark.parametrize("text,prefix,tgt", CLAUSE_TARGETS)
def test_code_roles_target_in_a_clause_below(coder, text, prefix, tgt):
    events = _events(coder, text, prefix)
    assert any(_country(e.target) == tgt for e in events), [(e.cameo, e.target) for e in events]


def test_code_roles_warned_that_x_will_is_no_target_x(coder):
    # the subject of what is warned of acts; it is not the one warned
    events = coder("Kenya's police chief warned that the army will no longer tolerate rallies by Ugandan "
                   "traders.")
    assert all(e.target is None or "army" not in e.target.text for e in events if e.cameo.startswith("13"))


def test_code_roles_before_a_body_inside_a_phrase(coder):
    # "on the record before Congress": the body is named inside the verb's phrase
    events = _events(coder, "Kenyan businessman Odhiambo Wekesa refused to testify on the record before the "
                            "Senate committee.", "12")
    assert any(e.target is not None and "committee" in e.target.text for e in events), [e.target for e in events]


def test_code_roles_speaker_is_not_the_doer_of_what_he_reports(coder):
    # the parser hangs the subject on the dateline and the killing under "said": the airstrike's
    # country did it, not the officials who said so
    text = ("KAMPALA, Uganda -- A Kenyan military airstrike has killed a worker for a telecom company in "
            "Uganda, officials in the country said Tuesday.")
    events = _events(coder, text, "1")
    assert all(e.source is None or "officials" not in e.source.text for e in events), [e.source for e in events]
    assert any(_country(e.source) == "KEN" for e in events), [e.source for e in events]
