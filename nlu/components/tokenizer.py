"""Rasa component: jieba tokenization with the knowledge-base dictionary.

At training time the dictionary (item, package, department, document and region names, short aliases
and synonyms, from `nlu.kb_terms`) is written into the model's storage; a loaded model reads it from
there, so the trained model carries its own dictionary and does not need the knowledge base.

The component keeps its own `jieba.Tokenizer` instance instead of jieba's process-global one: the
search index loads its own user words into the global dictionary, and the two must not change each
other's segmentation.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import jieba
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.kb_terms import load_terms

logger = logging.getLogger(__name__)
NOTHING = "\u2205"  # the token of a message with nothing readable (never in the training data)
jieba.setLogLevel(logging.WARNING)

DICTIONARY_FILE = "dictionary.txt"
WORD_FREQUENCY = 2000


def write_dictionary(words: List[str], path: Path) -> Path:
    path.write_text("".join(f"{word} {WORD_FREQUENCY}\n" for word in words if " " not in word), encoding="utf-8")
    return path


def jieba_with_dictionary(path: Optional[Path]) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    if path is not None and path.exists():
        tokenizer.load_userdict(str(path))
    else:
        tokenizer.initialize()
    return tokenizer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class KnowledgeJiebaTokenizer(Tokenizer):
    """jieba with the names of the knowledge base as its user dictionary."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Knowledge-base profile directory to take the dictionary from (default: KB_PROFILE_DIR).
            "kb_profile_dir": None,
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["zh"]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["jieba"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        jieba_tokenizer: Optional[jieba.Tokenizer] = None,
    ) -> None:
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self._jieba = jieba_tokenizer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnowledgeJiebaTokenizer":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The knowledge-base vocabulary is outside the graph: retrain when it changes."""
        return load_terms(config.get("kb_profile_dir")).fingerprint()

    def train(self, training_data: TrainingData) -> Resource:
        words = load_terms(self._config.get("kb_profile_dir")).dictionary_words()
        with self._model_storage.write_to(self._resource) as directory:
            write_dictionary(words, Path(directory) / DICTIONARY_FILE)
        logger.info("jieba dictionary of %d knowledge-base words stored with the model", len(words))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "KnowledgeJiebaTokenizer":
        try:
            with model_storage.read_from(resource) as directory:
                tokenizer = jieba_with_dictionary(Path(directory) / DICTIONARY_FILE)
        except ValueError:
            logger.warning("%s: no dictionary in the model storage, using jieba's own", cls.__name__)
            tokenizer = jieba_with_dictionary(None)
        return cls(config, model_storage, resource, tokenizer)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        if self._jieba is None:
            self._jieba = jieba_with_dictionary(None)
        text = message.get(attribute) or ""
        tokens = [Token(word, start) for word, start, _ in self._jieba.tokenize(text) if word.strip()]
        tokens = self._apply_token_pattern(tokens)
        if not tokens and attribute == TEXT:
            # Nothing readable (the normalizer turned emoji into spaces): one empty-text token keeps the
            # message's features the trained width (all zero), so the classifier answers — with low
            # confidence, i.e. nlu_fallback — instead of failing on a feature matrix with no columns.
            tokens = [Token(NOTHING, 0)]
        return tokens
