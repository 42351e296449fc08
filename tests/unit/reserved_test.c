/* Unit tests of the reserved name lists (src/plan/reserved/embed.sh) and
 * their search (word_list_has in src/plan/plan_names.c): the filters embed.sh
 * computes in awk must let through every name of their list, as the C side
 * hashes it, or a program's name could take a header's. */
#include "unit.h"

#include "plan_internal.h"

static const struct word_list *const lists[] = {
	&reserved_bpf_names, &reserved_bpf_tags, &reserved_builtins_names,
	&reserved_user_names, &reserved_user_macros, &reserved_user_tags,
	&reserved_module_names, &reserved_module_macros, &reserved_module_tags,
	&reserved_runtime,
};
#define NLISTS (sizeof(lists) / sizeof(lists[0]))

static void test_every_name_found(void)
{
	/* a filter is all a name in no list reaches, mostly: it must let
	 * through every name of the list */
	for (size_t l = 0; l < NLISTS; l++) {
		const struct word_list *list = lists[l];
		CU_ASSERT_TRUE(list->count > 0);
		size_t missing = 0, stopped = 0;
		for (size_t i = 0; i < list->count; i++) {
			missing += !word_list_has(list, list->text + list->at[i]);
			stopped += !word_list_may_have(list, list->text + list->at[i]);
		}
		CU_ASSERT_EQUAL(missing, 0);
		CU_ASSERT_EQUAL(stopped, 0);
	}
}

static void test_sorted_and_filter_sized(void)
{
	for (size_t l = 0; l < NLISTS; l++) {
		const struct word_list *list = lists[l];
		for (size_t i = 1; i < list->count; i++)
			CU_ASSERT_TRUE(strcmp(list->text + list->at[i - 1], list->text + list->at[i]) < 0);
		/* a power of two, about eight bits a name */
		CU_ASSERT_EQUAL(list->filter_bits & (list->filter_bits - 1), 0);
		CU_ASSERT_TRUE(list->filter_bits >= 8 * list->count);
	}
}

/* Names in no list are refused, most of them by the filter alone. */
static void test_other_names_refused(void)
{
	char name[64];
	size_t refused = 0, filtered = 0, total = 0;
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "kt_user_name_%d", i);
		for (size_t l = 0; l < NLISTS; l++, total++) {
			refused += !word_list_has(lists[l], name);
			filtered += !word_list_may_have(lists[l], name);
		}
	}
	CU_ASSERT_EQUAL(refused, total);
	CU_ASSERT_TRUE(filtered * 10 >= total * 9);	/* false positives: under 10% */
	CU_ASSERT_TRUE(word_list_has(&reserved_user_names, "printf"));
	CU_ASSERT_FALSE(word_list_has(&reserved_user_names, "printf_"));
	CU_ASSERT_FALSE(word_list_has(&reserved_user_names, ""));
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "every name of every list found", test_every_name_found },
		{ "lists sorted, filters sized", test_sorted_and_filter_sized },
		{ "other names refused", test_other_names_refused },
		CU_TEST_INFO_NULL,
	};
	return unit_main("reserved", tests);
}
