/* SPDX-License-Identifier: GPL-2.0 */
/* The slots of the 'counters' array map, shared by runtime.bpf.c and
 * loader.c. */
#ifndef KSRT_COUNTERS_H
#define KSRT_COUNTERS_H

enum ksrt_counter {
	KSRT_XDP_PACKETS,
	KSRT_XDP_UDP,
	KSRT_XDP_DROPPED,
	KSRT_TC_IN_PACKETS,
	KSRT_TC_IN_UDP,
	KSRT_TC_EG_PACKETS,
	KSRT_TC_EG_UDP,
	KSRT_SCHED_SWITCHES,
	KSRT_NR_COUNTERS,
};

#endif
