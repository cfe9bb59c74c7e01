/* SPDX-License-Identifier: ISC */
/*
 * The screen and SIGTSTP.  ncurses 6.4, when it owns SIGTSTP, sets it to
 * SIG_IGN and back around every refresh(), and the kernel answers each
 * SIG_IGN by walking every thread of the process: milliseconds a redraw at
 * 10,000 threads.  The loop's handlers go in first, so ncurses leaves the
 * signal alone.  This file's own sigaction() stands in for libc's, for
 * ncurses too, and counts the SIG_IGNs.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "loop.h"
#include "tui/tui.h"

static int	tstp_ignored;	/* sigaction(SIGTSTP, SIG_IGN) calls */

int
sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	static int (*real)(int, const struct sigaction *, struct sigaction *);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "sigaction");
	if (sig == SIGTSTP && act != NULL && act->sa_handler == SIG_IGN)
		tstp_ignored++;
	return (real(sig, act, old));
}

/* Put a pseudo-terminal of 100x30 on standard input and output. */
static int
on_pty(void)
{
	struct winsize	 ws = { 30, 100, 0, 0 };
	char		*name;
	int		 m, s;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(m) != 0 ||
	    unlockpt(m) != 0 || (name = ptsname(m)) == NULL ||
	    (s = open(name, O_RDWR | O_NOCTTY)) < 0)
		return (-1);
	ioctl(m, TIOCSWINSZ, &ws);
	fcntl(m, F_SETFL, O_NONBLOCK);
	dup2(s, STDIN_FILENO);
	dup2(s, STDOUT_FILENO);
	close(s);
	setenv("TERM", "xterm", 1);
	return (m);
}

/* Drain what the screen wrote, so no write can block. */
static void
drain(int m)
{
	char	buf[4096];

	while (read(m, buf, sizeof buf) > 0)
		;
}

/*
 * In a child (ncurses decides about SIGTSTP once per process): open the
 * screen, with or without the loop's handlers, redraw a few times, and
 * exit with the number of SIG_IGNs the redraws cost.
 */
static int
redraws_ignoring_tstp(int with_loop_handlers)
{
	struct tui_config	 cfg;
	TermKey			*tk;
	char			 warn[320], err[256];
	pid_t			 pid;
	int			 m, i, status;

	if ((pid = fork()) == 0) {
		if ((m = on_pty()) < 0)
			_exit(100);
		if (with_loop_handlers && loop_signals_init() != 0)
			_exit(101);
		memset(&cfg, 0, sizeof cfg);
		cfg.no_color = true;
		if (tui_open(&cfg, &tk, warn, sizeof warn, err,
		    sizeof err) != 0)
			_exit(102);
		tstp_ignored = 0;
		for (i = 0; i < 5; i++) {
			mvprintw(i, 0, "redraw %d", i);
			refresh();
			drain(m);
		}
		i = tstp_ignored;
		tui_close(tk);
		drain(m);
		_exit(i > 99 ? 99 : i);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

/* Without the loop's handlers, each refresh() ignores SIGTSTP once. */
static void
test_ncurses_toggles_tstp(void **state)
{
	(void)state;
	assert_int_equal(redraws_ignoring_tstp(0), 5);
}

/* With them, no refresh() touches SIGTSTP. */
static void
test_loop_keeps_tstp(void **state)
{
	(void)state;
	assert_int_equal(redraws_ignoring_tstp(1), 0);
}

/* The loop catches SIGTSTP, and puts back what it found. */
static void
test_tstp_caught_and_restored(void **state)
{
	struct sigaction	sa;

	(void)state;
	signal(SIGTSTP, SIG_DFL);
	assert_int_equal(loop_signals_init(), 0);
	sigaction(SIGTSTP, NULL, &sa);
	assert_true(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN);
	loop_signals_done();
	sigaction(SIGTSTP, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
}

/* A shell without job control ignores SIGTSTP: so does the program. */
static void
test_ignored_tstp_stays_ignored(void **state)
{
	struct sigaction	sa;

	(void)state;
	signal(SIGTSTP, SIG_IGN);
	assert_int_equal(loop_signals_init(), 0);
	sigaction(SIGTSTP, NULL, &sa);
	assert_true(sa.sa_handler == SIG_IGN);
	loop_signals_done();
	sigaction(SIGTSTP, NULL, &sa);
	assert_true(sa.sa_handler == SIG_IGN);
	signal(SIGTSTP, SIG_DFL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ncurses_toggles_tstp),
		cmocka_unit_test(test_loop_keeps_tstp),
		cmocka_unit_test(test_tstp_caught_and_restored),
		cmocka_unit_test(test_ignored_tstp_stays_ignored),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
