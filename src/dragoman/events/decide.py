"""The events stage's decision: a learned model over the candidates the rules propose.

The verb frames of `verbs.yaml` and the participant search propose candidates
(trigger, source, target) with a CAMEO code; for every candidate this module
describes it as a bag of named features (`features`) and the model decides
(`EventModel.decide`):

* the PLOVER type (a multinomial logistic regression over the types), and
* whether the candidate is right: its source, target and type are those a careful
  coder would give (a binary logistic regression), whose probability, calibrated on
  held-out folds when the model was trained, is the event's `confidence`.

Earlier PLOVER's YIELD covers today's CONCEDE and RETREAT, and the training data
does not tell them apart: the model decides YIELD, and the frame's own type, or the
lemma's verb patterns, say which of the two.

The model is plain arrays (`data/models/events.npz`) and a JSON description
(`data/models/events.json`: labels, recipe, training sizes; `CARD.md` beside it),
never a pickle; both are pinned by SHA-256 in `data/models/events.sha256` and
checked when loaded. `dragoman train events` writes them (`dragoman.train`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from spacy.tokens import Token

from dragoman.errors import ModelError
from dragoman.models import ActorRef, Span

MODEL_FILES = ("events.npz", "events.json")
YIELD = "YIELD"
SPLIT_YIELD = frozenset({"CONCEDE", "RETREAT"})
# Children of a trigger that say what kind of act it is.
_FRAME_DEPS = {
    "dobj",
    "prt",
    "xcomp",
    "ccomp",
    "neg",
    "aux",
    "auxpass",
    "dative",
    "attr",
    "acomp",
    "agent",
    "advmod",
    "nsubjpass",
    "oprd",
}
_CONTENT_POS = {"NOUN", "VERB", "ADJ", "PROPN"}
_WINDOW = 3


def feature_key(name: str) -> int:
    """A feature's 64-bit key. The model stores keys, not names: it holds no words of
    the sentences it was trained on."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def label_of(plover: str | None) -> str:
    """The model's label of a PLOVER type (CONCEDE and RETREAT are one YIELD)."""
    if plover is None:
        return "NONE"
    return YIELD if plover in SPLIT_YIELD else plover


def path(start: Token, end: Token, limit: int = 4) -> str:
    """The dependency path from `start` up to the lowest common head and down to `end`
    ("nsubj^", "pobj^prep^dobj^", "^ccomp"), or "far"."""
    ups: list[Token] = [start]
    while ups[-1].head.i != ups[-1].i and len(ups) <= limit:
        ups.append(ups[-1].head)
    downs: list[Token] = [end]
    while downs[-1].head.i != downs[-1].i and len(downs) <= limit:
        downs.append(downs[-1].head)
    down_ids = [t.i for t in downs]
    for n, token in enumerate(ups):
        if token.i in down_ids:
            m = down_ids.index(token.i)
            if n + m > limit:
                return "far"
            up = "".join(f"{t.dep_}^" for t in ups[:n])
            down = "".join(f"v{t.dep_}" for t in reversed(downs[:m]))
            return up + down or "self"
    return "far"


def _ref_features(role: str, ref: ActorRef | None, trigger: Token) -> list[str]:
    if ref is None:
        return [f"{role}:none"]
    out = [f"{role}:{'actor' if ref.actor else 'fallback'}"]
    span = trigger.doc.char_span(ref.span.start, ref.span.end, alignment_mode="expand")
    if span is not None and span.sent.start == trigger.sent.start:
        route = path(span.root, trigger)
        out += [f"{role}.path:{route}", f"{role}.path:{trigger.lemma_.lower()}|{route}"]
        out.append(f"{role}.side:{'before' if span.root.i < trigger.i else 'after'}")
    else:
        out.append(f"{role}.path:outside")
    out += [f"{role}.sector:{s}" for s in ref.sectors[:2]]
    if not ref.sectors:
        out.append(f"{role}.sector:none")
    if ref.country is None:
        out.append(f"{role}.country:none")
    return out


