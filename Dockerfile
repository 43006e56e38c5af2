# Maillage server image. SQLite in /data by default; set MAILLAGE_DATABASE_URL for PostgreSQL
# (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MAILLAGE_DATABASE_URL=sqlite:////data/maillage.db \
    MAILLAGE_HOST=0.0.0.0 \
    MAILLAGE_PORT=8000

# pg_dump, for `maillage backup` against PostgreSQL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 maillage \
    && mkdir /data && chown maillage /data

WORKDIR /opt/maillage
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY graph ./graph
COPY web ./web
COPY migrations ./migrations
RUN pip install .

USER maillage
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"
# `setup` migrates, and on an empty database loads the referential and the demo (admin login in the logs).
CMD ["sh", "-c", "maillage setup && exec maillage serve"]
