/* SPDX-License-Identifier: MIT */
/*
 * config_types.h - the typed form of pued.yaml: every section as a struct,
 * with its defaults and ranges (config.h loads it). Types only, so that
 * the loader's own files (config_ctx.h) and the rest of pued share them
 * without depending on the loader's entry point. Units follow the names:
 * *_ms milliseconds, *_kw kilowatts, *_bytes bytes. The YAML key for each
 * field is the field name unless a comment says so.
 */
#ifndef PUE_CONFIG_TYPES_H
#define PUE_CONFIG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/point.h"
#include "core/pue_def.h"

/* A secret (SNMP community, v3 passphrase). No format prints it: code that
 * dumps a configuration writes "***". */
struct pue_secret {
	char *value; /* NUL-terminated, owned; NULL when not given, or not read
		      * (a credential, by a load not for the daemon: below) */
};

/* What a configuration is loaded for (pue_config_load_for()): secrets
 * written {credential: NAME} come from $CREDENTIALS_DIRECTORY, which only
 * pued's unit sets (LoadCredential=), so only the daemon may need them. */
enum pue_config_purpose {
	/* pued running, and its reloads: every secret is read, and one that
	 * cannot be is an error. */
	PUE_CONFIG_FOR_DAEMON,
	/* pued --check-config: as the daemon, except that where
	 * $CREDENTIALS_DIRECTORY is not set a credential's name is checked
	 * and a note says pued reads it at its start. */
	PUE_CONFIG_FOR_CHECK,
	/* puectl's database commands, which use no secret: a credential's
	 * name is checked, and it is not read. */
	PUE_CONFIG_FOR_DATABASE,
};

enum pue_protocol {
	PUE_PROTO_MODBUS_TCP, /* protocol: modbus_tcp */
	PUE_PROTO_MODBUS_RTU, /* protocol: modbus_rtu */
	PUE_PROTO_SNMP,	      /* protocol: snmp */
};

enum pue_mb_function {
	PUE_MB_HOLDING = 3, /* function: holding (function code 03) */
	PUE_MB_INPUT = 4,   /* function: input (function code 04) */
};

struct pue_point_conf {
	char *name;	      /* unique within its device */
	struct pue_point num; /* YAML kind, unit, scale, offset, counter_bits,
			       * max_power_kw, max_gap, measured_at (point.h) */
	/* Modbus */
	uint16_t address;		/* YAML "register": 0..65535, zero-based PDU address */
	enum pue_mb_function function;	/* default holding */
	enum pue_dtype type;		/* required for Modbus */
	enum pue_word_order word_order; /* default ABCD */
	bool has_scale_register;	/* YAML "scale_register" given: */
	uint16_t scale_register;	/* a register (same function) holding a SunSpec
					 * sunssf: int16 power of ten, -10..10; the value
					 * is raw x 10^sf x scale + offset. Read in the
					 * same poll, merged into the same reads */
	/* SNMP */
	char *oid;		 /* numeric ("1.3.6.1...") or a MIB name; SNMP only */
	bool sum_column;	 /* YAML "sum_column": oid names a table column (no
				  * instance); the value is the sum of its rows, read
				  * with GETBULK. Default false */
	double *invalid_values;	 /* YAML "invalid_values": raw values (before scale)
				  * that mean "not available", e.g. [-1, 2147483647];
				  * such a reading is an error, never a number */
	size_t n_invalid_values; /* 0..PUE_MAX_INVALID_VALUES */
	int line, column;	 /* where the point was defined */
};

enum pue_snmp_version { PUE_SNMP_V1, PUE_SNMP_V2C, PUE_SNMP_V3 };
enum pue_snmp_level { PUE_SNMP_NOAUTH, PUE_SNMP_AUTHNOPRIV, PUE_SNMP_AUTHPRIV };
enum pue_snmp_auth {
	PUE_SNMP_AUTH_NONE,
	PUE_SNMP_AUTH_MD5,
	PUE_SNMP_AUTH_SHA,
	PUE_SNMP_AUTH_SHA224,
	PUE_SNMP_AUTH_SHA256,
	PUE_SNMP_AUTH_SHA384,
	PUE_SNMP_AUTH_SHA512,
};
enum pue_snmp_priv { PUE_SNMP_PRIV_NONE, PUE_SNMP_PRIV_DES, PUE_SNMP_PRIV_AES };

/* SNMP connection settings (YAML "snmp:" under a device, or under an
 * snmp_trap / snmp_inform alert target). */
