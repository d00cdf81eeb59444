/* The measuring protocol shared by benches/workloads/floor.c and libimap.c (benches/README.md):
 * before the workload, CPU and wall time, then the peak RSS is reset (clear_refs 5) and the
 * current RSS read; after it, CPU, wall and the peak RSS. One RESULT line on stdout. */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct bench_mark {
  double cpu, wall;
  long long rss;
} bench_mark;

static double bench_cpu(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

static double bench_wall(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* A /proc/self/status field ("VmRSS:", "VmHWM:") in bytes, -1 when absent. */
static long long bench_status_bytes(const char *field) {
  char line[256];
  long long kb = -1;
  size_t n = strlen(field);
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0) {
      kb = atoll(line + n);
      break;
    }
  fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}

static void bench_start(bench_mark *m) {
  FILE *f;
  m->cpu = bench_cpu();
  m->wall = bench_wall();
  f = fopen("/proc/self/clear_refs", "w");
  if (f) {
    fputs("5", f);
    fclose(f);
  }
  m->rss = bench_status_bytes("VmRSS:");
}

static void bench_end(const bench_mark *m, const char *client, const char *workload,
                      unsigned long long check) {
  double cpu = bench_cpu(), wall = bench_wall();
  long long hwm = bench_status_bytes("VmHWM:");
  printf("RESULT %s %s cpu=%.6f wall=%.6f mem=%lld check=%llu\n", client, workload,
         cpu - m->cpu, wall - m->wall, hwm - m->rss, check);
  fflush(stdout);
}

#endif
