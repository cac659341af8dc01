"""Topic tagging from analyst-editable rules (config/topics.yaml), with evidence.

Rules are Lucene-syntax expressions, parsed with luqum:
  Noord-Korea*                 a word, with * / ? wildcards (case-insensitive, whole tokens)
  "strategisch partnerschap"   a phrase (consecutive words)
  "Kim Poetin"~5               the words within 5 words of each other, any order
  AND  OR  NOT  ( )            boolean logic; words side by side without an operator mean OR
  list:nk                      a named list from the file's `lists:`
  country:KP  entity:Q7747  type:person    linked entity mentions (from the gazetteer)
  title:(...)  lead:(...)  body:(...)      restrict to one field
  word^2                       a weight (used when themes are scored)

A topic has a `relation` rule, tested sentence by sentence: the sentences where it holds are
the evidence that the article relates the two sides, not merely names them. Those sentences
become features (in the title, in the lead, share of body sentences, paragraphs carrying two
or more of them) whose weighted sum is the score in [0, 1]; thresholds map the score to a
level: primary, secondary, mention or none. Themes are rules scored on the relation sentences
and their neighbours (the whole text for primary articles).
"""

from __future__ import annotations

import fnmatch
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, reduce
from itertools import groupby, pairwise
from operator import or_
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import ahocorasick_rs
from luqum.parser import parser as lucene_parser
from luqum.tree import (
    AndOperation,
    Boost,
    FieldGroup,
    Group,
    Item,
    Not,
    OrOperation,
    Phrase,
    Plus,
    Prohibit,
    Proximity,
    SearchField,
    UnknownOperation,
    Word,
)
from pydantic import Field

from newsmon.config import ConfigError, StrictModel, validate_file
from newsmon.document import FIELDS, Document
from newsmon.entities import Gazetteer, Mention, rules_file_key
from newsmon.records import quick_init
from newsmon.text import WORD, Sentence

RULES_ENGINE_VERSION = "2"
DEFAULT_TOPICS = Path(__file__).resolve().parents[2] / "config" / "topics.yaml"
Level = Literal["primary", "secondary", "mention", "none"]


# --- the rules file --------------------------------------------------------------------------


class ScoreWeights(StrictModel):
    """Weights of the evidence features; the level score is their weighted sum.

    Fitted on labelled news with `newsmon eval DIR --fit` (an ordinal logistic regression: the score is a
    log-odds, each threshold below is where the next level becomes the likelier one); hand edits work too.
    """

    head_relation: float = 2.0  # the headline relates the two sides
    lead_relation: float = 1.5  # the lead (first paragraph) does
    body_share: float = 4.0  # fraction of body sentences that are relation sentences
    relation_sentences: float = 2.0  # number of relation sentences / 5 (at most 1)
    strong_paragraph: float = 1.0  # paragraphs with >= 2 relation sentences / 3 (at most 1)
    side_a_share: float = 1.0  # fraction of sentences naming the first side (`sides`)
    side_b_share: float = 0.5  # fraction of sentences naming the second side
    head_both: float = 0.5  # headline or lead names both sides, related or not
    lone_relation: float = 0.0  # exactly one relation sentence in the whole article
    intercept: float = 0.0


class Thresholds(StrictModel):
    """Score thresholds (same units as the score) above which a level holds; an article with no relation
    sentence is `none` whatever its score."""

    primary: float = 3.0
    secondary: float = 1.5
    mention: float = -10.0


FEATURES = tuple(k for k in ScoreWeights.model_fields if k != "intercept")


def decide_level(
    weights: Mapping[str, float], intercept: float, thresholds: Mapping[str, float], features: Mapping[str, float],
    related: bool, listed: bool = False,
) -> tuple[float, Level]:  # fmt: skip
    """The level model: (score, level). The score is the weighted sum of the features (a log-odds); the level
    is the highest whose threshold it reaches. Without a relation sentence the level is `none`, or `mention`
    when the only ones are enumerations of states, whatever the score. A single relation sentence in the body
    (none in the headline or lead) that the next sentence does not carry on ("Dit was ...", "Zij vinden ...")
    is one clause about the relation: at most `mention`, since `secondary` needs a passage of two or more."""
    score = intercept + sum(weights[k] * features[k] for k in FEATURES)
    if not related:
        return score, "mention" if listed else "none"
    in_head = features["head_relation"] or features["lead_relation"]
    clause = bool(features.get("lone_clause")) and not in_head
    one_item_of_several = bool(features.get("other_items"))
    for name in ("primary", "secondary", "mention"):
        if score >= thresholds[name] and not (clause and name != "mention") and not (
            one_item_of_several and name == "primary"
        ):
            return score, name
    return score, "none"


class ThemeRule(StrictModel):
    rule: str
    # summed weights of hits needed: around the relation sentences, and in a whole primary article
    min_weight: float = Field(default=1.0, gt=0)
    min_weight_primary: float = Field(default=2.0, gt=0)


class ContextRelation(StrictModel):
    """A sentence rule that counts as a relation only in an article whose title or lead matches `context`.

    For stories about one side that bring in the other in passing: a Russia story in which
    "Noord-Koreaanse arbeiders" fill building sites never names Russia in that sentence.
    """

    context: str
    sentence: str


class BackReference(StrictModel):
    """A sentence that names a side by referring back (`phrase`) and matches `sentence` counts as a relation.

    pair_reference: "de twee landen", "beide leiders" when the `window` sentences before name both sides.
    side_reference: "het land", "het regime" in a sentence naming one side, when the nearest sentence before
    it (within `window`) that names a side names the other one last ("Noord-Korea vuurde raketten af. Dat
    volgde op een bezoek van de Russische president aan het land.").
    """

    phrase: str
    sentence: str
    window: int = Field(default=3, ge=1, le=10)


