"""Time expressions: spans and TIMEX3 values of `find_timexes`, one row per pattern it must handle."""

from __future__ import annotations

import pytest

from newsdesk.annotate.timex import find_timexes

# (sentence, publication date, expected span text, expected value)
CASES = [
    # absolute dates in several formats
    ("The talks opened on 1 March 2022 in Geneva.", "2022-03-10", "1 March 2022", "2022-03-01"),
    ("The talks opened on March 1, 2022, in Geneva.", "2022-03-10", "March 1, 2022", "2022-03-01"),
    ("A filing dated 2022-03-01 was released.", "2022-03-10", "2022-03-01", "2022-03-01"),
    ("Prices peaked in March 2022 before falling.", "2022-06-10", "March 2022", "2022-03"),
    ("The party was founded in 1999 by students.", "2022-06-10", "1999", "1999"),
    ("The ruling of Jan. 13 was appealed.", "1998-03-06", "Jan. 13", "1998-01-13"),
    ("An editorial on Saturday, April 25, said so.", "1998-04-24", "Saturday, April 25", "1998-04-25"),
    ("The offer expires at 5 p.m. EST Nov. 9.", "1989-11-02", "5 p.m. EST Nov. 9", "1989-11-09T17:00"),
    # weekdays: past tense looks back, future tense forward
    ("The minister resigned on Tuesday after a week of protests.", "2022-03-03", "Tuesday", "2022-03-01"),
    ("The committee will vote on Tuesday.", "2022-03-03", "Tuesday", "2022-03-08"),
    ("The leaders meet again next Tuesday.", "2022-03-03", "next Tuesday", "2022-03-08"),
    ("Officials said last Wednesday that talks had stalled.", "1989-11-01", "last Wednesday", "1989-10-25"),
    # "last Monday" on a Wednesday is the week before's; on a Monday, "last Friday" is three days back
    ("The envoys met last Monday in Vienna.", "2016-07-06", "last Monday", "2016-06-27"),
    ("The envoys met last Friday in Vienna.", "1989-10-30", "last Friday", "1989-10-27"),
    ("The envoys met last Sunday in Vienna.", "2024-03-16", "last Sunday", "2024-03-10"),
    ("The envoys met this past Monday in Vienna.", "2016-07-06", "this past Monday", "2016-07-04"),
    # deictic days and parts of the day
    ("Yesterday the minister resigned.", "2022-03-03", "Yesterday", "2022-03-02"),
    ("The new minister was named today.", "2022-03-03", "today", "2022-03-03"),
    ("He will be sworn in tomorrow.", "2022-03-03", "tomorrow", "2022-03-04"),
    ("Protesters gathered this morning outside parliament.", "2022-03-01", "this morning", "2022-03-01TMO"),
    ("The vote is expected tonight.", "2022-03-01", "tonight", "2022-03-01TNI"),
    ("Rebels attacked the town Friday morning.", "1998-08-08", "Friday morning", "1998-08-07TMO"),
    # relative years, weeks and months
    ("Exports fell 5% last year.", "2022-03-03", "last year", "2021"),
    ("Shares fell sharply this week.", "2022-03-03", "this week", "2022-W09"),
    ("Unemployment rose last month.", "2022-03-03", "last month", "2022-02"),
    ("The new rules take effect next month.", "2022-03-03", "next month", "2022-04"),
    ("Growth slowed earlier this year.", "1989-10-26", "earlier this year", "1989"),
    ("The summit was held two years ago in Madrid.", "1998-04-24", "two years ago", "1996"),
    # months without a year, resolved by tense
    ("The election will be held in March.", "2022-11-15", "March", "2023-03"),
    ("The vote was held in November.", "2022-03-15", "November", "2021-11"),
    ("The treaty was signed last May.", "1998-02-27", "last May", "1997-05"),
    # quarters, halves, seasons, decades, centuries
    ("Profit in the third quarter rose 11%.", "1989-11-02", "the third quarter", "1989-Q3"),
    ("The company posted a third-quarter loss.", "1989-11-02", "third-quarter", "1989-Q3"),
    ("Earnings for the first half of 1990 will fall.", "1989-10-26", "the first half of 1990", "1990-H1"),
    ("The doctor was shot last fall at his home.", "1999-04-10", "last fall", "1998-FA"),
    ("Hate groups declined through the 1990s.", "1998-03-03", "the 1990s", "199"),
    ("Membership fell through the nineties.", "1998-03-03", "the nineties", "199"),
    ("He writes like a 20th century novelist.", "1998-02-13", "20th century", "19"),
    # durations
    ("He served three years in prison.", "2022-03-03", "three years", "P3Y"),
    ("The visit lasted two weeks.", "2022-03-03", "two weeks", "P2W"),
    ("The flight took 5 1/2 hours.", "2022-03-03", "5 1/2 hours", "PT5H30M"),
    ("Ukraine was ruled from Moscow for nearly forty years.", "1998-01-20", "nearly forty years", "P40Y"),
    ("Scharping ended a two-day visit.", "1998-12-05", "two-day", "P2D"),
    ("Net rose in the first nine months.", "1989-11-02", "the first nine months", "P9M"),
    # sets
    ("The committee meets every week.", "2022-03-03", "every week", "P1W"),
    ("The agency publishes a daily tally.", "2022-03-03", "daily", "P1D"),
    ("Over fifty thousand CDs a year are sold.", "1998-03-03", "a year", "P1Y"),
    # reference values
    ("The embassy is now operating from a hotel.", "1998-09-07", "now", "PRESENT_REF"),
    ("The company currently owns 72% of the shares.", "1989-11-02", "currently", "PRESENT_REF"),
    ("The stock has slumped recently.", "1989-10-30", "recently", "PAST_REF"),
    ("What he will do in the future is unclear.", "1998-05-01", "the future", "FUTURE_REF"),
    # financial anchors: "a year earlier" after a quarter is the same quarter a year back
    ("Third-quarter net fell to $5 million from $9 million a year earlier.", "1989-11-02", "a year earlier",
     "1988-Q3"),
    ("Sales rose from $1.4 billion a year earlier.", "1998-02-06", "a year earlier", "1997"),
    # ranges: each end is an expression, the end month follows the start
    ("The festival will run from March to May.", "1998-10-20", "May", "1999-05"),
    ("The festival will run from October to January.", "1998-09-20", "January", "1999-01"),
    ("Prices rose from 1991 to 1997.", "2000-02-10", "1997", "1997"),
]


