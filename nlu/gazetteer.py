"""The knowledge-base gazetteer: a blank Chinese spaCy pipeline with an EntityRuler.

spaCy's Chinese tokenizer is set to character segmentation explicitly (it needs neither jieba nor a
pkuseg model, so nothing is downloaded), which makes every match start and end on a character: an
item name is found wherever it occurs, whatever jieba does with the words around it. Matching is
case-insensitive (pinyin abbreviations such as "sfz", "GJJ"); overlapping matches resolve to the
longest. A surface form that names several entries of one type (e.g. 户口迁移 → 迁入 and 迁出) carries
all their values, so the dialogue can ask which one is meant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List

import spacy

from nlu.kb_terms import KbTerms

PATTERNS_FILE = "patterns.jsonl"
VALUE_SEPARATOR = "|"


@dataclass(frozen=True)
class Match:
    entity: str
    start: int
    end: int
    text: str
    values: tuple


def patterns_from_terms(terms: KbTerms) -> List[Dict[str, str]]:
    """EntityRuler patterns: one per surface form, its id the value(s) joined by "|"."""
    return [
        {"label": label, "pattern": text, "id": VALUE_SEPARATOR.join(values)}
        for text, (label, values) in sorted(terms.by_text().items())
    ]


def blank_chinese():
    """spacy.blank("zh") segmenting by character (no jieba, no pkuseg, no download)."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})


class Gazetteer:
    def __init__(self, patterns: Iterable[Dict[str, str]]) -> None:
        self.patterns = list(patterns)
        self._nlp = blank_chinese()
        ruler = self._nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
        ruler.add_patterns(self.patterns)

    @classmethod
    def from_terms(cls, terms: KbTerms) -> "Gazetteer":
        return cls(patterns_from_terms(terms))

    def find(self, text: str) -> List[Match]:
        if not text:
            return []
        doc = self._nlp(text)
        return [
            Match(
                span.label_,
                span.start_char,
                span.end_char,
                span.text,
                tuple(span.ent_id_.split(VALUE_SEPARATOR)) if span.ent_id_ else (span.text,),
            )
            for span in doc.ents
        ]

    def to_disk(self, directory: Path) -> Path:
        path = Path(directory) / PATTERNS_FILE
        with path.open("w", encoding="utf-8") as out:
            for pattern in self.patterns:
                out.write(json.dumps(pattern, ensure_ascii=False) + "\n")
        return path

    @classmethod
    def from_disk(cls, directory: Path) -> "Gazetteer":
        path = Path(directory) / PATTERNS_FILE
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls(json.loads(line) for line in lines if line.strip())


__all__ = ["Gazetteer", "Match", "patterns_from_terms", "blank_chinese", "PATTERNS_FILE"]
