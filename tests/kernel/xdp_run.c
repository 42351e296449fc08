// SPDX-License-Identifier: GPL-2.0
/*
 * Runs an XDP program of a compiled object with BPF_PROG_TEST_RUN and
 * prints what its maps then hold.  Built on the fly (cc + libbpf):
 *
 *   xdp_run OBJECT PROGRAM[,PROGRAM...] RUNS MAP...
 *
 * Loads OBJECT, runs PROGRAM RUNS times on a 64-byte packet of zeroes
 * (each of a comma-separated list in turn, RUNS times each; PROGRAM@N
 * runs it on N bytes of zeroes instead, N up to 1514), prints
 * "verdict N" for the last run, then every entry of each MAP as
 * "MAP[KEY] W0 W1 ...": the key as an unsigned integer, the value as
 * unsigned 64-bit words (32-bit when its size is not a multiple of 8); a
 * ring buffer as "MAP records N" and each record's first 8 bytes, in
 * order, as "record I W".
 * Exit status 0, or 2 when something cannot be done (the reason on
 * stderr).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* A ring buffer's record: its number and first 8 bytes. */
static int print_record(void *ctx, void *data, size_t size)
{
	unsigned *n = ctx;
	uint64_t w = 0;

	memcpy(&w, data, size < 8 ? size : 8);
	printf("record %u %llu\n", (*n)++, (unsigned long long)w);
	return 0;
}

static void print_ring(struct bpf_map *map)
{
	unsigned n = 0;
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(map), print_record, &n, NULL);

	if (!rb || ring_buffer__consume(rb) < 0)
		fprintf(stderr, "cannot read ring buffer %s\n", bpf_map__name(map));
	ring_buffer__free(rb);
	printf("%s records %u\n", bpf_map__name(map), n);
}

static void print_map(struct bpf_map *map)
{
	if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF) {
		print_ring(map);
		return;
	}
	unsigned key_size = bpf_map__key_size(map), value_size = bpf_map__value_size(map);
	unsigned char key[64], next[64], value[4096];
	void *prev = NULL;

	if (key_size > sizeof(key) || value_size > sizeof(value))
		return;
	while (!bpf_map__get_next_key(map, prev, next, key_size)) {
		memcpy(key, next, key_size);
		prev = key;
		if (bpf_map__lookup_elem(map, key, key_size, value, value_size, 0))
			continue;
		uint64_t k = 0;
		memcpy(&k, key, key_size < 8 ? key_size : 8);
		printf("%s[%llu]", bpf_map__name(map), (unsigned long long)k);
		unsigned word = value_size % 8 ? 4 : 8;
		for (unsigned i = 0; i + word <= value_size; i += word) {
			uint64_t w = 0;
			memcpy(&w, value + i, word);
			printf(" %llu", (unsigned long long)w);
		}
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	static unsigned char packet[1514];
	struct bpf_object *obj;
	struct bpf_program *prog;
	char *names, *name, *save = NULL;

	if (argc < 4) {
		fprintf(stderr, "usage: xdp_run OBJECT PROGRAM RUNS MAP...\n");
		return 2;
	}
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 2;
	}
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = 64);
	names = strdup(argv[2]);
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		char *at = strchr(name, '@');
		opts.data_size_in = 64;
		if (at) {
			*at = '\0';
			opts.data_size_in = (unsigned)atoi(at + 1);
			if (opts.data_size_in < 14 || opts.data_size_in > sizeof(packet)) {
				fprintf(stderr, "a packet of %s bytes: 14 to %zu\n", at + 1, sizeof(packet));
				return 2;
			}
		}
		prog = bpf_object__find_program_by_name(obj, name);
		if (!prog) {
			fprintf(stderr, "no program %s\n", name);
			return 2;
		}
		for (int i = 0; i < atoi(argv[3]); i++) {
			opts.data_size_out = 0;	/* what the last run left there */
			if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
				fprintf(stderr, "BPF_PROG_TEST_RUN of %s failed\n", name);
				return 2;
			}
		}
	}
	free(names);
	printf("verdict %u\n", opts.retval);
	for (int i = 4; i < argc; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, argv[i]);
		if (!map) {
			fprintf(stderr, "no map %s\n", argv[i]);
			return 2;
		}
		print_map(map);
	}
	bpf_object__close(obj);
	return 0;
}
