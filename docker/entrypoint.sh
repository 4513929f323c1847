#!/bin/sh
# serve: the dashboard under gunicorn (workers from SEGMENTA_WORKERS, default 4).
# anything else: a segmenta command, e.g. `ingest /data/in/*.csv` or `model`.
set -eu
if [ "${1:-serve}" = "serve" ]; then
    exec gunicorn "segmenta.wsgi:server" \
        --bind "${SEGMENTA_HOST:-0.0.0.0}:${SEGMENTA_PORT:-8050}" \
        --workers "${SEGMENTA_WORKERS:-4}" \
        --threads "${SEGMENTA_THREADS:-4}" \
        --timeout 60 \
        --access-logfile - \
        --limit-request-line 8190 \
        --forwarded-allow-ips "${SEGMENTA_FORWARDED_ALLOW_IPS:-127.0.0.1}"
fi
exec segmenta "$@"
