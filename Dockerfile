# One image for every process of the stack; docker-compose.yml picks the process with
# `python -m launcher <service>`. Build: docker build -t zhengwu-bot .
FROM python:3.10-slim

ENV PYTHONUNBUFFERED=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    DATA_DIR=/app/var \
    PYTHONPATH=/app

WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends build-essential make \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# The project's packages are not installed: PYTHONPATH=/app puts them first (docs/decisions.md).
RUN python -m knowledge load \
    && python -m search build \
    && rasa train --config bot/config.yml --domain bot/domain --data bot/data \
         --out var/models --fixed-model-name bot

EXPOSE 8000 5005 5055 8100
CMD ["python", "-m", "launcher"]
