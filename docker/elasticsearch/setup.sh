#!/usr/bin/env bash
# One-shot set-up of the Elasticsearch cluster for kwerenda (docker-compose service `setup`):
#   1. refuses placeholder or weak passwords from .env,
#   2. makes a CA and the node's certificate in /certs (once; kept on later runs),
#   3. waits for the cluster and creates (or updates) the role `kwerenda_app` and the user `kwerenda`.
# Safe to run again, e.g. after changing KWERENDA_ES_PASSWORD in .env.
# Messages are for the city's operators, hence in Polish. Passwords never reach a command line.
set -euo pipefail

fail() { echo "setup: $*" >&2; exit 1; }

for name in ELASTIC_PASSWORD KWERENDA_ES_PASSWORD REDIS_PASSWORD; do
  value="${!name:-}"
  [[ -n "$value" ]] || fail "brak $name w pliku .env"
  [[ "$value" != ZMIEN_MNIE* ]] || fail "$name ma wartość przykładową z .env.example — uruchom: bash docker/init-env.sh"
  (( ${#value} >= 16 )) || fail "$name jest za krótkie (co najmniej 16 znaków)"
  [[ "$value" =~ ^[A-Za-z0-9._~-]+$ ]] || fail "$name może zawierać tylko litery, cyfry i . _ ~ - (trafia do adresu URL)"
done

certs=/certs
if [[ ! -f "$certs/ca/ca.crt" ]]; then
  echo "setup: tworzę urząd certyfikacji (CA) klastra"
  /usr/share/elasticsearch/bin/elasticsearch-certutil ca --silent --pem --out "$certs/ca.zip"
  unzip -q -o "$certs/ca.zip" -d "$certs" && rm -f "$certs/ca.zip"
fi
if [[ ! -f "$certs/elasticsearch/elasticsearch.crt" ]]; then
  echo "setup: tworzę certyfikat węzła elasticsearch"
  cat > "$certs/instances.yml" <<'YML'
instances:
  - name: elasticsearch
    dns: [elasticsearch, localhost]
    ip: [127.0.0.1]
YML
  /usr/share/elasticsearch/bin/elasticsearch-certutil cert --silent --pem --in "$certs/instances.yml" --out "$certs/certs.zip" \
    --ca-cert "$certs/ca/ca.crt" --ca-key "$certs/ca/ca.key"
  unzip -q -o "$certs/certs.zip" -d "$certs" && rm -f "$certs/certs.zip"
fi
# Elasticsearch runs as uid 1000; the CA certificate is public (the app reads it), the keys are not.
chown -R 1000:0 "$certs"
find "$certs" -type d -exec chmod 0755 {} +
find "$certs" -type f -exec chmod 0640 {} +
chmod 0644 "$certs/ca/ca.crt"
chmod 0600 "$certs/ca/ca.key"

# curl reads the superuser's credentials from stdin (-K-) and bodies from a private file, so no
# password is on the process list.
umask 077
body_file=$(mktemp)
trap 'rm -f "$body_file" /tmp/es-reply' EXIT
es() {
  local method=$1 path=$2
  printf 'user = "elastic:%s"\n' "$ELASTIC_PASSWORD" |
    curl -sS -K- --cacert "$certs/ca/ca.crt" -o /tmp/es-reply -w '%{http_code}' \
      -X "$method" -H 'Content-Type: application/json' --data-binary "@$body_file" \
      "https://elasticsearch:9200$path" || echo 000
}

echo "setup: czekam na klaster Elasticsearch"
: > "$body_file"
for _ in $(seq 1 120); do
  [[ "$(es GET /_cluster/health)" == 200 ]] && break
  sleep 5
done
[[ "$(es GET /_cluster/health)" == 200 ]] || fail "klaster nie odpowiada (sprawdź: docker-compose logs elasticsearch)"

# Everything kwerenda stores lives in indices and aliases named kwerenda*.
printf '%s' '{"cluster":["monitor","manage_index_templates"],"indices":[{"names":["kwerenda*"],"privileges":["all"]}]}' > "$body_file"
[[ "$(es PUT /_security/role/kwerenda_app)" == 200 ]] || fail "nie udało się utworzyć roli kwerenda_app: $(cat /tmp/es-reply)"
# The user's password is sent in the body; it is read from the environment, not echoed.
printf '{"password":"%s","roles":["kwerenda_app"],"full_name":"kwerenda (aplikacja)"}' "$KWERENDA_ES_PASSWORD" > "$body_file"
[[ "$(es PUT /_security/user/kwerenda)" == 200 ]] || fail "nie udało się utworzyć użytkownika kwerenda"
echo "setup: gotowe (użytkownik kwerenda, rola kwerenda_app)"
