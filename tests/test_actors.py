"""Actors stage: dictionary coverage, role phrases, in-document linking, dated roles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from dragoman import actors, extract

COUNTRIES = Path(__file__).resolve().parents[1] / "src/dragoman/data/actors/countries.yaml"


def _codes_in(pipeline, texts: list[str]) -> list[set[str | None]]:
    resources = pipeline.resources
    found = []
    for doc in pipeline.parse(texts):
        layer = actors.find(doc, resources.knowledge, resources.matcher, dt.date(2024, 1, 1))
        found.append({m.country for m in layer.by_token.values()})
    return found


def test_actors_every_un_member_resolves_from_name_demonym_and_capital(pipeline) -> None:
    rows = [r for r in yaml.safe_load(COUNTRIES.read_text("utf-8")) if r["un"]]
    assert len(rows) == 193
    # A capital that is also a larger state's division (Victoria) is the capital in a
    # story that names its state.
    divisions = {
        (p.text.lower(), p.entry.country)
        for p in pipeline.resources.knowledge.phrases
        if p.entry.kind == "division"
    }
    probes: list[tuple[str, str, str]] = []
    for row in rows:
        name = row["names"][0]
        probes.append((row["code"], "name", f"Officials from {name} met on Monday."))
        if row["capitals"]:
            capital = row["capitals"][0]
            shared = any(t == capital.lower() and c != row["code"] for t, c in divisions)
            context = f" with {name}" if shared else ""
            probes.append(
                (
                    row["code"],
                    "capital",
                    f"{capital} said on Monday that talks{context} would resume.",
                )
            )
        adjectives = [d for d in row["demonyms"] if not d.endswith("s")]
        if adjectives:
            probes.append((row["code"], "demonym", f"The {adjectives[0]} delegation arrived."))
    results = _codes_in(pipeline, [p[2] for p in probes])
    missed = [
        (code, kind, text)
        for (code, kind, text), got in zip(probes, results, strict=True)
        if code not in got
    ]
    assert not missed, f"{len(missed)} of {len(probes)} not resolved: {missed[:20]}"


def test_actors_role_phrase_codes_person_and_outranks_dictionary(pipeline) -> None:
    result = extract(
        "Iran's Foreign Ministry spokesperson Bahram Qasemi spoke on Monday. "
        "Later, Qasemi repeated the point.",
        published="2018-05-22",
    )
    (qasemi,) = [a for a in result.actors if a.name == "Bahram Qasemi"]
    assert qasemi.code == "IRNGOV" and len(qasemi.mentions) == 2
    assert "role:" in qasemi.why and "spokesperson" in qasemi.why


def test_actors_definite_role_and_pronoun_link_to_the_person(pipeline) -> None:
    text = (
        "Russia's envoy for Syria, Alexander Lavrentiev, arrived in Geneva. "
        "The envoy said the talks were useful. He left on Friday."
    )
    result = extract(text, published="2018-05-22")
    (envoy,) = [a for a in result.actors if a.name == "Alexander Lavrentiev"]
    assert envoy.code == "RUSGOV"
    spans = {result.article.text[m.start : m.end] for m in envoy.mentions}
    assert {"envoy", "He"} <= {s.split()[-1] for s in spans}


def test_actors_dated_role_follows_the_article_date(pipeline) -> None:
    text = "Mike Pompeo visited Seoul."
    before = extract(text, published="2017-06-01")
    after = extract(text, published="2018-06-01")
    code = {
        r: next(a.code for a in x.actors if a.name == "Mike Pompeo")
        for r, x in (("before", before), ("after", after))
    }
    assert code == {"before": "USASPY", "after": "USAGOV"}


@pytest.mark.parametrize(
    ("text", "name", "published", "code"),
    [
        ("President Reagan spoke in Bonn.", "Ronald Reagan", "1987-06-01", "USAGOV"),
        ("President Reagan spoke in Bonn.", "Ronald Reagan", "1995-06-01", "USAELI"),
        # the state post is listed before the party post, so it is the one coded
        ("Gorbachev spoke in Berlin.", "Mikhail Gorbachev", "1990-06-01", "RUSGOV"),
        ("Gorbachev spoke in Berlin.", "Mikhail Gorbachev", "1999-11-01", "RUSELI"),
        ("Savimbi rejected the ceasefire.", "Jonas Savimbi", "1993-03-01", "AGOREB"),
        ("Netanyahu rejected the plan.", "Benjamin Netanyahu", "1997-03-01", "ISRGOV"),
    ],
)
def test_actors_historical_leader_coded_by_the_article_date(
    pipeline, text: str, name: str, published: str, code: str
) -> None:
    result = extract(text, published=published)
    got = {a.name: a.code for a in result.actors}
    assert got.get(name) == code, got


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("the Kremlin", "RUSGOV"),
        ("Hezbollah", "LBNREB"),
        ("Tasnim", "IRNMED"),
        ("Iranian forces", "IRNMIL"),
        ("the regime in Tehran", "IRNGOV"),
        # a role word inside a dictionary name adds nothing ("Army", "Bank" in the name)
        ("the South Lebanon Army", "LBNUAF"),
        ("the West Bank", "PSE"),
        # a unit of a known body keeps the body's own code, and so does its officer
        ("UNPROFOR troops", "IGOUPF"),
        ("Arab League Secretary-General Chedli Klibi", "IGOARL"),
        # a title inside a name the parser found is the person's role
        ("Kenyan Archbishop Samuel Odhiambo", "KENREL"),
        # a people placed in a state by an adjective takes that state
        ("Bosnian Serbs", "BIH"),
        ("the Serbs", "SRB"),
        # a people placed by "of", or called ethnic and placed by "in", live there
        ("the Albanians of southern Serbia", "SRB"),
        ("ethnic Albanians in south Serbia", "SRB"),
        # the leader's country is the forces' ("-led"); a backer's is not ("-backed")
        ("Vietnamese-led forces", "VNMMIL"),
        ("Syrian-backed Lebanese militias", "LBNUAF"),
        # al-Qaeda's core belongs to no state: CAMEO's IMG slot
        ("al-Qaeda", "IMGALQ"),
        # Northern Ireland is the United Kingdom's, not Ireland's
        ("Northern Ireland", "GBR"),
        # a member state stays itself
        ("NATO-member Norway", "NOR"),
    ],
)
def test_actors_phrases_get_codes(pipeline, phrase: str, code: str) -> None:
    result = extract(f"Officials say {phrase} criticised the plan.", published="2020-01-01")
    assert code in {a.code for a in result.actors}, [(a.name, a.code) for a in result.actors]


def test_actors_international_post_keeps_its_body_code(pipeline) -> None:
    result = extract("Ban Ki-moon urged restraint.", published="2012-01-01")
    assert {a.name: a.code for a in result.actors}["Ban Ki-moon"] == "IGOUNO"


def test_actors_user_role_file_adds_role_words(tmp_path) -> None:
    from dragoman import Settings

    roles = tmp_path / "roles.tsv"
    roles.write_text("phrase\tsectors\tkind\tnote\nzoneguard\tCOP\tgroup\ttest\n", "utf-8")
    settings = Settings(role_files=(str(roles),))
    result = extract(
        "Kenyan zoneguards arrested two men.", published="2020-01-01", settings=settings
    )
    assert "KENCOP" in {a.code for a in result.actors}


@pytest.mark.parametrize(
    ("sentence", "published", "code"),
    [
        ("UNITA rebels attacked the town on Tuesday.", "1993-05-04", "AGOREB"),
        ("Renamo guerrillas ambushed a bus convoy.", "1987-03-10", "MOZREB"),
        ("The Khmer Rouge shelled a provincial capital.", "1994-03-20", "KHMREB"),
        ("The Ulster Volunteer Force claimed the shooting.", "1994-06-18", "GBRUAF"),
        ("The GIA claimed responsibility for the massacre.", "1997-09-23", "DZAREB"),
        ("The contras attacked a farm cooperative.", "1986-05-12", "NICREB"),
        ("The OAU called for an immediate ceasefire.", "1990-08-02", "IGOAFU"),
        ("UNPROFOR said its convoy was stopped.", "1994-11-25", "IGOUPF"),
    ],
)
def test_actors_historical_groups_get_codes(
    pipeline, sentence: str, published: str, code: str
) -> None:
    result = extract(sentence, published=published)
    assert code in {a.code for a in result.actors}, [(a.name, a.code) for a in result.actors]


def test_actors_a_capitalised_alias_needs_capitals_even_after_an_article(pipeline) -> None:
    # "the Met" is London's police; the verb "met" is not.
    names = {a.name for a in extract("Putin met Xi in Beijing.", published="2024-01-01").actors}
    assert "Metropolitan Police" not in names
    found = extract("The Met arrested two men in London.", published="2024-01-01").actors
    assert "Metropolitan Police" in {a.name for a in found}


def test_actors_a_title_inside_a_found_name_gives_the_sector(pipeline) -> None:
    result = extract("Archbishop Samuel Odhiambo criticised the plan.", published="2020-01-01")
    (person,) = [a for a in result.actors if "Odhiambo" in a.name]
    assert "REL" in person.sectors, person


@pytest.mark.parametrize(
    ("published", "bush", "assad"),
    [
        ("1990-06-01", "George H. W. Bush", "Hafez al-Assad"),
        ("2005-06-01", "George W. Bush", "Bashar al-Assad"),
    ],
)
def test_actors_a_shared_name_goes_to_who_was_in_office(
    pipeline, published: str, bush: str, assad: str
) -> None:
    text = (
        "The talks were held in the capital on Monday. President Bush met President "
        "Assad to discuss the regional situation and the future of the peace process."
    )
    names = {a.name for a in extract(text, published=published).actors}
    assert {bush, assad} <= names, names


def test_actors_a_name_after_a_stance_prefix_is_not_the_actor(pipeline) -> None:
    # "an anti-Syria journalist" is not Syrian; "pro-Iranian" militias are not Iran's.
    result = extract(
        "An anti-Syria journalist met pro-Iranian militiamen in Beirut.", published="2005-06-02"
    )
    assert not {"SYR", "IRN"} & {a.country for a in result.actors}, result.actors
    named = extract("A Syrian journalist met Iranian militiamen.", published="2005-06-02")
    assert {"SYR", "IRN"} <= {a.country for a in named.actors}


def test_actors_a_name_keeps_its_words_as_written(pipeline) -> None:
    result = extract("Vietnamese-led forces shelled the camp.", published="1985-03-01")
    assert "Vietnamese-led forces" in {a.name for a in result.actors}


def test_actors_a_town_found_by_the_parser_is_placed_by_the_named_countries(pipeline) -> None:
    # Greenville: the largest is in the United States; in a story naming Liberia, Liberia's.
    result = extract(
        "Liberian rebels said they had taken Greenville on Monday.", published="1994-03-01"
    )
    countries = {a.country for a in result.actors}
    assert "LBR" in countries and "USA" not in countries, result.actors


def test_actors_a_demonym_on_a_language_is_no_actor(pipeline) -> None:
    result = extract("Latvia restricted the Russian language in schools.", published="2024-01-01")
    assert "RUS" not in {a.country for a in result.actors}, result.actors
    assert "RUS" in {a.country for a in extract("Latvia expelled Russian diplomats.").actors}


def test_actors_nationals_abroad_keep_their_state(pipeline) -> None:
    result = extract("Officials say Americans in Iraq criticised the plan.", published="2020-01-01")
    assert "USA" in {a.code for a in result.actors}, [(a.name, a.code) for a in result.actors]


@pytest.mark.parametrize(("published", "country"), [("1990-05-01", "SDN"), ("2015-05-01", "SSD")])
def test_actors_a_place_of_a_state_formed_later_is_its_predecessor(
    pipeline, published: str, country: str
) -> None:
    # Juba was in Sudan until South Sudan's independence (2011-07-09).
    result = extract("Sudanese rebels shelled Juba on Sunday.", published=published)
    (event,) = result.events
    assert event.target is not None and event.target.country == country


DOMESTIC = (
    "Nigeria's government faced new criticism on Monday. Nigerian police said the "
    "attack in Kano killed nine. The Nigerian army sent troops. Bayo Ferreira accused "
    "the government of neglect."
)
FOREIGN = (
    "Nigeria's government met Ghanaian officials on Monday. Ghana and Nigeria signed a "
    "trade deal, and Ghana's president praised it. Bayo Ferreira accused the government "
    "of neglect."
)


def test_actors_a_bare_name_takes_the_country_of_a_domestic_story(pipeline) -> None:
    # A story about one country gives it to the people it names with nothing else to go on;
    # in a story about two, a bare name's country is anyone's guess.
    def person(text: str) -> actors.Actor | None:
        found = [
            a for a in extract(text, published="2026-03-01").actors if a.name == "Bayo Ferreira"
        ]
        return found[0] if found else None

    domestic = person(DOMESTIC)
    assert domestic is not None and domestic.country == "NGA"
    assert "context:NGA" in domestic.why
    foreign = person(FOREIGN)
    assert foreign is not None and foreign.country is None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Peru's Congress voted to censure the president.", "PER"),
        ("The Nigeria Labour Congress began a strike on Monday.", "NGA"),
        ("The U.S. president criticised Congress on Monday.", "USA"),
    ],
)
def test_actors_bare_congress_is_the_legislature_of_its_country(pipeline, text, country) -> None:
    found = [a for a in extract(text, published="2026-03-01").actors if "Congress" in a.name]
    assert [a.country for a in found] == [country]


def test_actors_a_body_word_keeps_the_country_it_was_last_named_with(pipeline) -> None:
    text = (
        "Thai troops crossed the border on Monday, Thailand's army said. Cambodia's Ministry "
        'of National Defence accused Thai forces of firing first. "Thailand must withdraw," '
        "ministry spokesperson Sok Vannak said."
    )
    (speaker,) = [a for a in extract(text, published="2026-03-10").actors if a.name == "Sok Vannak"]
    assert (speaker.country, "body:KHM" in speaker.why) == ("KHM", True)


# Ten states whose first-level divisions news names often, each with its name as a story
# about it would write it.
DIVISION_STATES = {
    "USA": "the United States",
    "CAN": "Canada",
    "IND": "India",
    "DEU": "Germany",
    "AUS": "Australia",
    "GBR": "Britain",
    "NGA": "Nigeria",
    "BRA": "Brazil",
    "MEX": "Mexico",
    "JPN": "Japan",
}


def test_actors_every_first_level_division_of_ten_countries_resolves_to_its_country(
    pipeline,
) -> None:
    knowledge = pipeline.resources.knowledge
    divisions = {
        p.entry.key: p.entry
        for p in knowledge.phrases
        if p.entry.kind == "division" and p.entry.country in DIVISION_STATES
    }
    assert len(divisions) > 200  # 50 states, 13 provinces, 36 Indian states…
    # A story about the country: it names the country and another of its divisions.
    entries = sorted(divisions.values(), key=lambda e: (e.country, e.key))
    probes = []
    for entry in entries:
        same = [e for e in entries if e.country == entry.country and e.key != entry.key]
        probes.append(
            (
                entry.country,
                entry.name,
                f"Officials in {entry.name} said on Monday that "
                f"{DIVISION_STATES[entry.country]} would hold a vote, as did those in "
                f"{same[0].name}.",
            )
        )
    missed = []
    for (country, name, text), doc in zip(
        probes, pipeline.parse([p[2] for p in probes]), strict=True
    ):
        layer = actors.find(doc, knowledge, pipeline.resources.matcher, dt.date(2024, 1, 1))
        start = text.index(name)
        got = {m.country for m in layer.by_token.values() if m.span.start <= start < m.span.end}
        if got != {country}:
            missed.append((name, country, got))
    assert not missed, f"{len(missed)} of {len(probes)}: {missed[:30]}"


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        # a division wins over a foreign town of the same name
        ("Indiana police arrested two men on Monday.", "Indiana police", "USA"),
        ("Police in Arizona said the suspect had fled.", "Police in Arizona", "USA"),
        # over the capital of a small state that the story does not name
        ("Victoria's premier said the budget would pass.", "Victoria's premier", "AUS"),
        # a town named after a foreign capital, placed by its state
        ("The mayor of Paris, Texas, said the storm had passed.", "mayor of Paris, Texas", "USA"),
        # a name two states give to a division: the one the story names
        ("Protests erupted in Punjab, Pakistani police said.", "Punjab", "PAK"),
        ("Protests erupted in Punjab, Indian police said.", "Punjab", "IND"),
        # a state that is also a country's name, in an American story
        (
            "Georgia's governor signed the bill after Alabama passed a similar US law.",
            None,
            "USA",
        ),
        # and the country, where the story names no other US state
        ("Georgia's president met US envoys in Tbilisi.", None, "GEO"),
        ("Nigeria summoned Niger's ambassador on Tuesday.", "Niger's ambassador", "NER"),
        ("Gunmen attacked a village in Niger State, Nigerian police said.", "Niger", "NGA"),
    ],
)
def test_actors_division_resolves_to_its_country(pipeline, text, name, country) -> None:
    result = extract(text, published="2024-03-01")
    found = {
        result.article.text[m.start : m.end]: a.country for a in result.actors for m in a.mentions
    }
    if name is None:
        name = next(n for n in found if n.startswith("Georgia"))
    assert found.get(name) == country, found


def _by_mention(result) -> dict[str, tuple[str, str]]:
    """Each mention's text → (actor name, code)."""
    text = result.article.text
    return {text[m.start : m.end]: (a.name, a.code) for a in result.actors for m in a.mentions}


