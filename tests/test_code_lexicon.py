"""Code stage: the pattern lexicon's predicate classes (data/patterns.yaml), one sentence written for each class,
coded by the rules alone; every pattern lands on a PLOVER type (or on 01, statements); irregular inflections."""

from __future__ import annotations

import pytest

from newsdesk.code import to_plover
from newsdesk.code.patterns import lemmas, lexicon


@pytest.fixture(scope="module")
def coder(rules_coder):
    return lambda text: rules_coder(text, "2022-03-09")


# (sentence, PLOVER type, CAMEO prefix): one per predicate class
CLASSES = [
    # AID: money, relief goods, supplies, training, peacekeeping
    ("Norway gave $12 million to Malawi's flood relief agency on Monday.", "AID", "071"),
    ("Finland contributed 30 million euros to the reconstruction fund for Tonga.", "AID", "071"),
    ("Chile shipped blankets and tents to earthquake survivors in Ecuador.", "AID", "073"),
    ("The Red Crescent delivered drinking water and generators to villages in Yemen.", "AID", "073"),
    ("Jordan airdropped food to besieged towns in southern Syria.", "AID", "073"),
    ("Turkey supplied armoured vehicles to the Azerbaijani army last year.", "AID", "07"),
    ("Danish instructors are training Ukrainian pilots at a base in Romania.", "AID", "072"),
    ("Uruguayan troops participate in the peacekeeping operation in Congo.", "AID", "074"),
    ("The party chairman raised money for the senator's re-election bid in Ohio.", "AID", "070"),
    ("Sweden is one of the largest bilateral donors to Mozambique's health sector.", "AID", "070"),
    ("Mongolian peacekeepers arrived in Bentiu to join the UN mission in South Sudan.", "AID", "074"),
    # MOBILIZE: sending forces, alerts, presence
    ("Peru dispatched soldiers and police to the Bolivian border on Sunday.", "MOBILIZE", "15"),
    ("Serbian troops remained on high alert along the Kosovo boundary.", "MOBILIZE", "152"),
    ("The Indonesian navy put its fleet on full alert near the Natuna islands.", "MOBILIZE", "152"),
    ("Algeria beefed up its military presence on the Libyan border.", "MOBILIZE", "150"),
    ("The governor called up 2,000 National Guard troops after the riots in Kenosha.", "MOBILIZE", "154"),
    # REJECT: denials, courts and legislatures, agreements
    ("The Hungarian government denied any role in the hacking of the opposition's emails.", "REJECT", "12"),
    ("The Supreme Court of Malawi annulled the presidential election on Monday.", "REJECT", "12"),
    ("A federal appeals court struck down the state's voter identification law.", "REJECT", "12"),
    ("The Bolivian Senate voted down the government's mining bill on Tuesday.", "REJECT", "12"),
    ("Venezuela reneged on its oil agreement with Trinidad.", "REJECT", "127"),
    ("Senate Republicans blocked the nomination of the new ambassador to Kenya.", "REJECT", "129"),
    ("A former White House official invoked the Fifth Amendment before the House committee.", "REJECT", "12"),
    ("The Kremlin brushed off the criticism from Estonia.", "REJECT", "12"),
    ("The Kremlin said a withdrawal from Crimea was out of the question.", "REJECT", "12"),
    # CONCEDE / RETREAT: pardons, grants, repeals, dropped charges, rollbacks
    ("The Belarusian president pardoned twelve opposition activists on Friday.", "RETREAT", "0841"),
    ("The Kenyan president granted a pardon to 400 prisoners.", "RETREAT", "0841"),
    ("The Thai parliament repealed the emergency decree last week.", "CONCEDE", "083"),
    ("Prosecutors in Seoul dropped the charges against the opposition leader.", "CONCEDE", "080"),
    ("The ministry granted the request of the striking teachers for a new pay scale.", "CONCEDE", "083"),
    ("Japan rolled back tariffs on South Korean chemicals.", "RETREAT", "085"),
    ("Ecuador's indigenous federation lifted its boycott of the national dialogue.", "CONCEDE", "082"),
    ("The senator dropped out of the presidential race on Sunday.", "RETREAT", "087"),
    ("The European Union granted Greece a two-year extension to meet its deficit targets.", "CONCEDE", "081"),
    ("The Ethiopian government declared a cessation of hostilities in the Tigray region on Monday.", "RETREAT", "0871"),
    # COERCE: fines, contempt, removal, dissolution, raids, clearances, censorship
    ("Britain's Electoral Commission fined the Green Party 20,000 pounds for late filings.", "COERCE", "172"),
    ("The committee voted to hold the former adviser in contempt of Congress.", "COERCE", "172"),
    ("The Senate inquiry subpoenaed the former health minister on Monday.", "COERCE", "172"),
    ("The state assembly voted for contempt against the mining company's chairman.", "COERCE", "172"),
    ("Police raided the headquarters of the opposition party in Kampala.", "COERCE", "170"),
    ("Riot police cleared protesters from the main square of Tbilisi on Friday.", "COERCE", "175"),
    ("Ethiopian authorities shut down the internet in the Amhara region.", "COERCE", "17"),
    ("A court in Ankara sentenced the journalist to six years in prison.", "COERCE", "173"),
    # ACCUSE: name-calling, impeachment, legal action, audits, disputes
    ("The former premier launched a blistering attack on the central bank governor.", "ACCUSE", "111"),
    ("The opposition leader called the election a sham on Monday.", "ACCUSE", "111"),
    ("The Peruvian Congress impeached the president on Thursday.", "ACCUSE", "112"),
    ("The European Commission launched legal action against Hungary over the asylum law.", "ACCUSE", "115"),
    ("Colombia's interior ministry disputed the results of the audit.", "ACCUSE", "110"),
    ("The soldiers' widows filed a compensation claim against the defence ministry.", "ACCUSE", "115"),
    # SUPPORT: restated support and commitment
    ("Brazil's foreign minister reaffirmed his country's commitment to the Paris climate agreement.", "SUPPORT", "051"),
    ("The Nigerian president voiced his strong support for the new Sahel force.", "SUPPORT", "051"),
    ("The Japanese government welcomed Seoul's decision to restore the intelligence pact.", "SUPPORT", "051"),
    ("The Australian air force conducted strikes on militant positions near Mosul.", "ASSAULT", "19"),
    # CONSULT: receiving visitors, invitations, phone calls, testimony
    ("The Emir of Qatar received the Iranian foreign minister in Doha on Sunday.", "CONSULT", "043"),
    ("The Portuguese president invited the Angolan leader to Lisbon.", "CONSULT", "043"),
    ("The Chilean president spoke with his Argentine counterpart by phone on Sunday.", "CONSULT", "041"),
    ("The defence secretary testified before the Senate committee on Tuesday.", "CONSULT", "040"),
    # SANCTION: suspended aid and supplies, expelled aid staff, withdrawn support
    ("Sweden announced a suspension of aid to Uganda over the new law.", "SANCTION", "162"),
    ("Russia suspended gas supplies to Bulgaria on Wednesday.", "SANCTION", "162"),
    ("The junta expelled 30 humanitarian workers of the United Nations.", "SANCTION", "1663"),
    ("The union withdrew its endorsement of the mayor after the scandal.", "SANCTION", "16"),
    # REQUEST: petitions to courts and governments
    ("Fishermen's unions petitioned the High Court to halt the port expansion.", "REQUEST", "02"),
    # THREATEN: deadlines
    ("The Nigerian army gave the kidnappers a 48-hour deadline.", "THREATEN", "139"),
]


