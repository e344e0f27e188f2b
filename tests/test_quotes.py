"""Quote finder: a table of short invented articles, one per pattern, checked for text, kind, cue, speaker."""

from __future__ import annotations

import pytest

from newsdesk.annotate.quote_cues import cue_verbs
from newsdesk.annotate.quotes import find_quotes


@pytest.fixture(scope="module")
def nlp():
    from newsdesk.annotate.nlp import load_nlp

    return load_nlp()


def _find(nlp, text):
    return find_quotes(nlp(text))


# (case, article, quote text starts with, kind, cue, speaker contains)
CASES = [
    ("straight_he_said",
     'Senator Maria Lopez visited the flooded harbour on Monday.\n\n'
     '"We will rebuild the bridge before winter," she said.',
     "We will rebuild the bridge", "direct", "said", "Maria Lopez"),
    ("curly_said_x",
     "Negotiators left the hotel late at night.\n\n"
     "“The talks have stalled and nobody wants to blink first,” said Tomas Berg, the chief negotiator.",
     "The talks have stalled", "direct", "said", "Tomas Berg"),
    ("british_single_marks",
     "Farmers gathered outside the ministry in the rain.\n\n"
     "‘Our farmers deserve a fair price for their milk,’ Mr Hollis said.",
     "Our farmers deserve a fair price", "direct", "said", "Hollis"),
    ("colon_on_line_before",
     "Mayor Anna Kowalski spoke to the council on Tuesday evening.\n\n"
     "Ms Kowalski said in her speech:\n\n"
     "“This city has waited long enough for a new hospital.”",
     "This city has waited long enough", "direct", "said", "Kowalski"),
    ("multi_paragraph",
     "Prime Minister Jonas Adler addressed parliament on Friday.\n\n"
     "Mr Adler said: “We have listened to every region of the country and heard the same worry.\n\n"
     "“The tax on fuel will be frozen for another year, and the savings will go to families.”",
     "We have listened to every region", "direct", "said", "Jonas Adler"),
    ("reported_told_that",
     "Defence Minister Karl Brandt visited the base on Sunday. "
     "Brandt told reporters that the border crossing would reopen next month.",
     "the border crossing would reopen", "reported", "told", "Brandt"),
    ("reported_warned_that",
     "Economist Priya Nair warned that prices would keep rising until the spring.",
     "prices would keep rising", "reported", "warned", "Priya Nair"),
    ("according_to",
     "According to Judge Helen Marsh, the evidence had been gathered without a proper warrant.",
     "the evidence had been gathered", "reported", "according to", "Helen Marsh"),
    ("post_tweeted",
     "Governor Dana Whitfield closed the schools after the storm.\n\n"
     "Whitfield tweeted: “Schools will stay closed tomorrow while crews clear the roads.”",
     "Schools will stay closed tomorrow", "post", "tweeted", "Dana Whitfield"),
    ("post_wrote_on_twitter",
     "Opposition leader Marco Ferri wrote on Twitter that the budget was a betrayal of young people.",
     "the budget was a betrayal", "post", "wrote", "Marco Ferri"),
    ("appositive_and_relative_clause",
     "Maria Costa, a spokeswoman for the Port Authority, which runs the harbour, said the ferries would "
     "resume on Friday.",
     "the ferries would resume", "reported", "said", "Maria Costa"),
    ("role_before_name",
     "The union's general secretary, Tomas Lindqvist, said the strike would go ahead next week.",
     "the strike would go ahead", "reported", "said", "Lindqvist"),
    ("time_phrase_before_cue",
     "Senator Ruth Okafor on Tuesday said the bill lacked the votes to pass the chamber.",
     "the bill lacked the votes", "reported", "said", "Ruth Okafor"),
    ("dateline_then_participle",
     "BRUSSELS — Commissioner Pia Holmberg on Monday rejected the proposal, saying it would raise "
     "prices for every household.",
     "it would raise prices", "reported", "saying", "Pia Holmberg"),
    ("age_and_relative_clause",
     "Jonas Wren, 56, who has chaired the committee for a decade, told reporters the inquiry would "
     "widen.",
     "the inquiry would widen", "reported", "told", "Jonas Wren"),
    ("inverted_cue_opens_sentence",
     "The vote was closer than expected. Said Councillor Ines Duarte: “We lost by two votes and we will be back.”",
     "We lost by two votes", "direct", "Said", "Ines Duarte"),
    ("introductory_clause_then_and_said",
     "Asked whether she would run again, Governor Lena Moreau smiled and said, “Not this time.”",
     "Not this time", "direct", "said", "Lena Moreau"),
    ("dash_appositive",
     "Paul Dixon — who chairs the transport board but rarely speaks in public — told the council the "
     "tram line would close in May.",
     "the tram line would close", "reported", "told", "Paul Dixon"),
    ("participle_after_conjunction",
     "“We cannot wait for the next flood,” Mayor Aiko Tanaka said, while arguing the levees should be "
     "raised before the autumn storms.",
     "the levees should be raised", "reported", "arguing", "Aiko Tanaka"),
    ("speaker_with_of_phrase",
     "Professor Lena Hart of Uppsala University suggested that the tariffs would hurt exporters most.",
     "the tariffs would hurt exporters", "reported", "suggested", "Lena Hart"),
    ("role_by_name_after_according_to",
     "The reform would cost more than planned, according to an analysis by Omar Haddad, a former budget "
     "official.",
     "The reform would cost more", "reported", "according to", "Omar Haddad"),
    ("plain_present_cue",
     "Farm leaders Maria Gonzalez and Tom Hale argue that the water quotas will ruin small growers.",
     "the water quotas will ruin", "reported", "argue", "Maria Gonzalez"),
    ("progressive_cue",
     "Governor Nadia Petrova is insisting that the new stadium will pay for itself within a decade.",
     "the new stadium will pay", "reported", "insisting", "Nadia Petrova"),
    ("promise_with_infinitive",
     "Mayor Felix Amari vowed to reopen the night shelters before the first frost.",
     "to reopen the night shelters", "reported", "vowed", "Felix Amari"),
    ("tail_with_any_verb",
     "The council voted late on Thursday.\n\n"
     "“This is the worst budget in twenty years,” Councillor Greta Lund fumed.",
     "This is the worst budget", "direct", "fumed", "Greta Lund"),
    ("tail_after_nested_closing_marks",
     "The minister spoke at length.\n\n"
     "\"We told them, 'Come back when you have a plan,'\" said Minister Oskar Brenner.",
     "We told them", "direct", "said", "Oskar Brenner"),
    ("name_and_colon_before_quote",
     "Analysts disagreed about the vote. Economist Hana Novak: “The rate cut came a year too late.”",
     "The rate cut came", "direct", None, "Hana Novak"),
    ("title_with_of_before_name",
     "Former Secretary of State Laura Whitmore, who is also running, argued that the treaty was obsolete.",
     "the treaty was obsolete", "reported", "argued", "Laura Whitmore"),
    ("relative_clause_with_its_own_appositive",
     "Mayor Tobias Lindgren, whose city, Malmo, is expected to flood, argues that the levy must rise.",
     "the levy must rise", "reported", "argues", "Tobias Lindgren"),
    ("speech_act_with_object",
     "Senator Ruth Okafor criticized the new licensing rules for small fishing boats, calling them unfair.",
     "the new licensing rules for small fishing boats", "reported", "criticized", "Ruth Okafor"),
    ("age_and_home_town_before_cue",
     "Lena Kowalczyk, 29, of Gdynia, Poland, says the ferry fares have doubled since the spring.",
     "the ferry fares have doubled", "reported", "says", "Lena Kowalczyk"),
    ("reflexive_after_name",
     "Even Hartmann himself conceded that the stadium would not open before 2028.",
     "the stadium would not open", "reported", "conceded", "Hartmann"),
    ("inverted_cue_role_then_name",
     "“We were never going to win the rural vote,” said the mayor’s campaign manager, Olga Petrenko, "
     "who ran the count.",
     "We were never going to win", "direct", "said", "Olga Petrenko"),
    ("quoted_title_before_the_attribution",
     "Transport Minister Clara Holt was asked about prices. "
     "On the radio show “Morning Edition” Tuesday, she said, “We will not raise the fare this year.”",
     "We will not raise the fare", "direct", "said", "Clara Holt"),
    ("group_with_all_before_cue",
     "Senators Paula Ridge and Omar Fadel all suggested that the merger could be blocked in court.",
     "the merger could be blocked", "reported", "suggested", "Paula Ridge"),
    ("participle_opening_the_sentence",
     "Asked whether the line would open on time, Minister Carla Jensen said that the tunnel was finished.",
     "the tunnel was finished", "reported", "said", "Carla Jensen"),
    ("signed_in_the_next_paragraph",
     "Reaction came quickly.\n\n"
     "\"Nobody who reads this report can still call the prison safe.\n\n"
     "Rachel Adeyemi, Prison Reform Trust.\"",
     "Nobody who reads this report", "direct", None, "Rachel Adeyemi"),
]


