"""Knowledge-base command line: `python -m knowledge load|validate [DIR]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge.loader import KnowledgeFileError, load_profile
from knowledge.store import KnowledgeStore
from knowledge.sync import sync_profile
from knowledge.validate import find_problems


def main(argv=None) -> int:
    from settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="知识库载入与校验")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="把知识库目录载入数据库（内容未变则跳过）")
    load.add_argument("directory", nargs="?", type=Path, default=settings.kb_profile_dir)
    load.add_argument("--force", action="store_true")
    check = sub.add_parser("validate", help="列出断链、空字段与重复条目")
    check.add_argument("directory", nargs="?", type=Path, default=settings.kb_profile_dir)
    args = parser.parse_args(argv)

    try:
        bundle = load_profile(args.directory)
    except KnowledgeFileError as exc:
        print(f"知识库文件有误：{exc}", file=sys.stderr)
        return 2
    problems = find_problems(bundle)
    if args.command == "validate" or problems:
        for problem in problems:
            print(problem, file=sys.stderr if problems else sys.stdout)
        summary = (f"事项 {len(bundle.items)}，FAQ {len(bundle.faqs)}，一件事 {len(bundle.packages)}，"
                   f"应用 {len(bundle.apps)}，部门 {len(bundle.departments)}，同义词 {len(bundle.synonyms)}")
        print(("发现 %d 个问题；" % len(problems) if problems else "校验通过；") + summary)
        if problems:
            return 1
        if args.command == "validate":
            return 0
    result = sync_profile(args.directory, KnowledgeStore(settings.database), force=args.force)
    if result["changed"]:
        print("已载入：" + "，".join(f"{k} {v}" for k, v in result.items() if k != "changed"))
    else:
        print("知识库未变化，跳过载入")
    return 0


if __name__ == "__main__":
    sys.exit(main())
