/*
 * The parked-poll crowd of bench/parked_polls.py: N long-poll connections to nginx in one epoll loop, in C
 * so that reading 10,000 answers costs the measuring machine little CPU (Python spent ~21 us per answer,
 * about as much as nginx; on two cores that CPU comes out of the wall time being measured).
 *
 *   poll_crowd HOST PORT REQUEST_FILE [REPOLL_FILE JITTER_MS]
 *
 * REQUEST_FILE holds the exact bytes every connection sends (one GET /r/CODE/poll?since=V). With
 * REPOLL_FILE, a connection that gets a 200 sends those bytes on the same kept-alive connection after a
 * random delay of up to JITTER_MS (as live.js does) and records that second answer too.
 *
 * parked_polls.py drives it through stdin, one command a line; each is answered with one line on stdout
 * (the loop keeps reading and answering sockets between commands):
 *   open K       open K more connections, each sends its request once connected; answered once all K
 *                are sent or failed (at most 5 s): "opened O sent S failed F answered A"
 *   state        the same line at once
 *   wait MS      answered once every sent poll has its (first) answer, or after MS: the same line
 *   dump         one line per connection, "status first_ns done_ns version status2 done2_ns arrived_ns"
 *                (status 0: no answer yet; negative: -1 not HTTP, -2 closed or reset before a whole
 *                answer, -3 connect failed; version: the body's first "version": number, -1 when absent;
 *                times 0 when none), then "end"
 *   quit
 * Two times per answer: done_ns, when this loop read its last byte (clock_gettime(CLOCK_MONOTONIC), as
 * Python's time.monotonic(), right after the recv that completed it), which counts how long the client
 * itself took to get to the socket; and arrived_ns, the kernel's receive timestamp of those last bytes
 * (SO_TIMESTAMPNS, CLOCK_REALTIME, as Python's time.time()): when the whole answer was in the client's
 * socket, which a browser on another machine would see without waiting for this process.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { CONNECTING, SENT, DONE, FAILED };

typedef struct {
  int fd;
  int state;
  int status, status2;
  long need; /* bytes of the whole answer once the head is parsed; -1 chunked; 0 unknown */
  long version;
  int64_t first_ns, done_ns, done2_ns;
  int64_t arrived_ns; /* CLOCK_REALTIME: the kernel's receive time of the bytes read last (SO_TIMESTAMPNS) */
  char *buf;
  size_t len, cap;
  int second; /* reading the re-poll's answer */
} Conn;

static Conn *conns;
static int opened, sent_count, failed_count, answered;
static char *request, *repoll;
static size_t request_len, repoll_len;
static long jitter_ms;
static int ep;
static struct sockaddr_in addr;
/* re-polls due: a binary heap of (due, index) */
static struct { int64_t due; int index; } *heap;
static int heap_len;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  struct stat st;
  fstat(fileno(f), &st);
  char *p = malloc(st.st_size + 1);
  *len = fread(p, 1, st.st_size, f);
  fclose(f);
  return p;
}

static void heap_push(int64_t due, int index) {
  int i = heap_len++;
  while (i > 0 && heap[(i - 1) / 2].due > due) { heap[i] = heap[(i - 1) / 2]; i = (i - 1) / 2; }
  heap[i].due = due;
  heap[i].index = index;
}

