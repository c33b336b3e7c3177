/*
 * The baseline for bench/run.sh: the least a libfcgi responder can do. It answers every request with
 * the same bytes (a file read once at start-up), from 8 threads sharing one listening socket, the same
 * model the Swift responder uses (FCGX_Accept_r per thread, one connection per request).
 *
 *   cc -O2 -Wall -o c-responder bench/c-responder.c -lfcgi -lpthread
 *   ./c-responder SOCKET_PATH BODY_FILE [THREADS [HEAD_FILE]]
 *
 * HEAD_FILE holds the header lines the app sent with that body (bench/run.sh takes them from the app's
 * own answer), so nginx reads and passes on the same bytes from both: the same headers, in the same
 * order, then Content-Length. Without it the head is Status, Content-Type, Cache-Control and
 * Content-Length. SIGTERM/SIGINT end it (waited for with sigwait on
 * the main thread, since libfcgi's own SIGTERM handler only sets a flag).
 */
#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd;
static char *response;
static int response_len;

static void *worker(void *arg) {
    (void)arg;
    FCGX_Request req;
    if (FCGX_InitRequest(&req, listen_fd, 0) != 0) {
        fprintf(stderr, "c-responder: FCGX_InitRequest failed\n");
        return NULL;
    }
    for (;;) {
        int rc = FCGX_Accept_r(&req);
        if (rc < 0) {
            /* EMFILE and friends: back off and retry rather than leave a dead responder. */
            fprintf(stderr, "c-responder: FCGX_Accept_r returned %d\n", rc);
            usleep(10000);
            continue;
        }
        /* Drain any request body (none for GET) so the request is complete. */
        char sink[4096];
        while (FCGX_GetStr(sink, sizeof sink, req.in) > 0) {
        }
        FCGX_PutStr(response, response_len, req.out);
        FCGX_Finish_r(&req);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH BODY_FILE [THREADS [HEAD_FILE]]\n", argv[0]);
        return 2;
    }
    const char *socket_path = argv[1];
    const char *body_path = argv[2];
    int threads = argc > 3 ? atoi(argv[3]) : 8;
    if (threads < 1 || threads > 256) threads = 8;

    FILE *f = fopen(body_path, "rb");
    if (!f) {
        fprintf(stderr, "c-responder: cannot open %s: %s\n", body_path, strerror(errno));
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long body_len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *body = malloc(body_len > 0 ? body_len : 1);
    if (!body || fread(body, 1, body_len, f) != (size_t)body_len) {
        fprintf(stderr, "c-responder: cannot read %s\n", body_path);
        return 1;
    }
    fclose(f);

    char head[8192];
    int head_len;
    if (argc > 4) {
        /* The app's header lines as they are (CRLF-ended), then the length of this body. */
        FILE *h = fopen(argv[4], "rb");
        if (!h) {
            fprintf(stderr, "c-responder: cannot open %s: %s\n", argv[4], strerror(errno));
            return 1;
        }
        size_t lines = fread(head, 1, sizeof head - 64, h);
        fclose(h);
        head_len = (int)lines + snprintf(head + lines, 64, "Content-Length: %ld\r\n\r\n", body_len);
    } else {
        head_len = snprintf(head, sizeof head,
                            "Status: 200 OK\r\n"
                            "Content-Type: text/html; charset=utf-8\r\n"
                            "Cache-Control: no-store\r\n"
                            "Content-Length: %ld\r\n"
                            "\r\n",
                            body_len);
    }
    response_len = head_len + (int)body_len;
    response = malloc(response_len);
    memcpy(response, head, head_len);
    memcpy(response + head_len, body, body_len);

    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (FCGX_Init() != 0) {
        fprintf(stderr, "c-responder: FCGX_Init failed\n");
        return 1;
    }
    listen_fd = FCGX_OpenSocket(socket_path, 4096);
    if (listen_fd < 0) {
        fprintf(stderr, "c-responder: cannot listen on %s\n", socket_path);
        return 1;
    }
    chmod(socket_path, 0777); /* nginx's worker user must be able to connect */

    for (int i = 0; i < threads; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, NULL) != 0) {
            fprintf(stderr, "c-responder: pthread_create failed\n");
            return 1;
        }
        pthread_detach(t);
    }
    fprintf(stderr, "c-responder: %d threads on %s, %d-byte response (%ld-byte body)\n", threads, socket_path,
            response_len, body_len);

    int sig = 0;
    sigwait(&stop, &sig);
    unlink(socket_path);
    return 0;
}
