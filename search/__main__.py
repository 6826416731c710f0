"""Search command line.

python -m search build           full rebuild into a new generation, atomic swap (changes made meanwhile are kept)
python -m search sync            apply the knowledge store's pending changes to this node's index
python -m search embed           compute the sentence vectors the live index still lacks (semantic channel)
python -m search query TEXT      search (--type, --region, --department, --online)
python -m search suggest PREFIX  autocomplete
"""

from __future__ import annotations

import argparse
import sys
import time

from knowledge.store import KnowledgeStore
from search.embedder import Embedder
from search.index import build_index
from search.searcher import KnowledgeSearcher
from search.semantic import open_channel
from search.sync import IndexSync


def main(argv=None) -> int:
    from settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m search", description="搜索索引")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="从知识库全量重建索引（原子切换）")
    sub.add_parser("sync", help="把知识库的变更增量写入本节点索引")
    sub.add_parser("embed", help="计算索引里还没有的句向量（语义检索用）")
    query = sub.add_parser("query", help="检索")
    query.add_argument("text")
    query.add_argument("--type", default=None)
    query.add_argument("--region", default=None)
    query.add_argument("--department", default=None)
    query.add_argument("--online", action="store_true", default=None, help="只看掌上可办")
    query.add_argument("--limit", type=int, default=10)
    suggest = sub.add_parser("suggest", help="输入提示")
    suggest.add_argument("prefix")
    args = parser.parse_args(argv)
    if args.command == "build":
        counts = build_index(KnowledgeStore(settings.database), settings.index_dir)
        print("索引已重建：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return 0
    if args.command == "sync":
        applied = IndexSync(KnowledgeStore(settings.database), settings.index_dir).apply_pending()
        print(f"索引已同步：更新 {applied} 条")
        return 0
    channel = open_channel(settings.vectors_path, settings.semantic_search, settings.semantic_threads)
    if args.command == "embed":
        if channel is None:
            print("语义检索未启用（SEMANTIC_SEARCH=false 或向量引擎不可用），无需计算")
            return 0
        started = time.monotonic()
        done = Embedder(settings.index_dir, channel.store, channel.encoder).run()
        print(f"句向量：新算 {done} 条，用时 {time.monotonic() - started:.1f} 秒，共 {channel.store.count()} 条")
        return 0
    searcher = KnowledgeSearcher(settings.index_dir, channel)
    if args.command == "suggest":
        for title in searcher.suggest(args.prefix):
            print(title)
        return 0
    page = searcher.search_page(
        args.text, kind=args.type, region=args.region, department=args.department, online=args.online, limit=args.limit
    )
    if page.suggestion:
        print(f"您是不是要找：{page.suggestion}")
    print(f"共 {page.total} 条")
    for hit in page.hits:
        print(f"{hit.score:7.2f}  {hit.cosine:5.3f}  {hit.type:8s} {hit.id:28s} {hit.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
