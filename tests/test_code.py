"""Code stage: the CAMEO/PLOVER ontology data, the pattern dictionary, and event coding of sentences
written for these tests (verbs, phrasal verbs, passives, nominalisations, group actors, non-events)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
import yaml

from newsdesk.code import cameo, to_plover
from newsdesk.code.ontology import cameo_codes, family_code, plover_types
from newsdesk.code.patterns import find_cues, lemmas, lexicon

DATA = resources.files("newsdesk.code").joinpath("data")
ROOTS = [f"{n:02d}" for n in range(1, 21)]


# --- ontology data -------------------------------------------------------------------------------------


def test_code_cameo_codes_are_strings_with_parents():
    with DATA.joinpath("cameo.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows), "duplicate CAMEO code"
    for r in rows:
        code = r["code"]
        assert code.isdigit() and len(code) in (2, 3, 4), code
        if len(code) > 2:
            assert code[:-1] in codes or code[:2] in codes, f"{code} has no parent"
        if len(code) == 4:
            assert code[:3] in codes, f"{code} has no 3-digit parent"
        assert -10.0 <= float(r["goldstein"]) <= 10.0
        assert int(r["quad"]) in (1, 2, 3, 4)
        assert r["name"].strip()


def test_code_every_root_present_with_children():
    codes = cameo_codes()
    for root in ROOTS:
        assert root in codes
        assert f"{root}0" in codes, f"{root} has no 'not specified' child"
    assert len(codes) >= 300


def test_code_quad_classes_follow_roots():
    for code, entry in cameo_codes().items():
        want = 1 if entry.root <= "05" else 2 if entry.root <= "08" else 3 if entry.root <= "13" else 4
        assert entry.quad == want, code


def test_code_cameo_lookup_keeps_leading_zeros():
    c = cameo("0251")
    assert (c.code, c.root, c.base) == ("0251", "02", "025")
    assert cameo("190").goldstein == -10.0


def test_code_plover_types_have_modes_and_quads():
    types = plover_types()
    assert len(types) == 16
    for name, spec in types.items():
        assert spec["modes"], name
        assert spec["quad"] in (1, 2, 3, 4)


def test_code_mapping_covers_every_code():
    types = plover_types()
    for code in cameo_codes():
        plover, mode = to_plover(code)
        if code.startswith("01"):
            assert plover == ""
            continue
        assert plover in types, code
        assert mode is None or mode in types[plover]["modes"], (code, mode)


@pytest.mark.parametrize("code,plover", [
    ("03", "AGREE"), ("04", "CONSULT"), ("05", "SUPPORT"), ("06", "COOPERATE"), ("07", "AID"),
    ("081", "CONCEDE"), ("083", "CONCEDE"), ("084", "RETREAT"), ("087", "RETREAT"), ("09", "ACCUSE"),
    ("10", "REQUEST"), ("11", "ACCUSE"), ("12", "REJECT"), ("13", "THREATEN"), ("14", "PROTEST"),
    ("15", "MOBILIZE"), ("16", "SANCTION"), ("17", "COERCE"), ("18", "ASSAULT"), ("19", "ASSAULT"),
    ("20", "ASSAULT"), ("02", "REQUEST"),
])
def test_code_cameo_to_plover_roots(code, plover):
    assert to_plover(code)[0] == plover


@pytest.mark.parametrize("code,mode", [("141", "demo"), ("145", "riot"), ("142", "hunger"), ("163", "embargo")])
def test_code_cameo_implies_mode(code, mode):
    assert to_plover(code)[1] == mode


def test_code_families_name_existing_codes():
    with DATA.joinpath("plover.yaml").open(encoding="utf-8") as f:
        fams = yaml.safe_load(f)["families"]
    codes = cameo_codes()
    for fam in fams.values():
        assert fam["code"] in codes
        for action, code in fam["by_action"].items():
            assert code in codes and action.isdigit()
    assert family_code("threaten", "163") == "1312"
    assert family_code("intent", "087") == "0356"


# --- pattern dictionary ----------------------------------------------------------------------------------


def test_code_patterns_cover_every_root_with_known_codes():
    lex = lexicon()
    codes = cameo_codes()
    seen = set()
    for pats in lex.by_head.values():
        for p in pats:
            assert p.code in codes, p.text
            seen.add(p.code[:2])
    assert seen >= set(ROOTS) - {"01"} and "01" in seen
    assert lex.n_patterns >= 500


def test_code_lemmas_from_inflections():
    assert "expel" in lemmas("expelled")
    assert "impose" in lemmas("imposing")
    assert "withdraw" in lemmas("withdrew")
    assert "sanction" in lemmas("sanctions")
    assert "criticize" in lemmas("criticised")


# --- coding sentences --------------------------------------------------------------------------------------



# (sentence, cameo prefix, source country, target country); None country = no actor expected
CASES = [
    # verbs
    ("Chile condemned Peru on Monday for the border incident.", "111", "CHL", "PER"),
    ("Kenya accused Uganda of smuggling weapons across the lake.", "112", "KEN", "UGA"),
    ("Norway praised Iceland for its handling of the fisheries dispute.", "051", "NOR", "ISL"),
    ("Egypt expelled three Libyan diplomats on Thursday.", "161", "EGY", "LBY"),
    ("Ghana deported forty Nigerian traders last week.", "174", "GHA", "NGA"),
    ("Colombian troops shelled rebel positions near the Venezuelan border.", "19", "COL", None),
    # phrasal verbs
    ("Serbia pulled out of the talks with Kosovo on Friday.", "164", "SRB", None),
    ("Bolivia called on Chile to resume negotiations over sea access.", "02", "BOL", "CHL"),
    ("Portuguese ministers met with Spanish officials in Madrid on Tuesday.", "04", "PRT", "ESP"),
    # verb + object
    ("Germany sent tanks and ammunition to Ukraine.", "072", "DEU", "UKR"),
    ("Canada imposed sanctions on Iran over the crackdown.", "163", "CAN", "IRN"),
    ("Greece and Cyprus signed an agreement on energy cooperation.", "057", "GRC", "CYP"),
    ("Argentina cut ties with Paraguay after the dispute.", "161", "ARG", "PRY"),
    # passive
    ("Two Turkish journalists were arrested by Iranian police near the border.", "173", "IRN", "TUR"),
    ("Mali was sanctioned by Senegal after the coup.", "163", "SEN", "MLI"),
    ("Four Syrian farmers were killed in a Turkish air strike near the border.", "19", "TUR", "SYR"),
    ("A Turkish convoy came under heavy shelling from Syrian forces near Idlib.", "194", "SYR", "TUR"),
    # nominalisations
    ("Finland's walkout from the summit surprised the hosts.", "14", "FIN", None),
    ("Talks between Armenia and Azerbaijan resumed in Vienna.", "04", "ARM", "AZE"),
    # intent and threats
    ("Japan threatened to impose sanctions on North Korea.", "13", "JPN", "PRK"),
    ("Austria agreed to withdraw its troops from the mission.", "03", "AUT", None),
    ("Ecuador will send humanitarian aid to Haiti next month.", "03", "ECU", "HTI"),
    # group actors: one event per source
    ("Diplomats from Sweden and Estonia walked out of the speech.", "14", "SWE", None),
    ("Diplomats from Sweden and Estonia walked out of the speech.", "14", "EST", None),
    # armed groups from the knowledge base; IMG for transnational militants
    ("Hezbollah fighters ambushed an Israeli patrol on Sunday.", "19", "LBN", "ISR"),
    ("Al-Qaeda threatened to attack Kenya over its troops in Somalia.", "13", "IMGMOSALQ", "KEN"),
    # sides the text names without a country: where the event is, else the other side of a domestic event
    ("Rebels shelled a market in Mogadishu, killing twelve civilians.", "19", "SOM", None),
    ("Troops killed nine villagers in northern Mali on Tuesday.", "19", "MLI", "MLI"),
    ("Malaysian police arrested opposition leader Tan Wei Ming on Friday.", "173", "MYS", "MYS"),
    # a protest that names no target is against the protesters' government
    ("Kenya's walkout from the talks angered Somalia.", "14", "KEN", None),
    ("Thousands of Chilean students marched through the capital on Thursday.", "141", "CHL", "CHL"),
    # the other side through the object: the author of a rejected appeal, every partner of "relations with"
    ("Chad rejected an appeal from Niger to reopen the border.", "12", "TCD", "NER"),
    ("Peru broke off relations with Bolivia and Ecuador on Monday.", "161", "PER", "BOL"),
    ("Peru broke off relations with Bolivia and Ecuador on Monday.", "161", "PER", "ECU"),
    # a demand noun governs the clause it names: one request event aimed at the clause's subject
    ("The WHO repeated its demand today that Yemen reopen the airport.", "10", "IGOUNOWHO", "YEM"),
    ("The African Union renewed its appeal that Sudan release the prisoners.", "02", "IGOAFRAFU", "SDN"),
    # an ethnic group is coded by the country it lives in
    ("Hundreds of ethnic Hungarians rallied in Slovakia on Sunday.", "141", "SVK", "SVK"),
    ("The Serbs of northern Kosovo demanded autonomy from Pristina.", "10", "XKX", None),
    # an allegation is aimed at the one it says did something; "our" in a quote is the speaker's
    ("The report alleged that Ethiopian troops killed civilians in Tigray.", "112", None, "ETH"),
    ('"Russia attacked our power grid last night," the Ukrainian president said.', "18", "RUS", "UKR"),
    ("Militias attacked the Tajik population of the valley in Afghanistan.", "18", "AFG", "AFG"),
    # a multi-word demonym is one country: "North Korean" is not "Korean"
    ("South Korean troops fired warning shots at North Korean soldiers.", "19", "KOR", "PRK"),
    # a stateless ethnic group: the country the sentence puts it in, else where it mostly lives
    ("Kurdish rebels attacked a Turkish army post near the border.", "18", "TUR", "TUR"),
    ("Tamil rebels ambushed an army convoy on Sunday.", "19", "LKA", None),
    # a relative pronoun stands for its antecedent; "New Jersey" is no Jersey
    ("The Kenyan union, which backed Uganda in the dispute, is large.", "051", "KEN", "UGA"),
    ("The New Jersey governor condemned Iran on Monday.", "111", "USA", "IRN"),
    # an event noun's other side through its support verb
    ("The Somali president made an urgent appeal to the African Union for troops.", "02", "SOM", "IGOAFRAFU"),
    # an IGO's official acts for the IGO
    ("The EU's foreign policy chief criticized Hungary over the law.", "111", "IGOEUREEC", "HUN"),
    # a protest is aimed at its purpose
    ("Farmers in Lima blocked a highway to show their anger at Chile's new tariffs.", "144", "PER", "CHL"),
    # not passives: the subject is the source
    ("Sweden is opposed to Danish mediation in the dispute.", "12", "SWE", "DNK"),
]


@pytest.mark.parametrize("text,prefix,src,tgt", CASES)
def test_code_sentence_events(coder, text, prefix, src, tgt):
    events = coder(text)
    hits = [e for e in events if e.cameo.startswith(prefix)]
    assert hits, f"no {prefix} event in {[(e.cameo, e.trigger) for e in events]}"
    assert any((e.source.country if e.source else None) == src for e in hits), \
        [(e.source, e.target) for e in hits]
    if tgt is not None:
        assert any(e.target and e.target.country == tgt for e in hits), [(e.source, e.target) for e in hits]


NON_EVENTS = [
    "Bulgaria did not walk out of the meeting.",
    "If Moldova attacked Romania, the alliance would respond.",
    "Did Latvia condemn Lithuania for the decision?",
    "Hungary hopes to meet Slovakia next year.",
    "Croatia wants to sign an agreement with Slovenia.",
    "Belgium could impose sanctions on Congo.",
    "The storm provided little relief, and a fact was dismissed as false.",  # nobody does it to anybody
    "Laos denied that its troops shelled the village.",  # a denial asserts nothing happened
    "Norway is not planning an invasion of Sweden.",  # an event noun under a negated verb
    "Given the long drought, Bolivia's harvest shrank.",  # "given" is a preposition here
    "Backed by Chile, Peru's economy grew.",  # a participle setting the scene
    "Doyle plotted the robbery, detectives believe.",  # no side with a country or a role
    "Chilean marines bought a crate of assault rifles.",  # "assault" modifies "rifles"
    "The Kenyan president avoided criticizing Uganda.",  # avoided: not done
    "The mandate gave Peru's president a free hand.",  # "give" alone is no aid
    "Two Brazilian senators battled for the nomination.",  # a figure of speech, not force
    "Nobody attacked the Iraqi embassy.",  # nobody did it
    "A reporter asked the Bolivian president whether he would resign.",  # a question is no request
    "The Chilean admiral makes no apologies for his remarks.",  # no apology
]


@pytest.mark.parametrize("text", NON_EVENTS)
def test_code_non_events(coder, text):
    assert coder(text) == ()


def test_code_event_fields(coder):
    events = coder("Canada imposed sanctions on Iran in Ottawa on Monday.")
    e = next(e for e in events if e.cameo.startswith("163"))
    assert (e.plover, e.plover_mode, e.quad_class, e.goldstein) == ("SANCTION", "embargo", 4, -8.0)
    assert e.trigger.startswith("imposed")
    assert e.sentence.startswith("Canada") and e.start == 0
    assert e.date == "2023-05-08" and not e.date_inferred
    assert 0 < e.confidence <= 1


def test_code_date_inferred_from_publication(coder):
    e = coder("Canada imposed sanctions on Iran.")[0]
    assert (e.date, e.date_inferred) == ("2023-05-10", True)


def test_code_no_cue_no_parse(coder, monkeypatch):
    import newsdesk.code.extract as extract

    def boom(_):
        raise AssertionError("parsed a sentence without a cue")

    monkeypatch.setattr(extract, "parse_sentences", boom)
    assert coder("The weather in Oslo was mild on Sunday.") == ()


def test_code_find_cues_prefers_longest():
    words = "they imposed new economic sanctions".split()
    tags = ["PRP", "VBD", "JJ", "JJ", "NNS"]
    cues = find_cues(words, tags)
    assert [c.code for c in cues] == ["163"]


@pytest.mark.parametrize("text,code", [
    ("they offered asylum", "033"),  # an offer is an intent: "offer * asylum" is listed under 075
    ("they granted asylum", "075"),  # ... and does not make the next pattern of 075 one (a bug once)
    ("they gave money", "070"),  # likewise after "pledge * aid" under 070
    ("they undertook a mediation", "045"),  # a support verb with its event noun is the event
])
def test_code_pattern_codes_regression_governed_entries(text, code):
    words = text.split()
    tags = ["PRP", "VBD"] + ["DT"] * (len(words) == 4) + ["NN"]
    assert [c.code for c in find_cues(words, tags)] == [code]


def test_code_demand_noun_governs_its_clause(coder):
    events = coder("The African Union renewed its appeal that Sudan release the prisoners.")
    assert [e.cameo[:2] for e in events] == ["02"]


def test_code_lower_case_words_are_not_acronyms(coder):
    # "who" is not the WHO, "us" not the US (the KB phrase matcher ignores case)
    events = coder("Danish police arrested a man who attacked us outside the embassy.")
    sides = [a.country for e in events for a in (e.source, e.target) if a is not None]
    assert "DNK" in sides and not any(c.startswith("IGO") or c == "USA" for c in sides if c)


def test_code_find_cues_event_nouns_are_common_nouns():
    # "March" the month is no protest march
    assert find_cues(["in", "march", "they", "left"], ["IN", "NNP", "PRP", "VBD"]) == []
    assert [c.code for c in find_cues(["the", "march", "ended"], ["DT", "NN", "VBD"])] == ["141"]


def test_code_no_default_target_for_a_state_protest(coder):
    # a state's or its diplomats' walkout is against someone unnamed, never against itself or each other;
    # protesters of two countries are not protesting against each other
    for text in ("Kenya's walkout from the talks angered Somalia.",
                 "Dutch and Belgian farmers protested on Wednesday.",
                 "Diplomats from Britain, the US and the EU walked out of the meeting."):
        assert all(e.target is None for e in coder(text) if e.cameo.startswith("14")), text


def test_code_no_country_from_the_other_side_of_an_international_event(coder):
    # the envoy Syria expels is not Syrian; where no other country is named, none is guessed
    e = next(e for e in coder("Syria expelled the envoy on Monday.") if e.cameo.startswith("16"))
    assert e.target is None or e.target.country != "SYR"


def test_code_igo_official_keeps_the_igo_sector(coder):
    e = coder("The EU's foreign policy chief criticized Hungary over the law.")[0]
    assert (e.source.country, e.source.sector) == ("IGOEUREEC", "IGO")


def test_code_regression_possessive_pronoun_chains_end(coder):
    # "our" resolved through the subject of a verb of saying whose phrase has "our" again recursed forever
    coder("Our party says our members attacked our rivals, and we defended our friends.")


def test_code_acronyms_are_not_iso_codes(coder):
    # BLM is Saint Barthelemy's ISO code, but in a text an acronym; "US" is a name of the United States
    sides = [a.country for e in coder("US police arrested BLM activists in Ohio.") for a in (e.source, e.target) if a]
    assert "USA" in sides and "BLM" not in sides


def test_code_event_noun_keeps_its_named_agent(coder):
    # the endorser is Whitfield, not the subject of the clause that mentions the endorsement
    e = next(e for e in coder("He mocked Whitfield's endorsement of Joe Biden on Sunday.") if e.cameo == "051")
    assert e.source.text.startswith("Whitfield") and e.target.country == "USA"


def test_code_politicians_attack_with_words(coder):
    # one named person "attacking" another is criticism (111), armed men attacking one an assault
    e = coder("Joe Biden attacked Donald Trump over his record on trade.")[0]
    assert e.cameo == "111" and e.target.country == "USA"


def test_code_who_faces_an_attack_is_its_target(coder):
    e = coder("The Kenyan government faced strong criticism from Amnesty International.")[0]
    assert e.cameo.startswith("11") and e.source.sector == "NGO" and e.target.country == "KEN"


def test_code_protesters_named_are_no_protest_event(coder):
    # "protesters" names people; the event is what is done to or by them
    assert [e.cameo for e in coder("Belarusian police arrested three protesters in Minsk.")] == ["173"]


def test_code_noun_patterns_headed_by_their_first_word(coder):
    # "calls for" and "attempt to assassinate": the noun comes first; the verb's object is the target
    events = coder("An attempt to assassinate the governor of Kandahar was foiled on Monday.")
    assert [(e.cameo, e.target.country) for e in events] == [("185", "AFG")]
    assert [e.cameo for e in coder("Nepal's opposition renewed its calls for early elections.")][:1] == ["020"]


def test_code_call_for_resignation_governs_the_resignation(coder):
    # one appeal for a change in leadership, no resignation (it has not happened)
    events = coder("The opposition renewed its calls for the prime minister to quit.")
    assert [e.cameo for e in events] == ["0241"]
    assert family_code("demand", "0831") == "1041" and family_code("intent", "0831") == "0341"


def test_code_pronouns_stand_for_actors_of_their_kind(coder):
    # "It" is the state named last, not the person named after it
    events = coder("Russia was criticized by Olaf Scholz. It attacked Ukraine in 2022.")
    e = next(e for e in events if e.cameo.startswith("18") or e.cameo.startswith("19"))
    assert (e.source.country, e.target.country) == ("RUS", "UKR")


def test_event_place_is_the_datelines_not_a_place_inside_an_organisation_name(coder):
    text = ("VALLETTA, Malta — Ministers walked out of the annual meeting of the Organization for Security and "
            "Co-operation in Europe on Thursday as the Russian envoy spoke.\n\n"
            "Poland condemned Russia for the speech.")
    events = coder(text)
    walkout = next(e for e in events if e.cameo.startswith("14"))
    assert walkout.place in ("Valletta", "Malta")  # not "Europe" of the organisation's name
    # a sentence that merely opens with a country is no dateline
    plain = coder("Poland condemned Russia on Monday over a cyberattack on its railways in Gdansk.")
    assert next(e for e in plain if e.cameo.startswith("11")).place in ("Gdansk", "Gdańsk")


@pytest.mark.parametrize("text", [
    "Without the convoy's escort, the militia would have killed the aid workers.",
    "A tougher envoy could have stopped the border dispute months ago.",
    "In that case the generals would shell the northern villages.",
])
def test_code_counterfactual_and_bare_would_are_no_events(coder, text):
    assert coder(text) == ()


def test_code_would_in_reported_speech_is_an_announced_intent(coder):
    """"X confirmed it would ..." announces a decision: the rules code it through the intent family."""
    events = coder("Norway confirmed on Monday it would withdraw its troops from Mali.")
    assert events and events[0].plover in ("RETREAT", "AGREE")


def test_code_gerund_object_takes_its_verbs_modality(rules_coder):
    """A gerund that is a verb's object or complement is that verb's action: "could include imposing
    sanctions" is a possibility, "began imposing sanctions" an act."""
    maybe = rules_coder("That could include indicting the hackers and imposing sanctions against Russian "
                        "institutions, officials said.")
    assert not [e for e in maybe if e.plover == "SANCTION"]
    done = rules_coder("The United States began imposing sanctions on Iran on Monday.")
    assert [e for e in done if e.plover == "SANCTION"]


