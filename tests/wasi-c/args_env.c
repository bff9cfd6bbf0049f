/* Arguments, environment and exit status.
 *
 * Usage: args_env STATUS [ARGS...]: prints the arguments and the variables whose names
 * start with WARD_, then exits with STATUS. */
#include <string.h>

#include "common.h"

extern char **environ;

static int compare(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: args_env STATUS [ARGS...]\n");
    return 2;
  }
  printf("argc: %d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]: [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));

  const char *vars[64];
  int count = 0;
  for (char **e = environ; *e && count < 64; e++) {
    if (strncmp(*e, "WARD_", 5) == 0) vars[count++] = *e;
  }
  qsort(vars, count, sizeof vars[0], compare);
  printf("WARD_ variables: %d\n", count);
  for (int i = 0; i < count; i++) printf("  %s\n", vars[i]);
  const char *greeting = getenv("WARD_GREETING");
  printf("getenv(WARD_GREETING): %s\n", greeting ? greeting : "(unset)");
  printf("getenv(WARD_UNSET): %s\n", getenv("WARD_UNSET") ? "set" : "(unset)");

  fprintf(stderr, "exiting with %s\n", argv[1]);
  fflush(stdout);
  exit(atoi(argv[1]));
}
