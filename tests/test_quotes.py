"""Quotes stage: quotation marks, speakers, floating quotes, relays and signatures."""

from __future__ import annotations

import pytest

from dragoman import extract
from dragoman.quotes import find_marked


def _texts(text: str) -> list[str]:
    return [text[a:b] for a, b in find_marked(text)]


def test_quotes_marks_curly_straight_nested_and_apostrophes() -> None:
    text = (
        "“As a voter, I’d rather live in what he calls “hell” than here,” she said. "
        'He added "we will see." Iran’s envoy left.'
    )
    assert _texts(text) == [
        "As a voter, I’d rather live in what he calls “hell” than here,",
        "we will see.",
    ]


def test_quotes_marks_continue_across_paragraphs() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph,” he said."
    (quote,) = _texts(text)
    assert quote.startswith("First") and quote.endswith("Second paragraph,")


def test_quotes_line_opened_with_a_closing_mark() -> None:
    assert _texts("”Fear is all I feel.” ― Ana Ruiz") == ["Fear is all I feel."]


def test_quotes_speaker_relay_and_floating_quote(pipeline) -> None:
    text = (
        "“We will not leave,” Turkish Foreign Minister Hakan Fidan said, according to "
        "Anadolu. “The border stays closed.”"
    )
    result = extract(text, published="2024-05-01")
    first, second = result.quotes
    assert first.speaker.name == "Hakan Fidan" and first.speaker.code == "TURGOV"
    assert [v.name for v in first.via][:1] == ["Anadolu Agency"] or "Anadolu" in first.via[0].name
    assert second.speaker.name == "Hakan Fidan" and second.cue is None


def test_quotes_signature_and_colon_lines(pipeline) -> None:
    text = (
        "“Prices keep rising and nobody listens to us.” ― Maria Lopez\n\n"
        "SMITH: We are done here today."
    )
    result = extract(text, published="2024-05-01")
    names = {q.span.text(result.article.text)[:12]: q.speaker.name for q in result.quotes}
    assert names["Prices keep "] == "Maria Lopez"
    assert names["We are done "] == "SMITH"


def test_quotes_titles_and_scare_quotes_are_not_quotes(pipeline) -> None:
    text = "She appeared on “Morning Joe” and called the plan “malign” on Monday."
    assert extract(text, published="2024-05-01").quotes == ()


def test_quotes_indirect_speech_content_without_complementizer(pipeline) -> None:
    result = extract("Putin said that foreign powers must leave Syria.", published="2018-05-22")
    (quote,) = result.quotes
    assert quote.kind == "indirect"
    assert quote.span.text(result.article.text) == "foreign powers must leave Syria"


def test_quotes_marks_around_blank_space_do_not_break_the_article(pipeline) -> None:
    # A quote whose first or last character is a space used to break the cue search.
    text = "He said “ we will stay ” and left.\n\n“  \n\n” Ana Ruiz said nothing more."
    result = extract(text, published="2024-05-01")
    assert result.article.text.startswith("He said")


def test_quotes_colon_introduces_a_quote_in_the_next_paragraph(pipeline) -> None:
    text = (
        "The ambassador spoke to reporters on Monday.\n\nHe said:\n\n"
        "“In all the years I have served, the border has never been this quiet.”"
    )
    result = extract(text, published="2024-05-01")
    (quote,) = result.quotes
    assert quote.cue is not None and quote.cue.text(result.article.text) == "said"
    assert quote.speaker is not None and quote.speaker.span.text(result.article.text) == "He"


def test_quotes_promises_are_reported_speech(pipeline) -> None:
    result = extract(
        "Senator Ana Ruiz vowed to shut down the private detention centers.",
        published="2024-05-01",
    )
    (quote,) = result.quotes
    assert quote.kind == "indirect"
    assert quote.span.text(result.article.text) == "to shut down the private detention centers"
    assert quote.speaker is not None and quote.speaker.span.text(result.article.text).endswith(
        "Ruiz"
    )


def test_quotes_one_quote_for_words_two_finders_claim(pipeline) -> None:
    # A transcript line "Continued Stone: “…”": the colon line and the marks cover the
    # same words; one quote remains, the one whose speaker is known.
    text = "Continued Stone: “I think the stakes are very high for everyone in this race.”"
    result = extract(text, published="2024-05-01")
    (quote,) = result.quotes
    assert quote.speaker is not None and quote.speaker.name == "Continued Stone"


