/* Standard streams: reads lines from stdin and writes a numbered, upper-cased copy to
 * stdout and a summary to stderr. Exits with 1 if the input was empty.
 *
 * Usage: stdio < INPUT */
#include <ctype.h>
#include <string.h>

#include "common.h"

int main(void) {
  char line[1024];
  int lines = 0;
  long bytes = 0;
  while (fgets(line, sizeof line, stdin)) {
    lines++;
    bytes += (long)strlen(line);
    for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
    printf("%3d %s", lines, line);
  }
  printf("\n");
  fprintf(stderr, "%d lines, %ld bytes\n", lines, bytes);
  return lines == 0 ? 1 : 0;
}
