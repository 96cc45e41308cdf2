/* SPDX-License-Identifier: MIT */
/*
 * modbus_floor.c - the cost floor for bench/modbus.sh: a bare libmodbus
 * loop, one thread, reading the same registers from the same simulated
 * meters as pued does (22 holding registers at 10, one request a device),
 * and nothing else: no scheduling, no decoding, no storage.
 *
 *   modbus_floor PORTS_FILE DEVICES UNITS_PER_PORT SECONDS
 *
 * Prints requests, CPU-seconds (getrusage) and CPU-seconds per 1000
 * requests. Loopback only; bounded by SECONDS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <modbus.h>

#define MAX_PORTS 256

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	modbus_t *ctx[MAX_PORTS];
	uint16_t regs[22];
	unsigned n_ports = 0, devices, per_port, k, port;
	unsigned long requests = 0, failed = 0;
	double seconds, t_end, cpu0;
	FILE *fp;
	char line[32];

	if (argc != 5) {
		fprintf(stderr, "usage: modbus_floor PORTS_FILE DEVICES UNITS_PER_PORT SECONDS\n");
		return 2;
	}
	devices = (unsigned)strtoul(argv[2], NULL, 10);
	per_port = (unsigned)strtoul(argv[3], NULL, 10);
	seconds = strtod(argv[4], NULL);
	if ((fp = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	while (n_ports < MAX_PORTS && fgets(line, sizeof(line), fp) != NULL) {
		port = (unsigned)strtoul(line, NULL, 10);
		ctx[n_ports] = modbus_new_tcp("127.0.0.1", (int)port);
		if (ctx[n_ports] == NULL || modbus_connect(ctx[n_ports]) < 0) {
			fprintf(stderr, "modbus_floor: port %u: %s\n", port,
				modbus_strerror(errno));
			return 1;
		}
		n_ports++;
	}
	fclose(fp);
	if (per_port == 0 || devices > n_ports * per_port) {
		fprintf(stderr, "modbus_floor: %u devices do not fit on %u ports\n", devices,
			n_ports);
		return 1;
	}
	cpu0 = cpu_seconds();
	t_end = now_seconds() + seconds;
	while (now_seconds() < t_end)
		for (k = 0; k < devices; k++) {
			modbus_t *c = ctx[k / per_port];

			modbus_set_slave(c, (int)(k % per_port + 1));
			if (modbus_read_registers(c, /* addr */ 10, /* nb */ 22, regs) != 22)
				failed++;
			requests++;
		}
	cpu0 = cpu_seconds() - cpu0;
	printf("requests %lu failed %lu cpu_s %.3f cpu_s_per_1000 %.4f\n", requests, failed, cpu0,
	       requests ? cpu0 * 1000 / (double)requests : 0);
	for (k = 0; k < n_ports; k++) {
		modbus_close(ctx[k]);
		modbus_free(ctx[k]);
	}
	return 0;
}
