# PrivLab: the two commands a new user needs (see README.md).
#   make run    install what is missing, build (release) and run the quickstart notebook to a report
#   make test   install what is missing and run the whole test suite
#   make dist   a relocatable archive in dist/ that runs without Swift (Linux x86-64)
#   make reproduce  run every paper reproduction at default scale into results/reproductions/ (long)
SWIFT ?= swift

.PHONY: run test deps build bench clean reproduce dist

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/privlab run notebooks/quickstart.lua -o reports/quickstart.md

test: deps
	$(SWIFT) test -c release --disable-swift-testing

dist: build
	scripts/make-dist.sh --binary .build/release/privlab

reproduce: build
	scripts/reproduce.sh

clean:
	rm -rf .build reports dist
