/*
 * refrelay: the minimal reference RTP relay the media load harness compares Gb28181Gateway.Media with.
 * Same job, same sockets: per session one UDP ingress port (latches onto the first source, drops others),
 * one UDP egress port sending to the session's sink with the session's SSRC written into bytes 8-11.
 * One thread, level-triggered epoll over the ingress sockets, recvmmsg/sendmmsg in batches.
 *
 * usage: refrelay --listen IP --port-min A --port-max B --sessions N --sinks IP:PORT[,IP:PORT...]
 * Prints "session <i> <ingress port>" per session, then "ready"; runs until stdin closes.
 * Session i sends to sink i % sinks with SSRC 0x10000000 + i (what the harness expects of both relays).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 16
#define MAX_PACKET 65536

struct session {
    int in_fd, out_fd;
    uint32_t ssrc_be;
    struct sockaddr_in sink, source;
    int latched;
    unsigned long long packets, dropped;
};

static int bind_udp(struct in_addr addr, int *port, int port_max)
{
    for (; *port <= port_max; (*port)++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(*port), .sin_addr = addr };
        if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            int rcvbuf = 1 << 20;
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
            (*port)++;
            return fd;
        }
        if (fd >= 0) close(fd);
    }
    fprintf(stderr, "refrelay: no free port left\n");
    exit(2);
}

static const char *arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    fprintf(stderr, "refrelay: missing %s\n", name);
    exit(2);
}

int main(int argc, char **argv)
{
    struct in_addr listen;
    inet_pton(AF_INET, arg(argc, argv, "--listen"), &listen);
    int port = atoi(arg(argc, argv, "--port-min")), port_max = atoi(arg(argc, argv, "--port-max"));
    int n = atoi(arg(argc, argv, "--sessions"));
    char *sinks = strdup(arg(argc, argv, "--sinks"));
    struct sockaddr_in sink_list[256];
    int sink_count = 0;
    for (char *tok = strtok(sinks, ","); tok && sink_count < 256; tok = strtok(NULL, ",")) {
        char *colon = strrchr(tok, ':');
        *colon = 0;
        sink_list[sink_count] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(atoi(colon + 1)) };
        inet_pton(AF_INET, tok, &sink_list[sink_count].sin_addr);
        sink_count++;
    }

    struct session *sessions = calloc(n, sizeof *sessions);
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        struct session *s = &sessions[i];
        s->in_fd = bind_udp(listen, &port, port_max);
        int in_port = port - 1;
        s->out_fd = bind_udp(listen, &port, port_max);
        s->ssrc_be = htonl(0x10000000u + i);
        s->sink = sink_list[i % sink_count];
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
        epoll_ctl(ep, EPOLL_CTL_ADD, s->in_fd, &ev);
        printf("session %d %d\n", i, in_port);
    }
    struct epoll_event stop = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &stop);
    printf("ready\n");
    fflush(stdout);

    static char buffers[BATCH][MAX_PACKET];
    struct mmsghdr in[BATCH], out[BATCH];
    struct iovec iov[BATCH], out_iov[BATCH];
    struct sockaddr_in from[BATCH];
    struct epoll_event events[256];
    for (;;) {
        int ready = epoll_wait(ep, events, 256, -1);
        if (ready < 0 && errno == EINTR) continue;
        for (int e = 0; e < ready; e++) {
            struct session *s = events[e].data.ptr;
            if (!s) goto done;   /* stdin closed or written: the harness is finished */
            for (int i = 0; i < BATCH; i++) {
                iov[i] = (struct iovec){ buffers[i], MAX_PACKET };
                in[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1 };
            }
            int got = recvmmsg(s->in_fd, in, BATCH, MSG_DONTWAIT, NULL);
            int send = 0;
            for (int i = 0; i < got; i++) {
                unsigned len = in[i].msg_len;
                if (!s->latched) { s->source = from[i]; s->latched = 1; }
                if (from[i].sin_addr.s_addr != s->source.sin_addr.s_addr || from[i].sin_port != s->source.sin_port
                    || len < 12 || (buffers[i][0] & 0xC0) != 0x80) { s->dropped++; continue; }
                memcpy(buffers[i] + 8, &s->ssrc_be, 4);
                out_iov[send] = (struct iovec){ buffers[i], len };
                out[send].msg_hdr = (struct msghdr){ .msg_name = &s->sink, .msg_namelen = sizeof s->sink, .msg_iov = &out_iov[send], .msg_iovlen = 1 };
                send++;
            }
            if (send > 0 && sendmmsg(s->out_fd, out, send, 0) > 0) s->packets += send;
        }
    }
done:;
    unsigned long long packets = 0, dropped = 0;
    for (int i = 0; i < n; i++) { packets += sessions[i].packets; dropped += sessions[i].dropped; }
    printf("forwarded %llu dropped %llu\n", packets, dropped);
    return 0;
}
