"""Knowledge-base command line.

python -m knowledge load [DIR]                       load a profile directory into the database
python -m knowledge validate [DIR]                   list broken links, empty fields and duplicates
python -m knowledge import FILE [--kind faq] [--partial]  import CSV / XLSX / JSONL (all or none; or the valid rows)
python -m knowledge export [--kind faq] [--format csv] [-o FILE]
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

from knowledge.loader import KnowledgeFileError, load_profile
from knowledge.store import KnowledgeStore
from knowledge.sync import sync_profile
from knowledge.validate import find_problems

KINDS = ("faq", "item", "package", "app", "synonym")
LOAD_LABELS = {
    "item": "事项",
    "faq": "FAQ",
    "package": "一件事",
    "app": "应用",
    "department": "部门",
    "synonym": "同义词",
    "kept": "保留工作人员修改",
    "removed": "删除已不在目录中的条目",
}


def main(argv=None) -> int:
    from settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="知识库载入、校验、导入与导出")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="把知识库目录载入数据库（内容未变则跳过）")
    load.add_argument("directory", nargs="?", type=Path, default=settings.kb_profile_dir)
    load.add_argument("--force", action="store_true")
    check = sub.add_parser("validate", help="列出断链、空字段与重复条目")
    check.add_argument("directory", nargs="?", type=Path, default=settings.kb_profile_dir)
    imports = sub.add_parser("import", help="导入 CSV、XLSX 或 JSONL 文件（默认有错则整个文件都不导入）")
    imports.add_argument("file", type=Path)
    imports.add_argument("--kind", choices=KINDS, default="faq", help="条目类别（默认 faq）")
    imports.add_argument("--dry-run", action="store_true", help="只检查，不导入")
    imports.add_argument(
        "--partial", action="store_true", help="导入正确的行，有误的行连同错误原因写到“<文件名>-待改正”文件里"
    )
    imports.add_argument("--as", dest="actor", default="命令行导入", help="记入审计日志与版本历史的操作人")
    exports = sub.add_parser("export", help="导出为 CSV、XLSX 或 JSONL")
    exports.add_argument("--kind", choices=KINDS, default="faq")
    exports.add_argument("--format", choices=("csv", "xlsx", "jsonl"), default="csv")
    exports.add_argument("-o", "--output", type=Path, help="输出文件（默认写到标准输出）")
    args = parser.parse_args(argv)

    if args.command == "import":
        return import_command(KnowledgeStore(settings.database), args)
    if args.command == "export":
        return export_command(KnowledgeStore(settings.database), args)
    try:
        bundle = load_profile(args.directory)
    except KnowledgeFileError as exc:
        print(f"知识库文件有误：{exc}", file=sys.stderr)
        return 2
    problems = find_problems(bundle)
    if args.command == "validate" or problems:
        for problem in problems:
            print(problem, file=sys.stderr if problems else sys.stdout)
        summary = (
            f"事项 {len(bundle.items)}，FAQ {len(bundle.faqs)}，一件事 {len(bundle.packages)}，"
            f"应用 {len(bundle.apps)}，部门 {len(bundle.departments)}，同义词 {len(bundle.synonyms)}"
        )
        print(("发现 %d 个问题；" % len(problems) if problems else "校验通过；") + summary)
        if problems:
            return 1
        if args.command == "validate":
            return 0
    result = sync_profile(args.directory, KnowledgeStore(settings.database), force=args.force)
    if result["changed"]:
        print("已载入：" + "，".join(f"{LOAD_LABELS.get(k, k)} {v}" for k, v in result.items() if k != "changed"))
    else:
        print("知识库未变化，跳过载入")
    return 0


def import_command(store: KnowledgeStore, args) -> int:
    from knowledge.importer import ImportRejected, import_file, import_summary
    from knowledge.staff import StaffMember
    from knowledge.workflow import WorkflowError

    try:
        content = args.file.read_bytes()
    except OSError as exc:
        print(f"无法读取 {args.file}：{exc.strerror}", file=sys.stderr)
        return 2
    operator = StaffMember(args.actor, "admin")  # whoever can reach the database is trusted like an admin
    try:
        mode = "partial" if args.partial else "all"
        result = import_file(
            store, args.kind, args.file.name, content, operator, source="cli", dry_run=args.dry_run, mode=mode
        )
    except ImportRejected as exc:
        for problem in exc.problems:
            field = f"（{problem['field']}）" if problem["field"] else ""
            print(f"第 {problem['row']} 行{field}：{problem['reason']}", file=sys.stderr)
        print(exc.message, file=sys.stderr)
        return 1
    except WorkflowError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print_findings(result)
    if args.dry_run:
        totals = result["totals"]
        verdict = "检查通过" if result["importable"] else "检查未通过（有误的行见上，整个文件不能导入）"
        print(
            f"{verdict}：可导入 {result['total']} 条（发布 {result['published']}、草稿 {result['drafts']}），"
            f"新增 {totals['new']}、更新 {totals['changed']}、未变 {totals['unchanged']}，"
            f"有提醒 {totals['warning']} 行、有误 {totals['error']} 行（未导入）"
        )
        return 0 if result["importable"] else 1
    print(import_summary(result) + "。运行中的网关会在几秒内把发布的条目加入搜索索引。")
    rejected = result.get("rejected_file")
    if rejected:
        target = args.file.with_name(rejected["filename"])
        target.write_bytes(base64.b64decode(rejected["content_base64"]))
        print(f"有误的 {rejected['rows']} 行没有导入，已连同错误原因写到 {target}，改正后可再导入该文件。")
    return 0


def print_findings(result) -> None:
    """The rows' warnings (imported all the same) and errors, and the departments the import created."""
    for problem in result.get("errors") or []:
        field = f"（{problem['field']}）" if problem.get("field") else ""
        print(f"第 {problem['row']} 行{field}：{problem['reason']}", file=sys.stderr)
    for problem in result.get("warnings") or []:
        field = f"（{problem['field']}）" if problem.get("field") else ""
        print(f"提醒：第 {problem['row']} 行{field}：{problem['reason']}")
    if result.get("new_departments"):
        print("新建部门：" + "、".join(result["new_departments"]) + "（请在管理后台补全部门信息）")


def export_command(store: KnowledgeStore, args) -> int:
    from knowledge.exporter import export_file

    try:
        content = export_file(store, args.kind, args.format)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.output:
        args.output.write_bytes(content)
        print(f"已导出到 {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
