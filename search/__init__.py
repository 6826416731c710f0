"""One search over items, FAQs, life-event packages and apps (Whoosh with a jieba analyzer)."""