def features(
    token: Token,
    cameo: str | None,
    rule: str,
    source: ActorRef | None,
    target: ActorRef | None,
) -> list[str]:
    """The named features of one candidate event.

    Args:
        token: the trigger's head token in the parse.
        cameo: the CAMEO code the frame gives, None for a candidate no frame names.
        rule: the rule that proposed it (`verbs:<pattern>+<fallbacks>` or `generic`).
        source, target: the participants as the rules found them.
    """
    lemma = token.lemma_.lower()
    pos = "VERB" if token.pos_ in {"VERB", "AUX"} else "NOUN"
    out = ["bias", f"lemma:{lemma}", f"lemma_pos:{lemma}/{pos}", f"pos:{pos}", f"dep:{token.dep_}"]
    if token.head.i != token.i:
        out.append(f"head:{token.head.lemma_.lower()}")
        out.append(f"head_dep:{token.dep_}/{token.head.pos_}")
    base, *fallbacks = rule.split("+")
    out.append(f"rule:{base}")
    out += [f"fallback:{f}" for f in fallbacks]
    if cameo is not None:
        out += [f"code:{cameo}", f"root:{cameo[:2]}"]
    for child in token.children:
        if child.dep_ in _FRAME_DEPS:
            out.append(f"{child.dep_}:{child.lemma_.lower()}")
            out.append(f"{lemma}|{child.dep_}:{child.lemma_.lower()}")
        elif child.dep_ == "prep":
            out.append(f"prep:{child.lower_}")
            out.append(f"{lemma}|prep:{child.lower_}")
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out.append(f"pobj:{child.lower_}:{pobj.lemma_.lower()}")
    doc = token.doc
    for other in doc[max(token.i - _WINDOW, 0) : token.i + _WINDOW + 1]:
        if other.i != token.i and other.is_alpha:
            out.append(f"near:{other.lower_}")
    sent = token.sent
    out += [f"word:{t.lemma_.lower()}" for t in sent if t.pos_ in _CONTENT_POS and t.is_alpha]
    out += _ref_features("src", source, token)
    out += _ref_features("tgt", target, token)
    if source is not None and target is not None:
        same = source.country is not None and source.country == target.country
        out.append(f"same_country:{same}")
        out.append(f"order:{'src_first' if source.span.start < target.span.start else 'tgt_first'}")
        if source.span.start < token.idx < target.span.start:
            out.append("order:src_trigger_tgt")
    return out


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate event as the rules coded it, for a decider that records candidates."""

    trigger: Span
    source: ActorRef | None
    target: ActorRef | None
    plover: str | None
    rule: str
    keep_type: bool = True  # the frame's type stands; the model only scores it


@dataclass(frozen=True, slots=True)
class Decision:
    """What the model decided of one candidate.

    Attributes:
        label: the model's type (a PLOVER type, YIELD for CONCEDE or RETREAT).
        type_probability: the model's probability of that type.
        confidence: the calibrated probability that the event is right.
    """

    label: str
    type_probability: float
    confidence: float


class EventModel:
    """A trained event decision: feature weights for the type and for being right.

    Args:
        arrays: `keys` (the features' `feature_key`s, in row order), `type_w`
            (features × labels), `type_b` (labels), `right_w` (features), `right_b` (1,),
            `calibration` (2 × 2: slope and intercept on the logit, for candidates that
            keep their frame's type and for those the model types).
        meta: the JSON description: `labels`, the recipe and the training sizes.
        digest: the SHA-256 of the two files, for the rule string and `doctor`.
    """

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any], digest: str) -> None:
        self.index = {int(key): i for i, key in enumerate(arrays["keys"])}
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.label_index = {label: i for i, label in enumerate(self.labels)}
        self.type_w = arrays["type_w"]
        self.type_b = arrays["type_b"]
        self.right_w = arrays["right_w"]
        self.right_b = float(arrays["right_b"][0])
        # One curve per use: scoring the frames' own coding, deciding among all candidates.
        self.curves = [(float(a), float(b)) for a, b in arrays["calibration"]]
        self.meta = meta
        self.digest = digest
        if self.type_w.shape != (len(self.index), len(self.labels)):
            raise ModelError(f"event model: weights {self.type_w.shape} do not fit its features")

    def rows(self, names: list[str]) -> list[int]:
        """Row numbers of the features the model knows (each counted once)."""
        index = self.index
        return sorted({index[k] for k in map(feature_key, names) if k in index})

    def decide(self, names: list[str], candidate: Candidate | None = None) -> Decision:
        """The type and the calibrated probability of being right of one candidate.

        Where the candidate keeps its frame's type (`Candidate.keep_type`, the default
        `event_decision=score`), the confidence is that of the frame's type; otherwise
        the model's most probable type is decided.
        """
        rows = self.rows(names)
        scores = self.type_w[rows].sum(axis=0) + self.type_b
        scores = np.exp(scores - scores.max())
        probs = scores / scores.sum()
        best = int(probs.argmax())
        if candidate is not None and candidate.keep_type and candidate.plover:
            best = self.label_index.get(label_of(candidate.plover), best)
        logit = float(self.right_w[rows].sum()) + self.right_b
        raw = _sigmoid(logit) * float(probs[best])
        slope, intercept = self.curves[0 if candidate is None or candidate.keep_type else 1]
        confidence = _sigmoid(slope * _logit(raw) + intercept)
        return Decision(self.labels[best], float(probs[best]), confidence)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _digest(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in MODEL_FILES}


def read_pins(text: str) -> dict[str, str]:
    """`sha256  name` lines (comments start with #)."""
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            pins[name] = digest
    return pins


def load(path: str | Path | None = None) -> EventModel:
    """The event model of folder `path` (the packaged one when None), hash-checked.

    The packaged model must match `data/models/events.sha256`; a folder of one's
    own (`dragoman train events --out DIR`) must match the `events.sha256` in it.

    Raises:
        ModelError: a file is missing, fails its hash, or cannot be read.
    """
    folder = Path(path) if path else Path(str(resources.files("dragoman").joinpath("data/models")))
    try:
        pins = read_pins((folder / "events.sha256").read_text("utf-8"))
        found = _digest(folder)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"event model in {folder}: cannot read it ({exc}); rebuild it with "
            "`dragoman train events` or reinstall dragoman"
        ) from exc
    bad = [name for name in MODEL_FILES if pins.get(name) != found[name]]
    if bad:
        raise ModelError(
            f"event model in {folder}: {', '.join(bad)} fails its SHA-256 check "
            "(events.sha256); the files were changed after training"
        )
    try:
        with np.load(folder / "events.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads((folder / "events.json").read_text("utf-8"))
        combined = hashlib.sha256("".join(found[n] for n in MODEL_FILES).encode()).hexdigest()
        return EventModel(arrays, meta, combined)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"event model in {folder}: cannot read it: {exc}") from exc


@functools.lru_cache(maxsize=4)
def cached(path: str) -> EventModel:
    """`load(path)` once per process ("" is the packaged model)."""
    return load(path or None)


class Decider(Protocol):
    """What the events stage asks about each candidate: the model's decision, or None
    to keep the rules' coding (a training run collecting candidates)."""

    def decide(self, names: list[str], candidate: Candidate) -> Decision | None: ...
