/* SPDX-License-Identifier: MIT */
/*
 * fuzz_server: the embedded test server as a client meets it. The server
 * runs in a thread of this process, on 127.0.0.1 with every route on and
 * small limits (so that the fuzzer reaches them); each input is sent as
 * the raw bytes of one connection (one request or several, whole or cut,
 * valid or not), the write side is shut, and the answer is read to its
 * end. libevent parses the request and hands it to the server's route
 * code, as in concbench serve.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned port;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER;

static int on_ready(unsigned p, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	port = p;
	pthread_cond_signal(&started);
	pthread_mutex_unlock(&lock);
	return 0;
}

static void *serve(void *arg)
{
	struct server_config cfg;
	char err[256];

	(void)arg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.files = 12;
	cfg.body_bytes = 300;
	cfg.max_header_bytes = 8192;
	cfg.max_body_bytes = 16384;
	cfg.idle_s = 2;
	if (server_run(&cfg, on_ready, NULL, err, sizeof(err)) < 0)
		abort();
	return NULL;
}

static void start_server(void)
{
	pthread_t t;
	sigset_t block, old;

	/* SIGINT and SIGTERM stay with libFuzzer's thread: the server's
	 * thread must not take them. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pthread_create(&t, NULL, serve, NULL) != 0)
		abort();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_lock(&lock);
	while (!port)
		pthread_cond_wait(&started, &lock);
	pthread_mutex_unlock(&lock);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in addr;
	struct timeval tv = {3, 0};
	char answer[65536];
	size_t sent = 0;
	int fd;

	if (!port)
		start_server();
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		while (sent < size) {
			ssize_t n =
			    send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (n <= 0)
				break; /* the server answered and closed */
			sent += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		while (recv(fd, answer, sizeof(answer), 0) > 0)
			;
	}
	close(fd);
	return 0;
}
