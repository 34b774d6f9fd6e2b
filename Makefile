# PrivLab: the two commands a new user needs (see README.md).
#   make run    install what is missing, build (release) and run the quickstart notebook to a report
#   make test   install what is missing and run the whole test suite
#   make reproduce  run every paper reproduction at default scale into results/reproductions/ (long)
SWIFT ?= swift

.PHONY: run test deps build bench clean reproduce

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/privlab run notebooks/quickstart.lua -o reports/quickstart.md

test: deps
	$(SWIFT) test -c release --disable-swift-testing

reproduce: build
	scripts/reproduce.sh

clean:
	rm -rf .build reports