class TopicRule(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    # the two sides the topic relates, each a rule ("list:nk", "list:ru"): how much of the text is about them
    sides: tuple[str, str]
    relation: str
    context_relations: tuple[ContextRelation, ...] = ()
    pair_reference: BackReference | None = None
    side_reference: BackReference | None = None
    weights: ScoreWeights = ScoreWeights()
    thresholds: Thresholds = Thresholds()
    themes: dict[str, ThemeRule] = Field(default_factory=dict)


class TopicsFile(StrictModel):
    version: str
    lists: dict[str, str] = Field(default_factory=dict)
    topics: tuple[TopicRule, ...] = Field(min_length=1)


# --- matching --------------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True)
class Hit:
    field: str
    start: int
    end: int
    term: str
    weight: float = 1.0


class Scope:
    """A piece of text the rules are evaluated on: its tokens and linked entities, with offsets.

    The rules mostly ask which words a sentence has: `words` and `vocabulary` are there from the start, the
    tokens' offsets (`tokens`) and each word's places (`positions`) are worked out when first asked for."""

    __slots__ = ("_lower", "_positions", "_span", "_tokens", "_words_of_span", "bits", "bits_of", "entity_info",
                 "field", "memos", "mentions", "role", "text", "vocabulary", "words")  # fmt: skip

    def __init__(
        self, field: str, words: Sequence[str], mentions: list[Mention], entity_info: dict[str, tuple[str | None, str]],
        text: str = "", span: tuple[int, int] | None = None, tokens: list[tuple[str, int, int]] | None = None,
        words_of_span: bool = False, lower: str | None = None,
    ) -> None:  # fmt: skip
        self.field = field
        self.text = text  # the whole field; offsets of tokens, mentions and hits index it
        self.role = field  # which part of the article it plays (a body's first line can be the headline)
        self.words = words  # the lower-cased tokens, in order
        self.mentions = mentions
        self.entity_info = entity_info  # id -> (country, type)
        self.vocabulary = frozenset(words)  # the distinct tokens
        # which of the rules' word and entity tests (see _Lexicon) the scope passes, one bit each; worked out
        # when first asked for, and again once a rule compiled since has added tests
        self.bits = 0
        self.bits_of = -1  # the number of tests `bits` covers
        # named lists, evaluated once per scope: their hits (Rule.match), their strongest weight (Rule.weigh)
        self.memos: tuple[dict[str | tuple[str, float], Any], dict[str | tuple[str, float], Any]] = ({}, {})
        self._span = span if span is not None else (0, len(text))
        self._tokens = tokens
        self._words_of_span = words_of_span  # `words` are the span's tokens (a Document's): see _tokens_of
        self._lower = lower  # the field's text lower-cased (FieldText.lower), when `words` were found in it
        self._positions: dict[str, list[int]] | None = None

    @property
    def tokens(self) -> list[tuple[str, int, int]]:
        """(lower-cased token, start, end) in the field's text."""
        if self._tokens is None:
            self._tokens = _tokens_of(self.text, self._span, self.words, self._lower) if self._words_of_span else (
                _tokens(self.text, *self._span))  # fmt: skip
        return self._tokens

    @property
    def positions(self) -> dict[str, list[int]]:
        """Each distinct token's indexes in `words`."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for i, token in enumerate(self.words):
                at = positions.get(token)
                if at is None:
                    positions[token] = [i]
                else:
                    at.append(i)
            self._positions = positions
        return self._positions

    def has(self, mask: int) -> int:
        """Non-zero when the scope passes one of the tests in `mask` (a token one of the word tests, a linked
        mention one of the entity tests)."""
        if self.bits_of != _LEXICON.size:
            lexicon = _LEXICON
            self.bits = lexicon.bits(self.vocabulary) | lexicon.entity_bits(self.mentions, self.entity_info)
            self.bits_of = lexicon.size
        return self.bits & mask

    def hits_at(self, indexes: list[int], term: str, weight: float) -> list[Hit]:
        return [Hit(self.field, self.tokens[i][1], self.tokens[i][2], term, weight) for i in indexes]


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    stop = len(text) if end is None else end
    return [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text, start, stop)]


def _tokens_of(
    text: str, span: tuple[int, int], words: Sequence[str], lower: str | None = None
) -> list[tuple[str, int, int]]:
    """`_tokens` of a span whose lower-cased tokens are `words` already (a Document's): only the offsets are
    found, without taking each token out and lower-casing it again (half the time); should the count differ,
    the tokens are found afresh. With `lower`, the lower-cased text the words were found in, each word is looked
    up after the one before (a word opens with a word character, and between two tokens there is none): a
    third of that time again."""
    if lower is not None:
        out, at, find = [], span[0], lower.find
        for w in words:
            start = find(w, at)
            if start < 0:
                break
            at = start + len(w)
            out.append((w, start, at))
        else:
            return out
    try:
        return [(w, m.start(), m.end()) for w, m in zip(words, WORD.finditer(text, *span), strict=True)]
    except ValueError:
        return _tokens(text, *span)


Matcher = Callable[[Scope, float], "list[Hit] | None"]
# The strongest weight among the hits a matcher would give, without making them: None when it does not hold,
# NO_HITS when it holds without hits (a NOT).
Weigher = Callable[[Scope, float], "float | None"]
NO_HITS = float("-inf")
_NO_INFO: tuple[str | None, str] = (None, "")  # an entity the gazetteer does not describe: no country, no type


def _is_glob(word: str) -> bool:
    return "*" in word or "?" in word


def _glob(word: str) -> re.Pattern[str] | None:
    return re.compile(fnmatch.translate(word.lower())) if _is_glob(word) else None


class _Lexicon:
    """The word tests of every compiled rule, numbered: a test is a set of words (with * / ? wildcards) and a
    token passes it when it is one of them. Each distinct token's tests are worked out once, as the bits of an int
    (bit i: it passes test i), and kept across texts (news vocabulary repeats; wildcards are regex calls); a
    scope's bits are its tokens' bits together, so whether a sentence has any word of a test is one AND, not a set
    operation per rule and sentence. Tests with the same words are one test. The entity fields (country:KP,
    entity:Q7747, type:person) are tests too, which a scope passes when one of its linked mentions fits."""

    LIMIT = 200_000  # distinct tokens remembered before the memory starts again

    def __init__(self) -> None:
        self.size = 0  # tests
        self._tests: dict[tuple[str, ...], int] = {}  # lower-cased words -> the test's bit
        self._exact: dict[str, int] = {}  # a word without wildcards -> the bits of the tests listing it
        self._globs: list[tuple[re.Pattern[str], int]] = []  # each test's wildcards as one pattern, and its bit
        self.known: _Known = _Known(self)  # token -> its bits
        self._entity_tests: dict[tuple[str, str | None], int] = {}  # (entity | country | type, value) -> its bit
        # what each bit tests: ("words", lower-cased word, ...) or ("entity", entity | country | type, value)
        self.tested: list[tuple[str, ...]] = []

    def mask(self, words: Sequence[str]) -> int:
        """The bit of the test "any of `words`", added when new."""
        key = tuple(w.lower() for w in words)
        bit = self._tests.get(key)
        if bit is None:
            bit = self._tests[key] = 1 << self.size
            self.tested.append(("words", *key))
            self.size += 1
            globs = [fnmatch.translate(w) for w in key if _is_glob(w)]
            for w in key:
                if not _is_glob(w):
                    self._exact[w] = self._exact.get(w, 0) | bit
            if globs:
                self._globs.append((re.compile("|".join(f"(?:{g})" for g in globs)), bit))
            self.known = _Known(self)  # every token is judged again, with the new test
        return bit

    def entity_mask(self, name: str, value: str) -> int:
        """The bit of the test "a linked mention whose id (entity), country or type is `value`"."""
        bit = self._entity_tests.get((name, value))
        if bit is None:
            bit = self._entity_tests[name, value] = 1 << self.size
            self.tested.append(("entity", name, value))
            self.size += 1
        return bit

    def literals(self, mask: int) -> tuple[list[str], int] | None:
        """Strings one of which a lower-cased text holds when a token of it passes a word test of `mask` (each
        word, or the longest part of it between wildcards), and the entity tests of `mask`; None when a word has
        no such part ("*", a [set])."""
        strings: list[str] = []
        entities = 0
        for index, (kind, *key) in enumerate(self.tested):
            bit = 1 << index
            if not mask & bit:
                continue
            if kind == "entity":
                entities |= bit
                continue
            for word in key:
                if "[" in word:
                    return None
                longest = max(re.split(r"[*?]", word), key=len)
                if not longest:
                    return None
                strings.append(longest)
        return strings, entities

    def entity_bits(self, mentions: Sequence[Mention], info: dict[str, tuple[str | None, str]]) -> int:
        tests, bits = self._entity_tests, 0
        for m in mentions:
            if m.entity_id is not None:
                country, kind = info.get(m.entity_id, _NO_INFO)
                bits |= (tests.get(("entity", m.entity_id), 0) | tests.get(("country", country), 0)
                         | tests.get(("type", kind), 0))  # fmt: skip
        return bits

    def judge(self, token: str) -> int:
        bits = self._exact.get(token, 0)
        for pattern, bit in self._globs:
            if pattern.match(token):
                bits |= bit
        if len(self.known) >= self.LIMIT:
            self.known = _Known(self)
        self.known[token] = bits
        return bits

    def bits(self, vocabulary: frozenset[str]) -> int:
        return reduce(or_, map(self.known.__getitem__, vocabulary), 0)  # __getitem__ judges new tokens

    def passing(self, vocabulary: frozenset[str], mask: int) -> list[str]:
        """The tokens of `vocabulary` that pass a test of `mask`."""
        known = self.known
        return [t for t in vocabulary if known[t] & mask]


class _Known(dict[str, int]):
    """Each token's bits (see _Lexicon), a token met for the first time judged on being looked up."""

    def __init__(self, lexicon: _Lexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, token: str) -> int:
        return self.lexicon.judge(token)


_LEXICON = _Lexicon()


def _word_finder(words: list[str]) -> Callable[[Scope], list[str]]:
    """Which of the scope's distinct tokens are any of `words` (with * / ? wildcards): none without a look at the
    tokens when the scope's bits say so (most sentences), else the tokens that pass the test (see _Lexicon)."""
    mask = _LEXICON.mask(words)

    def find(scope: Scope) -> list[str]:
        return _LEXICON.passing(scope.vocabulary, mask) if scope.has(mask) else []

    return find


def _words(words: list[str]) -> Matcher:
    """Any of many single words: one pass over the scope's distinct tokens."""
    find = _word_finder(words)

    def match(scope: Scope, weight: float) -> list[Hit] | None:
        found = find(scope)
        if not found:
            return None
        positions, tokens, field = scope.positions, scope.tokens, scope.field
        ordered = sorted(found, key=lambda t: positions[t][0]) if len(found) > 1 else found
        # in text order, as the tokens come
        return [Hit(field, tokens[i][1], tokens[i][2], token, weight) for token in ordered for i in positions[token]]

    return match


def _words_weight(words: list[str]) -> Weigher:
    mask = _LEXICON.mask(words)
    return lambda scope, weight: weight if scope.has(mask) else None


def _phrase_finder(words: list[str]) -> Callable[[Scope], list[int]]:
    """Where the consecutive `words` start in the scope (indexes of its words)."""
    tests = [(_glob(w), w.lower()) for w in words]
    size = len(tests)

    def find(scope: Scope) -> list[int]:
        first = tests[0]
        if first[0] is None and first[1] not in scope.vocabulary:
            return []
        tokens = scope.words
        starts = (scope.positions.get(first[1], []) if first[0] is None
                  else [i for i, t in enumerate(tokens) if first[0].match(t)])  # fmt: skip
        return [i for i in starts if i + size <= len(tokens) and all(
            (g.match(tokens[i + k]) if g else tokens[i + k] == w) for k, (g, w) in enumerate(tests))]  # fmt: skip

    return find


def _phrase(words: list[str]) -> Matcher:
    if len(words) == 1:
        return _words(words)
    find = _phrase_finder(words)
    term, last = " ".join(words), len(words) - 1

    def match(scope: Scope, weight: float) -> list[Hit] | None:
        starts = find(scope)
        if not starts:
            return None
        tokens = scope.tokens
        return [Hit(scope.field, tokens[i][1], tokens[i + last][2], term, weight) for i in starts]

    return match


def _phrase_weight(words: list[str]) -> Weigher:
    if len(words) == 1:
        return _words_weight(words)
    find = _phrase_finder(words)
    return lambda scope, weight: weight if find(scope) else None


def _proximity(words: list[str], distance: int) -> Matcher:
    finders = [_word_finder([w]) for w in words]
    term = " ".join(words)

    def match(scope: Scope, weight: float) -> list[Hit] | None:
        found = [find(scope) for find in finders]
        if not all(found):
            return None
        # each word's places in the sentence, in the order its hits come (tokens by first place, see _words);
        # the token offsets are read only for the hit
        places = scope.positions
        positions = [[i for t in (sorted(f, key=lambda t: places[t][0]) if len(f) > 1 else f) for i in places[t]]
                     for f in found]  # fmt: skip
        for anchor in positions[0]:
            window = [min(p, key=lambda i: abs(i - anchor)) for p in positions[1:]]
            if all(abs(i - anchor) <= distance + len(words) - 1 for i in window):
                idx = [anchor, *window]
                return [Hit(scope.field, scope.tokens[min(idx)][1], scope.tokens[max(idx)][2], term, weight)]
        return None

    return match


# what a compiled rule gives in a scope: its hits, or only their strongest weight; None where it does not hold
R = TypeVar("R", "list[Hit] | None", "float | None")
Part = Callable[[Scope, float], R]


@dataclass(frozen=True)
class _Reading(Generic[R]):
    """One way to read a rule: `Rule.match` reads the hits, `Rule.weigh` only their strongest weight. The rule's
    tree is compiled for each by the one compiler (`Rule._compile`); the leaves and the way parts combine are
    what differ, and are these."""

    words: Callable[[list[str]], Part[R]]  # any of the words (one word; an OR's plain words together)
    phrase: Callable[[list[str]], Part[R]]
    all: Callable[[list[Part[R]]], Part[R]]
    any: Callable[[list[Part[R]]], Part[R]]
    held: Callable[[], R]  # what a NOT gives when it holds: no hits (never None)
    from_matcher: Callable[[Matcher], Part[R]]  # a proximity or entity field, which make hits, read this way
    of_rule: Callable[[Rule], Part[R]]  # a named list's rule, compiled for this reading
    memo: int  # which of a scope's `memos` keeps the named lists evaluated in it


def _weight_of(matcher: Matcher) -> Weigher:
    return lambda scope, weight: None if matcher(scope, weight) is None else weight


class Rule:
    """One expression, compiled once into nested matchers (and, when first weighed, into weighers)."""

    def __init__(self, source: str, where: str, lists: dict[str, str], _depth: int = 0) -> None:
        self.source = source
        self._where = where
        self._raw_lists = lists
        self._depth = _depth
        self._lists: dict[str, Rule] = {}  # the named lists it uses, compiled
        try:
            tree: Item = lucene_parser.parse(source)
        except Exception as exc:  # luqum raises several error types for bad syntax
            raise ConfigError(f"{where}: cannot parse rule {source!r}: {exc}") from None
        self._tree = tree
        matcher = self._compile(tree, _MATCH)
        self._matcher: Matcher = matcher
        self._weigher: Weigher | None = None
        # the tests a scope must pass one of for the rule to hold there (None: it may hold without)
        self.need = self._need(tree)

    def match(self, scope: Scope, weight: float = 1.0) -> list[Hit] | None:
        """Hits when the rule holds in `scope`, None when it does not (an empty list: holds without hits)."""
        return self._matcher(scope, weight)

    def weigh(self, scope: Scope, weight: float = 1.0) -> float | None:
        """The largest weight among the hits `match` would give (NO_HITS when it holds without hits, None when
        it does not hold), without finding the hits' offsets: what a theme score reads."""
        weigher = self._weigher or self._weighed()
        return weigher(scope, weight)

    def _weighed(self) -> Weigher:
        if self._weigher is None:
            self._weigher = self._compile(self._tree, _WEIGH)
        return self._weigher

    def _compile(self, node: Item, reading: _Reading[R]) -> Part[R]:
        if isinstance(node, (Group, FieldGroup, Plus)):
            return self._compile(node.expr if not isinstance(node, Plus) else node.a, reading)
        if isinstance(node, Boost):
            inner, force = self._compile(node.expr, reading), float(node.force)
            return lambda scope, weight: inner(scope, weight * force)
        if isinstance(node, (Not, Prohibit)):
            negated, held = self._compile(node.a, reading), reading.held
            return lambda scope, weight: held() if negated(scope, weight) is None else None
        if isinstance(node, AndOperation):
            parts = [self._compile(c, reading) for c in node.children]
            return reading.all(parts)
        if isinstance(node, (OrOperation, UnknownOperation)):
            words = [c for c in node.children if isinstance(c, Word)]
            others: list[Part[R]] = []
            # phrases next to each other among other parts ("country:KP OR ... OR "a b" OR "c d""): one test of
            # their words for the run (the parts' order, which is the hits' order, is kept)
            rest = [c for c in node.children if not isinstance(c, Word)]
            for keyed, group in groupby(rest, key=lambda c: isinstance(c, Phrase) and self._need(c) is not None):
                run = list(group)
                if keyed and len(run) > 1:
                    others.append(_needing(self._need_any(run), reading.any([self._compile(c, reading) for c in run])))
                else:
                    others += [self._compile(c, reading) for c in run]
            either = reading.any(([reading.words([str(w.value) for w in words])] if words else []) + others)
            return _needing(self._need_any(node.children), either)
        if isinstance(node, SearchField):
            return self._field(node, reading)
        if isinstance(node, Proximity):
            return reading.from_matcher(_proximity(str(node.term.value).strip('"').split(), int(node.degree or 0)))
        if isinstance(node, Phrase):
            return reading.phrase(str(node.value).strip('"').split())
        if isinstance(node, Word):
            return reading.words([str(node.value)])
        raise ConfigError(f"{self._where}: unsupported construct {type(node).__name__} in {self.source!r}")

    def _field(self, node: SearchField, reading: _Reading[R]) -> Part[R]:
        name, value = node.name, str(node.expr).strip('"')
        if name in FIELDS:
            inner = self._compile(node.expr, reading)
            return lambda scope, weight: inner(scope, weight) if scope.role == name else None
        if name == "list":
            if value not in self._raw_lists:
                known = sorted(self._raw_lists)
                raise ConfigError(f"{self._where}: unknown list {value!r} in {self.source!r} (lists: {known})")
            listed = reading.of_rule(self._list(value))
            slot = reading.memo

            def by_list(scope: Scope, weight: float) -> R:
                key = value if weight == 1.0 else (value, weight)  # most are read at weight 1: the name alone
                memo: dict[str | tuple[str, float], R] = scope.memos[slot]
                if key in memo:
                    return memo[key]
                found = memo[key] = listed(scope, weight)
                return found

            return by_list
        if name not in {"entity", "country", "type"}:
            raise ConfigError(f"{self._where}: unknown field {name!r} in {self.source!r}")

        compared = {"entity": None, "country": 0, "type": 1}[name]  # the id, or which of its (country, type)

        test = _LEXICON.entity_mask(name, value)  # passed exactly where a mention fits (see _Lexicon.entity_bits)
        if reading is _WEIGH:
            return lambda scope, weight: weight if scope.has(test) else None  # type: ignore[return-value]

        def by_entity(scope: Scope, weight: float) -> list[Hit] | None:
            if not scope.has(test):
                return None
            info = scope.entity_info
            hits = [Hit(scope.field, m.start, m.end, m.surface, weight) for m in scope.mentions if m.entity_id
                    is not None and (info.get(m.entity_id, _NO_INFO)[compared] if compared is not None
                                     else m.entity_id) == value]  # fmt: skip
            return hits or None

        return reading.from_matcher(by_entity)

    def _list(self, name: str) -> Rule:
        if name not in self._lists:
            if self._depth > 5:
                raise ConfigError(f"{self._where}: lists nested too deeply at {name!r}")
            self._lists[name] = Rule(self._raw_lists[name], f"lists.{name}", self._raw_lists, self._depth + 1)
        return self._lists[name]

    def _need(self, node: Item) -> int | None:
        """The tests (a _Lexicon mask) a scope must pass one of for `node` to hold in it; None when it can hold
        without passing any (a NOT). A phrase or proximity needs each of its words: the test of its longest one
        without a wildcard is taken (the first word when all have one)."""
        if isinstance(node, (Group, FieldGroup, Boost)):
            return self._need(node.expr)
        if isinstance(node, Plus):
            return self._need(node.a)
        if isinstance(node, Word):
            return _LEXICON.mask([str(node.value)])
        if isinstance(node, (Phrase, Proximity)):
            words = str((node.term if isinstance(node, Proximity) else node).value).strip('"').split()
            plain = [w for w in words if not _is_glob(w)]
            return _LEXICON.mask([max(plain, key=len) if plain else words[0]]) if words else None
        if isinstance(node, AndOperation):
            return next((n for n in map(self._need, node.children) if n is not None), None)
        if isinstance(node, (OrOperation, UnknownOperation)):
            return self._need_any(node.children)
        if isinstance(node, SearchField):
            if node.name in FIELDS:
                return self._need(node.expr)
            if node.name == "list":
                return self._list(str(node.expr).strip('"')).need
            if node.name in {"entity", "country", "type"}:
                return _LEXICON.entity_mask(node.name, str(node.expr).strip('"'))
        return None

    def _need_any(self, children: Sequence[Item]) -> int | None:
        """What an OR of `children` needs: any child's need (its plain words are one test, as they are matched)."""
        words = [str(c.value) for c in children if isinstance(c, Word)]
        need = _LEXICON.mask(words) if words else 0
        for child in children:
            if not isinstance(child, Word):
                found = self._need(child)
                if found is None:
                    return None
                need |= found
        return need


def _needing(need: int | None, either: Part[R]) -> Part[R]:
    """`either`, tried only in a scope that passes one of the tests it needs: it holds in no other."""
    if need is None:
        return either
    return lambda scope, weight: either(scope, weight) if scope.has(need) else None


def _all(parts: list[Matcher]) -> Matcher:
    def match(scope: Scope, weight: float) -> list[Hit] | None:
        hits: list[Hit] = []
        for part in parts:
            found = part(scope, weight)
            if found is None:
                return None
            hits += found
        return hits

    return match


def _all_weight(parts: list[Weigher]) -> Weigher:
    def weigh(scope: Scope, weight: float) -> float | None:
        best = NO_HITS
        for part in parts:
            found = part(scope, weight)
            if found is None:
                return None
            best = max(best, found)
        return best

    return weigh


def _any_weight(parts: list[Weigher]) -> Weigher:
    def weigh(scope: Scope, weight: float) -> float | None:
        best: float | None = None
        for part in parts:
            found = part(scope, weight)
            if found is not None and (best is None or found > best):
                best = found
        return best

    return weigh


def _any(parts: list[Matcher]) -> Matcher:
    def match(scope: Scope, weight: float) -> list[Hit] | None:
        hits: list[Hit] | None = None
        for part in parts:
            found = part(scope, weight)
            if found is not None:
                if hits is None:
                    hits = []
                hits += found
        return hits

    return match


_MATCH: _Reading[list[Hit] | None] = _Reading(
    words=_words, phrase=_phrase, all=_all, any=_any, held=list, from_matcher=lambda matcher: matcher,
    of_rule=lambda rule: rule._matcher, memo=0,
)
_WEIGH: _Reading[float | None] = _Reading(
    words=_words_weight, phrase=_phrase_weight, all=_all_weight, any=_any_weight, held=lambda: NO_HITS,
    from_matcher=_weight_of, of_rule=lambda rule: rule._weighed(), memo=1,
)


# --- tagging --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationSentence:
    field: str
    sentence: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TopicResult:
    topic: str
    relevance: Level
    score: float
    themes: tuple[str, ...]
    relation_sentences: tuple[RelationSentence, ...]
    hits: tuple[Hit, ...]
    features: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # of the level model, to show each feature's part
    thresholds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "relevance": self.relevance,
            "score": round(self.score, 3),
            "themes": list(self.themes),
            "evidence": {
                "sentences": [{"field": s.field, "sentence": s.sentence, "start": s.start, "end": s.end,
                               "text": s.text} for s in self.relation_sentences],
                "terms": [{"field": h.field, "start": h.start, "end": h.end, "term": h.term} for h in self.hits],
                "features": {k: round(v, 3) for k, v in self.features.items()},
            },
        }


@dataclass(slots=True)
class _Unit:
    """A sentence ready for rule evaluation."""

    field: str
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    scope: Scope

    @property
    def role(self) -> str:
        """title | lead | body: the part it plays, whichever field holds it (kept on the scope, where the
        rules' field restrictions read it)."""
        return self.scope.role


class TopicRules:
    def __init__(self, data: TopicsFile) -> None:
        self.data = data
        self.version = f"{data.version}+engine-{RULES_ENGINE_VERSION}"
        self.relations = {t.id: Rule(t.relation, f"topics.{t.id}.relation", data.lists) for t in data.topics}
        self.sides = {
            t.id: (Rule(t.sides[0], f"topics.{t.id}.sides.0", data.lists),
                   Rule(t.sides[1], f"topics.{t.id}.sides.1", data.lists))
            for t in data.topics
        }  # fmt: skip
        # strings one of which a field holds (lower-cased) when a side's words are in it, for a quick "no"
        self._side_strings: dict[str, tuple[ahocorasick_rs.AhoCorasick | None, int]] = {}
        for t in data.topics:
            need_a, need_b = (side.need for side in self.sides[t.id])
            found = _LEXICON.literals(need_a | need_b) if need_a is not None and need_b is not None else None
            if found is not None:
                strings, entities = found
                self._side_strings[t.id] = (ahocorasick_rs.AhoCorasick(sorted(set(strings))) if strings else None,
                                            entities)  # fmt: skip
        self._monotone_sides = {t.id for t in data.topics
                                if not any(_negates(side, data.lists) for side in t.sides)}  # fmt: skip
        self.context_relations = {
            t.id: [
                (Rule(c.context, f"topics.{t.id}.context_relations.{i}.context", data.lists),
                 Rule(c.sentence, f"topics.{t.id}.context_relations.{i}.sentence", data.lists))
                for i, c in enumerate(t.context_relations)
            ]
            for t in data.topics
        }  # fmt: skip
        self.back_references = {
            (t.id, kind): (Rule(ref.phrase, f"topics.{t.id}.{kind}.phrase", data.lists),
                           Rule(ref.sentence, f"topics.{t.id}.{kind}.sentence", data.lists), ref.window)
            for t in data.topics
            for kind, ref in (("pair_reference", t.pair_reference), ("side_reference", t.side_reference)) if ref
        }  # fmt: skip
        self.themes = {
            t.id: {name: Rule(th.rule, f"topics.{t.id}.themes.{name}", data.lists) for name, th in t.themes.items()}
            for t in data.topics
        }

    @classmethod
    def load(cls, path: Path | str = DEFAULT_TOPICS) -> TopicRules:
        return _load_cached(*rules_file_key(path))

    def tag(
        self, fields: dict[str, str | None], mentions: Sequence[Mention], gazetteer: Gazetteer
    ) -> list[TopicResult]:
        """Tag loose texts (title, lead, body); `tag_document` when the Document is built already."""
        document = Document.build(fields.get("body") or "", date.min, fields.get("title"), fields.get("lead"))
        return self.tag_document(document, mentions, gazetteer)

    def tag_document(self, document: Document, mentions: Sequence[Mention], gazetteer: Gazetteer) -> list[TopicResult]:
        """Each topic's result. An article that names neither side of a topic anywhere is `none` for it without
        being read sentence by sentence (most news names neither): its evidence is empty, all features 0."""
        info = _entity_info(gazetteer)
        named = [t for t in self.data.topics if self._names_a_side(t, document, mentions, info)]
        units = _units(document, mentions, info) if named else []
        return [self._tag_topic(topic, units if topic in named else []) for topic in self.data.topics]

    def _names_a_side(
        self, topic: TopicRule, document: Document, mentions: Sequence[Mention], info: dict[str, tuple[str | None, str]]
    ) -> bool:  # fmt: skip
        """Whether either side's rule holds in some field as a whole: a sentence can name a side only then (side
        rules without NOT hold in a whole field when they hold in a part of it; with a NOT, assume they may). A
        field that holds none of the strings the sides' words need, nor a mention their entity fields need, is
        passed over without being tokenised (most news)."""
        if topic.id not in self._monotone_sides:
            return True
        strings = self._side_strings.get(topic.id)
        for name, part in document.fields.items():
            in_field = [m for m in mentions if m.field == name]
            if strings is not None and not _may_name(strings, part.lower, in_field, info):
                continue  # no side can hold here: the field is not tokenised
            words = [w for sentence_words in part.words for w in sentence_words]
            scope = Scope(name, words, in_field, info, part.text)
            if any(side.weigh(scope) is not None for side in self.sides[topic.id]):  # holds: no hits needed
                return True
        return False

    def _tag_topic(self, topic: TopicRule, units: list[_Unit]) -> TopicResult:
        relation = self.relations[topic.id]
        heads = [u for u in units if u.role in {"title", "lead"}]
        in_context = [rule for context, rule in self.context_relations[topic.id]
                      if any(context.match(u.scope) is not None for u in heads)]  # fmt: skip
        side_a, side_b = self.sides[topic.id]
        pair = self.back_references.get((topic.id, "pair_reference"))
        side = self.back_references.get((topic.id, "side_reference"))
        # each sentence's hits of either side, read once for the back references, enumerations and features
        names = [(side_a.match(u.scope), side_b.match(u.scope)) for u in units]
        related: list[tuple[_Unit, list[Hit]]] = []
        related_at: list[int] = []
        for position, unit in enumerate(units):
            hits = relation.match(unit.scope)
            for rule in in_context:
                if hits is None and unit.role == "body":
                    hits = rule.match(unit.scope)
            if hits is None and pair:
                hits = _pair_reference(unit, pair, names[max(0, position - pair[2]) : position])
            if hits is None and side:
                hits = _side_reference(unit, side, names[position], names[max(0, position - side[2]) : position])
            if hits is not None:
                related.append((unit, hits))
                related_at.append(position)
        # "Iran en Noord-Korea leveren wapens aan Rusland": one side as an item in a list of states relates
        # the two only in passing; such sentences make a mention, never more
        listed: list[tuple[_Unit, list[Hit]]] = []
        full: list[tuple[_Unit, list[Hit]]] = []
        for (unit, hits), position in zip(related, related_at, strict=True):
            hits_a, hits_b = names[position]
            enumerated = _in_enumeration(unit.scope, hits_a or [], hits_b or [])
            (listed if enumerated else full).append((unit, hits))
        features = self._features(units, full, names)
        w, t = topic.weights, topic.thresholds
        weights = {k: getattr(w, k) for k in FEATURES}
        logit, level = decide_level(weights, w.intercept, t.model_dump(), features, bool(full), bool(listed))
        features["listed_sentences"] = float(len(listed))
        # the score reported: how likely primary or secondary is, on the fitted log-odds scale
        score = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit - t.secondary)))) if related else 0.0
        themes = self._themes(topic, level, units, related) if level != "none" else ()
        return TopicResult(
            topic.id, level, score, themes,
            tuple(RelationSentence(u.field, u.index, u.paragraph, u.start, u.end, u.text) for u, _ in related),
            tuple(h for _, hits in related for h in hits), {**features, "score": logit},
            weights | {"intercept": w.intercept}, t.model_dump(),
        )  # fmt: skip

    def _features(
        self, units: list[_Unit], related: list[tuple[_Unit, list[Hit]]], names: list[_SideHits]
    ) -> dict[str, float]:
        body_units = [u for u in units if u.role == "body"]
        body_related = [u for u, _ in related if u.role == "body"]
        per_paragraph: dict[tuple[str, int], int] = {}
        for u, _ in related:
            per_paragraph[u.field, u.paragraph] = per_paragraph.get((u.field, u.paragraph), 0) + 1
        names_a = [a is not None for a, _ in names]
        names_b = [b is not None for _, b in names]
        head_a = any(a for a, u in zip(names_a, units, strict=True) if u.role in {"title", "lead"})
        head_b = any(b for b, u in zip(names_b, units, strict=True) if u.role in {"title", "lead"})
        lone_in_body = len(related) == 1 and related[0][0].role == "body"
        return {
            "head_relation": float(any(u.role == "title" for u, _ in related)),
            "lead_relation": float(any(u.role == "lead" for u, _ in related)),
            "body_share": len(body_related) / len(body_units) if body_units else 0.0,
            "relation_sentences": min(5, len(related)) / 5,
            "strong_paragraph": min(3, sum(n >= 2 for n in per_paragraph.values())) / 3,
            "side_a_share": sum(names_a) / len(units) if units else 0.0,
            "side_b_share": sum(names_b) / len(units) if units else 0.0,
            "head_both": float(head_a and head_b),
            # not weighted (see decide_level): the page holds several items, one of them without the relation
            "other_items": float(_has_unrelated_item(units, {(u.field, u.start) for u, _ in related})),
            "lone_relation": float(len(related) == 1),
            # not weighted (see decide_level): the single relation sentence, in the body, is not carried on by
            # the next sentence of its paragraph
            "lone_clause": float(lone_in_body and not _carried_on(related[0][0], units)),
        }

    def _themes(
        self, topic: TopicRule, level: Level, units: list[_Unit], related: list[tuple[_Unit, list[Hit]]]
    ) -> tuple[str, ...]:
        keys = {(u.field, u.start) for u, _ in related}
        if level == "primary":
            # the whole article is about the relation; what the relation sentences and the head say counts double
            scope_units = [(u, THEME_FOCUS_WEIGHT if (u.field, u.start) in keys or u.role != "body" else 1.0)
                           for u in units]  # fmt: skip
        else:
            scope_units = [(u, 1.0) for u in units if (u.field, u.start) in keys]  # what the relation sentences say
        chosen = []
        for name, rule in self.themes[topic.id].items():
            total = 0.0
            for unit, factor in scope_units:
                strongest = rule.weigh(unit.scope)
                if strongest is not None and strongest != NO_HITS:
                    total += factor * strongest  # each sentence counts once, by its strongest term
            spec = topic.themes[name]
            if total >= (spec.min_weight_primary if level == "primary" else spec.min_weight):
                chosen.append(name)
        return tuple(chosen)