def test_actors_alias_yields_to_a_fuller_name_and_its_surname(pipeline) -> None:
    text = (
        "Indiana Sheriff Jonathan P. Blair said deputies arrested two men in Muncie. "
        "Blair said the investigation would continue."
    )
    result = extract(text, published="2024-03-01")
    names = {a.name for a in result.actors}
    assert "Tony Blair" not in names, names
    (blair,) = [a for a in result.actors if a.name == "Jonathan P. Blair"]
    assert len(blair.mentions) == 2 and blair.country == "USA"


@pytest.mark.parametrize(
    ("text", "mention", "not_name"),
    [
        ("Michelle Obama spoke in Chicago. Obama praised the volunteers.", "Obama", "Barack Obama"),
        ("Fiona Hill testified before the committee on Tuesday.", "Fiona Hill", "The Hill"),
        (
            "Georgia Smith, a nurse in Atlanta, said she was afraid.",
            "Georgia Smith, a nurse in Atlanta",
            "Georgia",
        ),
    ],
)
def test_actors_a_name_inside_another_persons_name_is_not_the_dictionary_entry(
    pipeline, text: str, mention: str, not_name: str
) -> None:
    found = _by_mention(extract(text, published="2024-03-01"))
    assert mention in found and found[mention][0] != not_name, found
    assert not_name not in {name for name, _code in found.values()}, found


