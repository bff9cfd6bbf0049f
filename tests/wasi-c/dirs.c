/* Directories: create, list (sorted), nest, remove, and the errors of each.
 *
 * Usage: dirs DIR   (DIR must exist and be writable; the program leaves `tree/a/b`). */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* DIR/NAME, in one of two buffers used in turn, so that a call can take two paths. */
static const char *at(const char *dir, const char *name) {
  static char bufs[2][4096];
  static int next;
  char *buf = bufs[next];
  next ^= 1;
  snprintf(buf, sizeof bufs[0], "%s/%s", dir, name);
  return buf;
}

static int compare(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints the entries of `path` in name order, with their kind, skipping . and .. */
static void list(const char *path) {
  DIR *d = opendir(path);
  check(d != NULL, "opendir");
  char *names[256];
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && count < 256) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char kind = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
    char *entry = malloc(strlen(e->d_name) + 3);
    sprintf(entry, "%c %s", kind, e->d_name);
    names[count++] = entry;
  }
  closedir(d);
  qsort(names, count, sizeof names[0], compare);
  printf("listing (%d entries):\n", count);
  for (int i = 0; i < count; i++) {
    printf("  %s\n", names[i]);
    free(names[i]);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: dirs DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  report("mkdir tree", mkdir(at(dir, "tree"), 0755));
  report("mkdir tree again", mkdir(at(dir, "tree"), 0755));
  report("mkdir tree/a", mkdir(at(dir, "tree/a"), 0755));
  report("mkdir tree/a/b", mkdir(at(dir, "tree/a/b"), 0755));
  report("mkdir missing/parent", mkdir(at(dir, "missing/parent"), 0755));

  char tree[4096];
  snprintf(tree, sizeof tree, "%s", at(dir, "tree"));
  for (int i = 0; i < 40; i++) {
    char name[4200];
    snprintf(name, sizeof name, "%s/file-%02d.txt", tree, i);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    check(fd >= 0, "create a file");
    close(fd);
  }
  report("mkdir tree/empty", mkdir(at(dir, "tree/empty"), 0755));
  list(tree);

  report("rmdir non-empty tree/a", rmdir(at(dir, "tree/a")));
  report("rmdir tree/empty", rmdir(at(dir, "tree/empty")));
  report("rmdir tree/empty again", rmdir(at(dir, "tree/empty")));
  report("rmdir a file", rmdir(at(dir, "tree/file-00.txt")));
  report("unlink a directory", unlink(at(dir, "tree/a")));
  for (int i = 0; i < 40; i += 2) {
    char name[4200];
    snprintf(name, sizeof name, "%s/file-%02d.txt", tree, i);
    check(unlink(name) == 0, "unlink a file");
  }
  report("rename a dir", rename(at(dir, "tree/a"), at(dir, "tree/moved")));
  report("rename it back", rename(at(dir, "tree/moved"), at(dir, "tree/a")));
  list(tree);

  struct stat st;
  check(stat(tree, &st) == 0, "stat tree");
  printf("tree is a directory: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
  errno = 0;
  printf("opendir on a file: %s\n", opendir(at(dir, "tree/file-01.txt")) ? "opened" : errno_name(errno));

  /* chdir is emulated by wasi-libc; relative paths then resolve against it. */
  report("chdir tree", chdir(tree));
  struct stat here;
  report("stat a/b from tree", stat("a/b", &here));
  return 0;
}