_SideHits = tuple[list[Hit] | None, list[Hit] | None]


def _may_name(
    strings: tuple[ahocorasick_rs.AhoCorasick | None, int], lower: str | None, mentions: list[Mention],
    info: dict[str, tuple[str | None, str]],
) -> bool:  # fmt: skip
    """False when no token of a field can pass a side's word tests (none of their strings is in it, read without
    tokenising) and no mention passes its entity tests. The tokens are those of the lower-cased text unless
    lower-casing changes a length or depends on a neighbour (`lower` None, see FieldText.lower): then True."""
    matcher, entities = strings
    if entities and _LEXICON.entity_bits(mentions, info) & entities:
        return True
    if lower is None:
        return True
    return matcher is not None and bool(matcher.find_matches_as_indexes(lower))


def _back_reference(unit: _Unit, reference: tuple[Rule, Rule, int]) -> list[Hit] | None:
    phrase = reference[0].match(unit.scope)
    if phrase is None:
        return None
    sentence = reference[1].match(unit.scope)
    return phrase + sentence if sentence is not None else None


def _pair_reference(unit: _Unit, pair: tuple[Rule, Rule, int], before: list[_SideHits]) -> list[Hit] | None:
    """"De twee landen tekenden een verdrag": the hits, when the sentences just before name both sides."""
    if not (any(a is not None for a, _ in before) and any(b is not None for _, b in before)):
        return None
    return _back_reference(unit, pair)


