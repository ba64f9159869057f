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
LIBS := -lcivetweb -lpq -lhiredis -lcjson -lnanomsg -lsodium -lcrypto -lnlopt -lm
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
COMMON_LIB := $(BUILD)/libtmcommon.a

GATEWAY_LIB_SRC := services/gateway/auth.c services/gateway/audit.c services/gateway/decode.c \
	services/gateway/handlers.c \
	services/gateway/keys.c services/gateway/revoke.c \
	services/gateway/proxy.c services/gateway/ratelimit.c services/gateway/routes.c \
	services/gateway/store.c services/gateway/token.c
GATEWAY_LIB_OBJ := $(GATEWAY_LIB_SRC:%.c=$(BUILD)/%.o)
FORECAST_SRC := services/inventory/forecast.c services/inventory/forecast_run.c \
	services/inventory/forecast_pattern.c
INVENTORY_LIB_SRC := $(FORECAST_SRC) services/inventory/catalog.c services/inventory/store.c \
	services/inventory/handlers.c services/inventory/sample.c services/inventory/stock.c \
	services/inventory/stock_store.c services/inventory/transfer_store.c \
	services/inventory/stock_handlers.c services/inventory/transfer_handlers.c \
	services/inventory/commit_handlers.c services/inventory/forecast_store.c \
	services/inventory/forecast_handlers.c
INVENTORY_LIB_OBJ := $(INVENTORY_LIB_SRC:%.c=$(BUILD)/%.o)

ANALYTICS_LIB_SRC := services/analytics/handlers.c services/analytics/store.c
ANALYTICS_LIB_OBJ := $(ANALYTICS_LIB_SRC:%.c=$(BUILD)/%.o)

TXN_DOMAIN_SRC := services/txn/fraud.c services/txn/sale.c services/txn/replay.c services/txn/gen.c
TXN_LIB_SRC := $(TXN_DOMAIN_SRC) services/txn/txn_store.c services/txn/fraud_store.c services/txn/velocity.c \
	services/txn/handlers.c services/txn/sale_handlers.c
TXN_LIB_OBJ := $(TXN_LIB_SRC:%.c=$(BUILD)/%.o)

DAEMONS := $(BIN)/tm-gateway $(BIN)/tm-inventory $(BIN)/tm-analytics $(BIN)/tm-txn
TOOLS := $(BIN)/tm-migrate $(BIN)/tm-inventory-seed $(BIN)/tm-gateway-admin $(BIN)/tm-events \
	$(BIN)/tm-fraud-eval $(BIN)/tm-txn-seed $(BIN)/tm-forecast-eval
UNIT_TESTS := $(BUILD)/tests/unit-common $(BUILD)/tests/unit-inventory $(BUILD)/tests/unit-gateway \
	$(BUILD)/tests/unit-txn
INTEGRATION_TEST := $(BUILD)/tests/integration-tests

.PHONY: all deps build tests test check unit integration up down bench clean lint help fuzz
all: build
build: $(DAEMONS) $(TOOLS)
tests: $(UNIT_TESTS) $(INTEGRATION_TEST)

help:
	@echo "make            build every daemon into bin/"
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

$(BIN)/tm-gateway: $(BUILD)/services/gateway/main.o $(GATEWAY_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-inventory: $(BUILD)/services/inventory/main.o $(INVENTORY_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-analytics: $(BUILD)/services/analytics/main.o $(ANALYTICS_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-txn: $(BUILD)/services/txn/main.o $(TXN_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-txn-seed: $(BUILD)/services/txn/seed_main.o $(TXN_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-fraud-eval: $(BUILD)/services/txn/eval_main.o $(TXN_DOMAIN_SRC:%.c=$(BUILD)/%.o) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-forecast-eval: $(BUILD)/services/inventory/forecast_eval_main.o \
		$(FORECAST_SRC:%.c=$(BUILD)/%.o) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-inventory-seed: $(BUILD)/services/inventory/seed_main.o $(INVENTORY_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-gateway-admin: $(BUILD)/services/gateway/admin_main.o $(GATEWAY_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-events: $(BUILD)/services/events/main.o $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/tm-migrate: $(BUILD)/services/migrate/main.o $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/unit-common: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/common/*.c)) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(BUILD)/tests/unit-inventory: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/inventory/*.c)) $(INVENTORY_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(BUILD)/tests/unit-txn: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/txn/*.c)) $(TXN_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(BUILD)/tests/unit-gateway: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/gateway/*.c)) $(GATEWAY_LIB_OBJ) $(INVENTORY_LIB_OBJ) $(ANALYTICS_LIB_OBJ) $(TXN_LIB_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(INTEGRATION_TEST): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/integration/*.c)) $(BUILD)/services/gateway/token.o $(COMMON_LIB)
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
	common/buf.c common/err.c common/time.c
fuzz: build/fuzz/decoders-fuzz build/fuzz/gateway-fuzz build/fuzz/forecast-fuzz
build/fuzz/decoders-fuzz: $(FUZZ_SRC) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(FUZZ_SRC) -lcjson -lcivetweb
# The gateway's body decoders and token claims, linked with common/ whole.
GATEWAY_FUZZ_SRC := tests/fuzz/gateway_fuzz.c services/gateway/decode.c services/gateway/token.c \
	$(COMMON_SRC)
build/fuzz/gateway-fuzz: $(GATEWAY_FUZZ_SRC) $(wildcard common/*.h) $(wildcard services/gateway/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -pthread -o $@ $(GATEWAY_FUZZ_SRC) $(LIBS)
build/fuzz/forecast-fuzz: tests/fuzz/forecast_fuzz.c $(FORECAST_SRC) services/inventory/forecast.h \
		services/inventory/forecast_model.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ tests/fuzz/forecast_fuzz.c $(FORECAST_SRC) -lnlopt -lm

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
