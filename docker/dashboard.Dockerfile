# The dashboard: Dash on waitress, reading every number from the scoring API at $SCORING_API_URL (the image
# holds no `scoring` library: the category levels of its forms come from the API too).
# Build from the repository root: docker build -f docker/dashboard.Dockerfile -t scoring-dashboard .

FROM python:3.11-slim AS builder
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements/dashboard.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY pyproject.toml healthcheck.py /src/
COPY dashboard /src/dashboard
RUN pip install --no-cache-dir --no-deps /src

FROM python:3.11-slim
# Nothing from Debian: Bootstrap's CSS, served by the dashboard itself (no CDN), comes with the bootstrap-flask
# package (dashboard/settings.py).
# /sessions: the dashboard's server-side sessions, the user's own (a volume in docker-compose.yml).
RUN groupadd --gid 10001 scoring \
    && useradd --uid 10001 --gid scoring --create-home --shell /usr/sbin/nologin scoring \
    && install -d -m 0700 -o scoring -g scoring /sessions
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
ENV DASHBOARD_HOST=0.0.0.0 DASHBOARD_PORT=8050 SCORING_API_URL=http://api:8000
USER scoring
EXPOSE 8050
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD python -m healthcheck "http://127.0.0.1:${DASHBOARD_PORT}/"
CMD ["python", "-m", "dashboard"]
