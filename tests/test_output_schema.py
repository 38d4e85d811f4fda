"""The output contract: `data/schema.json`, `docs/schema.md` and `output.to_dict` agree.

The example object is parsed from the doc's fenced JSON block (so the doc cannot
go stale), real output is produced from the seed article and the packaged
samples, and broken objects must be refused. Besides the schema, a few rules
JSON Schema cannot state are checked: every `text` equals `text[start:end]` of
the article, `root` is the start of `cameo`, ids point at existing objects.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import dragoman
from dragoman.models import (
    Actor,
    ActorRef,
    Article,
    Event,
    Extraction,
    Place,
    Quote,
    Reject,
    Source,
    Span,
    Speaker,
)
from dragoman.output import dumps, reject_dict, to_dict

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "schema.md"
SEED = Path(__file__).resolve().parents[2] / "shared" / "samples" / "seed-article.txt"
SAMPLES = Path(dragoman.__file__).parent / "samples"
# The date `make demo` gives the undated .txt samples (see samples/README.md).
SAMPLES_PUBLISHED = "2026-03-10"
# The seed article is the story of 22 May 2018 ("on Monday" = 21 May).
SEED_PUBLISHED = "2018-05-22"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _schema() -> dict[str, Any]:
    text = resources.files("dragoman").joinpath("data/schema.json").read_text("utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = _schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _json_blocks(section: str) -> list[str]:
    """The ```json blocks of one `## section` of docs/schema.md."""
    doc = DOC.read_text("utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", doc, re.M | re.S)
    assert match, f"docs/schema.md has no '## {section}' section"
    return [body for lang, body in _FENCE.findall(match.group(1)) if lang == "json"]


def _doc_example() -> dict[str, Any]:
    blocks = _json_blocks("Example")
    assert len(blocks) == 1, "the Example section of docs/schema.md needs one ```json block"
    return json.loads(blocks[0])


def _errors(validator: Draft202012Validator, obj: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
    ]