def _side_reference(
    unit: _Unit, side: tuple[Rule, Rule, int], here: _SideHits, before: list[_SideHits]
) -> list[Hit] | None:
    """"Dat volgde op een bezoek van de Russische president aan het land": "het land" is the side that the
    nearest sentence before named last, when that is the side this sentence does not name."""
    named_a, named_b = here[0] is not None, here[1] is not None
    if named_a == named_b:
        return None
    for a, b in reversed(before):
        if a is None and b is None:
            continue
        last_a = max((h.start for h in a or []), default=-1)
        last_b = max((h.start for h in b or []), default=-1)
        other_last = last_b > last_a if named_a else last_a > last_b
        return _back_reference(unit, side) if other_last else None
    return None


# Words that open a sentence carrying the one before it on: demonstratives, pronouns, pronominal adverbs
_CARRY_ON = frozenset({"dit", "dat", "die", "deze", "daar", "daarom", "daarmee", "daarbij", "daarna", "daarvoor",
                       "daardoor", "hiermee", "hierbij", "hierdoor", "hiervoor", "hij", "zij", "ze", "hun", "zijn",
                       "haar"})  # fmt: skip


def _carried_on(unit: _Unit, units: list[_Unit]) -> bool:
    """Whether the next sentence of the unit's paragraph opens with a word that refers back to it."""
    following = [u for u in units if u.field == unit.field and u.paragraph == unit.paragraph and u.start > unit.start]
    if not following:
        return False
    words = min(following, key=lambda u: u.start).scope.words
    return bool(words) and words[0] in _CARRY_ON


