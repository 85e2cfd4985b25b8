# syntax=docker/dockerfile:1
# POH-Connect: API and dashboard in one image.
#   docker build -t pohconnect .
#   docker run -p 8000:8000 \
#     -e POHCONNECT_DATABASE_URL=postgresql://user:pass@db:5432/pohconnect \
#     -e POHCONNECT_PSEUDONYM_KEY=... pohconnect
# Migrations run before the server starts (see CMD).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p api dashboard ingest models migrations pohconnect \
    && touch api/__init__.py dashboard/__init__.py ingest/__init__.py models/__init__.py \
             migrations/__init__.py pohconnect/__init__.py \
    && pip install . && pip uninstall -y pohconnect
COPY api ./api
COPY dashboard ./dashboard
COPY ingest ./ingest
COPY models ./models
COPY migrations ./migrations
COPY pohconnect ./pohconnect
RUN pip install --no-deps . && pohconnect --help > /dev/null

FROM python:3.11-slim AS runtime
# pango and the DejaVu fonts for WeasyPrint (the quarterly reports' PDF); nothing is fetched
# at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    POHCONNECT_ENVIRONMENT=production
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app
COPY --from=build /opt/venv /opt/venv
USER app
WORKDIR /home/app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
CMD ["sh", "-c", "pohconnect db upgrade && exec pohconnect serve --host 0.0.0.0 --port 8000 --workers ${POHCONNECT_WORKERS:-2}"]
