"""The knowledge-base vocabulary the NLU needs, read through one narrow function: `load_terms`.

The NLU components never open the store or the search index; they take names from a knowledge-base
profile directory (reviewable YAML) at training time and carry what they built in the trained model.

Each term is a surface form a citizen may write (a name, an alias, a colloquial synonym) with its entity
type and canonical value:

    item        item id            "补办身份证" -> ga-idcard-reissue
    life_event  package id         "出生一件事" -> pk-newborn
    document    official name      "身份证" -> 居民身份证
    department  department id      "社保局" -> rs
    region      city[+county] name "<city>" -> <city>市, "<county>" -> <city>市<county>
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from knowledge.loader import load_profile

ITEM = "item"
LIFE_EVENT = "life_event"
DOCUMENT = "document"
DEPARTMENT = "department"
REGION = "region"
# When the same surface form belongs to several types, the earlier type wins.
PRIORITY = (ITEM, LIFE_EVENT, DOCUMENT, DEPARTMENT, REGION)

# Official synonym terms with these endings name a certificate or card (证照).
DOCUMENT_SUFFIXES = ("证", "卡", "簿", "照", "证书", "证明", "书", "标志", "凭证", "发票")
# County names too generic to be recognised without their city ("城区", "矿区", "郊区").
GENERIC_COUNTIES = {"城区", "矿区", "郊区"}
# Short county names that are everyday words ("开个小店", "一切平顺") are only recognised in full.
COMMON_WORD_SHORTS = {"小店", "平顺", "和顺", "永和", "大宁", "中阳"}
# Aliases that read as whole questions or situations are neither gazetteer patterns nor jieba words.
QUESTION_MARKERS = ("怎么", "怎样", "如何", "什么", "哪", "吗", "能不能", "可以", "了")
MAX_WORD_CHARS = 8
_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")


@dataclass(frozen=True)
class Term:
    text: str
    label: str
    value: str


@dataclass
class KbTerms:
    """Every surface form with its entity type and value(s), plus extra words for the tokenizer."""

    terms: List[Term] = field(default_factory=list)
    words: List[str] = field(default_factory=list)
    item_names: Dict[str, str] = field(default_factory=dict)  # item id -> official name
    # Evidence the ranker (nlu/evidence.py) uses besides the gazetteer: app id -> its name and aliases;
    # (certificate's official name, action of the item's name, item id) for items named "<certificate><action>".
    apps: Dict[str, List[str]] = field(default_factory=dict)
    compounds: List[Tuple[str, str, str]] = field(default_factory=list)

    def by_text(self) -> Dict[str, Tuple[str, List[str]]]:
        """surface form -> (label, sorted values), one label per form by PRIORITY.

        Forms that read as a question or a situation ("身份证丢了怎么办", "房产证丢了") are left out: they
        are not names, and retrieval matches them better than a gazetteer span would."""
        grouped: Dict[str, Dict[str, Set[str]]] = {}
        for term in self.terms:
            if is_question(term.text):
                continue
            grouped.setdefault(term.text, {}).setdefault(term.label, set()).add(term.value)
        out: Dict[str, Tuple[str, List[str]]] = {}
        for text, labels in grouped.items():
            label = next(lbl for lbl in PRIORITY if lbl in labels)
            out[text] = (label, sorted(labels[label]))
        return out

    def dictionary_words(self) -> List[str]:
        """Words for jieba: names and short aliases (not whole questions), plus extra words."""
        words = {t.text for t in self.terms if is_word(t.text)} | {w for w in self.words if is_word(w)}
        return sorted(words)

    def fingerprint(self) -> str:
        payload = json.dumps(
            [[t.text, t.label, t.value] for t in sorted(self.terms, key=_term_key)]
            + sorted(self.words)
            + sorted([app, sorted(forms)] for app, forms in self.apps.items())
            + sorted(list(c) for c in self.compounds),
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _term_key(term: Term) -> Tuple[str, str, str]:
    return term.text, term.label, term.value


def is_question(text: str) -> bool:
    return any(marker in text for marker in QUESTION_MARKERS)


def is_word(text: str) -> bool:
    return 2 <= len(text) <= MAX_WORD_CHARS and not is_question(text)


def is_document(official: str) -> bool:
    return official.endswith(DOCUMENT_SUFFIXES)


def name_variants(name: str) -> List[str]:
    """An official name and the parts citizens use: "出生登记（新生儿入户）" -> 出生登记, 新生儿入户;
    "学历证明/学籍证明" -> 学历证明, 学籍证明."""
    variants = [name]
    inner = _BRACKETS.findall(name)
    outer = _BRACKETS.sub("", name).strip()
    variants += [outer] + [part for part in inner if len(part) >= 2 and not part.startswith("迁")]
    for part in list(variants):
        if "/" in part:
            variants += [p.strip() for p in part.split("/")]
    seen: List[str] = []
    for variant in variants:
        variant = variant.strip()
        if len(variant) >= 2 and variant not in seen:
            seen.append(variant)
    return seen


def region_terms(cities: Iterable) -> List[Term]:
    """Cities with and without 市; counties with their city, and alone when unambiguous."""
    terms: List[Term] = []
    county_count: Dict[str, int] = {}
    for city in cities:
        for county in city.counties:
            county_count[county.name] = county_count.get(county.name, 0) + 1
    for city in cities:
        short_city = city.name[:-1] if city.name.endswith("市") else city.name
        terms += [Term(city.name, REGION, city.name), Term(short_city, REGION, city.name)]
        for county in city.counties:
            value = city.name + county.name
            for prefix in (city.name, short_city):
                terms.append(Term(prefix + county.name, REGION, value))
            if county.name in GENERIC_COUNTIES or county_count[county.name] > 1:
                continue
            terms.append(Term(county.name, REGION, value))
            short = county.name[:-1]
            if county.name[-1] in "县区市" and len(short) >= 2 and short not in COMMON_WORD_SHORTS:
                terms.append(Term(short, REGION, value))
    return terms


def synonym_item(official: str, item_forms: Dict[str, Set[str]], exact_only: bool) -> Optional[str]:
    """The one item a synonym's official term names: an exact item name or alias, or (for terms that are
    no certificate) the one item name containing it ("失业保险金" → 失业保险金申领). Certificates must match
    exactly: "机动车驾驶证" is in one item's name, yet a 驾照 may be renewed or replaced."""
    exact = item_forms.get(official, set())
    if len(exact) == 1:
        return next(iter(exact))
    if exact or exact_only:
        return None
    containing = {i for form, ids in item_forms.items() if official in form for i in ids}
    return next(iter(containing)) if len(containing) == 1 else None


