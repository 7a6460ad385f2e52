#!/usr/bin/env bash
# Installs goccy/bigquery-emulator (a real GoogleSQL engine behind the BigQuery REST API) from the
# Go module proxy into $(go env GOPATH)/bin, skipping the build when that version is installed.
#
# `go install module/cmd@version` first asks the proxy for the module's version list (to look up a
# deprecation notice); where the proxy refuses that list, the install fails although the version is
# served. So the exact version is downloaded with `go mod download` and built as the main module,
# with its own go.mod and go.sum, which is what `go install` would have done.
set -euo pipefail
VERSION="${BQ_EMULATOR_VERSION:-v0.8.1}"
MODULE="github.com/goccy/bigquery-emulator"
GOBIN_DIR="$(go env GOBIN)"
[ -n "$GOBIN_DIR" ] || GOBIN_DIR="$(go env GOPATH)/bin"
BIN="$GOBIN_DIR/bigquery-emulator"
STAMP="$BIN.version"

if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  echo "bigquery-emulator ${VERSION} already installed at ${BIN}"
  exit 0
fi

echo "building bigquery-emulator ${VERSION} (several minutes, several GB of memory)..."
start=$(date +%s)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "${MODULE}@${VERSION}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
mkdir -p "$GOBIN_DIR"
# -p 2 bounds peak memory on a 2-core machine; the generated GoogleSQL code is large.
(cd "$dir" && CGO_ENABLED=0 go build -p 2 -trimpath -o "$scratch/bigquery-emulator" ./cmd/bigquery-emulator)
mv "$scratch/bigquery-emulator" "$BIN"
echo "$VERSION" > "$STAMP"
echo "built ${BIN} in $(( $(date +%s) - start ))s"