THEME_FOCUS_WEIGHT = 2.0
_ENUMERATION_GLUE = re.compile(r"\s*(?:,|,?\s+(?:en|of|and|noch)\s+|/)\s*")
_STATE_TYPES = frozenset({"country"})


def _in_enumeration(scope: Scope, side_hits: list[Hit], other_hits: list[Hit]) -> bool:
    """Whether a mention of the side stands in an enumeration of states ("Iran, Noord-Korea en Rusland",
    "Iraanse en Noord-Koreaanse drones") that holds a state other than the two the topic relates."""
    if not side_hits:
        return False
    info = scope.entity_info
    states = sorted((m for m in scope.mentions if m.entity_id and info.get(m.entity_id, (None, ""))[1] in _STATE_TYPES),
                    key=lambda m: m.start)  # fmt: skip
    if len(states) < 2:
        return False
    text_of = {(m.start, m.end): m for m in scope.mentions}
    side_spans = {(h.start, h.end) for h in side_hits if (h.start, h.end) in text_of}
    side_mentions = [text_of[(h.start, h.end)] for h in side_hits + other_hits if (h.start, h.end) in text_of]
    both_sides = {info[m.entity_id][0] for m in side_mentions if m.entity_id in info}
    # chains of state mentions joined only by commas, "en", "of"
    chains: list[list[Mention]] = [[states[0]]]
    for previous, current in pairwise(states):
        gap = scope.text[previous.end : current.start]
        if _ENUMERATION_GLUE.fullmatch(gap):
            chains[-1].append(current)
        else:
            chains.append([current])
    for chain in chains:
        if len(chain) < 2 or not any((m.start, m.end) in side_spans for m in chain):
            continue
        countries = {info[m.entity_id or ""][0] for m in chain}
        if countries - both_sides:
            return True
    return False