@pytest.mark.parametrize("case,text,starts,kind,cue,speaker", CASES, ids=[c[0] for c in CASES])
def test_quotes_patterns(nlp, case, text, starts, kind, cue, speaker):
    quotes = _find(nlp, text)
    hits = [q for q in quotes if q.text.startswith(starts)]
    assert hits, f"{case}: no quote starting {starts!r} in {[q.text for q in quotes]}"
    q = hits[0]
    assert (q.kind, q.cue) == (kind, cue)
    assert speaker in (q.speaker or ""), (q.speaker_text, q.speaker)
    assert text[q.start:q.end].startswith(starts)  # offsets point into the text, without the mark


def test_quotes_multi_paragraph_quote_is_one_quote_per_paragraph(nlp):
    text = ("Foreign Minister Elena Sorin spoke at the summit in Geneva.\n\n"
            "Ms Sorin said in her speech: ‘Peace will only last if borders are respected by everyone.\n\n"
            "‘We have heard many promises in this room, and we have seen few of them kept.\n\n"
            "‘What we ask for is simple: leave the occupied towns and let the families return.’\n\n"
            "Delegates applauded for a long time.")
    quotes = _find(nlp, text)
    starts = ["Peace will only last", "We have heard many promises", "What we ask for is simple"]
    for start in starts:
        hits = [q for q in quotes if q.text.startswith(start)]
        assert len(hits) == 1, (start, [q.text for q in quotes])
        assert hits[0].kind == "direct" and hits[0].cue == "said" and "Sorin" in hits[0].speaker
        assert "\n" not in hits[0].text


