"""From what citizens type to the knowledge base's words: pinyin and initials (shebaoka → 社保卡,
sfz → 身份证), near-homophones and same-sound typos (社保咔 → 社保卡, 备按 → 备案, 三进通 → 三晋通).

The vocabulary is the index's own words (names, aliases, keywords, synonym terms) with a weight each
(how often they occur), so a correction can only lead to a word that finds something. A correction
replaces a window of the query only when the window is not a word already (of the vocabulary or of
jieba's dictionary), sounds the same (toneless pinyin, with the usual regional confusions z/zh, c/ch,
s/sh, n/l, -n/-ng), and keeps all but one character (two for words of five or more).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

import jieba
from pypinyin import lazy_pinyin

from search.normalize import latin_runs

MAX_WINDOW = 6
MAX_INITIALS = 6
MAX_PINYIN_SEGMENTS = 4
COMMON_CHAR_FREQ = 100_000
SHORT_TARGET_MIN_WEIGHT = math.log1p(4)
_ALL_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,12}$")
_FUZZY_RULES = (("zh", "z"), ("ch", "c"), ("sh", "s"))


@functools.lru_cache(maxsize=200_000)
def syllables(word: str) -> Tuple[str, ...]:
    """Toneless pinyin of each character (context-aware for heteronyms)."""
    return tuple(lazy_pinyin(word))


def fuzzy_syllable(syllable: str) -> str:
    """A syllable with the usual regional confusions folded: zh/z, ch/c, sh/s, n/l, -ng/-n."""
    for long, short in _FUZZY_RULES:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    if syllable.endswith("ng") and len(syllable) > 2:
        syllable = syllable[:-1]
    return syllable


def fuzzy_key(sounds: Iterable[str]) -> Tuple[str, ...]:
    return tuple(fuzzy_syllable(s) for s in sounds)


@dataclass
class Vocabulary:
    """Words the index knows, with their weights and their pinyin keys."""

    weights: Dict[str, float] = field(default_factory=dict)
    latin: set = field(default_factory=set)
    by_pinyin: Dict[str, List[str]] = field(default_factory=dict)
    by_initials: Dict[str, List[str]] = field(default_factory=dict)
    by_sound: Dict[Tuple[str, ...], List[str]] = field(default_factory=dict)
    longest_pinyin: int = 0

    @classmethod
    def build(cls, weighted: Dict[str, float]) -> "Vocabulary":
        vocab = cls()
        for word, weight in weighted.items():
            word = word.strip().lower()
            if not word:
                continue
            if word.isascii():
                if word.isalnum():
                    vocab.latin.add(word)
                continue
            if not _ALL_CJK.match(word):
                continue
            vocab.weights[word] = max(weight, vocab.weights.get(word, 0.0))
        for word in vocab.weights:
            sounds = syllables(word)
            full = "".join(sounds)
            vocab.by_pinyin.setdefault(full, []).append(word)
            vocab.longest_pinyin = max(vocab.longest_pinyin, len(full))
            if len(word) <= MAX_INITIALS:
                vocab.by_initials.setdefault("".join(s[0] for s in sounds), []).append(word)
            vocab.by_sound.setdefault(fuzzy_key(sounds), []).append(word)
        return vocab

    def __contains__(self, word: str) -> bool:
        return word in self.weights or word in self.latin

    def best(self, words: Iterable[str]) -> Optional[str]:
        """The most likely of several words: highest weight, then the shortest, then the first in order."""
        ranked = sorted(words, key=lambda w: (-self.weights.get(w, 0.0), len(w), w))
        return ranked[0] if ranked else None


def weight_of(count: int, bonus: float = 0.0) -> float:
    return math.log1p(count) + bonus


def _is_word(text: str, vocab: Vocabulary) -> bool:
    if text in vocab:
        return True
    jieba.dt.check_initialized()
    return bool(jieba.dt.FREQ.get(text))


def _allowed_differences(length: int) -> int:
    return 1 if length <= 4 else 2


def _sound_alike(window: str, sounds: Tuple[str, ...], vocab: Vocabulary) -> Optional[str]:
    """A vocabulary word that sounds like `window` and differs from it in few characters."""
    jieba.dt.check_initialized()
    candidates = []
    exact = "".join(sounds)
    for word in vocab.by_sound.get(fuzzy_key(sounds), ()):
        if word == window or len(word) != len(window):
            continue
        changed = [a for a, b in zip(window, word, strict=False) if a != b]
        differing = len(changed)
        if differing > _allowed_differences(len(word)) or differing == len(word):
            continue
        if any(jieba.dt.FREQ.get(char, 0) > COMMON_CHAR_FREQ for char in changed):
            continue  # 不, 在, 到…: too common to be the typo
        if len(word) == 2 and vocab.weights.get(word, 0.0) < SHORT_TARGET_MIN_WEIGHT:
            continue  # a two-character target must be a common word of the index (备案, not 扯证)
        same_sound = "".join(syllables(word)) == exact
        if not same_sound and len(word) < 3:
            continue
        candidates.append((not same_sound, differing, -vocab.weights.get(word, 0.0), word))
    return min(candidates)[3] if candidates else None


def _boundaries(run: str) -> Tuple[set, set]:
    """Word boundaries of jieba's dictionary segmentation (no HMM guessing), and the starts of the
    single characters it could not place in a word (where a typo can hide)."""
    bounds, singles, position = {0}, set(), 0
    for piece in jieba.lcut(run, HMM=False):
        if len(piece) == 1:
            singles.add(position)
        position += len(piece)
        bounds.add(position)
    return bounds, singles


def _correct_chinese(run: str, vocab: Vocabulary) -> str:
    """Replaces sound-alike windows of a run of Chinese characters, longest known words first. A window
    must start and end on word boundaries and hold a character that fits no dictionary word: a typo
    breaks a word apart (社保咔 → 社保 + 咔), while a correctly typed phrase (户口不在) does not."""
    sounds = tuple(lazy_pinyin(run))
    if len(sounds) != len(run):
        return run
    bounds, singles = _boundaries(run)
    out: List[str] = []
    i = 0
    while i < len(run):
        step, replacement = 1, None
        for length in range(min(MAX_WINDOW, len(run) - i), 1, -1):
            window = run[i : i + length]
            if window in vocab:
                step = length
                break
            if (
                i not in bounds
                or i + length not in bounds
                or not any(i <= p < i + length for p in singles)
                or _is_word(window, vocab)
            ):
                continue
            alike = _sound_alike(window, sounds[i : i + length], vocab)
            if alike:
                step, replacement = length, alike
                break
        out.append(replacement if replacement is not None else run[i : i + step])
        i += step
    return "".join(out)


def _segment_pinyin(run: str, vocab: Vocabulary) -> Optional[List[str]]:
    """`run` as a sequence of vocabulary words' full pinyin (fewest words), or None."""
    longest = min(vocab.longest_pinyin, len(run))
    best: List[Optional[List[str]]] = [None] * (len(run) + 1)
    best[0] = []
    for end in range(1, len(run) + 1):
        for start in range(max(0, end - longest), end):
            if best[start] is None or len(best[start]) >= MAX_PINYIN_SEGMENTS:
                continue
            words = vocab.by_pinyin.get(run[start:end])
            if words:
                candidate = best[start] + [vocab.best(words)]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(run)]


def _from_latin(run: str, vocab: Vocabulary) -> Optional[str]:
    """Chinese words for a run of letters typed as pinyin or initials (shebaoka, sfz), or None."""
    if len(run) < 2:
        return None
    words = vocab.by_pinyin.get(run)
    if words:
        return vocab.best(words)
    segments = _segment_pinyin(run, vocab)
    if segments:
        return "".join(segments)
    if len(run) <= MAX_INITIALS:
        words = vocab.by_initials.get(run)
        if words:
            return vocab.best(words)
    return None


def correct(text: str, vocab: Vocabulary) -> str:
    """`text` (already normalised) with pinyin runs and sound-alike typos replaced by known words."""
    pieces: List[str] = []
    last = 0
    for start, end, run in latin_runs(text):
        pieces.append(text[last:start])
        pieces.append(_from_latin(run, vocab) or run)
        last = end
    pieces.append(text[last:])
    text = "".join(pieces)
    return re.sub(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}", lambda m: _correct_chinese(m.group(), vocab), text)
