/* Command-line helpers of liblustreapi that tools built against it call (lustre/utils/liblustreapi.c). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hsmsim_internal.h"

/* The power-of-two shift of a size suffix: k 10, m 20, g 30, t 40, p 50, e 60; -1 for another character. */
static int suffix_shift(char c)
{
	static const char suffixes[] = "kmgtpe";
	const char *at = strchr(suffixes, tolower((unsigned char)c));
	return c != '\0' && at != NULL ? 10 * (int)(at - suffixes + 1) : -1;
}

/*
 * A size such as "4096", "1M", "1.5g", "2KiB" or "8b" (liblustreapi.c:240-315 llapi_parse_size). *size_units is the
 * unit of a number without suffix (0: bytes), and becomes the unit the suffix named; "b" is 512-byte sectors unless
 * bytes_spec (then bytes), "c" is bytes, k/m/g/t/p/e are powers of 1024, and after the suffix only nothing, "i" or
 * "b" may follow ("1MiB", "1MB"). A decimal fraction is scaled by the unit and added. -EINVAL for a leading '-', an
 * unknown suffix, or a number that would overflow its unit.
 */
HSMSIM_EXPORT int llapi_parse_size(const char *optarg, unsigned long long *size, unsigned long long *size_units,
				   int bytes_spec)
{
	unsigned long long frac = 0, frac_d = 1;
	char *end;

	if (optarg == NULL || size == NULL || size_units == NULL)
		return -EINVAL;
	if (optarg[0] == '-')
		return -EINVAL;
	if (*size_units == 0)
		*size_units = 1;
	*size = strtoull(optarg, &end, 0);
	if (*end == '.') {
		const char *digits = end + 1;
		frac = strtoull(digits, &end, 10);
		for (const char *d = digits; d < end; d++)
			frac_d *= 10;
	}
	if (*end != '\0') {
		char next = (char)tolower((unsigned char)end[1]);
		int shift;
		switch (tolower((unsigned char)*end)) {
		case 'b':
			shift = bytes_spec ? 0 : 9;
			break;
		case 'c':
			shift = 0;
			break;
		default:
			shift = suffix_shift(*end);
			if (shift < 0)
				return -EINVAL;
		}
		/* the number must fit once multiplied by the unit */
		if (shift > 0 && (*size & (~0ULL << (64 - shift))) != 0)
			return -EINVAL;
		*size_units = 1ULL << shift;
		if (next != '\0' && next != 'i' && next != 'b')
			return -EINVAL;
	}
	*size = *size * *size_units + frac * *size_units / frac_d;
	return 0;
}
