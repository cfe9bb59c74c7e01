/* SPDX-License-Identifier: ISC */
/*
 * The requests cswviz sends its workload child, and the answers it takes.
 * The file itself is compiled in, so that this test can stand on the far
 * end of the socket: it plays a child that answers late, with no fork and
 * no timing to race.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "child/child.c"

/* A child of which this test holds the other end of the socket. */
static struct child *
fake_child(int *peer)
{
	struct child	*c = calloc(1, sizeof *c);
	int		 sv[2];

	assert_non_null(c);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
	    0, sv), 0);
	c->sock = sv[0];
	c->pidfd = c->errfd = c->shmfd = -1;
	pthread_mutex_init(&c->mu, NULL);
	*peer = sv[1];
	return (c);
}

static void
fake_free(struct child *c, int peer)
{
	close(c->sock);
	close(peer);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* Read the next request off the far end; its number. */
static uint32_t
take_request(int peer, struct child_config *cfg)
{
	struct child_msg	m;

	assert_int_equal(recv(peer, &m, sizeof m, MSG_DONTWAIT),
	    (ssize_t)sizeof m);
	assert_int_equal(m.type, CHILD_MSG_REQUEST);
	*cfg = m.cfg;
	return (m.seq);
}

/* Answer request seq with cfg, tasks as given. */
static void
reply(int peer, uint32_t seq, const struct child_config *cfg, long tasks)
{
	struct child_msg	m;

	memset(&m, 0, sizeof m);
	m.type = CHILD_MSG_REPLY;
	m.seq = seq;
	m.cfg = *cfg;
	m.cfg.tasks = tasks;
	m.tasks_max = 1000;
	assert_int_equal(send(peer, &m, sizeof m, 0), (ssize_t)sizeof m);
}

static struct engine_config
config(enum engine_mode mode, long tasks)
{
	struct engine_config	cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.mode = mode;
	cfg.scenario = "pingpong";
	cfg.tasks = tasks;
	cfg.workers = 2;
	return (cfg);
}

/*
 * A tour step's answer came after CHILD_REPLY_MS, while the next key's
 * request waited: it was taken as that key's answer, so cswviz believed
 * the older configuration, and m then flipped the wrong mode (test_tour
 * saw threads stay on after m).  The late answer is dropped now; the
 * configuration asked for stands until its own answer comes, and
 * child_message takes that one.
 */
static void
test_child_late_reply_dropped(void **state)
{
	struct engine_config	cfg = config(ENGINE_FIBERS, 2), got;
	struct child_config	w;
	struct child		*c;
	uint32_t		 first, second;
	char			 buf[ENGINE_ERRLEN];
	int			 peer;

	(void)state;
	c = fake_child(&peer);
	/* Step 2: fibers.  No answer in time. */
	child_request(c, &cfg);
	first = take_request(peer, &w);
	assert_int_equal(w.mode, ENGINE_FIBERS);
	/* Its answer is late, and here before the next request. */
	reply(peer, first, &w, 2);
	/* Step 1: threads.  Its own answer is late too. */
	cfg = config(ENGINE_THREADS, 2);
	child_request(c, &cfg);
	second = take_request(peer, &w);
	assert_int_not_equal(second, first);
	child_config_get(c, &got);
	assert_int_equal(got.mode, ENGINE_THREADS);
	/* Its answer comes: the loop's read takes it (the engine kept 1). */
	reply(peer, second, &w, 1);
	assert_false(child_message(c, buf, sizeof buf));
	child_config_get(c, &got);
	assert_int_equal(got.mode, ENGINE_THREADS);
	assert_int_equal(got.tasks, 1);
	assert_int_equal(child_tasks_max(c), 1000);
	assert_string_equal(got.scenario, "pingpong");
	fake_free(c, peer);
}

/* An answer in time is taken by the request itself, news kept for later. */
static void
test_child_reply_in_time(void **state)
{
	struct engine_config	cfg = config(ENGINE_THREADS, 8), got;
	struct child_config	w;
	struct child_msg	m;
	struct child		*c;
	char			 buf[ENGINE_ERRLEN];
	int			 peer;

	(void)state;
	c = fake_child(&peer);
	/* Answered before it is asked: the socket keeps both in order. */
	memset(&m, 0, sizeof m);
	m.type = CHILD_MSG_NEWS;
	snprintf(m.text, sizeof m.text, "8 tasks started");
	assert_int_equal(send(peer, &m, sizeof m, 0), (ssize_t)sizeof m);
	child_config_to_wire(&cfg, &w);
	reply(peer, c->seq + 1, &w, 6);
	child_request(c, &cfg);
	child_config_get(c, &got);
	assert_int_equal(got.tasks, 6);
	assert_true(child_message(c, buf, sizeof buf));
	assert_string_equal(buf, "8 tasks started");
	(void)take_request(peer, &w);
	fake_free(c, peer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_late_reply_dropped),
		cmocka_unit_test(test_child_reply_in_time),
	};

	return (cmocka_run_group_tests_name("child", tests, NULL, NULL));
}