@pytest.mark.parametrize("text,plover,prefix", CLASSES)
def test_code_lexicon_predicate_classes(coder, text, plover, prefix):
    events = coder(text)
    assert any(e.plover == plover and e.cameo.startswith(prefix) for e in events), \
        [(e.cameo, e.plover, e.trigger) for e in events]


# words of the classes above in senses that are no such event
NOT_THESE = [
    ("A bus carrying tourists overturned on a mountain road near Cusco.", "REJECT"),
    ("Four parties merged to challenge the ruling party in the election.", "ACCUSE"),
    ("She called a press conference on Monday.", "ACCUSE"),
    ("The senator granted an interview to a local radio station.", "CONCEDE"),
    ("Rail workers carried out a strike against the pension reform in Lyon.", "ASSAULT"),
    ("Chinese President Xi Jinping welcomed the Kenyan president to Beijing on Friday.", "SUPPORT"),
    ("The former premier launched a blistering attack on the central bank governor.", "ASSAULT"),
    ("The mayor said the curfew remains and the question of lifting it is out of his hands.", "REJECT"),
]


@pytest.mark.parametrize("text,plover", NOT_THESE)
def test_code_lexicon_senses_without_their_object(coder, text, plover):
    assert not [e for e in coder(text) if e.plover == plover]


def test_code_lexicon_every_pattern_has_a_plover_type_or_is_a_statement():
    for pats in lexicon().by_head.values():
        for p in pats:
            plover, _ = to_plover(p.code)
            assert plover or p.code.startswith("01"), f"{p.text!r} ({p.code}) has no PLOVER type"


def test_code_lexicon_patterns_need_an_object_where_the_bare_word_is_ambiguous():
    """'grant', 'receive', 'call', 'overturn' and 'find' alone say nothing: only with their objects."""
    for head in ("grant", "receive", "call", "overturn", "find", "ship", "dispatch"):
        bare = [p for p in lexicon().by_head.get(head, []) if len(p.words) == 1]
        assert not bare, f"{head!r} is a pattern by itself: {[p.code for p in bare]}"


@pytest.mark.parametrize("form,base", [
    ("retook", "retake"), ("withheld", "withhold"), ("acquitted", "acquit"), ("equipped", "equip"),
    ("vetoes", "veto"), ("quitting", "quit"), ("annulled", "annul"), ("fined", "fine"), ("airdropped", "airdrop"),
])
def test_code_lexicon_irregular_inflections(form, base):
    assert base in lemmas(form)