_LIST_REFERENCE = re.compile(r"list:(\w+)")
_NEGATION = re.compile(r"\bNOT\b|(?:^|[\s(])[-!]")


def _negates(source: str, lists: Mapping[str, str], seen: frozenset[str] = frozenset()) -> bool:
    """Whether a rule (with the named lists it uses) holds a NOT, "-" or "!" anywhere."""
    if _NEGATION.search(source):
        return True
    return any(name not in seen and _negates(lists.get(name, ""), lists, seen | {name})
               for name in _LIST_REFERENCE.findall(source))  # fmt: skip


def _units(document: Document, mentions: Sequence[Mention], info: dict[str, tuple[str | None, str]]) -> list[_Unit]:
    by_field: dict[str, list[Mention]] = {}
    for m in mentions:
        by_field.setdefault(m.field, []).append(m)
    units: list[_Unit] = []
    for name, part in document.fields.items():
        field_mentions = by_field.get(name, [])
        starts = [m.start for m in field_mentions]
        in_order = all(a <= b for a, b in pairwise(starts))  # as the gazetteer gives them: slice per sentence
        lower = part.lower  # the text `words` were found in (None: they were found otherwise)
        for i, sentence in enumerate(part.sentences):
            pieces = _headline_clauses(part.text, sentence) if name == "title" else [sentence]
            for piece in pieces:
                if in_order:
                    in_sentence = field_mentions[bisect_left(starts, piece.start) : bisect_left(starts, piece.end)]
                else:
                    in_sentence = [m for m in field_mentions if piece.start <= m.start < piece.end]
                span = (piece.start, piece.end)
                if piece is sentence:
                    words: Sequence[str] = part.words[i]
                    tokens = None  # found when a rule needs offsets (in `lower`, where the words were found)
                else:
                    tokens = _tokens(part.text, *span)
                    words = [t[0] for t in tokens]
                in_sentence, words, tokens = _without_places(in_sentence, words, tokens, part.text, span, info, lower)
                scope = Scope(name, words, in_sentence, info, part.text, span, tokens, words_of_span=tokens is None,
                              lower=lower)  # fmt: skip
                units.append(_Unit(name, piece.index, part.paragraphs[i], piece.start, piece.end, piece.text, scope))
    _assign_head_roles(units, has_title="title" in document.fields, has_lead="lead" in document.fields)
    return units


