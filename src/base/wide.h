/* Exact integers, for constants: every value of i64 and u64 and the
 * results of operations on them. */
#ifndef KS_WIDE_H
#define KS_WIDE_H

#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 ks_wide;
#else
typedef long long ks_wide;	/* hosts without 128-bit integers: less exact */
#endif

#endif
