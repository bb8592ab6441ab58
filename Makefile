# The two commands the README promises: `make run` and `make test`.
# Both install the build dependencies first when they are missing.
TAGS := migrated_fynedo
export LANG ?= C.UTF-8

.PHONY: run test build deps bench fuzz

deps:
	@scripts/deps

build: deps
	go build -tags $(TAGS) -o custody .

# Launch the app on its default archive ($CUSTODY_ARCHIVE when set).
run: build
	./custody

# Every test, vet and format check.
test: deps
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet -tags $(TAGS) ./...
	go test -tags $(TAGS) -count=1 ./...
	# The core again under the race detector: its import, verify and
	# bundle code is concurrent throughout.
	go test -race -tags $(TAGS) -count=1 ./archive/... ./verify/... ./app/cli/... ./app/e2e/...

bench: deps
	scripts/bench

# Run every fuzz target for a short while.
fuzz:
	scripts/fuzz 10s
