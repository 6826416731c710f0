# 政务服务智能客服 — the verbs a newcomer needs. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    ?= .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
VAR     ?= var
MODEL   := $(VAR)/models/bot.tar.gz
# The province: PROFILE=yunnan (knowledge/sample/yunnan), or KB_PROFILE_DIR / KB_DIR as a path; default Shanxi.
PROFILE ?=
KB_DIR  ?= $(if $(PROFILE),knowledge/sample/$(PROFILE),$(or $(KB_PROFILE_DIR),knowledge/sample/shanxi))
export KB_PROFILE_DIR := $(abspath $(KB_DIR))
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# The project's packages are not installed into the venv: the project root comes first on the path, before
# site-packages, so no installed distribution can shadow `search` or `settings` (docs/decisions.md).
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

DEPS_STAMP  := $(VENV)/.deps-installed
KB_STAMP    := $(VAR)/.kb-loaded
# Which profile var/ was set up for: rewritten only when it changes, so that switching provinces reloads the
# knowledge base and retrains the model, and staying on one does nothing.
PROFILE_STAMP := $(VAR)/.profile
KB_CATALOGUE  := $(dir $(abspath $(KB_DIR)))catalogue
INDEX_STAMP := $(VAR)/.index-built
# The model carries the knowledge base's names (nlu/ dictionary and gazetteer): item, package, department,
# synonym and region files count as sources; FAQs do not (they are answered by retrieval).
BOT_SOURCES := bot/config.yml $(shell find bot/domain bot/data nlu -type f -not -name '*.pyc' 2>/dev/null) \
               $(shell find $(KB_DIR) $(KB_CATALOGUE) -name '*.yml' -not -path '*/faqs/*' 2>/dev/null) $(PROFILE_STAMP)
NLU_HELDOUT := bot/tests/nlu_heldout.yml
KB_SOURCES  := $(shell find $(KB_DIR) knowledge -name '*.py' -o -name '*.yml' 2>/dev/null) $(PROFILE_STAMP)
INDEX_SOURCES := $(shell find search -name '*.py' 2>/dev/null)

.PHONY: help run test unit setup deps kb index train validate pytest story-test kb-validate kb-import bench bench-quality lint clean
.PHONY: kb-export bench-kb nlu-eval crossval nlu-data
.PHONY: bench-search audit FORCE

help:
	@echo "make run          一键启动（首次会自动建环境、载入示例知识库、建索引、训练模型）"
	@echo "make test         运行全部测试（数据校验、pytest、故事测试）；自带 PostgreSQL 与 Redis"
	@echo "make unit         只跑不需要任何服务的测试（无 Redis、PostgreSQL、子进程、浏览器），1 分钟内"
	@echo "make train        仅在对话数据或配置变化时重新训练 Rasa 模型"
	@echo "make nlu-eval     在留出测试集上评估 NLU（意图宏平均 F1 ≥ 0.93、实体 F1 ≥ 0.90）"
	@echo "make crossval     NLU 五折交叉验证（较慢）"
	@echo "make kb-validate  校验知识库：断链、空字段、重复"
	@echo "make kb-import FILE=faqs.csv  批量导入问答（CSV UTF-8、XLSX 或 JSONL；有错则整个文件都不导入）"
	@echo "make kb-export    导出问答（FORMAT=csv|xlsx|jsonl）"
	@echo "make index        从知识库全量重建搜索索引"
	@echo "make bench-quality 外部质量：示例库与台北 FAQ 上检索对比 BM25、/api/chat 对话结果、12345 分流（约 5 分钟）"
	@echo "make bench-load   对话负载：网关与原生 Rasa 对比（10/50/100 并发，用本机 Redis 第 8/9 库；WORKERS=2 为双进程）"
	@echo "make audit        依赖安全审计：pip-audit 检查 requirements.lock 中的已知漏洞（允许清单见 scripts/pip-audit-ignore.txt）"
	@echo "make lint         代码检查：ruff check 与 ruff format --check（版本固定）"
	@echo "make clean        删除运行时数据（var/）"

$(DEPS_STAMP): pyproject.toml requirements.lock
	@PY310=$$(scripts/find-python310.sh) || exit 1; \
	if [ ! -x $(PY) ]; then echo "创建虚拟环境（$$PY310）…"; "$$PY310" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade "pip==24.2" "setuptools==69.5.1" "wheel==0.44.0"
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

deps: $(DEPS_STAMP)

$(PROFILE_STAMP): FORCE
	@mkdir -p $(VAR); if [ "$$(cat $@ 2>/dev/null)" != "$(KB_PROFILE_DIR)" ]; then \
	    echo "$(KB_PROFILE_DIR)" > $@; echo "省级平台配置：$(KB_PROFILE_DIR)"; fi

FORCE:

$(KB_STAMP): $(DEPS_STAMP) $(KB_SOURCES)
	$(PY) -m knowledge load $(KB_DIR)
	@mkdir -p $(VAR) && touch $@

kb: $(KB_STAMP)

$(INDEX_STAMP): $(KB_STAMP) $(INDEX_SOURCES)
	$(PY) -m search build
	$(PY) -m search embed
	@touch $@

index: $(INDEX_STAMP)

