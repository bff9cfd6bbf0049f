/* Clocks, sleeping and randomness, printed as properties (the values differ each run).
 *
 * Usage: clock_random */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common.h"

static long long nanos(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec res, a, b, wall;
  check(clock_getres(CLOCK_MONOTONIC, &res) == 0, "clock_getres monotonic");
  printf("monotonic resolution positive and at most 1ms: %s\n",
         nanos(res) > 0 && nanos(res) <= 1000000 ? "yes" : "no");
  check(clock_getres(CLOCK_REALTIME, &res) == 0, "clock_getres realtime");
  printf("realtime resolution positive: %s\n", nanos(res) > 0 ? "yes" : "no");

  check(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime");
  struct timespec nap = {0, 20 * 1000000};
  check(nanosleep(&nap, NULL) == 0, "nanosleep");
  check(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "clock_gettime");
  long long slept = nanos(b) - nanos(a);
  printf("slept at least 20ms: %s\n", slept >= 20000000 ? "yes" : "no");
  printf("slept less than 10s: %s\n", slept < 10000000000LL ? "yes" : "no");

  check(clock_gettime(CLOCK_REALTIME, &wall) == 0, "clock_gettime realtime");
  time_t now = time(NULL);
  printf("wall clock after 2020: %s\n", wall.tv_sec > 1577836800 ? "yes" : "no");
  printf("time() agrees with the wall clock: %s\n",
         now - wall.tv_sec >= -2 && now - wall.tv_sec <= 2 ? "yes" : "no");
  struct tm tm;
  check(gmtime_r(&now, &tm) != NULL, "gmtime_r");
  printf("gmtime year after 2020: %s\n", tm.tm_year + 1900 > 2020 ? "yes" : "no");

  unsigned char r1[32], r2[32], zero[32] = {0};
  check(getentropy(r1, sizeof r1) == 0, "getentropy");
  check(getentropy(r2, sizeof r2) == 0, "getentropy");
  printf("random bytes are not all zero: %s\n", memcmp(r1, zero, sizeof r1) ? "yes" : "no");
  printf("two draws differ: %s\n", memcmp(r1, r2, sizeof r1) ? "yes" : "no");
  int seen[256] = {0}, distinct = 0;
  unsigned char big[4096];
  check(getentropy(big, 256) == 0 && getentropy(big + 256, 256) == 0, "getentropy");
  for (int i = 0; i < 512; i++) distinct += !seen[big[i]]++;
  printf("512 random bytes take over 150 values: %s\n", distinct > 150 ? "yes" : "no");
  return 0;
}