def test_actors_the_story_country_is_not_given_over_a_named_one_or_to_generic_words(
    pipeline,
) -> None:
    text = (
        "A spokesperson for the British Foreign Office said Israel must act. Israeli "
        "officials said Israel would respond, and Israel's army said it was ready. "
        "Analysts said a mediator could help."
    )
    found = _by_mention(extract(text, published="2024-03-01"))
    assert found["spokesperson for the British Foreign Office"][1] == "GBRGOV", found
    assert found["Analysts"][1] == "EDU" and found["mediator"][1] == "GOV", found


@pytest.mark.parametrize(
    ("text", "mention", "code"),
    [
        # a state's own National Security Council is not the UN Security Council
        (
            "The White House National Security Council said the US would act.",
            "White House National Security Council",
            "USAGOV",
        ),
        ("Turkey's National Security Council met on Monday.", None, "TURGOV"),
        # a wire credit and a byline are the outlet, not the party sharing its letters
        ("NEW DELHI (PTI) - Pakistan shelled Indian posts on Monday.", "PTI", "INDMED"),
        ("By PTI\n\nPakistan condemned India on Monday.", "PTI", "INDMED"),
        # Nigeria's party, not the US Democrats; Kashmir's in an Indian story
        (
            "The Peoples Democratic Party rejected the results in Abuja, Nigeria.",
            "Peoples Democratic Party",
            "NGAPTY",
        ),
        (
            "The Peoples Democratic Party said India's election commission erred.",
            "Peoples Democratic Party",
            "INDPTY",
        ),
        # titles of members of Congress, in an American story
        ("Rep. Jim Jordan said the US House would vote in Washington.", None, "USALEG"),
        ("Del. Eleanor Holmes Norton said the US Congress must act.", None, "USALEG"),
        # a hyphenated role the tokenizer splits; a body placed abroad stays its state's
        ("China's vice-premier He Lifeng met US officials.", "China's vice-premier", "CHNGOV"),
        (
            "Soldiers of the People's Liberation Army in Hong Kong held drills.",
            "Soldiers of the People's Liberation Army in Hong Kong",
            "CHNMIL",
        ),
    ],
)
def test_actors_names_that_are_other_things(pipeline, text: str, mention, code: str) -> None:
    found = _by_mention(extract(text, published="2024-03-01"))
    if mention is None:
        mention = next(m for m in found if m.split()[0] in text.split()[:2])
    assert found.get(mention, (None, None))[1] == code, found