def test_quotes_multi_paragraph_speaker_from_the_last_paragraph(nlp):
    text = ("The harbour strike entered its second week.\n\n"
            "“Nobody here wants to stay away from work for another month.\n\n"
            "“But the owners have to come back to the table,” said Dockers' Union leader Karin Olsen.")
    quotes = _find(nlp, text)
    first = [q for q in quotes if q.text.startswith("Nobody here wants")]
    assert first and "Karin Olsen" in (first[0].speaker or ""), [(q.text, q.speaker) for q in quotes]


def test_quotes_negated_cue_attributes_nothing(nlp):
    text = ("Minister Hugo Brandt, who did not explicitly say that the tax would rise, said on Friday that "
            "the budget had to be balanced by 2027.")
    quotes = _find(nlp, text)
    assert [q.cue for q in quotes] == ["said"], [(q.cue, q.text) for q in quotes]
    assert quotes[0].text.startswith("the budget had to be balanced") and "Hugo Brandt" in quotes[0].speaker


def test_quotes_post_with_caption_on_the_line_before(nlp):
    text = ("Danish envoys left the hall in protest.\n\n"
            "Foreign Minister Lars Holm tweeted the following caption alongside a photo of the empty seats:\n\n"
            "“Walked out together with our partners. Aggression has consequences.”\n\n"
            "It continued: “We stand with the people under fire.”")
    quotes = _find(nlp, text)
    assert [(q.kind, q.cue, q.speaker) for q in quotes] == [("post", "tweeted", "Lars Holm"),
                                                            ("post", "continued", "Lars Holm")]


def test_quotes_pronoun_goes_back_to_previous_speaker(nlp):
    text = ("Ambassador Petra Lind said she would ask for an emergency session.\n\n"
            "Officials from Norway and Chile later joined the call.\n\n"
            "“Enough of these delays, we need action now,” she said.")
    q = [q for q in _find(nlp, text) if q.text.startswith("Enough of these delays")][0]
    assert q.speaker_text == "she" and q.speaker == "Petra Lind"
    assert text[q.speaker_start:q.speaker_end] in ("Petra Lind", "Ambassador Petra Lind")


def test_quotes_pronoun_skips_a_name_that_only_qualifies_another(nlp):
    text = ("Kessler campaign adviser Tomas Ruiz spoke after the rally.\n\n"
            "“Turnout was higher than anything we saw four years ago,” he said.")
    q = [q for q in _find(nlp, text) if q.text.startswith("Turnout was higher")][0]
    assert "Ruiz" in (q.speaker or ""), (q.speaker_text, q.speaker)


def test_quotes_pronoun_follows_a_new_sentence_subject(nlp):
    text = ("Mayor Tomas Varga picked the home side. “They have the better defence,” Mr Varga said.\n\n"
            "Erik Lund refused to choose. “Both teams deserve to be here,” he said.")
    q = [q for q in _find(nlp, text) if q.text.startswith("Both teams")][0]
    assert "Lund" in (q.speaker or ""), (q.speaker_text, q.speaker)