static void heap_pop(void) {
  int i = 0, n = --heap_len;
  while (2 * i + 1 < n) {
    int c = 2 * i + 1;
    if (c + 1 < n && heap[c + 1].due < heap[c].due) c++;
    if (heap[n].due <= heap[c].due) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = heap[n];
}

static void finish(Conn *c, int status, int64_t t) {
  free(c->buf);
  c->buf = NULL;
  c->len = c->cap = 0;
  if (!c->second) {
    if (c->status == 0 || status < 0) c->status = status;
    c->done_ns = t;
    answered++;
    if (repoll && c->status == 200) {
      c->second = 1;
      c->need = 0;
      heap_push(t + (int64_t)(drand48() * jitter_ms * 1e6), (int)(c - conns));
      return;
    }
  } else {
    c->status2 = status;
    c->done2_ns = t;
  }
  c->state = status < 0 ? FAILED : DONE;
  /* A finished connection stays registered (edge-triggered, so a later close by nginx wakes the
   * loop once and is ignored): an EPOLL_CTL_DEL per answer was a tenth of this client's CPU while
   * the answers were arriving, on the cores being measured. */
  if (status < 0) epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
}

/* Parses the head once it is in: status, Content-Length or chunked. */
static int parse_head(Conn *c) {
  char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
  if (!end) return 0;
  *end = 0;
  int status = -1;
  if (c->len > 12 && memcmp(c->buf, "HTTP/1.", 7) == 0) status = atoi(c->buf + 9);
  if (c->second) c->status2 = status; else c->status = status;
  long length = 0, chunked = 0;
  for (char *line = strstr(c->buf, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
    char *h = line + 2;
    if (strncasecmp(h, "content-length:", 15) == 0) length = atol(h + 15);
    else if (strncasecmp(h, "transfer-encoding:", 18) == 0 && strcasestr(h, "chunked")) chunked = 1;
  }
  *end = '\r';
  if (status == 204 || status == 304) length = 0;
  c->need = chunked ? -1 : (end - c->buf) + 4 + length;
  return 1;
}

static void on_readable(Conn *c) {
  for (;;) {
    if (c->cap - c->len < 16384) {
      c->cap = c->cap ? 2 * c->cap : 32768;
      c->buf = realloc(c->buf, c->cap);
    }
    struct iovec iov = {c->buf + c->len, c->cap - c->len - 1};
    char control[CMSG_SPACE(sizeof(struct timespec))];
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n = recvmsg(c->fd, &msg, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0 && errno == EINTR) continue;
    int64_t t = now_ns();
    if (n <= 0) { finish(c, -2, t); return; }
    if (!c->second && c->first_ns == 0) c->first_ns = t;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!c->second && cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(cm), sizeof ts);
      c->arrived_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
    c->len += n;
    if (c->need == 0 && !parse_head(c)) continue;
    if ((!c->second ? c->status : c->status2) == -1) { finish(c, -1, t); return; }
    int complete = c->need > 0 ? (long)c->len >= c->need
                               : c->len >= 5 && memcmp(c->buf + c->len - 5, "0\r\n\r\n", 5) == 0;
    if (!complete) continue;
    if (!c->second) {
      c->buf[c->len] = 0;
      char *head_end = memmem(c->buf, c->len, "\r\n\r\n", 4);
      char *v = strstr(head_end, "\"version\":");
      c->version = v ? strtol(v + 10, NULL, 10) : -1;
    }
    finish(c, c->second ? c->status2 : c->status, t);
    return;
  }
}

static void on_event(Conn *c, uint32_t ev) {
  if (c->state == CONNECTING) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || (ev & (EPOLLERR | EPOLLHUP))) {
      c->state = FAILED;
      c->status = -3;
      failed_count++;
      epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
      return;
    }
    if (!(ev & EPOLLOUT)) return;
    if (send(c->fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) {
      c->state = FAILED;
      c->status = -3;
      failed_count++;
      epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
      return;
    }
    c->state = SENT;
    sent_count++;
    struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.u32 = (uint32_t)(c - conns)};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
    return;
  }
  if (c->state == SENT) on_readable(c);
}

static void send_due(int64_t t) {
  while (heap_len && heap[0].due <= t) {
    Conn *c = &conns[heap[0].index];
    heap_pop();
    if (send(c->fd, repoll, repoll_len, MSG_NOSIGNAL) != (ssize_t)repoll_len) {
      c->status2 = -2;
      c->done2_ns = t;
      c->state = FAILED;
      epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    }
  }
}

static void open_more(int k) {
  for (int i = 0; i < k; i++) {
    Conn *c = &conns[opened];
    memset(c, 0, sizeof *c);
    c->version = -1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) { c->state = FAILED; c->status = -3; failed_count++; opened++; continue; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    int rc = connect(c->fd, (struct sockaddr *)&addr, sizeof addr);
    if (rc < 0 && errno != EINPROGRESS) {
      close(c->fd);
      c->fd = -1;
      c->state = FAILED;
      c->status = -3;
      failed_count++;
      opened++;
      continue;
    }
    c->state = CONNECTING;
    struct epoll_event e = {.events = EPOLLOUT, .data.u32 = (uint32_t)opened};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
    opened++;
  }
}

