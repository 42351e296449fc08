/* Exact integers, for constants: every value of i64 and u64 and the
 * results of operations on them. */
#ifndef KS_WIDE_H
#define KS_WIDE_H

#ifdef __SIZEOF_INT128__
__extension__ typedef __int128 ks_wide;
__extension__ typedef unsigned __int128 ks_uwide;
#else
typedef long long ks_wide;	/* hosts without 128-bit integers: less exact */
typedef unsigned long long ks_uwide;
#endif

/* L * R, wrapping where it overflows (never undefined).  Of two values
 * from the most negative i64 to the largest u64, only two near 2^64
 * overflow, and their product wraps below the most negative i64: it is
 * still seen to fit no integer type, and converted to a type of 64 bits
 * or fewer it is what the program computes. */
static inline ks_wide wide_mul(ks_wide l, ks_wide r)
{
	return (ks_wide)((ks_uwide)l * (ks_uwide)r);
}

#endif
