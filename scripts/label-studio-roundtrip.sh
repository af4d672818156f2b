#!/usr/bin/env bash
# Opt-in (not in CI): the review loop against a real Label Studio.
#
# Installs Label Studio from PyPI into a scratch virtualenv outside the repository
# ($VENV, default /tmp/venv-ls), starts it on 127.0.0.1, creates a project with the
# label_config.xml `claimex export --to label-studio` wrote, imports the tasks through the
# API, submits an edited annotation through the API (a claim after an emoji loses its last
# two words), exports the project as JSON, imports that into claimex and checks that the
# edit arrived with code-point offsets. Everything it writes is under $WORK
# (default /tmp/ls-roundtrip); Label Studio is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-/tmp/venv-ls}
WORK=${WORK:-/tmp/ls-roundtrip}
PORT=${PORT:-8089}
TOKEN=${TOKEN:-0123456789abcdef0123456789abcdef01234567}
URL="http://127.0.0.1:$PORT"

if [ ! -x "$VENV/bin/label-studio" ]; then
  echo "== installing Label Studio into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q label-studio
fi
echo "== $("$VENV/bin/pip" show label-studio | grep -i '^version')"

rm -rf "$WORK"
mkdir -p "$WORK"
cargo build --release -q
B=target/release/claimex
$B extract tests/data/review/hostile.jsonl -q -o "$WORK/out"
$B export "$WORK/out" --to label-studio -o "$WORK/export"

echo "== starting Label Studio on $URL (log: $WORK/label-studio.log)"
export LABEL_STUDIO_BASE_DATA_DIR="$WORK/data"
export LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true
export LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true
"$VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --port "$PORT" \
  --username admin@example.com --password claimex-roundtrip --user-token "$TOKEN" \
  >"$WORK/label-studio.log" 2>&1 &
LS_PID=$!
trap 'kill "$LS_PID" 2>/dev/null || true; wait "$LS_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  if curl -fsS "$URL/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$LS_PID" 2>/dev/null; then
    echo "Label Studio exited; the end of its log:" >&2
    tail -30 "$WORK/label-studio.log" >&2
    exit 1
  fi
  sleep 1
done
curl -fsS "$URL/health" >/dev/null || { echo "Label Studio did not answer on $URL" >&2; tail -30 "$WORK/label-studio.log" >&2; exit 1; }

# Legacy tokens (`Authorization: Token …`) are off by default since Label Studio 1.17;
# switch them on for the organisation when the environment variable did not.
if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Token $TOKEN" "$URL/api/projects")" != 200 ]; then
  echo "== enabling legacy API tokens through Django"
  (cd "$WORK" && "$VENV/bin/python" - <<'PY'
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.label_studio")
import label_studio, sys
sys.path.insert(0, os.path.dirname(label_studio.__file__))
django.setup()
from jwt_auth.models import JWTSettings
from organizations.models import Organization
for org in Organization.objects.all():
    s, _ = JWTSettings.objects.get_or_create(organization=org)
    s.legacy_api_tokens_enabled = True
    s.save()
print("legacy tokens enabled")
PY
  )
fi

echo "== project, tasks, an edited annotation, the export"
WORK="$WORK" URL="$URL" TOKEN="$TOKEN" "$VENV/bin/python" - <<'PY'
import json, os, urllib.request

url, token, work = os.environ["URL"], os.environ["TOKEN"], os.environ["WORK"]

def api(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Authorization": "Token " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        text = r.read().decode()
        return json.loads(text) if text else None

config = open(f"{work}/export/label_config.xml").read()
tasks = json.load(open(f"{work}/export/tasks.json"))
project = api("POST", "/api/projects", {"title": "claimex round trip", "label_config": config})
pid = project["id"]
print("project", pid)
print("import", api("POST", f"/api/projects/{pid}/import", tasks))
listed = api("GET", f"/api/tasks?project={pid}&page_size=100")
listed = listed["tasks"] if isinstance(listed, dict) else listed
print("tasks in Label Studio:", len(listed))
task = next(t for t in listed if t["data"].get("doc_id") == "emoji-cjk")
ours = next(t for t in tasks if t["data"]["doc_id"] == "emoji-cjk")
result = ours["predictions"][0]["result"]
for r in result:
    if r.get("type") in ("labels", "choices") and r["value"]["text"].startswith("\U0001F30A"):
        r["value"]["end"] -= len(" a week")
        r["value"]["text"] = r["value"]["text"][: -len(" a week")]
ann = api("POST", f"/api/tasks/{task['id']}/annotations", {"result": result})
print("annotation", ann["id"], "on task", task["id"])
export = api("GET", f"/api/projects/{pid}/export?exportType=JSON&download_all_tasks=true")
json.dump(export, open(f"{work}/label-studio-export.json", "w"), ensure_ascii=False, indent=1)
print("exported", len(export), "tasks")
PY

echo "== claimex import"
$B import --from label-studio "$WORK/label-studio-export.json" -o "$WORK/gold.jsonl"
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
gold = {json.loads(l)["doc_id"]: json.loads(l) for l in open(f"{work}/gold.jsonl")}
pred = {json.loads(l)["doc_id"]: json.loads(l) for l in open(f"{work}/out/documents.jsonl")}
g = gold["emoji-cjk"]
storm = next(c for c in pred["emoji-cjk"]["claims"] if c["text"].startswith("\U0001F30A"))
edited = next(c for c in g["claims"] if c["text"].startswith("\U0001F30A"))
print("claimex said:      ", storm["start"], storm["end"], repr(storm["text"]))
print("Label Studio gave: ", edited["start"], edited["end"], repr(edited["text"]))
assert edited["text"] == "\U0001F30A storms could close the harbour for", edited
assert (edited["start"], edited["end"]) == (storm["start"], storm["end"] - 7), edited
unedited = [c for c in g["claims"] if c is not edited]
assert [(c["start"], c["end"]) for c in unedited] == [(c["start"], c["end"]) for c in pred["emoji-cjk"]["claims"] if c is not storm]
print("OK: the edit made in Label Studio arrived in the gold, in code points")
PY
