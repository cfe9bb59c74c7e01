/* SPDX-License-Identifier: ISC */
/*
 * Getting the terminal back, whatever happens.  term_save records the
 * terminal's modes before curses touches them; term_restore puts them back
 * and leaves the alternate screen.  term_restore is async-signal-safe: the
 * crash handlers call it before they re-raise the signal.
 * Called from the loop thread, except term_restore (any context).
 */
#ifndef CSW_TERM_H
#define CSW_TERM_H

int	term_save(int);
void	term_set_leave_sequence(const char *);
void	term_arm(int);
void	term_restore(void);
void	term_install_crash_handlers(void);

#endif
