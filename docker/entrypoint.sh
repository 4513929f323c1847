#!/bin/sh
# serve: the dashboard under gunicorn (settings in segmenta/gunicorn_conf.py, from SEGMENTA_*).
# anything else: a segmenta command, e.g. `ingest /data/in/*.csv` or `model`.
set -eu
if [ "${1:-serve}" = "serve" ]; then
    exec gunicorn -c python:segmenta.gunicorn_conf "segmenta.wsgi:server"
fi
exec segmenta "$@"