@pytest.mark.parametrize("text,name", [
    ("Sen. Ruth Okafor met farmers in Ames on Friday.\n\n"
     "“The drought relief bill will pass before the harvest,” the senator said.", "Ruth Okafor"),
    ("Maria Costa, a spokeswoman for the port authority, met reporters.\n\n"
     "“The ferries will run again on Monday,” the spokeswoman said.", "Maria Costa"),
])
def test_quotes_role_phrase_goes_to_the_person_with_that_role(nlp, text, name):
    q = _find(nlp, text)[-1]
    assert q.speaker == name and text[q.speaker_start:q.speaker_end] == name


def test_quotes_pronoun_respects_gender(nlp):
    text = ("Ms Quinn met Mr Osei at the summit in Accra.\n\n"
            "“The deal protects our fishermen and our ports,” she said.")
    q = _find(nlp, text)[0]
    assert "Quinn" in q.speaker


def test_quotes_partial_quote_is_one_reported_clause(nlp):
    text = 'Commissioner Lena Vogt said the proposal was "dead on arrival" and would not pass the assembly.'
    quotes = _find(nlp, text)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.text.startswith("the proposal was") and "dead on arrival" in q.text
    assert q.kind == "reported" and "Vogt" in q.speaker  # under half the clause is quoted


def test_quotes_apostrophes_are_not_quote_marks(nlp):
    text = ("Russia’s exports fell in the ’90s, and the farmers' union didn't complain. "
            "The minister's office said nothing. Rock 'n' roll fans queued outside the ministers’ building.")
    assert [q for q in _find(nlp, text) if q.kind == "direct"] == []


def test_quotes_fragments_around_attribution_make_one_quote(nlp):
    text = "“We are ready,” said Coach Ivan Petrov. “The team has trained for months.”"
    quotes = _find(nlp, text)
    assert len(quotes) == 1 and "trained for months" in quotes[0].text


def test_quotes_empty_text(nlp):
    assert _find(nlp, "") == []


def test_quotes_cue_lexicon_loads():
    verbs = cue_verbs()
    assert verbs["said"] == "speech" and verbs["tweeted"] == "post" and verbs["told"] == "object"
    assert verbs["argue"] == "speech/present" and verbs["reply"] == "speech/present"


def test_quotes_promise_in_a_relative_clause_reports_nothing(nlp):
    text = "Senator Rosa Imhof, who has pledged to cut fuel taxes for farmers, toured the dairy plant."
    assert _find(nlp, text) == []


def test_quotes_speech_act_with_quoted_words_is_a_direct_quote(nlp):
    text = "Governor Ida Brenner accused the council of a “shameful betrayal” of the flood victims."
    quotes = _find(nlp, text)
    assert [q.text for q in quotes] == ["shameful betrayal"] and "Ida Brenner" in quotes[0].speaker


def test_quotes_reported_content_stops_at_the_next_attribution(nlp):
    text = ("When asked whether the port would reopen this year, Mayor Pavel Novak said: "
            "“I think that would be possible.”")
    quotes = _find(nlp, text)
    assert [q.text for q in quotes if q.kind == "direct"] == ["I think that would be possible."]
    assert all("I think" not in q.text for q in quotes if q.kind == "reported")


def test_quotes_new_sentence_after_a_quote_is_no_tail(nlp):
    text = ("Coach Ivan Petrov wrote to the striker, telling him, “You are the best player we have!” "
            "She replied to him that she would stay another season.")
    quotes = _find(nlp, text)
    q = [q for q in quotes if q.text.startswith("You are the best player")]
    assert len(q) == 1 and q[0].cue == "telling" and "Ivan Petrov" in q[0].speaker
    assert not any("best player" in x.text for x in quotes if x is not q[0])


def test_quotes_unattributed_quote_inside_an_attributed_one_is_dropped(nlp):
    text = ("Economists were divided.\n\n"
            '"I have admiration for the mechanics" of the new tax plan, Professor Elena Varga said.')
    quotes = _find(nlp, text)
    assert len(quotes) == 1 and quotes[0].cue == "said" and "Varga" in quotes[0].speaker


def test_quotes_infinitive_of_a_cue_reports_nothing(nlp):
    text = "The committee wants to explain the delays to the public before the summer recess."
    assert _find(nlp, text) == []