static void report(void) {
  printf("opened %d sent %d failed %d answered %d\n", opened, sent_count, failed_count, answered);
  fflush(stdout);
}

/* What a command waits for before its line is printed. */
static enum { IDLE, OPENING, WAITING } pending;
static int64_t pending_until;
static int open_target;

static void check_pending(int64_t t) {
  if (pending == OPENING && (sent_count + failed_count >= open_target || t >= pending_until)) {
    pending = IDLE;
    report();
  } else if (pending == WAITING && (answered >= sent_count || t >= pending_until)) {
    pending = IDLE;
    report();
  }
}

static void command(char *line, int capacity) {
  int k;
  if (sscanf(line, "open %d", &k) == 1) {
    if (k > capacity - opened) k = capacity - opened;
    open_more(k);
    open_target = opened;
    pending = OPENING;
    pending_until = now_ns() + 5000000000LL;
  } else if (sscanf(line, "wait %d", &k) == 1) {
    pending = WAITING;
    pending_until = now_ns() + (int64_t)k * 1000000;
  } else if (strncmp(line, "state", 5) == 0) {
    report();
  } else if (strncmp(line, "dump", 4) == 0) {
    for (int i = 0; i < opened; i++) {
      Conn *c = &conns[i];
      printf("%d %lld %lld %ld %d %lld %lld\n", c->status, (long long)c->first_ns, (long long)c->done_ns, c->version,
             c->status2, (long long)c->done2_ns, (long long)c->arrived_ns);
    }
    printf("end\n");
    fflush(stdout);
  } else if (strncmp(line, "quit", 4) == 0) {
    exit(0);
  }
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 6) {
    fprintf(stderr, "usage: %s HOST PORT REQUEST_FILE [REPOLL_FILE JITTER_MS]\n", argv[0]);
    return 2;
  }
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", argv[1]); return 2; }
  request = slurp(argv[3], &request_len);
  if (argc == 6) {
    repoll = slurp(argv[4], &repoll_len);
    jitter_ms = atol(argv[5]);
  }
  srand48(getpid());
  int capacity = 100000;
  conns = calloc(capacity, sizeof *conns);
  heap = calloc(capacity, sizeof *heap);
  ep = epoll_create1(0);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  struct epoll_event e = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &e);
  char line[256];
  size_t line_len = 0;
  struct epoll_event events[1024];
  for (;;) {
    int timeout = 100;
    if (heap_len) {
      int64_t wait = (heap[0].due - now_ns()) / 1000000;
      timeout = wait < 0 ? 0 : wait < timeout ? (int)wait : timeout;
    }
    int n = epoll_wait(ep, events, 1024, timeout);
    for (int i = 0; i < n; i++) {
      if (events[i].data.u32 != UINT32_MAX) {
        on_event(&conns[events[i].data.u32], events[i].events);
        continue;
      }
      ssize_t got;
      while ((got = read(0, line + line_len, sizeof line - 1 - line_len)) > 0) {
        line_len += got;
        char *nl;
        while ((nl = memchr(line, '\n', line_len))) {
          *nl = 0;
          command(line, capacity);
          line_len -= nl + 1 - line;
          memmove(line, nl + 1, line_len);
        }
        if (line_len == sizeof line - 1) line_len = 0;
      }
      if (got == 0) return 0; /* the driver went away */
    }
    int64_t t = now_ns();
    send_due(t);
    /* While answers stream in, let them gather for a millisecond rather than waking for each one:
     * a wake-up per answer cost this process, and nginx's send path that wakes it, CPU on the cores
     * being measured. What is measured is the kernel's receive time of each answer (arrived_ns),
     * which this pause does not move; done_ns may read up to 1 ms later. */
    if (pending == WAITING && n > 0 && n < 256 && !heap_len) {
      struct timespec pause = {0, 1000000};
      nanosleep(&pause, NULL);
    }
    check_pending(t);
  }
}
