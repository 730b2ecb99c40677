# The one-shot pipeline (data, features, train, drift; each step only when its output is missing) and the
# MLflow UI (compose's mlflow service runs `mlflow ui` from this image).
# Build from the repository root: docker build -f docker/pipeline.Dockerfile -t scoring-pipeline .

FROM python:3.11-slim AS builder
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements/pipeline.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY pyproject.toml healthcheck.py /src/
COPY scoring /src/scoring
RUN pip install --no-cache-dir --no-deps /src

FROM python:3.11-slim
# LightGBM's OpenMP runtime.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 scoring \
    && useradd --uid 10001 --gid scoring --create-home --shell /usr/sbin/nologin scoring
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
RUN mkdir -p data models reports && chown -R scoring:scoring /app
ENV SCORING_HOME=/app PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
ENV MLFLOW_DISABLE_TELEMETRY=true MPLBACKEND=Agg
USER scoring
CMD ["scoring", "pipeline"]
