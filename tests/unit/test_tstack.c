/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/tstack.h"
#include "util/util.h"

#define KIB	((size_t)1024)
#define MIB	(1024 * KIB)

/* Stacks are distinct, page aligned, writable from end to end. */
static void
test_tstack_gives_writable_distinct_stacks(void **state)
{
	struct tstack_pool	*p = tstack_pool_new();
	long			 page = sysconf(_SC_PAGESIZE);
	char			*s[100];
	int			 i, k;

	(void)state;
	for (i = 0; i < 100; i++) {
		assert_int_equal(tstack_get(p, 64 * KIB, (void **)&s[i]), 0);
		assert_int_equal((uintptr_t)s[i] % (uintptr_t)page, 0);
		memset(s[i], i, 64 * KIB);
		for (k = 0; k < i; k++)
			assert_true(s[k] + 64 * KIB <= s[i] ||
			    s[i] + 64 * KIB <= s[k]);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal((unsigned char)s[i][64 * KIB - 1], i);
	/* 100 stacks of 64 KiB and a guard page: two slabs of 64 slots. */
	assert_int_equal(tstack_mapped(p), 128 * (64 * KIB + (size_t)page));
	for (i = 0; i < 100; i++)
		tstack_put(p, s[i], 64 * KIB);
	tstack_pool_free(p);
}

/* A stack handed back is the next one handed out, of its size only. */
static void
test_tstack_reuses_last_put_of_same_size(void **state)
{
	struct tstack_pool	*p = tstack_pool_new();
	void			*a, *b, *c, *d;

	(void)state;
	assert_int_equal(tstack_get(p, 64 * KIB, &a), 0);
	assert_int_equal(tstack_get(p, 64 * KIB, &b), 0);
	tstack_put(p, a, 64 * KIB);
	assert_int_equal(tstack_get(p, 1 * MIB, &c), 0);
	assert_ptr_not_equal(c, a);
	assert_int_equal(tstack_get(p, 64 * KIB, &d), 0);
	assert_ptr_equal(d, a);
	/* A size that is not a page multiple is rounded up, both ways. */
	tstack_put(p, d, 64 * KIB - 100);
	assert_int_equal(tstack_get(p, 64 * KIB - 1, &d), 0);
	assert_ptr_equal(d, a);
	tstack_put(p, b, 64 * KIB);
	tstack_put(p, c, 1 * MIB);
	tstack_put(p, d, 64 * KIB);
	tstack_pool_free(p);
}

/* Trim unmaps the slabs nobody uses and keeps the rest usable. */
static void
test_tstack_trim_keeps_slabs_in_use(void **state)
{
	struct tstack_pool	*p = tstack_pool_new();
	void			*s[70], *again;
	size_t			 slab;
	int			 i;

	(void)state;
	for (i = 0; i < 70; i++)
		assert_int_equal(tstack_get(p, 64 * KIB, &s[i]), 0);
	slab = tstack_mapped(p) / 2;
	/* Free the whole second slab and half of the first. */
	for (i = 32; i < 70; i++)
		tstack_put(p, s[i], 64 * KIB);
	assert_int_equal(tstack_trim(p), slab);
	assert_int_equal(tstack_mapped(p), slab);
	/* The kept slab's free stacks are handed out again, last put first. */
	assert_int_equal(tstack_get(p, 64 * KIB, &again), 0);
	assert_ptr_equal(again, s[63]);
	memset(again, 1, 64 * KIB);
	tstack_put(p, again, 64 * KIB);
	for (i = 0; i < 32; i++)
		tstack_put(p, s[i], 64 * KIB);
	assert_int_equal(tstack_trim(p), slab);
	assert_int_equal(tstack_mapped(p), 0);
	tstack_pool_free(p);
}

/* The protection of the mapping that holds addr, from /proc/self/maps. */
static void
maps_perms(const void *addr, char *perms)
{
	FILE		*f = fopen("/proc/self/maps", "r");
	unsigned long	 lo, hi;
	char		 line[512], pr[8];

	assert_non_null(f);
	perms[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, pr) == 3 &&
		    (uintptr_t)addr >= lo && (uintptr_t)addr < hi) {
			memcpy(perms, pr, 5);
			break;
		}
	}
	fclose(f);
}

/* The page below a stack is a guard nobody can touch. */
static void
test_tstack_guard_below_each_stack(void **state)
{
	struct tstack_pool	*p = tstack_pool_new();
	char			*s[2], perms[8];
	int			 i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(tstack_get(p, 64 * KIB, (void **)&s[i]), 0);
		maps_perms(s[i], perms);
		assert_string_equal(perms, "rw-p");
		maps_perms(s[i] - 1, perms);
		assert_string_equal(perms, "---p");
		maps_perms(s[i] + 64 * KIB - 1, perms);
		assert_string_equal(perms, "rw-p");
	}
	for (i = 0; i < 2; i++)
		tstack_put(p, s[i], 64 * KIB);
	tstack_pool_free(p);
}

static void *
tstack_thread(void *arg)
{
	*(char **)arg = __builtin_frame_address(0);
	return (NULL);
}

/*
 * A thread runs on the stack it is given, and it can be given again.  The
 * stack is 4 MiB: ThreadSanitizer puts about 900 KiB of its own on top.
 */
static void
test_tstack_runs_threads(void **state)
{
	struct tstack_pool	*p = tstack_pool_new();
	pthread_attr_t		 attr;
	pthread_t		 t;
	char			*s, *where;
	int			 round;

	(void)state;
	for (round = 0; round < 3; round++) {
		assert_int_equal(tstack_get(p, 4 * MIB, (void **)&s), 0);
		assert_int_equal(pthread_attr_init(&attr), 0);
		assert_int_equal(pthread_attr_setstack(&attr, s, 4 * MIB),
		    0);
		assert_int_equal(util_thread_create_attr(&t, &attr,
		    tstack_thread, &where), 0);
		pthread_attr_destroy(&attr);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_true(where >= s && where < s + 4 * MIB);
		tstack_put(p, s, 4 * MIB);
	}
	assert_int_equal(tstack_trim(p) > 0, 1);
	tstack_pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tstack_gives_writable_distinct_stacks),
		cmocka_unit_test(test_tstack_reuses_last_put_of_same_size),
		cmocka_unit_test(test_tstack_trim_keeps_slabs_in_use),
		cmocka_unit_test(test_tstack_guard_below_each_stack),
		cmocka_unit_test(test_tstack_runs_threads),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