@pytest.mark.parametrize(
    ("text", "people"),
    [
        (
            "A van carrying marijuana was seized by the state, Texas Governor Greg Abbott said.",
            {"Greg Abbott"},
        ),
        ("Musk posted on Twitter that the rule was unfair.", {"Elon Musk"}),
    ],
)
def test_actors_non_names_are_not_people(pipeline, text: str, people: set[str]) -> None:
    result = extract(text, published="2024-03-01")
    assert {a.name for a in result.actors if a.kind == "person"} == people
    assert "Twitter" not in {a.name for a in result.actors}


@pytest.mark.parametrize(
    "text",
    [
        "Israeli troops pulled out of Gaza, The Times of Israel reported on Sunday.",
        "NEW DELHI (Reuters) - India said on Monday it would respond.",
    ],
)
def test_actors_a_comma_or_bracket_between_two_names_makes_two_mentions(pipeline, text) -> None:
    found = _by_mention(extract(text, published="2024-03-01"))
    assert not [m for m in found if "," in m or "(" in m], found


def test_actors_a_passing_mention_does_not_give_later_roles_its_country(pipeline) -> None:
    text = (
        "After a visit to Austria, the delegation flew home on Monday.\n\n"
        "Officers said the convoy had been stopped at the border."
    )
    found = _by_mention(extract(text, published="2024-03-01"))
    assert found["Officers"][1] == "MIL", found


@pytest.mark.parametrize(
    ("text", "published", "name"),
    [
        # a role the known person never held
        ("Local police chief Blair said two men were arrested.", "2024-03-01", "Blair"),
        ("The county sheriff, Blair, said two men were arrested.", "2024-03-01", "Blair"),
        # a story from before the known person's first role
        ("Obama said the county would build a new school.", "1975-06-01", "Obama"),
        # roles that fit keep the known person
        ("Senator Obama said the bill would pass.", "2006-06-01", "Barack Obama"),
        ("Prime Minister Blair met the press.", "2003-06-01", "Tony Blair"),
    ],
)
def test_actors_a_surname_is_a_known_person_only_when_plausible(
    pipeline, text: str, published: str, name: str
) -> None:
    people = {a.name for a in extract(text, published=published).actors if a.kind == "person"}
    assert name in people, people
