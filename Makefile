# TechMart — one top-level build. `make help` lists the targets.
# MODE=release (default) builds into bin/; MODE=asan (used by `make check`)
# builds with AddressSanitizer and UndefinedBehaviorSanitizer into build/asan/bin.

MODE ?= release
CC := gcc
BUILD := build/$(MODE)
ifeq ($(MODE),asan)
BIN := build/asan/bin
OPT := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
else
BIN := bin
OPT := -O2
endif

CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -fno-omit-frame-pointer \
	-pthread -I. -MMD -MP
LDFLAGS := $(filter -fsanitize=%,$(OPT)) -pthread
LIBS := -lcivetweb -lpq -lhiredis -lcjson -lnanomsg -lsodium -lcrypto -lnlopt -lcurl -lm
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
COMMON_LIB := $(BUILD)/libtmcommon.a

# Programs, from the layout alone (docs/adding-a-service.md): every
# services/<name>/main.c is the program tm-<name>; every
# services/<name>/<tool>_main.c is the program tm-<tool> (underscores become
# dashes); the other .c files of services/<name>/ make libtm-<name>.a, which
# the folder's programs link with common/.
SERVICES := $(sort $(patsubst services/%/main.c,%,$(wildcard services/*/main.c)) \
	$(patsubst services/%/,%,$(dir $(wildcard services/*/*_main.c))))
TOOL_MAINS := $(sort $(wildcard services/*/*_main.c))
svc_lib = $(BUILD)/libtm-$(1).a
tool_bin = $(BIN)/tm-$(subst _,-,$(patsubst %_main.c,%,$(notdir $(1))))
svc_of = $(word 2,$(subst /, ,$(1)))
# a services/<name>/ folder of library files only (no program yet) still
# makes libtm-<name>.a, for its unit tests
LIB_ONLY := $(filter-out $(SERVICES),$(patsubst services/%/,%,$(sort $(dir $(wildcard services/*/*.c)))))
SVC_LIBS := $(foreach s,$(SERVICES) $(LIB_ONLY),$(call svc_lib,$(s)))
# the forecasting engine alone, for the fuzz target
FORECAST_SRC := services/inventory/forecast.c services/inventory/forecast_run.c \
	services/inventory/forecast_check.c services/inventory/forecast_bands.c \
	services/inventory/forecast_mix.c services/inventory/forecast_theta.c \
	services/inventory/forecast_pattern.c services/inventory/forecast_regress.c \
	services/inventory/holidays.c

