/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Go programs
 * under Wine 8, which lacks it. Go 1.26's runtime loads it at start for
 * ProcessPrng, its source of random bytes. This one answers from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 *
 * Test setup only: scripts/wine builds it with mingw-w64 and puts it in
 * the Wine prefix. It is never part of a Custody package.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
