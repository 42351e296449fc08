# The libFuzzer harnesses: built with clang's fuzzer and sanitizers, apart
# from the normal build, and run.  'make fuzz' in the build directory runs
# this with srcdir, the library's sources and the link flags configure
# found.  GNU make.
#
#   make fuzz                   each harness for FUZZ_TIME seconds (60)
#   make fuzz FUZZ_TIME=600 FUZZ_HARNESSES=compile FUZZ_ARGS=-jobs=2
#   make fuzz-build             only build them, into fuzz-build/

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_HARNESSES ?= parse check compile btf
FUZZ_ARGS ?=
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-I. -Igrammar -Isrc -I$(srcdir)/src/base -I$(srcdir)/src/parse \
	-I$(srcdir)/src/check -I$(srcdir)/src/plan -I$(srcdir)/src/emit \
	-I$(srcdir)/src/cli -I$(srcdir)/fuzz -DHAVE_CONFIG_H $(LIB_CFLAGS)

OUT = fuzz-build
# The library's sources are in srcdir, the generated ones (grammar/,
# src/templates_data.c) here.
vpath %.c $(srcdir)
lib_objs = $(patsubst %.c,$(OUT)/obj/%.o,$(filter %.c,$(LIBKS_SOURCES)))
headers = $(wildcard $(srcdir)/src/*/*.h $(srcdir)/fuzz/*.h) grammar/parser.h config.h

all: $(addprefix $(OUT)/,$(FUZZ_HARNESSES))

$(OUT)/obj/%.o: %.c $(headers)
	@mkdir -p $(@D)
	@echo '  CC       $@'
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(OUT)/%: $(OUT)/obj/fuzz/%.o $(OUT)/obj/fuzz/common.o $(lib_objs)
	@echo '  CCLD     $@'
	@$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# The seeds: every .ks of the tests and examples, a file each.  The files
# they include and import are copied to files/, where the inputs pretend
# to be (KS_FUZZ_DIR).
$(OUT)/.seeds-stamp: $(shell find $(srcdir)/tests $(srcdir)/examples -name '*.ks' -o -name '*.kh' -o -name '*.py')
	@rm -rf $(OUT)/seeds $(OUT)/files && mkdir -p $(OUT)/seeds $(OUT)/files
	@cd $(srcdir) && find tests examples -name '*.ks' | while read -r f; do \
		cp "$$f" "$(CURDIR)/$(OUT)/seeds/$$(echo "$$f" | tr / _)"; done
	@cd $(srcdir) && find tests examples -type f \( -name '*.kh' -o -name '*.py' \
		-o -path '*/import/*' -o -path '*/modules/*' \) | while read -r f; do \
		case $$f in */import/*) d=import/$${f##*/import/} ;; \
			*/modules/*) d=modules/$${f##*/modules/} ;; *) d=$${f##*/} ;; esac; \
		mkdir -p "$(CURDIR)/$(OUT)/files/$$(dirname "$$d")"; \
		cp "$$f" "$(CURDIR)/$(OUT)/files/$$d"; done
	@touch $@

# Each harness grows its own corpus in corpus/NAME from the seeds; a crash
# is written to crashes/NAME-..., and fails the run.
run: all $(OUT)/.seeds-stamp
	@mkdir -p $(OUT)/crashes
	@for h in $(FUZZ_HARNESSES); do \
		echo "fuzz: $$h for $(FUZZ_TIME)s"; \
		mkdir -p $(OUT)/corpus/$$h; \
		seeds=$(OUT)/seeds dict=-dict=$(srcdir)/fuzz/kernelscript.dict; \
		if [ $$h = btf ]; then seeds=$(srcdir)/fuzz/seeds/btf dict=; fi; \
		KS_FUZZ_DIR=$(CURDIR)/$(OUT)/files UBSAN_OPTIONS=print_stacktrace=1 \
		$(OUT)/$$h -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 $$dict \
			-artifact_prefix=$(OUT)/crashes/$$h- $(FUZZ_ARGS) \
			$(OUT)/corpus/$$h $$seeds 2>$(OUT)/$$h.log || \
			{ tail -n 60 $(OUT)/$$h.log; exit 1; }; \
		grep -E 'DONE|^Done|^stat::(number_of_executed_units|peak_rss_mb)' $(OUT)/$$h.log; \
	done

.PHONY: all run
.SECONDARY:
