# The scoring API: FastAPI on uvicorn, 2 workers. Build from the repository root:
#   docker build -f docker/api.Dockerfile -t scoring-api .
# The bundle, data and reports are mounted at /app/models, /app/data and /app/reports (docker-compose.yml).

FROM python:3.11-slim AS builder
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements/api.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY pyproject.toml healthcheck.py /src/
COPY scoring /src/scoring
COPY api /src/api
RUN pip install --no-cache-dir --no-deps /src

FROM python:3.11-slim
# LightGBM's OpenMP runtime; DejaVu fonts for the PDF decision letters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 scoring \
    && useradd --uid 10001 --gid scoring --create-home --shell /usr/sbin/nologin scoring
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
RUN mkdir -p data models reports && chown -R scoring:scoring /app
ENV SCORING_HOME=/app PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
ENV API_HOST=0.0.0.0 API_PORT=8000 API_WORKERS=2
USER scoring
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD python -m healthcheck "http://127.0.0.1:${API_PORT}/api/v1/ready"
CMD ["python", "-m", "api"]
