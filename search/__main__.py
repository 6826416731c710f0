"""Search command line: `python -m search build` (full rebuild) and `python -m search query TEXT`."""
from __future__ import annotations

import argparse
import sys

from knowledge.store import KnowledgeStore
from search.index import build_index
from search.searcher import KnowledgeSearcher


def main(argv=None) -> int:
    from settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m search", description="搜索索引")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="从知识库全量重建索引（原子切换）")
    query = sub.add_parser("query", help="检索")
    query.add_argument("text")
    query.add_argument("--type", default=None)
    args = parser.parse_args(argv)
    if args.command == "build":
        counts = build_index(KnowledgeStore(settings.database), settings.index_dir)
        print("索引已重建：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return 0
    for hit in KnowledgeSearcher(settings.index_dir).search(args.text, kind=args.type):
        print(f"{hit.score:7.2f}  {hit.type:8s} {hit.id:28s} {hit.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
