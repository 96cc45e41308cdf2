/* SPDX-License-Identifier: MIT */
/*
 * test_notify.c - pued's own sd_notify(3) (lib/util/notify.h): the datagram a
 * socket at $NOTIFY_SOCKET receives, by path and by abstract name; nothing
 * sent without $NOTIFY_SOCKET; and the watchdog interval read as
 * sd_watchdog_enabled() reads it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/notify.h"

/* A datagram socket bound to name ("/path" or "@abstract"). */
static int
listener(const char *name)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	assert_int_equal(
		bind(fd, (struct sockaddr *)&sun,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '/'))),
		0);
	return fd;
}

static void
expect_datagram(int fd, const char *want)
{
	char buf[8192];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void
test_notify_sends_state_to_a_socket_path(void **state)
{
	char dir[] = "/tmp/pued-test-notify-XXXXXX", path[64];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(pue_notify("READY=1"), 1);
	expect_datagram(fd, "READY=1");
	assert_int_equal(
		pue_notify_format("STATUS=%d devices\nEXTEND_TIMEOUT_USEC=%u", 3, 60000000u), 1);
	expect_datagram(fd, "STATUS=3 devices\nEXTEND_TIMEOUT_USEC=60000000");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void
test_notify_sends_state_to_an_abstract_name(void **state)
{
	char name[64];
	int fd;

	(void)state;
	snprintf(name, sizeof(name), "@pued-test-notify-%ld", (long)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(pue_notify("WATCHDOG=1"), 1);
	expect_datagram(fd, "WATCHDOG=1");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}

static void
test_notify_without_a_manager_sends_nothing(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(pue_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	assert_int_equal(pue_notify("READY=1"), -EAFNOSUPPORT);
	setenv("NOTIFY_SOCKET", "/nonexistent/pued/notify", 1);
	assert_int_equal(pue_notify("READY=1"), -ENOENT);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_notify_watchdog_interval_is_this_process_s(void **state)
{
	char pid[32];
	uint64_t usec = 7;

	(void)state;
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(pue_notify_watchdog_usec(&usec), 0);
	assert_int_equal(usec, 7);
	setenv("WATCHDOG_USEC", "30000000", 1);
	assert_int_equal(pue_notify_watchdog_usec(&usec), 1);
	assert_int_equal(usec, 30000000);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(pue_notify_watchdog_usec(&usec), 1);
	setenv("WATCHDOG_PID", "1", 1); /* another process's */
	assert_int_equal(pue_notify_watchdog_usec(&usec), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "0", 1);
	assert_int_equal(pue_notify_watchdog_usec(&usec), 0);
	setenv("WATCHDOG_USEC", "30s", 1);
	assert_int_equal(pue_notify_watchdog_usec(&usec), 0);
	setenv("WATCHDOG_USEC", "-5", 1);
	assert_int_equal(pue_notify_watchdog_usec(&usec), 0);
	unsetenv("WATCHDOG_USEC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_sends_state_to_a_socket_path),
		cmocka_unit_test(test_notify_sends_state_to_an_abstract_name),
		cmocka_unit_test(test_notify_without_a_manager_sends_nothing),
		cmocka_unit_test(test_notify_watchdog_interval_is_this_process_s),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