# An item named "<certificate><action>" is also called by the certificate's everyday names with the everyday
# words for that action: 居民身份证补领 → 补办身份证, 身份证补领; 机动车驾驶证期满换证 → 驾照换证, 换驾照.
ACTION_WORDS = {
    "首次申领": ["申领", "首次申领"],
    "申领": ["申领", "申请", "办理", "办"],
    "补领": ["补领", "补办", "补"],
    "换领": ["换领", "更换", "换"],
    "补换": ["补换", "补办", "换"],
    "补发": ["补发", "补办", "补"],
    "挂失": ["挂失"],
    "期满换证": ["换证", "换"],
    "补证": ["补证", "补办", "补"],
    "签发": ["签发", "办理", "办"],
    "核发": ["核发", "办"],
    "首次签发": ["签发", "办理", "办"],
}
# "离婚登记" is also just "离婚"; the stem must be no everyday word of a life event or another item's name.
NAME_SUFFIXES = ("登记", "申请", "申领", "认定")


def compound_forms(name: str, documents: Dict[str, List[str]]) -> List[str]:
    """Everyday names of an item named "<certificate><action>"."""
    for official, forms in sorted(documents.items(), key=lambda kv: -len(kv[0])):
        for prefix in sorted([official] + forms, key=len, reverse=True):
            action = name[len(prefix) :] if name.startswith(prefix) else ""
            if action in ACTION_WORDS:
                out = []
                for form in forms + [official]:
                    for verb in ACTION_WORDS[action]:
                        out.append(verb + form)
                        if len(verb) >= 2:
                            out.append(form + verb)
                return out
    return []


def compound_action(name: str, documents: Dict[str, List[str]]) -> Optional[Tuple[str, str]]:
    """(certificate's official name, action) of an item named "<certificate><action>", else None."""
    for official, forms in sorted(documents.items(), key=lambda kv: -len(kv[0])):
        for prefix in sorted([official] + forms, key=len, reverse=True):
            action = name[len(prefix) :] if name.startswith(prefix) else ""
            if action in ACTION_WORDS:
                return official, action
    return None