# A state named only as where something is ("een raket die nabij Rusland in zee viel", "ten oosten van Japan")
# is geography, not a party: the topic rules do not see it.
_NEAR = (("nabij",), ("vlakbij",), ("dichtbij",), ("dicht", "bij"), ("vlak", "bij"), ("in", "de", "buurt", "van"),
         ("voor", "de", "kust", "van"), ("ten", "oosten", "van"), ("ten", "westen", "van"), ("ten", "noorden", "van"),
         ("ten", "zuiden", "van"), ("ten", "noordoosten", "van"), ("ten", "zuidoosten", "van"),
         ("ten", "noordwesten", "van"), ("ten", "zuidwesten", "van"))  # fmt: skip
_NEAR_LAST = frozenset({p[-1] for p in _NEAR} | {"bij"})
_NEAR_WORDS = sorted({frozenset(p) for p in _NEAR} | {frozenset({"bij"})}, key=len)  # a place needs all of one
_AT_SEA = frozenset({"zee", "kust", "wateren", "zeegebied", "territoriale", "economische"})


def _without_places(
    mentions: list[Mention], words: Sequence[str], tokens: list[tuple[str, int, int]] | None, text: str,
    span: tuple[int, int], info: dict[str, tuple[str | None, str]], lower: str | None = None,
) -> tuple[list[Mention], Sequence[str], list[tuple[str, int, int]] | None]:  # fmt: skip
    """The sentence's mentions, words and tokens without the states it names only as a location: after "nabij",
    "ten oosten van" and the like, or after a bare "bij" in a sentence at sea ("bij Rusland in zee"). `tokens`
    may be None (not found yet, `words` then being the span's tokens): they are found here when the sentence
    names a state."""
    if not mentions or _NEAR_LAST.isdisjoint(words):  # every location phrase ends in one of these words
        return mentions, words, tokens
    states = [m for m in mentions if m.entity_id and info.get(m.entity_id, (None, ""))[1] in _STATE_TYPES]
    if not states:
        return mentions, words, tokens
    vocabulary = set(words)
    if not any(need <= vocabulary for need in _NEAR_WORDS):  # no location phrase can be there
        return mentions, words, tokens
    if tokens is None:
        tokens = _tokens_of(text, span, words, lower)
    starts = [t[1] for t in tokens]
    at_sea = not _AT_SEA.isdisjoint(words)
    places: list[Mention] = []
    for m in states:
        at = bisect_left(starts, m.start)  # the first token at or after the mention
        if at == len(tokens):
            continue
        before = tuple(words[max(0, at - 4) : at])
        if not before or before[-1] not in _NEAR_LAST:
            continue
        if any(before[-len(p):] == p for p in _NEAR) or (at_sea and before[-1:] == ("bij",)):
            places.append(m)
    if not places:
        return mentions, words, tokens
    spans = [(m.start, m.end) for m in places]
    kept = [t for t in tokens if not any(a <= t[1] < b for a, b in spans)]
    return [m for m in mentions if m not in places], [t[0] for t in kept], kept


HEADLINE_MAX_WORDS = 20
LEAD_MAX_SENTENCES = 2


