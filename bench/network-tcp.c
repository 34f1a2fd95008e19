/* A minimal TCP throughput tool for bench/network.mjs, built static so it runs in a busybox container:
 *   network-tcp sink PORT            accept one connection, read to EOF, print "BYTES SECONDS MBps"
 *   network-tcp source IP PORT BYTES connect, write BYTES of zeros, close, print "BYTES SECONDS MBps"
 * busybox nc moves data in small reads and tops out far below the network path, so it cannot be the meter. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static char buf[1 << 20];

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "sink")) {
    int s = socket(AF_INET6, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[2])), .sin6_addr = in6addr_any };
    if (bind(s, (void *)&a, sizeof a) || listen(s, 1)) { perror("listen"); return 1; }
    int c = accept(s, 0, 0);
    double t0 = now(); long long n = 0; ssize_t r;
    while ((r = read(c, buf, sizeof buf)) > 0) n += r;
    double dt = now() - t0;
    printf("%lld %.3f %.1f\n", n, dt, n / 1e6 / dt);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[1], "source")) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[3])) };
    inet_pton(AF_INET, argv[2], &a.sin_addr);
    if (connect(s, (void *)&a, sizeof a)) { perror("connect"); return 1; }
    long long total = atoll(argv[4]), n = 0;
    double t0 = now();
    while (n < total) { ssize_t w = write(s, buf, sizeof buf); if (w <= 0) { perror("write"); return 1; } n += w; }
    shutdown(s, SHUT_WR);
    while (read(s, buf, sizeof buf) > 0) {}
    double dt = now() - t0;
    printf("%lld %.3f %.1f\n", n, dt, n / 1e6 / dt);
    return 0;
  }
  fprintf(stderr, "usage: network-tcp sink PORT | source IP PORT BYTES\n");
  return 2;
}
