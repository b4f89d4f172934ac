# Seen — the two commands a fresh machine needs: `make demo` and `make test`.
# Everything else here is a step of those two.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# Most tests wait on timers, windows and processes, not on a core: two workers halve
# the suite's wall time on a 2-core CI box (README.md, "Two commands").
TEST_WORKERS ?= 2
SYSTEM_PACKAGES := xvfb xdotool libgl1-mesa-dri libegl1 libgl1 chromium socat systemd \
	libusb-1.0-0 espeak-ng postgresql

.PHONY: demo test venv system-packages lint bench clean soak fuzz-soak locks wheelhouse day day-small

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

# Xvfb (Kivy window), Chromium (console page), socat (serial ptys), systemd
# (systemd-analyze verify on the kiosk units; installing it in a container starts nothing)
# libusb (pyusb's backend for usb:// printers), espeak-ng (speech mode) and postgresql (the
# store's second engine; tests/helpers/postgres.py starts throwaway clusters) for the tests.
# Installed with apt-get when running as root; otherwise we say what is missing.
system-packages:
	@missing=""; \
	for tool in Xvfb xdotool socat systemd-analyze espeak-ng; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	/sbin/ldconfig -p | grep -q 'libusb-1\.0\.so\.0 ' || missing="$$missing libusb-1.0-0"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "missing:$$missing — install as root: apt-get install $(SYSTEM_PACKAGES)"; exit 1; \
	  fi; \
	fi

test: system-packages venv lint
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --durations=30 -m "not replicas"

# Style and structure: ruff's checks and formatting, and the import layers declared in
# pyproject.toml ([tool.importlinter]). Part of `make test`.
LINTED := seen kiosk staffconsole hardware tests deploy bench
lint: venv
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/lint-imports

demo: venv
	$(PY) deploy/demo.py

# Benchmarks (issue 8): one table; `make bench ONLY=alert_latency` runs one (or several).
# Writes the figures into docs/performance.md. Under 10 minutes on 2 cores.
bench: system-packages venv
	$(PY) -m bench $(ONLY)

# The simulated clinic day (issue 20, docs/reliability.md "The clinic day"): 300 patients,
# 3 kiosks, 2 desks, faults, at 60 simulated seconds per real one (about 12 minutes). Prints
# the unseen-seconds figures against the 20 s polling baseline and writes them, with the
# chart, into docs/. Exits 1 when a patient was never seen. `make day-small` is CI's run:
# 40 patients over 2.5 hours at 50x (about 4 minutes), nothing written.
day: system-packages venv
	$(PY) -m bench.day.run --write-docs $(DAY_ARGS)

day-small: system-packages venv
	$(PY) -m bench.day.run --small $(DAY_ARGS)

clean:
	rm -rf $(VENV) .demo .pytest_cache test-artifacts $(WHEELHOUSE)

# The long runs (docs/reliability.md, docs/security.md): the fault campaign at soak
# size (2,000+ sessions, 1,000+ faults), then the fuzzing at 10,000+ requests.
soak: system-packages venv
	SEEN_SOAK=1 $(VENV)/bin/pytest tests/faults/test_campaign.py
	$(MAKE) fuzz-soak

fuzz-soak: venv
	SEEN_FUZZ_EXAMPLES=900 $(VENV)/bin/pytest -q -p no:cacheprovider tests/fuzz

# The lock file of each install role (docs/install-raspberry-pi.md, "Upgrades"): every
# dependency pinned with the hashes of all its files on PyPI, so a kiosk and a console
# install exactly what was tested. Re-resolve after changing pyproject.toml's extras
# (pip-tools is in the dev extra; needs the internet): `make locks`. install.sh reads them.
LOCKS := deploy/locks
PIP_COMPILE ?= $(VENV)/bin/pip-compile
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links
locks:
	CUSTOM_COMPILE_COMMAND="make locks" $(PIP_COMPILE) $(LOCK_FLAGS) --extra kiosk \
	  --output-file $(LOCKS)/kiosk.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make locks" $(PIP_COMPILE) $(LOCK_FLAGS) --extra console \
	  --output-file $(LOCKS)/console.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make locks" $(PIP_COMPILE) $(LOCK_FLAGS) --extra kiosk --extra console \
	  --output-file $(LOCKS)/both.txt pyproject.toml

# Everything an install needs with no internet (install.sh --wheelhouse DIR, e.g. from a
# USB stick): this checkout's wheel, every locked dependency as a wheel for a Raspberry
# Pi (aarch64) and a PC (x86_64) running CPython 3.11 (Debian 12 / Raspberry Pi OS
# Bookworm), each hash checked against the lock, and the locks themselves. Tag the
# release first (git tag v0.2.0) so the wheel carries its version.
WHEELHOUSE ?= wheelhouse
WHEEL_ARCHES ?= aarch64 x86_64
# pip takes a wheel's platform tag literally: every manylinux level Bookworm's glibc 2.36 runs.
GLIBCS := manylinux2014 manylinux_2_24 manylinux_2_26 manylinux_2_28 manylinux_2_31 \
	manylinux_2_34 manylinux_2_35 manylinux_2_36
wheelhouse: venv
	rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)/locks
	$(PIP) wheel --quiet --no-deps --no-build-isolation --wheel-dir $(WHEELHOUSE) .
	cp $(LOCKS)/*.txt $(WHEELHOUSE)/locks/
	for arch in $(WHEEL_ARCHES); do for lock in $(LOCKS)/*.txt; do \
	  $(PIP) download --quiet --no-deps --require-hashes --only-binary=:all: \
	    --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
	    $(foreach glibc,$(GLIBCS),--platform $(glibc)_$$arch) --platform any \
	    --dest $(WHEELHOUSE) -r $$lock || exit 1; \
	done; done
	@echo "$(WHEELHOUSE)/: $$(ls $(WHEELHOUSE)/*.whl | wc -l) wheels; install with" \
	  "deploy/raspberry-pi/install.sh --wheelhouse $(WHEELHOUSE)"
