#include <fcgiapp.h>
#include <stddef.h>
#include <sys/epoll.h>

/* epoll for kept-alive FastCGI connections (FastCGI/KeptConnections.swift). struct epoll_event is
 * packed on x86_64, so Swift sees only these two calls, never the struct. */
static inline int pomopomo_epoll_watch(int epfd, int fd) {
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.fd = fd};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

/* Waits up to timeout_ms for ready connections, each taken out of the set; fills fds[i] and
 * hangup[i] (1 when the peer closed or the socket failed). Returns how many, or -1. */
static inline int pomopomo_epoll_take(int epfd, int *fds, int *hangup, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = events[i].data.fd;
        hangup[i] = (events[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
        epoll_ctl(epfd, EPOLL_CTL_DEL, fds[i], NULL);
    }
    return n;
}
