/* SPDX-License-Identifier: ISC */
/*
 * The columns of a recording: each figure's key (unit in the name), the
 * model series it carries and its decimals.  The writer (record/write.c)
 * prints them and the reader (record/read.c) reads them back, so a column
 * added here is recorded, printed by --batch and replayed.
 */
#include <stddef.h>

#include "model/model.h"
#include "record/columns.h"
#include "util/util.h"

static const struct record_column record_columns[] = {
	{ "kernel_vcsw_per_s",		MS_VCSW_RATE,		1 },
	{ "kernel_ivcsw_per_s",		MS_IVCSW_RATE,		1 },
	{ "system_ctxt_per_s",		MS_CTXT_RATE,		1 },
	{ "fiber_switches_per_s",	MS_FIBER_RATE,		1 },
	{ "idle_worker_switches_per_s",	MS_IDLE_SW_RATE,	1 },
	{ "handoffs_per_s",		MS_HANDOFF_RATE,	1 },
	{ "ns_per_handoff",		MS_NS_PER_HANDOFF,	1 },
	{ "kernel_switches_per_handoff", MS_KSW_PER_HANDOFF,	8 },
	{ "stack_reserved_bytes",	MS_STACK_RESERVED,	0 },
	{ "stack_committed_bytes",	MS_STACK_COMMITTED,	0 },
	{ "vm_size_bytes",		MS_VM_SIZE,		0 },
	{ "vm_rss_bytes",		MS_VM_RSS,		0 },
	{ "kernel_stack_bytes",		MS_KERNEL_STACK,	0 },
	{ "procs_running",		MS_PROCS_RUNNING,	0 },
	{ "procs_blocked",		MS_PROCS_BLOCKED,	0 },
	{ "threads_running",		MS_THREADS_R,		0 },
	{ "fiber_runqueue",		MS_FIBER_RUNQ,		0 },
	{ "work_per_s",			MS_WORK_RATE,		1 },
	{ "ns_per_work",		MS_NS_PER_WORK,		1 },
	{ "kernel_switches_per_work",	MS_KSW_PER_WORK,	8 },
	{ "tasks_alive",		MS_TASKS_ALIVE,		0 },
	{ "os_threads",			MS_THREADS,		0 },
	{ "blocked_tasks",		MS_BLOCKED_TASKS,	0 },
	{ "blocked_workers",		MS_BLOCKED_WORKERS,	0 },
	{ "latency_ms",			MS_LATENCY_MS,		3 },
	{ "sampler_ms",			MS_SAMPLER_MS,		3 },
	{ "sampler_cpu_ms",		MS_SAMPLER_CPU_MS,	3 },
	{ "sampler_cpu_percent",	MS_SAMPLER_CPU,		3 },
	{ "cpu_percent",		MS_CPU_PCT,		1 },
	{ "run_wait_ms_per_s",		MS_RUN_WAIT,		3 },
	/* The rest of the Run queue panel, so a replay shows it whole. */
	{ "threads_sleeping",		MS_THREADS_S,		0 },
	{ "threads_uninterruptible",	MS_THREADS_D,		0 },
	{ "load_runnable",		MS_LOAD_RUNNABLE,	0 },
	{ "load_total",			MS_LOAD_TOTAL,		0 },
	{ "cpu_pressure_pct",		MS_PSI_SOME,		2 },
	/* Periodic wakeups (sleepers): due, how late, how many missed. */
	{ "wake_due_per_s",		MS_WAKE_DUE_RATE,	1 },
	{ "wake_late_ms",		MS_WAKE_LATE_MS,	3 },
	{ "wake_missed_pct",		MS_WAKE_MISSED_PCT,	2 },
	/* Latency percentiles of the interval (model_lat_series), us. */
	{ "wakeup_p50_us",		MS_LAT_FIRST + 0,	3 },
	{ "wakeup_p90_us",		MS_LAT_FIRST + 1,	3 },
	{ "wakeup_p99_us",		MS_LAT_FIRST + 2,	3 },
	{ "wakeup_p999_us",		MS_LAT_FIRST + 3,	3 },
	{ "wakeup_max_us",		MS_LAT_FIRST + 4,	3 },
	{ "fiber_ready_p50_us",		MS_LAT_FIRST + 5,	3 },
	{ "fiber_ready_p90_us",		MS_LAT_FIRST + 6,	3 },
	{ "fiber_ready_p99_us",		MS_LAT_FIRST + 7,	3 },
	{ "fiber_ready_p999_us",	MS_LAT_FIRST + 8,	3 },
	{ "fiber_ready_max_us",		MS_LAT_FIRST + 9,	3 },
	{ "runq_wait_p50_us",		MS_LAT_FIRST + 10,	3 },
	{ "runq_wait_p90_us",		MS_LAT_FIRST + 11,	3 },
	{ "runq_wait_p99_us",		MS_LAT_FIRST + 12,	3 },
	{ "runq_wait_p999_us",		MS_LAT_FIRST + 13,	3 },
	{ "runq_wait_max_us",		MS_LAT_FIRST + 14,	3 },
};

/* The columns, in the order they are written. */
const struct record_column *
record_columns_table(size_t *n)
{
	*n = CSW_ARRAY_LEN(record_columns);
	return (record_columns);
}
