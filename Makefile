# 政务服务智能客服 — the verbs a newcomer needs. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    ?= .venv
PY      := $(VENV)/bin/python
RASA    := $(VENV)/bin/rasa
VAR     ?= var
MODEL   := $(VAR)/models/bot.tar.gz
KB_DIR  ?= knowledge/sample/shanxi
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

DEPS_STAMP  := $(VENV)/.deps-installed
KB_STAMP    := $(VAR)/.kb-loaded
INDEX_STAMP := $(VAR)/.index-built
BOT_SOURCES := bot/config.yml bot/domain.yml $(shell find bot/data nlu -type f -not -name '*.pyc' 2>/dev/null)
KB_SOURCES  := $(shell find $(KB_DIR) knowledge -name '*.py' -o -name '*.yml' 2>/dev/null)
INDEX_SOURCES := $(shell find search -name '*.py' 2>/dev/null)

.PHONY: help run test setup deps kb index train validate pytest story-test kb-validate kb-import bench lint clean

help:
	@echo "make run          一键启动（首次会自动建环境、载入示例知识库、建索引、训练模型）"
	@echo "make test         运行全部测试（数据校验、pytest、故事测试）"
	@echo "make train        仅在对话数据或配置变化时重新训练 Rasa 模型"
	@echo "make kb-validate  校验知识库：断链、空字段、重复"
	@echo "make index        从知识库全量重建搜索索引"
	@echo "make clean        删除运行时数据（var/）"

$(DEPS_STAMP): pyproject.toml requirements.lock
	@PY310=$$(scripts/find-python310.sh) || exit 1; \
	if [ ! -x $(PY) ]; then echo "创建虚拟环境（$$PY310）…"; "$$PY310" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade "pip==24.2" "setuptools==69.5.1" "wheel==0.44.0"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
	@touch $@

deps: $(DEPS_STAMP)

$(KB_STAMP): $(DEPS_STAMP) $(KB_SOURCES)
	$(PY) -m knowledge load $(KB_DIR)
	@mkdir -p $(VAR) && touch $@

kb: $(KB_STAMP)

$(INDEX_STAMP): $(KB_STAMP) $(INDEX_SOURCES)
	$(PY) -m search build
	@touch $@

index: $(INDEX_STAMP)

$(MODEL): $(DEPS_STAMP) $(BOT_SOURCES)
	$(RASA) train --config bot/config.yml --domain bot/domain.yml --data bot/data \
	    --out $(VAR)/models --fixed-model-name bot
	@touch $@

train: $(MODEL)

setup: deps kb index train

run: setup
	$(PY) -m launcher

validate: deps
	$(RASA) data validate --config bot/config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

kb-validate: deps
	$(PY) -m knowledge validate $(KB_DIR)

pytest: setup
	$(PY) -m pytest $(PYTEST_ARGS)

story-test: train
	$(RASA) test core --model $(MODEL) --stories bot/tests --endpoints bot/endpoints.yml \
	    --fail-on-prediction-errors --out $(VAR)/results

test: setup validate kb-validate pytest story-test

clean:
	rm -rf $(VAR)