@pytest.mark.parametrize(
    "text",
    [
        # a headline "X: Y" (the "Hong Kong chaos: China deploys troops…")
        "Hong Kong chaos: China deploys troops to the border\n\n"
        "China moved troops to the border on Monday, state media said.",
        "Nile talks: Egypt walks out of dam negotiations\n\n"
        "Egypt's delegation left the talks in Khartoum on Tuesday.",
        # a dateline "CITY: …" at the start of a paragraph
        "India rejects Pakistan's claims\n\n"
        "NEW DELHI: India on Monday rejected Pakistan's claims about the border clash.",
        "LAGOS: Police arrested 12 people after the protest turned violent on Sunday.",
    ],
)
def test_quotes_headlines_and_datelines_are_not_colon_quotes(pipeline, text: str) -> None:
    result = extract(text, published="2019-08-13")
    colon = [q for q in result.quotes if q.cue and q.cue.text(result.article.text) == ":"]
    assert colon == []


def test_quotes_a_colon_line_after_the_headline_is_still_a_quote(pipeline) -> None:
    text = "Debate transcript, second hour\n\nSMITH: We are done here today."
    result = extract(text, published="2024-05-01")
    (quote,) = result.quotes
    assert quote.speaker is not None and quote.speaker.name == "SMITH"


def test_quotes_none_lies_in_the_headline(pipeline) -> None:
    """The headline's quoted words are told again in the story; only the story's count."""
    text = (
        "Obama Says Museum Will Tell of 'Suffering and Delight'\n\n"
        "President Obama said the museum would tell of “suffering and delight,” "
        "speaking at its opening on Saturday."
    )
    result = extract(text, published="2016-09-25")
    headline_end = result.article.text.index("\n")
    assert result.quotes and all(q.span.start > headline_end for q in result.quotes)


def _speakers(text: str) -> list[tuple[str, str | None]]:
    """(quote content, speaker actor's name) of each quote, in order."""
    result = extract(text, published="2024-05-01")
    names = {a.id: a.name for a in result.actors}
    body = result.article.text
    return [
        (
            body[q.span.start : q.span.end],
            names.get(q.speaker.actor or "") if q.speaker is not None else None,
        )
        for q in result.quotes
    ]


def test_quotes_pronoun_speaker_is_the_last_person_who_spoke(pipeline) -> None:
    text = (
        "White House press secretary Karine Jean-Pierre said President Joe Biden was firm."
        "\n\n“We will not back down on this,” she added."
    )
    assert ("We will not back down on this,", "Karine Jean-Pierre") in _speakers(text)


def test_quotes_pronoun_speaker_from_the_previous_paragraph(pipeline) -> None:
    text = (
        "Defense Secretary Lloyd Austin arrived in Congress on Tuesday. The hearing "
        "lasted four hours.\n\n“We are ready for whatever comes next,” he told lawmakers."
    )
    assert ("We are ready for whatever comes next,", "Lloyd Austin") in _speakers(text)


def test_quotes_pronoun_speaker_must_fit_a_known_gender(pipeline) -> None:
    text = (
        "Ms. Lynch met Mr. Holder at the department on Monday."
        "\n\n“The meeting was very productive for everyone,” she said."
    )
    assert ("The meeting was very productive for everyone,", "Lynch") in _speakers(text)


def test_quotes_speaker_named_only_inside_the_quote_is_not_the_speaker(pipeline) -> None:
    text = (
        "“Hillary Clinton’s campaign is in panic mode. Full panic mode,” said Leslie "
        "Wimes, a Democratic activist in Florida."
    )
    ((_, speaker),) = _speakers(text)
    assert speaker == "Leslie Wimes"


def test_quotes_participle_relative_and_inverted_cues_find_their_speaker(pipeline) -> None:
    text = (
        "Senator Bernie Sanders spoke in Ohio on Monday, saying that billionaires pay "
        "too little in tax.\n\n"
        "“This is a disaster for the whole region,” said James Acton, a physicist at the "
        "Carnegie Endowment.\n\n"
        '"He would be a great senator. One of the brightest members of Congress," '
        "Rep. Elijah Cummings said in an interview.\n\n"
        "Marc Morial, who leads the National Urban League, told reporters that not "
        "voting is no option."
    )
    got = dict(_speakers(text))
    assert got.get("billionaires pay too little in tax") == "Bernie Sanders", got
    assert got.get("This is a disaster for the whole region,") == "James Acton", got
    assert (
        got.get("He would be a great senator. One of the brightest members of Congress,")
        == "Elijah Cummings"
    ), got
    assert got.get("not voting is no option") == "Marc Morial", got