struct pue_snmp_conf {
	char *host;
	uint16_t port;		       /* default 161 for devices, 162 for targets */
	enum pue_snmp_version version; /* YAML "version": 1, 2c or 3; default 2c */
	struct pue_secret community;   /* v1/v2c; default "public" for devices */
	char *user;		       /* v3 */
	enum pue_snmp_level level;     /* YAML "security_level": noauth, authnopriv, authpriv */
	enum pue_snmp_auth auth; /* YAML "auth_protocol": md5 sha sha224 sha256 sha384 sha512 */
	struct pue_secret auth_passphrase;
	enum pue_snmp_priv priv; /* YAML "priv_protocol": des, aes */
	struct pue_secret priv_passphrase;
	unsigned max_varbinds; /* default 32, 1..1000 */
};

struct pue_modbus_conf {
	/* modbus_tcp */
	char *host;
	uint16_t port; /* default 502 */
	/* modbus_rtu */
	char *serial_device; /* YAML "device", e.g. /dev/ttyUSB0 */
	uint32_t baud;	     /* default 9600 */
	char parity;	     /* YAML "parity": none, even, odd -> 'N', 'E', 'O'; default 'N' */
	uint8_t data_bits;   /* 5..8, default 8 */
	uint8_t stop_bits;   /* 1..2, default 1 */
	/* both */
	uint8_t unit_id;	/* 1..247 for RTU, 0..255 for TCP (gateways), default 1 */
	int64_t request_gap_ms; /* pause between requests on one link; default 0 TCP, 20ms RTU */
	uint16_t max_read_registers; /* registers per read, 1..125, default 125 */
	uint16_t max_gap_registers;  /* unused registers a merged read may span, default 16 */
	/* modbus_tcp: TCP connections pued opens to the link (host:port) and
	 * polls its unit ids over in parallel, each unit id on one of them,
	 * 1..PUE_MODBUS_LINK_MAX_CONNECTIONS. A setting of the link: the
	 * devices that name it agree or leave it out, and after loading every
	 * device of the link holds the link's value (default 1; RTU: 1). */
	uint8_t connections;
};

/* The most connections: one link takes. Gateways bound their simultaneous
 * TCP clients (commonly 4 to 32), and beyond the unit ids a link has,
 * more connections buy nothing. */
#define PUE_MODBUS_LINK_MAX_CONNECTIONS 32

struct pue_device_conf {
	char *name;		       /* unique; [A-Za-z0-9_.-]+ */
	enum pue_protocol protocol;    /* required */
	int64_t poll_interval_ms;      /* default: the top-level poll_interval */
	int64_t timeout_ms;	       /* default 1s */
	unsigned retries;	       /* default 2, 0..10 */
	struct pue_modbus_conf modbus; /* YAML "modbus:" for modbus_* protocols */
	struct pue_snmp_conf snmp;     /* YAML "snmp:" for protocol snmp */
	struct pue_point_conf *points; /* at least one */
	size_t n_points;
	int line, column;
};

enum pue_target_type {
	PUE_TARGET_SNMP_TRAP,	/* type: snmp_trap */
	PUE_TARGET_SNMP_INFORM, /* type: snmp_inform */
	PUE_TARGET_EXEC,	/* type: exec */
	PUE_TARGET_LOG,		/* type: log (journal/syslog line) */
};

enum pue_severity { PUE_SEV_INFO, PUE_SEV_WARNING, PUE_SEV_CRITICAL };

struct pue_target_conf {
	char *name;
	enum pue_target_type type;
	struct pue_snmp_conf snmp; /* YAML "snmp:" for snmp_trap/snmp_inform */
	char **argv;		   /* YAML "command": list of strings, exec only; NULL-ended */
	size_t argc;
	int program_line, program_column; /* where argv[0] is, for pue_config_check_programs() */
	enum pue_severity min_severity;	  /* YAML "min_severity": info, warning, critical;
					   * default warning */
	unsigned queue_max;		  /* informs kept while the NOC is away; default 10000 */
};

/* The alert rules (alert_rules.h says what each one watches). YAML
 * "alerts.rules" maps their names to a severity or "off". */
enum pue_alert_rule {
	PUE_RULE_PUE_CEILING,	  /* pue_ceiling: alert window above the ceiling */
	PUE_RULE_PUE_WARNING,	  /* pue_warning: above the warning level */
	PUE_RULE_BELOW_ONE,	  /* below_one: a PUE below 1.0, a metering error */
	PUE_RULE_INSUFFICIENT,	  /* insufficient_data: the alert window's coverage */
	PUE_RULE_YEAR_PROJECTION, /* year_projection: the year's projected PUE */
	PUE_RULE_DEVICE_DOWN,	  /* device_down: a device stopped answering */
	PUE_RULE_DATA_STALE,	  /* data_stale: a point without a valid sample */
	PUE_RULE_METER_RESET,	  /* meter_reset: a counter went backwards */
	PUE_RULE_STORAGE,	  /* storage_failing: the database cannot be written */
	PUE_RULE_COUNT
};

