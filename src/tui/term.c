/* SPDX-License-Identifier: ISC */
/*
 * The terminal's modes saved before curses starts and put back on every
 * way out: a normal exit, a signal, a crash.  The crash handlers run on a
 * stack of their own and say what the fault was once the terminal is back.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tui/term.h"
#include "util/util.h"

static struct termios	 term_saved;
static int		 term_fd = -1;
static char		 term_leave[256];	/* rmcup, cnorm, sgr0 ... */
static size_t		 term_leave_len;
static atomic_int	 term_armed;		/* curses is on the screen */
static char		 term_altstack[64 * 1024];

/* Record the terminal's modes on fd. */
int
term_save(int fd)
{
	if (tcgetattr(fd, &term_saved) != 0)
		return (-1);
	term_fd = fd;
	return (0);
}

/* Set the bytes that take the terminal out of full-screen mode. */
void
term_set_leave_sequence(const char *seq)
{
	size_t	len = strlen(seq);

	if (len >= sizeof term_leave)
		len = sizeof term_leave - 1;
	memcpy(term_leave, seq, len);
	term_leave[len] = '\0';
	term_leave_len = len;
}

/* Say whether the screen is in curses mode, so a crash knows to restore. */
void
term_arm(int on)
{
	atomic_store(&term_armed, on);
}

/* Put the saved modes back and leave full-screen mode.  Signal-safe. */
void
term_restore(void)
{
	ssize_t	n;

	if (!atomic_exchange(&term_armed, 0) || term_fd < 0)
		return;
	n = write(STDOUT_FILENO, term_leave, term_leave_len);
	(void)n;
	tcsetattr(term_fd, TCSANOW, &term_saved);
}

/* Restore the terminal, say what the fault was if a module knows, then
   let the signal do what it would have done. */
static void
term_crash(int sig, siginfo_t *si, void *uc)
{
	const char	*why, *last;
	ssize_t		 n;
	int		 armed = atomic_load(&term_armed);

	term_restore();
	/* util_throw wrote its words on the full screen too: again here. */
	last = util_last_words();
	if (armed && *last != '\0') {
		n = write(STDERR_FILENO, last, strlen(last));
		(void)n;
	}
	why = util_fault_explain(sig, si != NULL ? si->si_addr : NULL);
	if (why != NULL) {
		n = write(STDERR_FILENO, "cswviz: ", 8);
		n = write(STDERR_FILENO, why, strlen(why));
		n = write(STDERR_FILENO, "\n", 1);
		(void)n;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Catch the signals a crash sends, on a stack of their own. */
void
term_install_crash_handlers(void)
{
	static const int	 sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
				    SIGILL };
	struct sigaction	 sa;
	stack_t			 ss;
	size_t			 i;

	ss.ss_sp = term_altstack;
	ss.ss_size = sizeof term_altstack;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = term_crash;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
