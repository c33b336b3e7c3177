# Pomopomo: a FastCGI responder in Swift behind nginx, with PostgreSQL and Redis.
#
#   make run      build (release) and run everything on http://127.0.0.1:8080 until Ctrl-C
#   make test     build (debug) and run every test suite against throwaway services
#   make lint     ruff on the Python, shellcheck on the shell scripts (no build needed)
#   make bench    benchmarks (bench/run.sh)
#   make cluster  a simulated cluster in network namespaces (scripts/cluster.sh up; root; see ARCHITECTURE.md)
#   make cluster-down  remove it: every namespace, link, process and file it made (safe to repeat)
#   make drills   fault drills against the cluster (brings it up first; opt-in, not part of make test)
#   make migrate  apply database migrations to the services in POMOPOMO_DATA_DIR (starts them if needed)
#   make backup   `pomopomo backup` of POMOPOMO_DATA_DIR's database and uploads into BACKUP_DIR
#                 (default POMOPOMO_DATA_DIR/backups): one new dated directory
#   make restore BACKUP=DIR  `pomopomo restore DIR` into POMOPOMO_DATA_DIR (a new one: its database and
#                 uploads must be empty)
#   make stop     stop whatever runs in POMOPOMO_DATA_DIR (nginx, responders, Redis, PostgreSQL)
#   make clean    stop, then remove .build
#
# POMOPOMO_DATA_DIR (environment or `make run POMOPOMO_DATA_DIR=/tmp/pp`) defaults to .data in the
# project. As root, PostgreSQL runs as the 'postgres' user, which must be able to enter every parent
# directory of it; if it cannot, use a directory under /tmp.

SHELL := /bin/bash
POMOPOMO_DATA_DIR ?= $(CURDIR)/.data
RELEASE_BIN := $(CURDIR)/.build/release/pomopomo
BACKUP_DIR ?= $(POMOPOMO_DATA_DIR)/backups

.PHONY: run test lint bench deps build migrate backup restore stop clean status cluster cluster-down drills

run:
	POMOPOMO_DATA_DIR="$(POMOPOMO_DATA_DIR)" bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

bench:
	bash bench/run.sh

cluster:
	bash scripts/cluster.sh up

cluster-down:
	bash scripts/cluster.sh down

drills:
	bash scripts/drills.sh

deps:
	bash scripts/deps.sh

build: deps
	swift build -c release

migrate: build
	bash scripts/services.sh start "$(POMOPOMO_DATA_DIR)"
	set -a && . "$(POMOPOMO_DATA_DIR)/env" && set +a && "$(RELEASE_BIN)" migrate

backup: build
	bash scripts/services.sh start "$(POMOPOMO_DATA_DIR)"
	set -a && . "$(POMOPOMO_DATA_DIR)/env" && set +a && "$(RELEASE_BIN)" backup --to "$(BACKUP_DIR)"

restore: build
	@[ -n "$(BACKUP)" ] || { echo "usage: make restore BACKUP=path/to/pomopomo-YYYYMMDD-HHMMSSZ [POMOPOMO_DATA_DIR=new dir]" >&2; exit 2; }
	bash scripts/services.sh start "$(POMOPOMO_DATA_DIR)"
	set -a && . "$(POMOPOMO_DATA_DIR)/env" && set +a && "$(RELEASE_BIN)" restore "$(BACKUP)"

status:
	bash scripts/services.sh status "$(POMOPOMO_DATA_DIR)"

stop:
	bash scripts/nginx.sh stop "$(POMOPOMO_DATA_DIR)"
	bash scripts/responder.sh stop-all "$(POMOPOMO_DATA_DIR)"
	bash scripts/services.sh stop "$(POMOPOMO_DATA_DIR)"

clean:
	-$(MAKE) --no-print-directory stop
	rm -rf .build