struct pue_alerts_conf {
	struct pue_target_conf *targets;
	size_t n_targets;
	unsigned stale_after_polls; /* data stale after N missed polls; default 5 */
	char *enterprise_oid;	    /* default "1.3.6.1.4.1.8072.9999" */
	bool agentx;		    /* AgentX subagent on; default false */
	char *agentx_socket;	    /* default: net-snmp's (/var/agentx/master) */
	/* YAML "rules": {NAME: info|warning|critical|off}; defaults in
	 * alert_rules.c (pue_alert_rule_default_severity()) */
	enum pue_severity rule_severity[PUE_RULE_COUNT];
	bool rule_enabled[PUE_RULE_COUNT]; /* false for "off" */
	/* YAML "engine_id": the SNMPv3 engine ID pued sends traps as, hex
	 * ("0x80001f8804..."), 5..32 bytes; 0 bytes: derived from the host name */
	uint8_t engine_id[32];
	size_t engine_id_len;
	int64_t exec_timeout_ms; /* YAML "exec_timeout": exec hooks are killed after
				  * it; 100ms..1h, default 30s */
};

struct pue_storage_conf {
	char *path;		     /* YAML "path"; default /var/lib/pued/pued.db */
	int64_t raw_retention_ms;    /* default 7d */
	int64_t minute_retention_ms; /* default 400d */
	uint64_t disk_budget_bytes;  /* YAML "disk_budget": "2GiB"-style size; default 2 GiB */
	int64_t flush_interval_ms;   /* default 1s */
};

struct pue_control_conf {
	char *socket;	   /* default /run/pued/pued.sock */
	char *group;	   /* read-only access; NULL = the daemon's group */
	char *admin_group; /* state-changing commands; NULL = root only */
};

/* One user of web_config_file's basic_auth_users. */
struct pue_http_user {
	char *name;	   /* no ':' (Basic authentication splits there) */
	char *bcrypt_hash; /* "$2a$", "$2b$" or "$2y$", as htpasswd -B writes it */
};

/* YAML "http:": the /metrics listener (http_server.h). Off unless the
 * section is given; a header whose keys are all commented out leaves it
 * off. The TLS and user settings come from web_config_file, a YAML file
 * in the form of Prometheus' exporter-toolkit web configuration:
 *   tls_server_config: {cert_file: server.crt, key_file: server.key}
 *   basic_auth_users: {prometheus: "$2y$10$..."}
 * Its relative paths are taken from its own directory, as the toolkit
 * does. Both PEM files are read while loading, so --check-config sees an
 * unreadable one and a reload re-reads a renewed certificate. */
struct pue_http_conf {
	bool enabled;		   /* the section was given */
	char *listen;		   /* a numeric IPv4 or IPv6 address; default 127.0.0.1 */
	uint16_t port;		   /* default PUE_HTTP_DEFAULT_PORT; 0: the kernel picks one */
	char *web_config_file;	   /* NULL: plain HTTP, no users */
	unsigned max_connections;  /* at once; default 64, 1..1000 */
	unsigned max_per_ip;	   /* YAML "max_connections_per_ip": default 16 */
	int64_t timeout_ms;	   /* YAML "timeout": an idle connection is closed; 10s */
	char *tls_cert_pem;	   /* cert_file's contents, NUL-terminated; NULL: no TLS */
	struct pue_secret tls_key; /* key_file's contents */
	struct pue_http_user *users;
	size_t n_users; /* 0: no authentication */
};

/* Not in Prometheus' port allocation list (yet); "1.25", the ceiling. */
#define PUE_HTTP_DEFAULT_PORT 9725

struct pue_config {
	char *path;		  /* the file it came from */
	char *site;		  /* YAML "site"; required */
	int64_t poll_interval_ms; /* default for devices; default 1s */
	unsigned workers;	  /* Modbus worker threads; default 4, 1..256 */
	struct pue_device_conf *devices;
	size_t n_devices;
	struct pue_pue_conf pue;
	struct pue_alerts_conf alerts;
	struct pue_storage_conf storage;
	struct pue_control_conf control;
	struct pue_http_conf http;
};

/* Sentinels a point may list in invalid_values. */
#define PUE_MAX_INVALID_VALUES 16

#endif