def _assign_head_roles(units: list[_Unit], has_title: bool, has_lead: bool) -> None:
    """Text often arrives as one body whose first line is the headline and whose first paragraph is the lead
    (a pasted article, an extractor that kept the heading). Without a separate title, a first line that reads
    as a headline (short, one line, no closing full stop; a section label or credit of one or two words before
    it is skipped) plays the title; without a separate lead, the first paragraph after it plays the lead."""
    body = [u for u in units if u.field == "body"]
    if not body:
        return
    paragraphs: dict[int, list[_Unit]] = {}
    for u in body:
        paragraphs.setdefault(u.paragraph, []).append(u)
    order = sorted(paragraphs)
    position = 0
    if not has_title:
        while position < len(order) - 1 and _is_label(paragraphs[order[position]]):
            position += 1
        first = paragraphs[order[position]]
        if position < len(order) - 1 and _is_headline(first):
            for u in first:
                u.scope.role = "title"
            position += 1
        elif position:
            position = 0  # no headline after the short lines: they stay body
    if not has_lead and position < len(order):
        # between a headline and its lead, pages keep their furniture: bylines, timestamps, section labels,
        # agency codes ("door anp", "20u32", "vrijdag, 29 augustus 2025 om 11:46"); the lead is the first
        # paragraph that reads as prose
        start = position
        while position < len(order) - 1 and _is_furniture(paragraphs[order[position]]):
            position += 1
        if _is_furniture(paragraphs[order[position]]):
            position = start
        for u in paragraphs[order[position]][:LEAD_MAX_SENTENCES]:
            u.scope.role = "lead"


def _is_label(paragraph: list[_Unit]) -> bool:
    return len(paragraph) == 1 and len(paragraph[0].scope.words) <= 2


FURNITURE_MAX_WORDS = 8
_PROSE_END = re.compile(r"""[.!?:]["'”’)]*\s*$""")


def _is_furniture(paragraph: list[_Unit]) -> bool:
    """A one-line paragraph too short to be prose and not ending like a sentence: a byline, a dateline,
    a timestamp, a section label."""
    if len(paragraph) != 1:
        return False
    text = paragraph[0].text
    return len(WORD.findall(text)) <= FURNITURE_MAX_WORDS and not _PROSE_END.search(text)


ITEM_HEADING_MIN_WORDS = 5
PROSE_MIN_WORDS = 8


def _has_unrelated_item(units: list[_Unit], related: set[tuple[str, int]]) -> bool:
    """An overview, tag or blog page strings several stories together, each under its own headline followed by
    prose. True when the body holds such a second item and one item (the head's included) has prose but no
    relation sentence."""
    head_end = max((u.start for u in units if u.field == "body" and u.role != "body"), default=-1)
    paragraphs: dict[int, list[_Unit]] = {}
    for u in units:
        if u.field == "body" and u.role == "body" and u.start > head_end:  # furniture before the lead stays out
            paragraphs.setdefault(u.paragraph, []).append(u)
    order = sorted(paragraphs)
    items: list[list[_Unit]] = [[u for u in units if u.role != "body" or u.field != "body"]]
    for position, key in enumerate(order):
        paragraph = paragraphs[key]
        following = paragraphs[order[position + 1]] if position + 1 < len(order) else []
        if _is_item_heading(paragraph) and following and _is_prose(following):
            items.append([])
        items[-1].extend(paragraph)
    if len(items) < 2:
        return False
    return any(not any((u.field, u.start) in related for u in item) and _is_prose(item) for item in items)


def _is_item_heading(paragraph: list[_Unit]) -> bool:
    text = paragraph[0].text  # one line without a closing full stop, its words counted last (most fail before)
    return (len(paragraph) == 1 and not _PROSE_END.search(text)
            and ITEM_HEADING_MIN_WORDS <= len(WORD.findall(text)) <= HEADLINE_MAX_WORDS)  # fmt: skip


def _is_prose(units: list[_Unit]) -> bool:
    return any(len(u.scope.words) >= PROSE_MIN_WORDS and u.text.rstrip().endswith((".", '."', ".”", ".’"))
               for u in units)  # fmt: skip


def _is_headline(paragraph: list[_Unit]) -> bool:
    text = " ".join(u.text for u in paragraph)
    return len(paragraph) <= 2 and len(WORD.findall(text)) <= HEADLINE_MAX_WORDS and not text.rstrip().endswith(".")


def _headline_clauses(text: str, sentence: Sentence) -> list[Sentence]:
    """In a headline a semicolon separates two stories ("X in Pyongyang; Rusland ...")."""
    if ";" not in sentence.text:
        return [sentence]
    parts: list[Sentence] = []
    offset = sentence.start
    for piece in sentence.text.split(";"):
        stripped = piece.strip()
        if stripped:
            start = text.index(stripped, offset)
            parts.append(Sentence(sentence.index, start, start + len(stripped), stripped))
            offset = start + len(stripped)
    return parts


@cache
def _entity_info(gazetteer: Gazetteer) -> dict[str, tuple[str | None, str]]:
    """id -> (country, type), built once per compiled gazetteer."""
    return {e.id: (e.country, str(e.type)) for e in gazetteer.data.entities}


@cache
def _load_cached(path: str, _mtime: int) -> TopicRules:
    return TopicRules(validate_file(TopicsFile, Path(path)))


_BOLD, _RESET = "\033[1;31m", "\033[0m"


def explain_lines(result: TopicResult, fields: dict[str, str | None], colour: bool = True) -> list[str]:
    """Terminal lines that show a topic decision: level, features, and each relation sentence with its
    matched terms highlighted (keyword in context)."""
    on, off = (_BOLD, _RESET) if colour else ("[", "]")
    lines = [
        f"topic {result.topic}: {result.relevance} (score {result.score:.2f}); themes: "
        + (", ".join(result.themes) or "-"),
        "features: " + ", ".join(f"{k}={v:g}" for k, v in result.features.items()),
    ]
    if result.weights:
        parts = [f"{k} {result.weights[k]:+.2f}x{result.features.get(k, 0.0):.2f}" for k in FEATURES
                 if result.features.get(k)]  # fmt: skip
        limits = ", ".join(f"{k} >= {v:g}" for k, v in result.thresholds.items())
        lines.append(f"level score {result.features.get('score', 0.0):.2f} = intercept "
                     f"{result.weights.get('intercept', 0.0):+.2f} " + " ".join(parts) + f" (thresholds: {limits})")
    features = result.features
    if not result.relation_sentences:
        lines.append("no sentence relates the two sides")
    elif features.get("lone_clause") and not (features.get("head_relation") or features.get("lead_relation")):
        lines.append("one relation sentence in the body, not carried on by the next: at most a mention")
    elif features.get("other_items"):
        lines.append("one item of a page of several, another without the relation: at most secondary")
    for sentence in result.relation_sentences:
        text = fields.get(sentence.field) or ""
        spans = sorted({(h.start, h.end) for h in result.hits
                        if h.field == sentence.field and sentence.start <= h.start < sentence.end})  # fmt: skip
        out, pos = [], sentence.start
        for start, end in spans:
            if start < pos:
                continue
            out += [text[pos:start], on, text[start:end], off]
            pos = end
        out.append(text[pos : sentence.end])
        lines.append(f"  {sentence.field}#{sentence.sentence}: {''.join(out)}")
    return lines