def test_code_an_order_enacts_investigations_and_material_acts(rules_coder):
    """An authority's order of an arrest, an inquiry or sanctions is that act; an order to someone to do
    something else ("to appear") is a demand."""
    arrest = rules_coder("A court in Islamabad ordered the arrest of two opposition leaders on Monday.")
    assert [e.plover for e in arrest][:1] == ["COERCE"]
    inquiry = rules_coder("President Marcos ordered an investigation into the senator on Monday.")
    assert [e.plover for e in inquiry][:1] == ["ACCUSE"] and inquiry[0].cameo.startswith("09")
    appear = rules_coder("A judge in Buenos Aires ordered former president Carlos Menem to appear in court.")
    assert appear and appear[0].plover == "REQUEST"


def test_code_verbal_attack_on_words_or_decisions_is_criticism(rules_coder):
    """The codebook: "attacked her record" is ACCUSE, not ASSAULT; an attack on a place or people stays force."""
    for text in ("Republicans in Congress attacked the president's plan on Monday.",
                 "The senator launched an attack on the president's remarks."):
        events = rules_coder(text)
        assert events and events[0].plover == "ACCUSE" and events[0].cameo == "111", text
    events = rules_coder("Rebels launched an attack on the army base in Kano on Monday.")
    assert events and events[0].plover == "ASSAULT"


def test_code_insisting_on_a_fact_is_no_demand(rules_coder):
    """"insisted it was premature" states a view; "insisted on a recount" and "insisted that he must resign"
    demand something."""
    assert not [e for e in rules_coder("The minister insisted that the report was accurate.") if e.plover == "REQUEST"]
    assert [e for e in rules_coder("The opposition insisted on a recount in Nairobi.") if e.plover == "REQUEST"]
    assert [e for e in rules_coder("The opposition insisted that the president must resign.")
            if e.plover == "REQUEST"]
