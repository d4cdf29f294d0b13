# The app as a container image: `docker build -t review .` and
#   docker run -d --name review -p 127.0.0.1:8501:8501 -v review-data:/var/lib/review \
#       -e SCORING_APP_URL=https://review.example.gov.cn review
#   docker logs review    # the first start prints the one-time set-up address here
# The database, the exports and the backups live in the volume /var/lib/review; put nginx (deploy/nginx.conf) in front.
FROM python:3.11-slim-bookworm

# The Chinese font for documents and charts; Pango for WeasyPrint's PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 review
WORKDIR /app

# The packages first, in their own layer: a change of code does not reinstall them.
COPY requirements.txt .
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt && touch .venv/.installed

COPY --chown=review:review . .
RUN mkdir -p /var/lib/review && chown review:review /var/lib/review

USER review
ENV SCORING_DB=/var/lib/review/review.duckdb \
    SCORING_EXPORTS=/var/lib/review/exports \
    SCORING_BACKUPS=/var/lib/review/backups
VOLUME ["/var/lib/review"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
# `./dev run` is the README's command: without a terminal it prints the set-up address instead of asking.
CMD ["./dev", "run", "--server.address", "0.0.0.0", "--server.port", "8501"]
