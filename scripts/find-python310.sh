#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs 3.10 at most), or explains how to get one.
set -u
check() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.10*/bin/python3.10; do [ -x "$p" ] && candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -x "$p" ] && candidates+=("$p")
done
for p in "${candidates[@]}"; do
  if check "$p"; then echo "$p"; exit 0; fi
done
cat >&2 <<'MSG'
未找到 Python 3.10（Rasa 3.6 需要 Python 3.10 或更低版本）。任选一种方式安装后重试：
  pyenv install 3.10.13
  apt-get install python3.10 python3.10-venv      （发行版提供时）
或指定解释器：  make run PYTHON310=/path/to/python3.10
MSG
exit 1
