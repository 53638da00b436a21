#!/usr/bin/env bash
# `make serve-prod`: the production stack on this machine, over plain http on loopback.
# DEBUG off, gunicorn (gunicorn.conf.py), whitenoise's hashed+compressed static files, JSON logs,
# the 7digital sandbox beside it. Dev-only secrets are generated once into .venv/serve-prod/env;
# its own SQLite database and sandbox state there too (never the dev db.sqlite3 nor make run's
# sandbox). PORT / SANDBOX_PORT choose the ports. Set DATABASE_URL / REDIS_URL to use PostgreSQL /
# Redis instead. Ctrl-C stops both servers.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8001}
STATE=.venv/serve-prod
mkdir -p "$STATE"

if [ ! -f "$STATE/env" ]; then
  umask 077
  {
    echo "SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')"
    echo "TOKEN_ENCRYPTION_KEYS=$($PY -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
    echo "METRICS_TOKEN=$($PY -c 'import secrets; print(secrets.token_urlsafe(24))')"
  } > "$STATE/env"
  echo "Generated dev-only secrets in $STATE/env"
fi
set -a
# shellcheck disable=SC1091
. "$STATE/env"
set +a
export DJANGO_SETTINGS_MODULE=lockersite.settings
export DEBUG=0
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0   # plain http on loopback; a real deployment keeps both on
export DATABASE_URL=${DATABASE_URL:-sqlite:///$PWD/$STATE/db.sqlite3}
export STATIC_ROOT=${STATIC_ROOT:-$PWD/$STATE/static}
export GUNICORN_BIND=$HOST:$PORT
export SANDBOX_URL=http://127.0.0.1:$SANDBOX_PORT
export SEVENDIGITAL_API_URL=$SANDBOX_URL/1.2
export SEVENDIGITAL_ACCOUNT_URL=$SANDBOX_URL
export SEVENDIGITAL_STREAM_URL=$SANDBOX_URL
export SEVENDIGITAL_MEDIA_HOSTS=127.0.0.1:$SANDBOX_PORT
export ARTWORK_HOSTS=$SANDBOX_URL
export SEVENDIGITAL_READ_TIMEOUT=${SEVENDIGITAL_READ_TIMEOUT:-3}

# Its own sandbox state (download counts, tokens), apart from `make run`'s sandbox/var/ file.
$PY scripts/wait_for_url.py --free "127.0.0.1:$SANDBOX_PORT"
$PY -m sandbox serve --host 127.0.0.1 --port "$SANDBOX_PORT" --db "$STATE/sandbox.sqlite3" &
SANDBOX_PID=$!
trap 'kill $SANDBOX_PID 2>/dev/null || true' EXIT INT TERM
$PY scripts/wait_for_url.py --pid "$SANDBOX_PID" "$SANDBOX_URL/_sandbox/faults"

$PY manage.py check --deploy || true   # warns about the two local-http switches above, nothing else
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput
$PY manage.py seed_demo

cat <<MSG

Locker (production settings) is at http://$HOST:$PORT/  (sign in as demo@example.com / locker-demo)
Probes: http://$HOST:$PORT/healthz  http://$HOST:$PORT/readyz
Metrics: curl -H "Authorization: Bearer \$(grep METRICS_TOKEN $STATE/env | cut -d= -f2)" http://$HOST:$PORT/metrics
7digital sandbox at $SANDBOX_URL/ (state in $STATE/sandbox.sqlite3); logs below are JSON lines.

MSG
.venv/bin/gunicorn -c gunicorn.conf.py lockersite.wsgi