@pytest.mark.parametrize(("sentence", "published", "text", "value"), CASES)
def test_timex_patterns(sentence, published, text, value):
    found = {t.text: t for t in find_timexes(sentence, published)}
    assert text in found, f"{text!r} not found in {sorted(found)}"
    assert found[text].value == value


def test_timex_offsets_index_the_text():
    text = "On Friday, the court ruled; a year ago it had refused. Talks resume next week."
    for t in find_timexes(text, "1998-02-27"):
        assert text[t.start:t.end] == t.text
    assert [t.text for t in find_timexes(text, "1998-02-27")] == ["Friday", "a year ago", "next week"]


def test_timex_span_excludes_preposition():
    (t,) = find_timexes("The board met on Tuesday.", "2022-03-03")
    assert t.text == "Tuesday"


def test_timex_types_and_granularity():
    got = {t.text: (t.type, t.granularity) for t in find_timexes(
        "Yesterday, after three years of talks, the daily paper said it would publish this morning.",
        "2022-03-03")}
    assert got == {"Yesterday": ("DATE", "day"), "three years": ("DURATION", "duration"),
                   "daily": ("SET", "set"), "this morning": ("TIME", "time")}


def test_timex_unresolved_without_published_date():
    got = {t.text: t.value for t in find_timexes(
        "Officials met on Tuesday and said last year was hard; the law dates from March 1, 2022.", None)}
    assert got["Tuesday"] is None
    assert got["last year"] is None
    assert got["March 1, 2022"] == "2022-03-01"


def test_timex_month_may_needs_context():
    assert find_timexes("Officials may resign over the affair.", "2022-03-03") == []
    assert [t.value for t in find_timexes("The vote was held in May.", "2022-08-03")] == ["2022-05"]


def test_timex_no_false_years():
    assert find_timexes("The index rose 2150 points to 1,950 on volume of $1990.", "2022-03-03") == []


def test_timex_empty_text():
    assert find_timexes("", "2022-03-03") == []