def stem_forms(name: str, package_names: List[str], item_names: List[str]) -> List[str]:
    for suffix in NAME_SUFFIXES:
        stem = name[: -len(suffix)] if name.endswith(suffix) else ""
        if (
            len(stem) >= 2
            and not any(stem in p for p in package_names)
            and not any(other != name and other.startswith(stem) for other in item_names)
        ):
            return [stem]
    return []


def terms_from_bundle(bundle) -> KbTerms:
    terms: List[Term] = []
    item_forms: Dict[str, Set[str]] = {}
    package_names = [p.name for p in bundle.packages]
    documents = {s.official: list(s.colloquial) for s in bundle.synonyms if is_document(s.official)}
    items = [i for i in bundle.items if i.status == "published"]
    item_names = [_BRACKETS.sub("", i.name) for i in items]
    for item in items:
        # a bracketed part that is a life event's word ("基本养老金申领（退休）") does not name the item
        variants = [v for v in name_variants(item.name) if v == item.name or not any(v in p for p in package_names)]
        derived = stem_forms(_BRACKETS.sub("", item.name), package_names, item_names)
        derived += compound_forms(_BRACKETS.sub("", item.name), documents)
        for text in variants + list(item.aliases) + derived:
            terms.append(Term(text, ITEM, item.id))
            item_forms.setdefault(text, set()).add(item.id)
    for package in bundle.packages:
        if package.status != "published":
            continue
        # the package's full name and aliases ("就业（失业）一件事" is not every mention of 失业)
        for text in [package.name, _BRACKETS.sub("", package.name)] + list(package.aliases):
            terms.append(Term(text, LIFE_EVENT, package.id))
    synonym_forms: Set[str] = set()
    for synonym in bundle.synonyms:
        forms = [synonym.official] + list(synonym.colloquial)
        synonym_forms.update(forms)
        if is_document(synonym.official):
            terms += [Term(text, DOCUMENT, synonym.official) for text in forms]
        item_id = synonym_item(synonym.official, item_forms, exact_only=is_document(synonym.official))
        if item_id:  # colloquial names of one item: 扯证 → 结婚登记, 暂住证 → 居住证, 失业金 → 失业保险金申领
            terms += [Term(text, ITEM, item_id) for text in forms if text not in item_forms]
    for department in bundle.departments:
        # an alias that is also a synonym names that thing, not the agency ("公积金" is the fund)
        for text in [department.name] + [a for a in department.aliases if a not in synonym_forms]:
            terms.append(Term(text, DEPARTMENT, department.id))
    terms += region_terms(bundle.profile.cities)
    # Words that help segmentation but are no entity: app names, other synonyms.
    words: List[str] = []
    for app in bundle.apps:
        words += [app.name] + list(app.aliases)
    for synonym in bundle.synonyms:
        words += [synonym.official] + list(synonym.colloquial)
    terms = [t for t in terms if len(t.text) >= 2]
    apps = {a.id: [a.name] + list(a.aliases) for a in bundle.apps if getattr(a, "status", "published") == "published"}
    compounds = []
    for item in items:
        found = compound_action(_BRACKETS.sub("", item.name), documents)
        if found:
            compounds.append((found[0], found[1], item.id))
    return KbTerms(
        terms=terms,
        words=words,
        item_names={i.id: i.name for i in bundle.items},
        apps=apps,
        compounds=sorted(compounds),
    )


def load_terms(profile_dir: Optional[Path] = None) -> KbTerms:
    """The vocabulary of a knowledge-base profile directory (default: KB_PROFILE_DIR)."""
    if profile_dir is None:
        from settings import get_settings

        profile_dir = get_settings().kb_profile_dir
    return terms_from_bundle(load_profile(Path(profile_dir)))


__all__ = [
    "Term",
    "KbTerms",
    "load_terms",
    "terms_from_bundle",
    "name_variants",
    "region_terms",
    "is_document",
    "is_word",
    "is_question",
    "ITEM",
    "LIFE_EVENT",
    "DOCUMENT",
    "DEPARTMENT",
    "REGION",
    "PRIORITY",
]
