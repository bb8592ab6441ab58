# The two commands the README promises: `make run` and `make test`.
# Both install the build dependencies first when they are missing.
TAGS := migrated_fynedo
# staticcheck is pinned: a new release may bring new checks, and those
# come in by a commit that raises this, not by surprise in CI.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export LANG ?= C.UTF-8
# The release version (FyneApp.toml) and the commit are stamped into the
# binary (custody version, Help → About).
VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
COMMIT := $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X github.com/custody-app/custody/app/version.version=$(VERSION) \
	-X github.com/custody-app/custody/app/version.commit=$(COMMIT)

.PHONY: run test test-long build deps bench fuzz long wasm package wine

deps:
	@scripts/deps

# The browser verifier (app/web/gen, not in git) is built first and
# embedded: custody verifier and bundle create --with-verifier need it.
build: deps wasm
	go build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o custody .

wasm:
	cd app/web && go generate .

# Launch the app on its default archive ($CUSTODY_ARCHIVE when set).
run: build
	./custody

# Every test, vet, staticcheck, format and go.mod check.
test: deps wasm
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	@! git grep -nE '^(<<<<<<<|>>>>>>>) ' -- '*.md' '*.go' Makefile scripts || { echo 'merge conflict markers left in the files above'; exit 1; }
	@go mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
	go vet -tags $(TAGS) ./...
	scripts/crossvet
	go run $(STATICCHECK) -tags $(TAGS) ./...
	# CUSTODY_REQUIRE_TOOLS: a test that needs a tool scripts/deps installs
	# (python3 with cryptography, jq, xxd, openssl) fails here instead of
	# skipping when the tool is missing.
	CUSTODY_REQUIRE_TOOLS=1 go test -tags $(TAGS) -count=1 ./...
	# The core again under the race detector: its import, verify and
	# bundle code is concurrent throughout.
	go test -race -tags $(TAGS) -count=1 ./archive/... ./verify/... ./app/cli/... ./app/e2e/...
	# The window's document index at a million rows (search, sort, memory).
	go test -run '^$$' -bench . -benchtime 1x ./archive/docindex/

# The long suites: every test with the long cases switched on (hundreds of
# kills, disk fills, huge manifests, every browser case). Run before an
# issue is resolved; CI runs only the fast cases.
long: deps wasm
	CUSTODY_LONG=1 CUSTODY_LONG_TESTS=1 CUSTODY_REQUIRE_TOOLS=1 go test -tags $(TAGS) -count=1 -timeout 150m ./...

test-long: long

bench: deps
	scripts/bench

# Run every fuzz target for a short while.
fuzz:
	scripts/fuzz 10s

# Packages for Linux, Windows and macOS into dist/ (docs/packaging.md).
package: deps wasm
	scripts/package

# The Windows build's tests and command line under Wine (docs/windows.md).
wine: deps wasm
	scripts/wine/run

# The long suites include the Windows build under Wine.
long: wine
