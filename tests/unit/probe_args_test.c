/* Unit tests of src/plan/plan_probe_args.c: where a kprobe reads the
 * arguments of a kernel function that takes a struct by value.  The
 * places the plan gives are checked against the C compiler's own x86-64
 * calling convention: each signature is called, with distinct values,
 * through a function pointer of that type that points at capture, a few
 * instructions that store the six argument registers and the stack above
 * the return address; each argument must be found where the plan says.
 * Structs of integers are stood in for by arrays of u64 (a struct holding
 * u64[n] is passed as n integers are), as the plan treats both alike. */
#include "unit.h"

#include "plan.h"
#include "types.h"

#if defined(__x86_64__)

struct w1 { uint64_t v[1]; };
struct w2 { uint64_t v[2]; };
struct w3 { uint64_t v[3]; };
struct w4 { uint64_t v[4]; };

/* What capture saw: the registers di, si, dx, cx, r8, r9, and the stack
 * from 8(%rsp) on, where the first stack argument is. */
uint64_t probe_args_regs[6];
uint64_t probe_args_stack[32];

void probe_args_capture(void);
__asm__(".text\n"
	".globl probe_args_capture\n"
	"probe_args_capture:\n"
	"\tmovq %rdi, probe_args_regs(%rip)\n"
	"\tmovq %rsi, probe_args_regs+8(%rip)\n"
	"\tmovq %rdx, probe_args_regs+16(%rip)\n"
	"\tmovq %rcx, probe_args_regs+24(%rip)\n"
	"\tmovq %r8, probe_args_regs+32(%rip)\n"
	"\tmovq %r9, probe_args_regs+40(%rip)\n"
	"\tleaq 8(%rsp), %rsi\n"
	"\tleaq probe_args_stack(%rip), %rdi\n"
	"\tmovl $32, %ecx\n"
	"\trep movsq\n"
	"\tret\n");

/* capture, through a variable: called as each signature's type */
static void (*volatile capture)(void) = probe_args_capture;
#define CAPTURE_AS(type) ((type)(uintptr_t)capture)

/* The words argument I of a call should have, for the values used below:
 * argument I (from 1) word W (from 0) holds 100 * I + W. */
static uint64_t word(unsigned i, unsigned w)
{
	return 100 * i + w;
}

/* The types of a signature: 0 for a u64, N for a struct of N words. */
static void expect_places(const unsigned *words, size_t n)
{
	struct vec types = { 0 };
	for (size_t i = 0; i < n; i++)
		vec_push(unit.arena, &types, (void *)(words[i]
			? type_array(unit.arena, type_int(64, false), words[i])
			: type_int(64, false)));
	struct probe_arg *places = plan_probe_arg_places(unit.arena, &types, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(places);
	for (size_t i = 0; i < n; i++) {
		unsigned count = words[i] ? words[i] : 1;
		CU_ASSERT_EQUAL(places[i].words, count);
		for (unsigned w = 0; w < count; w++) {
			uint64_t seen = places[i].on_stack
				? probe_args_stack[(places[i].stack_offset - 8) / 8 + w]
				: probe_args_regs[places[i].reg + w];
			if (seen != word((unsigned)i + 1, w))
				fprintf(stderr, "argument %zu word %u: the plan's place holds %llu\n",
					i + 1, w, (unsigned long long)seen);
			CU_ASSERT_EQUAL(seen, word((unsigned)i + 1, w));
		}
	}
}

static void clear(void)
{
	memset(probe_args_regs, 0, sizeof(probe_args_regs));
	memset(probe_args_stack, 0, sizeof(probe_args_stack));
}

/* A struct over 16 bytes goes on the stack; the integers after it take
 * the registers from the first (ZSTD_adjustCParams_internal). */
static void test_big_struct_first(void)
{
	clear();
	struct w4 big = { { word(1, 0), word(1, 1), word(1, 2), word(1, 3) } };
	CAPTURE_AS(void (*)(struct w4, uint64_t, uint64_t))(big, word(2, 0),
								       word(3, 0));
	expect_places((const unsigned[]){ 4, 0, 0 }, 3);
}

/* Two 16-byte structs take two registers each (timespec64_add_safe). */
static void test_two_small_structs(void)
{
	clear();
	struct w2 a = { { word(1, 0), word(1, 1) } }, b = { { word(2, 0), word(2, 1) } };
	CAPTURE_AS(void (*)(struct w2, struct w2))(a, b);
	expect_places((const unsigned[]){ 2, 2 }, 2);
}

/* A struct that needs two registers when one is left goes on the stack,
 * and the integer after it still takes the last register. */
static void test_struct_past_the_registers(void)
{
	clear();
	struct w2 s = { { word(6, 0), word(6, 1) } };
	CAPTURE_AS(void (*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, struct w2,
			    uint64_t))(word(1, 0), word(2, 0), word(3, 0), word(4, 0), word(5, 0),
				       s, word(7, 0));
	expect_places((const unsigned[]){ 0, 0, 0, 0, 0, 2, 0 }, 7);
}

/* An 8-byte struct, a 24-byte one (stack), then a 16-byte one in the
 * registers the big one left. */
static void test_mixed(void)
{
	clear();
	struct w1 k = { { word(1, 0) } };
	struct w3 m = { { word(2, 0), word(2, 1), word(2, 2) } };
	struct w2 t = { { word(3, 0), word(3, 1) } };
	CAPTURE_AS(void (*)(struct w1, struct w3, struct w2))(k, m, t);
	expect_places((const unsigned[]){ 1, 3, 2 }, 3);
}

/* Two structs on the stack, one after the other, and integers past the
 * six registers after them. */
static void test_stack_order(void)
{
	clear();
	struct w3 a = { { word(1, 0), word(1, 1), word(1, 2) } };
	struct w4 b = { { word(2, 0), word(2, 1), word(2, 2), word(2, 3) } };
	CAPTURE_AS(void (*)(struct w3, struct w4, uint64_t, uint64_t, uint64_t, uint64_t,
			    uint64_t, uint64_t, uint64_t))(a, b, word(3, 0), word(4, 0),
							   word(5, 0), word(6, 0), word(7, 0),
							   word(8, 0), word(9, 0));
	expect_places((const unsigned[]){ 3, 4, 0, 0, 0, 0, 0, 0, 0 }, 9);
}

/* Without a struct, BPF_KPROBE reads them all: no places. */
static void test_no_struct(void)
{
	struct vec types = { 0 };
	vec_push(unit.arena, &types, (void *)type_int(64, false));
	vec_push(unit.arena, &types, (void *)type_int(32, true));
	CU_ASSERT_PTR_NULL(plan_probe_arg_places(unit.arena, &types, NULL));
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "a struct over 16 bytes first", test_big_struct_first },
		{ "two 16-byte structs", test_two_small_structs },
		{ "a struct past the registers", test_struct_past_the_registers },
		{ "8, 24 and 16 bytes", test_mixed },
		{ "the stack in order", test_stack_order },
		{ "no struct", test_no_struct },
		CU_TEST_INFO_NULL,
	};
	return unit_main("probe_args", tests);
}

#else

int main(void)
{
	printf("SKIP: the argument places are x86-64's, and this is not x86-64\n");
	return 77;
}

#endif