PROGRAMS := $(patsubst services/%/main.c,$(BIN)/tm-%,$(wildcard services/*/main.c)) \
	$(foreach t,$(TOOL_MAINS),$(call tool_bin,$(t)))
UNIT_TESTS := $(patsubst tests/unit/%/,$(BUILD)/tests/unit-%,$(sort $(dir $(wildcard tests/unit/*/*.c))))
INTEGRATION_TEST := $(BUILD)/tests/integration-tests
# helpers of the unit and integration tests alike
TEST_SUPPORT := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/support/*.c))

.PHONY: all deps build tests test check unit integration up down bench clean lint help fuzz web
all: build
build: $(PROGRAMS) web

# The web app (web/, docs/web.md): `npm ci` when node_modules is missing or
# the lockfile changed, then vite builds it into build/web, which
# deploy/stack.sh copies into the run folder for nginx.
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.js
web: build/web/index.html
web/node_modules/.tm-ci: web/package-lock.json web/package.json
	@echo "  NPM     ci (web/)"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
build/web/index.html: web/node_modules/.tm-ci $(WEB_SRC)
	@echo "  VITE    build/web"
	@cd web && node node_modules/vite/bin/vite.js build --logLevel warn
tests: $(UNIT_TESTS) $(INTEGRATION_TEST)

help:
	@echo "make            build every daemon into bin/ and the web app into build/web"
	@echo "make deps       install missing Debian packages (apt-get)"
	@echo "make up         start the whole stack on loopback with sample data (SCALE=\"inventory=3 gateway=2\")"
	@echo "make down       stop what make up started"
	@echo "make test       unit tests, then integration tests on a throwaway stack"
	@echo "make check      the same under AddressSanitizer + UndefinedBehaviorSanitizer"
	@echo "make bench      wrk benchmark: our API path vs nginx static, same run"
	@echo "make lint       banned calls, domain purity, headers compile alone"
	@echo "make clean      remove build output"

deps:
	@deploy/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(COMMON_LIB): $(COMMON_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

define service_rules
$(call svc_lib,$(1)): $(patsubst %.c,$(BUILD)/%.o,$(filter-out services/$(1)/main.c \
		services/$(1)/%_main.c,$(wildcard services/$(1)/*.c)))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	@echo "  AR      $$@"
	@ar rcs $$@ $$^
ifneq ($(wildcard services/$(1)/main.c),)
$(BIN)/tm-$(1): $(BUILD)/services/$(1)/main.o $(call svc_lib,$(1)) $(COMMON_LIB)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$(CC) $(LDFLAGS) -o $$@ $$^ $(LIBS)
endif
endef
define tool_rules
$(call tool_bin,$(1)): $(BUILD)/$(1:.c=.o) $(call svc_lib,$(call svc_of,$(1))) $(COMMON_LIB)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$(CC) $(LDFLAGS) -o $$@ $$^ $(LIBS)
endef
$(foreach s,$(SERVICES) $(LIB_ONLY),$(eval $(call service_rules,$(s))))
$(foreach t,$(TOOL_MAINS),$(eval $(call tool_rules,$(t))))

# tests/unit/<area>/*.c → unit-<area>, with every service library (the
# gateway's tests check its route table against each service's)
define unit_rules
$(BUILD)/tests/unit-$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/$(1)/*.c)) $(TEST_SUPPORT) \
	$(SVC_LIBS) $(COMMON_LIB)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$(CC) $(LDFLAGS) -o $$@ $$(filter %.o,$$^) -Wl,--start-group $(SVC_LIBS) $(COMMON_LIB) \
		-Wl,--end-group $(LIBS) $(CHECK_LIBS)
endef
$(foreach u,$(UNIT_TESTS),$(eval $(call unit_rules,$(patsubst $(BUILD)/tests/unit-%,%,$(u)))))

$(INTEGRATION_TEST): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/integration/*.c)) $(TEST_SUPPORT) \
	$(call svc_lib,gateway) \
	$(call svc_lib,analytics) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

# The test run: unit tests, then a throwaway stack on free ports for the
# integration tests, always stopped; ends with one "N passed, N failed" line.
test: deps
	@$(MAKE) --no-print-directory build tests
	@deploy/lint.sh
	@MODE=$(MODE) BIN=$(BIN) BUILD=$(BUILD) deploy/run-tests.sh

check:
	@$(MAKE) --no-print-directory test MODE=asan

unit: build tests
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

up: deps build
	@BIN=$(BIN) deploy/stack.sh up

down:
	@deploy/stack.sh down

bench: deps
	@$(MAKE) --no-print-directory build
	@BIN=$(BIN) deploy/bench.sh

lint:
	@deploy/lint.sh

# libFuzzer target over the bus decoders (clang, ASan, UBSan); see tests/fuzz/.
FUZZ_SRC := tests/fuzz/decoders_fuzz.c common/envelope.c common/event.c common/json.c common/http.c \
	common/buf.c common/err.c common/time.c services/inventory/po_event.c
fuzz: build/fuzz/decoders-fuzz build/fuzz/gateway-fuzz build/fuzz/txn-fuzz build/fuzz/supplier-fuzz \
	build/fuzz/forecast-fuzz build/fuzz/supplier-mock-fuzz build/fuzz/supplier-api-fuzz \
	build/fuzz/series-csv-fuzz build/fuzz/reorder-fuzz build/fuzz/analytics-fuzz build/fuzz/analytics-query-fuzz \
	build/fuzz/alerts-fuzz build/fuzz/alerts-life-fuzz build/fuzz/alerts-events-fuzz \
	build/fuzz/calendar-fuzz
build/fuzz/decoders-fuzz: $(FUZZ_SRC) $(wildcard common/*.h) services/inventory/po_event.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(FUZZ_SRC) -lcjson -lcivetweb
# The gateway's body decoders and token claims, linked with common/ whole.
GATEWAY_FUZZ_SRC := tests/fuzz/gateway_fuzz.c services/gateway/decode.c services/gateway/token.c \
	services/gateway/overview_doc.c services/gateway/wsmsg.c services/gateway/push.c \
	services/gateway/revset.c services/gateway/readcache.c services/gateway/loadgen.c $(COMMON_SRC)
build/fuzz/gateway-fuzz: $(GATEWAY_FUZZ_SRC) $(wildcard common/*.h) $(wildcard services/gateway/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(GATEWAY_FUZZ_SRC) $(LIBS)
# tm-txn's sale and rule-set decoders with the domain checks they run
TXN_FUZZ_SRC := tests/fuzz/txn_fuzz.c services/txn/decode.c services/txn/fraud.c services/txn/sale.c \
	$(COMMON_SRC)
build/fuzz/txn-fuzz: $(TXN_FUZZ_SRC) $(wildcard common/*.h) $(wildcard services/txn/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(TXN_FUZZ_SRC) $(LIBS)
# tm-supplier's supplier and offer body decoders
SUPPLIER_FUZZ_SRC := tests/fuzz/supplier_fuzz.c services/supplier/decode.c \
	services/supplier/po_decode.c services/supplier/po.c $(COMMON_SRC)
build/fuzz/supplier-fuzz: $(SUPPLIER_FUZZ_SRC) $(wildcard common/*.h) $(wildcard services/supplier/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(SUPPLIER_FUZZ_SRC) $(LIBS)
# tm-supplier-mock's catalogue, order and fault settings readers, with the
# pure modules they feed
SUPPLIER_MOCK_FUZZ_SRC := tests/fuzz/supplier_mock_fuzz.c services/supplier-mock/decode.c \
	services/supplier-mock/catalogue.c services/supplier-mock/orders.c services/supplier-mock/fault.c \
	$(COMMON_SRC)
build/fuzz/supplier-mock-fuzz: $(SUPPLIER_MOCK_FUZZ_SRC) $(wildcard common/*.h) \
		$(wildcard services/supplier-mock/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(SUPPLIER_MOCK_FUZZ_SRC) $(LIBS)
# the decoders of a supplier's replies (order, catalogue, error)
SUPPLIER_API_FUZZ_SRC := tests/fuzz/supplier_api_fuzz.c services/supplier/api_decode.c $(COMMON_SRC)
build/fuzz/supplier-api-fuzz: $(SUPPLIER_API_FUZZ_SRC) $(wildcard common/*.h) \
		$(wildcard services/supplier/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(SUPPLIER_API_FUZZ_SRC) $(LIBS)
# tm-inventory's reorder decoders: request bodies and tm-supplier's answers
REORDER_FUZZ_SRC := tests/fuzz/reorder_fuzz.c services/inventory/reorder_decode.c $(COMMON_SRC)
build/fuzz/reorder-fuzz: $(REORDER_FUZZ_SRC) $(wildcard common/*.h) \
		services/inventory/reorder_decode.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(REORDER_FUZZ_SRC) $(LIBS)
# tm-inventory's calendar event and promotion bodies
CALENDAR_FUZZ_SRC := tests/fuzz/calendar_fuzz.c services/inventory/calendar_decode.c $(COMMON_SRC)
build/fuzz/calendar-fuzz: $(CALENDAR_FUZZ_SRC) $(wildcard common/*.h) \
		services/inventory/calendar_decode.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(CALENDAR_FUZZ_SRC) $(LIBS)
# tm-alerts' configuration decoders (rules and their params, silences,
# escalation policies, notification channels)
ALERTS_FUZZ_SRC := tests/fuzz/alerts_fuzz.c services/alerts/decode.c services/alerts/engine.c \
	$(COMMON_SRC)
build/fuzz/alerts-fuzz: $(ALERTS_FUZZ_SRC) $(wildcard common/*.h) $(wildcard services/alerts/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(ALERTS_FUZZ_SRC) $(LIBS)
# tm-analytics' reading of tm-txn's sales events
ANALYTICS_FUZZ_SRC := tests/fuzz/analytics_fuzz.c services/analytics/sale_event.c $(COMMON_SRC)
build/fuzz/analytics-fuzz: $(ANALYTICS_FUZZ_SRC) $(wildcard common/*.h) \
		services/analytics/sale_event.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(ANALYTICS_FUZZ_SRC) $(LIBS)
build/fuzz/forecast-fuzz: tests/fuzz/forecast_fuzz.c $(FORECAST_SRC) services/inventory/forecast.h \
		services/inventory/forecast_model.h services/inventory/holidays.h common/err.c common/buf.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ tests/fuzz/forecast_fuzz.c $(FORECAST_SRC) \
		common/err.c common/buf.c -lnlopt -lm
# the CSV readers of the offline tools (tm-forecast-eval, tm-reorder-eval,
# tm-reorder-sim): demand series and reorder policies
SERIES_CSV_FUZZ_SRC := tests/fuzz/series_csv_fuzz.c services/inventory/series_csv.c \
	services/inventory/policy_csv.c services/inventory/forecast_pattern.c common/err.c common/buf.c
build/fuzz/series-csv-fuzz: $(SERIES_CSV_FUZZ_SRC) services/inventory/series_csv.h \
		services/inventory/policy_csv.h services/inventory/forecast.h common/err.h common/buf.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $(SERIES_CSV_FUZZ_SRC) -lm

# tm-analytics' report query decoders (from, to, format) and RFM scoring
ANALYTICS_QUERY_FUZZ_SRC := tests/fuzz/analytics_query_fuzz.c services/analytics/query.c \
	services/analytics/rfm.c common/err.c common/buf.c
build/fuzz/analytics-query-fuzz: $(ANALYTICS_QUERY_FUZZ_SRC) services/analytics/query.h \
		services/analytics/rfm.h common/err.h common/buf.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $(ANALYTICS_QUERY_FUZZ_SRC) -lm

# the alert routes' input: a manual alert, a note, a list's query
ALERTS_LIFE_FUZZ_SRC := tests/fuzz/alerts_life_fuzz.c services/alerts/alert_decode.c \
	services/alerts/engine.c $(COMMON_SRC)
build/fuzz/alerts-life-fuzz: $(ALERTS_LIFE_FUZZ_SRC) $(wildcard common/*.h) $(wildcard services/alerts/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(ALERTS_LIFE_FUZZ_SRC) $(LIBS)

ALERTS_EVENTS_FUZZ_SRC := tests/fuzz/alerts_events_fuzz.c services/alerts/facts.c $(COMMON_SRC)
build/fuzz/alerts-events-fuzz: $(ALERTS_EVENTS_FUZZ_SRC) $(wildcard common/*.h) services/alerts/facts.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(ALERTS_EVENTS_FUZZ_SRC) $(LIBS)

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