def _spans(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object of the output that carries `text`, `start` and `end`, with its path."""
    for i, actor in enumerate(obj["actors"]):
        for j, mention in enumerate(actor["mentions"]):
            yield f"actors/{i}/mentions/{j}", mention
    for i, event in enumerate(obj["events"]):
        yield f"events/{i}/trigger", event["trigger"]
        for side in ("source", "target"):
            if event[side] is not None:
                yield f"events/{i}/{side}", event[side]
        for j, source in enumerate(event["attribution"]):
            yield f"events/{i}/attribution/{j}", source
    for i, quote in enumerate(obj["quotes"]):
        yield f"quotes/{i}", quote
        if quote["speaker"] is not None:
            yield f"quotes/{i}/speaker", quote["speaker"]
        for j, source in enumerate(quote["via"]):
            yield f"quotes/{i}/via/{j}", source


def _consistency_errors(obj: dict[str, Any]) -> list[str]:
    """Rules of docs/schema.md that JSON Schema cannot express."""
    text = obj["text"]
    errors = []
    if obj["hash"] != hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]:
        errors.append("hash: not the SHA-1 prefix of text")
    for path, span in _spans(obj):
        if span["start"] is None:  # the outlet: named by no words of the text
            if span["text"] is not None or span["end"] is not None:
                errors.append(f"{path}: start is null but text/end are not")
            continue
        if not 0 <= span["start"] <= span["end"] <= len(text):
            errors.append(f"{path}: offsets {span['start']}..{span['end']} outside the text")
        elif text[span["start"] : span["end"]] != span["text"]:
            errors.append(
                f"{path}: text {span['text']!r} != "
                f"{text[span['start'] : span['end']]!r} at its offsets"
            )
    for i, sentence in enumerate(obj["sentences"]):
        if not 0 <= sentence["start"] <= sentence["end"] <= len(text):
            errors.append(f"sentences/{i}: outside the text")
    actor_ids = {a["id"] for a in obj["actors"]}
    quote_ids = {q["id"] for q in obj["quotes"]}
    refs = [
        (f"events/{i}/{side}", e[side]["actor"])
        for i, e in enumerate(obj["events"])
        for side in ("source", "target")
        if e[side] is not None
    ]
    refs += [(path, span.get("actor")) for path, span in _spans(obj) if "role" in span]
    refs += [
        (f"quotes/{i}/speaker", q["speaker"]["actor"])
        for i, q in enumerate(obj["quotes"])
        if q["speaker"] is not None
    ]
    errors += [
        f"{path}: unknown actor {ref}"
        for path, ref in refs
        if ref is not None and ref not in actor_ids
    ]
    for i, event in enumerate(obj["events"]):
        if event["root"] != event["cameo"][:2]:
            errors.append(f"events/{i}: root {event['root']} is not the start of {event['cameo']}")
        if event["quote"] is not None and event["quote"] not in quote_ids:
            errors.append(f"events/{i}: unknown quote {event['quote']}")
        if not 0 <= event["sentence"] < max(len(obj["sentences"]), 1):
            errors.append(f"events/{i}: sentence {event['sentence']} out of range")
        if event["place"] is not None and not (
            0 <= event["place"]["start"] <= event["place"]["end"] <= len(text)
        ):
            errors.append(f"events/{i}/place: offsets outside the text")
    for kind in ("actors", "events", "quotes"):
        ids = [x["id"] for x in obj[kind]]
        if len(ids) != len(set(ids)):
            errors.append(f"{kind}: duplicate ids")
    return errors


def _assert_valid(validator: Draft202012Validator, obj: dict[str, Any], what: str) -> None:
    errors = _errors(validator, obj)
    assert not errors, f"{what} does not follow data/schema.json:\n" + "\n".join(errors[:20])
    errors = _consistency_errors(obj)
    assert not errors, f"{what} breaks the rules of docs/schema.md:\n" + "\n".join(errors[:20])


# -- the schema and the doc ---------------------------------------------------


def test_output_schema_doc_example_is_valid(validator: Draft202012Validator) -> None:
    _assert_valid(validator, _doc_example(), "the example of docs/schema.md")


def test_output_schema_doc_example_has_every_field_of_to_dict() -> None:
    """The example shows every top-level field the serializer writes, in its order."""
    article = Article(id="x", hash="0" * 16, text="Text.")
    assert list(_doc_example()) == list(to_dict(Extraction(article=article)))


def _span(obj: dict[str, Any]) -> Span:
    return Span(obj["start"], obj["end"])


def _source(obj: dict[str, Any]) -> Source:
    span = _span(obj) if obj["start"] is not None else None
    return Source(
        role=obj["role"], name=obj["name"], code=obj["code"], actor=obj["actor"], span=span
    )


def _ref(obj: dict[str, Any] | None) -> ActorRef | None:
    if obj is None:
        return None
    return ActorRef(
        actor=obj["actor"],
        code=obj["code"],
        country=obj["country"],
        sectors=tuple(obj["sectors"]),
        span=_span(obj),
    )


def _extraction(obj: dict[str, Any]) -> Extraction:
    """The models behind one output object (JSON → model, for the round trip)."""
    text = obj["text"]
    article = Article(
        id=obj["id"],
        hash=obj["hash"],
        text=text,
        url=obj["url"],
        outlet=obj["outlet"],
        title=obj["title"],
        author=obj["author"],
        published=dt.date.fromisoformat(obj["published"]),
        language=obj["language"],
    )
    actors = tuple(
        Actor(
            id=a["id"],
            name=a["name"],
            kind=a["kind"],
            code=a["code"],
            country=a["country"],
            sectors=tuple(a["sectors"]),
            mentions=tuple(_span(m) for m in a["mentions"]),
            why=a["why"],
        )
        for a in obj["actors"]
    )
    events = []
    for e in obj["events"]:
        p = e["place"]
        place = (
            None
            if p is None
            else Place(
                name=p["name"],
                geonameid=p["geonameid"],
                country=p["country"],
                latitude=p["latitude"],
                longitude=p["longitude"],
                feature=p["feature"],
                span=_span(p),
            )
        )
        events.append(
            Event(
                id=e["id"],
                sentence=e["sentence"],
                trigger=_span(e["trigger"]),
                source=_ref(e["source"]),
                target=_ref(e["target"]),
                cameo=e["cameo"],
                root=e["root"],
                plover=e["plover"],
                quad_class=e["quad_class"],
                goldstein=e["goldstein"],
                date=dt.date.fromisoformat(e["date"]) if e["date"] else None,
                date_text=e["date_text"],
                date_precision=e["date_precision"],
                place=place,
                negated=e["negated"],
                hypothetical=e["hypothetical"],
                attribution=tuple(_source(s) for s in e["attribution"]),
                quote=e["quote"],
                confidence=e["confidence"],
                rule=e["rule"],
            )
        )
    quotes = []
    for q in obj["quotes"]:
        cue = None
        if q["cue"] is not None:
            # The output gives the cue's words only: take their nearest occurrence.
            at = min(
                (m.start() for m in re.finditer(re.escape(q["cue"]), text)),
                key=lambda i: abs(i - q["end"]),
            )
            cue = Span(at, at + len(q["cue"]))
        s = q["speaker"]
        speaker = (
            None
            if s is None
            else Speaker(name=s["name"], span=_span(s), actor=s["actor"], code=s["code"])
        )
        quotes.append(
            Quote(
                id=q["id"],
                kind=q["kind"],
                span=_span(q),
                cue=cue,
                speaker=speaker,
                via=tuple(_source(v) for v in q["via"]),
            )
        )
    return Extraction(
        article=article,
        sentences=tuple(_span(s) for s in obj["sentences"]),
        actors=actors,
        events=tuple(events),
        quotes=tuple(quotes),
    )


def test_output_schema_doc_example_is_what_to_dict_writes() -> None:
    """The doc example, rebuilt as models, serializes back to itself (JSON → model → JSON)."""
    example = _doc_example()
    assert json.loads(dumps(to_dict(_extraction(example)))) == example


def test_output_schema_doc_lists_every_schema_field() -> None:
    """Every property name of data/schema.json appears in docs/schema.md as `name`."""
    doc = DOC.read_text("utf-8")
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_schema())
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"fields of data/schema.json not documented in docs/schema.md: {missing}"


def test_output_schema_reject_example_matches_reject_dict() -> None:
    (line,) = _json_blocks("Rejects")
    written = reject_dict(Reject(origin="a.jsonl:1", reason="empty", detail="", record_id=None))
    assert list(json.loads(line)) == list(written)


def test_output_schema_version_is_the_models_version() -> None:
    from dragoman.models import SCHEMA

    assert _schema()["properties"]["schema"]["const"] == SCHEMA
    assert _doc_example()["schema"] == SCHEMA
    assert f"# Output contract: `{SCHEMA}`" in DOC.read_text("utf-8")


# -- broken objects are refused ----------------------------------------------


def _set(path: str, value: Any):
    """A mutation that sets `path` (slash-separated keys and indexes) to `value`."""

    def mutate(obj: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = obj
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[int(last) if isinstance(node, list) else last] = value

    return mutate


def _delete(path: str):
    def mutate(obj: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = obj
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[last]

    return mutate


BROKEN = {
    "root-one-digit": _set("events/0/root", "1"),
    "root-number": _set("events/0/root", 12),
    "cameo-five-digits": _set("events/0/cameo", "12345"),
    "cameo-letters": _set("events/0/cameo", "12a"),
    "quad-class-five": _set("events/0/quad_class", 5),
    "goldstein-out-of-range": _set("events/0/goldstein", 11),
    "unknown-top-field": _set("extra", 1),
    "unknown-event-field": _set("events/0/severity", 3),
    "unknown-span-field": _set("events/0/trigger/lemma", "reject"),
    "missing-field": _delete("hash"),
    "missing-nullable-field": _delete("events/0/date_text"),
    "other-version": _set("schema", "dragoman/1"),
    "unknown-date-precision": _set("events/0/date_precision", "week"),
    "published-not-iso": _set("published", "10/03/2026"),
    "published-impossible": _set("published", "2026-02-30"),
    "date-with-time": _set("events/0/date", "2026-03-09T12:00:00"),
    "quote-kind": _set("quotes/0/kind", "reported"),
    "via-role": _set("quotes/0/via/0/role", "author"),
    "country-alpha-2": _set("actors/0/country", "ET"),
    "negative-offset": _set("actors/0/mentions/0/start", -1),
    "negated-not-bool": _set("events/0/negated", "no"),
    "speaker-not-object": _set("quotes/0/speaker", "Selam Tadesse"),
    "hash-too-long": _set("hash", "0" * 40),
}


@pytest.mark.parametrize("mutation", list(BROKEN.values()), ids=list(BROKEN))
def test_output_schema_refuses_broken_object(validator: Draft202012Validator, mutation) -> None:
    obj = copy.deepcopy(_doc_example())
    mutation(obj)
    assert _errors(validator, obj), "a broken object passed the schema"


# -- real output ----------------------------------------------------------------


def _sample_inputs() -> list[Any]:
    """(name, input, published) for every packaged sample article."""
    cases = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix == ".txt" or path.suffix == ".html":
            # `extract` reads a string that starts with "<" as HTML.
            cases.append(pytest.param(path.read_text("utf-8"), SAMPLES_PUBLISHED, id=path.name))
        elif path.suffix == ".jsonl":
            for line in path.read_text("utf-8").splitlines():
                record = json.loads(line)
                cases.append(pytest.param(record, None, id=f"{path.name}:{record['id']}"))
    return cases


def test_output_schema_samples_cover_every_format() -> None:
    suffixes = sorted(p.suffix for p in SAMPLES.iterdir() if p.name != "README.md")
    assert suffixes == [".html", ".jsonl", ".txt", ".txt", ".txt"]
    assert len(_sample_inputs()) == 6


def test_output_schema_seed_article_output_is_valid(validator: Draft202012Validator) -> None:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED} (needs ../shared next to the repo)")
    obj = to_dict(dragoman.extract(SEED.read_text("utf-8"), published=SEED_PUBLISHED))
    _assert_valid(validator, obj, "output on the seed article")
    assert obj["published"] == SEED_PUBLISHED
    assert obj["id"] == obj["hash"]


@pytest.mark.parametrize(("item", "published"), _sample_inputs())
def test_output_schema_sample_output_is_valid(
    validator: Draft202012Validator, item: Any, published: str | None
) -> None:
    obj = to_dict(dragoman.extract(item, published=published))
    _assert_valid(validator, obj, "output on the sample")
    if isinstance(item, dict):
        assert obj["id"] == item["id"]
        assert obj["published"] == item["published"]
    elif item.lstrip().startswith("<"):
        assert obj["published"] == "2026-02-17"  # the page's own date wins
        assert obj["outlet"] == "The Meridian Ledger"
    else:
        assert obj["published"] == SAMPLES_PUBLISHED
        assert obj["id"] == obj["hash"]
