/* measure: runs a command once and writes its wall time, CPU time, peak resident memory
 * and exit status to a file, for bench/run.py.
 *
 *     measure RESULT_FILE COMMAND [ARG...]
 *
 * The command inherits stdin, stdout and stderr. RESULT_FILE gets one line:
 * `WALL_SECONDS CPU_SECONDS MAXRSS_KIB STATUS`, where STATUS is the exit code, or minus
 * the signal that ended it (as Python's `returncode`); failing to start the command gives
 * exit code 127.
 *
 * Why a program of its own: the kernel's peak resident memory of a process (ru_maxrss)
 * covers its whole life, including the time before exec, when it is still a copy of its
 * parent. Started from Python, every command would count Python's 20 MiB. Started from
 * this program, built static and small, the floor is this program's own few hundred KiB.
 * The wall time is taken here too, around fork and wait, so it holds no Python either. */

#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timespec t) { return (double)t.tv_sec + (double)t.tv_nsec / 1e9; }

static double tv_seconds(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: measure RESULT_FILE COMMAND [ARG...]\n");
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        perror("measure: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("measure: exec");
        _exit(127);
    }
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) {
        perror("measure: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    FILE *out = fopen(argv[1], "w");
    if (out == NULL) {
        perror("measure: the result file");
        return 2;
    }
    fprintf(out, "%.9f %.6f %ld %d\n", seconds(end) - seconds(start),
            tv_seconds(usage.ru_utime) + tv_seconds(usage.ru_stime), usage.ru_maxrss, code);
    return fclose(out) == 0 ? 0 : 2;
}