# Trained beside the model, then renamed over it: a process starting meanwhile never reads half a file.
$(MODEL): $(DEPS_STAMP) $(BOT_SOURCES)
	KB_PROFILE_DIR=$(abspath $(KB_DIR)) $(RASA) train --config bot/config.yml --domain bot/domain --data bot/data \
	    --out $(VAR)/models/.training --fixed-model-name bot
	mv -f $(VAR)/models/.training/bot.tar.gz $@
	@touch $@

train: $(MODEL)

setup: deps kb index train

run: setup
	$(PY) -m launcher

validate: deps
	$(RASA) data validate --config bot/config.yml --domain bot/domain --data bot/data --fail-on-warnings

kb-validate: deps
	$(PY) -m knowledge validate $(KB_DIR)

# make kb-import FILE=faqs.csv [KIND=faq|item|package|app|synonym]: CSV (UTF-8), XLSX or JSONL; all rows or none.
kb-import: kb
	@if [ -z "$(FILE)" ]; then echo "用法：make kb-import FILE=faqs.csv [KIND=faq] [PARTIAL=1] [DRY_RUN=1]（CSV UTF-8、XLSX 或 JSONL）"; exit 2; fi
	$(PY) -m knowledge import "$(FILE)" --kind $(or $(KIND),faq) $(if $(PARTIAL),--partial) $(if $(DRY_RUN),--dry-run)

# make kb-export [KIND=faq] [FORMAT=csv|xlsx|jsonl] [FILE=faqs.csv]
kb-export: kb
	$(PY) -m knowledge export --kind $(or $(KIND),faq) --format $(or $(FORMAT),csv) \
	    -o "$(or $(FILE),$(or $(KIND),faq)s.$(or $(FORMAT),csv))"

bench-kb: deps
	$(PY) benchmarks/kb_import.py

# Search: quality against a BM25 baseline (sample KB), then build time, size and latency at ITEMS generated items.
bench-search: deps
	$(PY) benchmarks/search_quality.py
	$(PY) benchmarks/search_bench.py --items $(or $(ITEMS),100000) --workdir $(VAR)/search-bench

# Conversation load: the gateway vs stock Rasa's REST channel on the same model, 10/50/100 concurrent
# conversations, local Redis db 8/9 (emptied first), WORKERS Rasa servers and gateways (default 1).
.PHONY: bench-load
bench-load: train
	$(PY) benchmarks/load_chat.py --redis --workers $(or $(WORKERS),1)

# External quality (issue #14), one run: search top-1/top-3/MRR of the product and of plain BM25 on the sample base
# and the Taipei FAQs (dev and held-out), chat-level outcomes over /api/chat on a real deployment, 12345 routing of long and of short messages.
bench-quality: setup
	$(PY) benchmarks/quality_bench.py
	$(PY) benchmarks/quality_chat.py
	$(PY) benchmarks/intake_bench.py --heldout
	$(PY) benchmarks/intake_bench.py --set intake_12345_2 --heldout
	$(PY) benchmarks/intake_bench.py --set short_routing --heldout

bench: bench-search

pytest: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# The fast loop: the tests that need no service — no Redis, no PostgreSQL, no process of ours, no browser
# (markers in pyproject.toml, given by tests/conftest.py) — on every core (pytest-xdist). No model needed.
UNIT_MARKERS := not (stack or redis or postgres or processes or browser)
unit: deps
	$(PY) -m pytest -q -n auto -m "$(UNIT_MARKERS)" $(PYTEST_ARGS)

story-test: train
	$(RASA) test core --model $(MODEL) --stories bot/tests --endpoints bot/endpoints.yml \
	    --fail-on-prediction-errors --out $(VAR)/results

# NLU on the held-out set (never used in training): fails below intent macro-F1 0.93 or entity F1 0.90.
nlu-eval: train
	$(RASA) test nlu --model $(MODEL) --nlu $(NLU_HELDOUT) --out $(VAR)/nlu-eval --no-plot
	$(PY) -m nlu.evaluation $(VAR)/nlu-eval --min-intent-f1 0.93 --min-entity-f1 0.90

# 5-fold cross-validation of the pipeline on the training data (slow: trains five models).
crossval: deps
	KB_PROFILE_DIR=$(abspath $(KB_DIR)) $(RASA) test nlu --config bot/config.yml --nlu bot/data/nlu \
	    --cross-validation --folds 5 --out $(VAR)/crossval --no-plot

# Regenerates bot/data/nlu/generated_from_kb.yml from the knowledge base's names and aliases.
nlu-data: deps
	KB_PROFILE_DIR=$(abspath $(KB_DIR)) $(PY) -m nlu.datagen

test: setup lint validate kb-validate pytest story-test nlu-eval

# Dependency audit: pip-audit (its own small venv, not the project's) over the pinned tree against PyPI's
# vulnerability data; fails on any vulnerability outside scripts/pip-audit-ignore.txt, and when the audit
# cannot be done (service unreachable) — never a silent pass. See docs/security.md.
AUDIT_VENV  := .venv-audit
AUDIT_STAMP := $(AUDIT_VENV)/.pip-audit-2.10.1
$(AUDIT_STAMP):
	python3 -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet "pip-audit==2.10.1"
	@touch $@

audit: $(AUDIT_STAMP)
	$(AUDIT_VENV)/bin/python scripts/audit_dependencies.py --status-file $(AUDIT_VENV)/last-result

# Lint and format check (ruff, pinned in requirements.lock); part of `make test`.
lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VAR)
