#!/usr/bin/env bash
# Makes .env from .env.example, giving every ZMIEN_MNIE placeholder its own random password
# (48 hex characters from /dev/urandom). Refuses to overwrite an existing .env.
#   bash docker/init-env.sh [TARGET]   (default: .env next to docker-compose.yml)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:-$root/.env}"
if [[ -e "$target" ]]; then
  echo "init-env: $target już istnieje — nie nadpisuję (usuń go, jeśli naprawdę chcesz nowe hasła)" >&2
  exit 1
fi
umask 077
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ "$line" =~ ^([A-Z0-9_]+)=ZMIEN_MNIE$ ]]; then
    printf '%s=%s\n' "${BASH_REMATCH[1]}" "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  else
    printf '%s\n' "$line"
  fi
done < "$root/.env.example" > "$target"
echo "init-env: zapisano $target (hasła losowe; plik tylko dla właściciela)"
