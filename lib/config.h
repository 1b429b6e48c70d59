/*
 * refract's configuration: the meaning of the config file (lib/conf.h
 * gives its syntax) merged with command-line zones.
 *
 * Top-level keys:
 *
 *   zone ORIGIN FILE             a zone file (short form), or
 *   zone ORIGIN {                the same with options:
 *       file FILE                  the zone file (relative paths are
 *                                  relative to the config file)
 *       id N                       the zone id pdns sees (1..2^31-1)
 *   }
 *
 *   zone-image PATH              a compiled image of all the zones
 *                                (`refract compile` writes it; every
 *                                process maps it instead of parsing)
 *   listen PATH                  serve a unix socket (as --listen PATH)
 *   listen PATH {                  with options:
 *       mode 0660                  permissions of the socket file
 *                                  (octal, as chmod reads it)
 *       owner USER                 its owner (name or uid)
 *       group GROUP                its group (name or gid); pdns runs as
 *                                  the user pdns, so give it access;
 *                                  both are looked up when the config
 *                                  is read
 *       max-connections N          refuse connections over N (256)
 *   }
 *
 *   upstream NAME {              a set of upstream servers
 *       server ADDR[:PORT] ...     IPv4, or [IPv6]:port; none: the
 *                                  system's resolv.conf
 *       timeout 500ms              per try
 *       tries 2
 *       recursion yes              the RD bit
 *   }
 *   rule [LABEL] {               one rule, in order
 *       name SUFFIX ...            match names at or below a suffix
 *       name-regex RE              match the canonical name (POSIX ERE,
 *                                  case-insensitive)
 *       client CIDR ...            match the client network
 *       zones | forward UPSTREAM   where the answer comes from
 *       ...                        the source's own keys
 *   }
 *   trusted-resolvers CIDR ...   whose EDNS client subnet is believed
 *   cache { size N; max-ttl 1d; serve-stale 1h }
 *   deadline 1500ms              per pdns lookup (default 3/4 of the
 *                                timeout pdns announces; 1500ms for PIPE)
 *   pdns-caches-off yes          pdns runs with its packet and query
 *                                caches off, so client-dependent answers
 *                                may go over PIPE ABI 1-2 (no scope)
 *
 * Zone ids are deterministic: an explicit id, else the zone's 1-based
 * position in config order, then --zone order.  Every process started
 * with the same config agrees, which matters because pdns asks AXFR by
 * id and spreads one conversation over several processes.
 */
#ifndef RF_CONFIG_H
#define RF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cache.h"
#include "lib/conf.h"
#include "lib/diag.h"
#include "lib/net.h"
#include "lib/resolver.h"

/** What the command line adds to, or says instead of, a config file. */
struct rf_options {
	const char *config_path;   /* NULL: no config file */
	const char *const *zones;  /* "ORIGIN=FILE" from --zone, in order */
	size_t nzones;
	const char *listen;        /* --listen PATH, or NULL */
	int parse_zones;           /* read zone files even with an image */
	int image_fd;              /* > 0: map the zones from this image
				    * (a reload's fresh build) */
};

struct rf_listen_conf {
	char *path;           /* NULL: no listener (serve stdin/stdout) */
	unsigned mode;        /* default 0660 */
	char *owner, *group;  /* NULL: leave as created */
	uid_t uid;            /* owner looked up; (uid_t)-1: none */
	gid_t gid;            /* group looked up; (gid_t)-1: none */
	long max_connections; /* default 256 */
};

struct rf_zone_conf {
	char *origin;         /* canonical (lib/name.h) */
	char *file;           /* path as it will be opened */
	int32_t id;
	const char *src_file; /* where it was configured, for messages */
	unsigned src_line;    /* 0 for --zone */
};

/* A rule's matching part and where its source is; the source's own keys
 * are read by the source (lib/rules/). */
struct rf_rule_conf {
	const struct rf_conf_node *node; /* the rule block */
	char *label;
	char **suffixes;                 /* canonical */
	size_t *suffix_lens;
	size_t nsuffixes;
	void *regexes;                   /* regex_t array */
	char **regex_src;
	size_t nregexes;
	struct rf_net *clients;
	size_t nclients;
	char *source;                    /* "zones", "forward", ... */
	const struct rf_conf_node *source_node;
};

struct rf_config {
	char *path;               /* the config file, or NULL */
	struct rf_conf_tree tree; /* kept: rules read their blocks from it */
	struct rf_zone_conf *zones;
	size_t nzones;
	struct rf_listen_conf listen;
	struct rf_upstream_conf *upstreams;
	size_t nupstreams;
	struct rf_rule_conf *rules;
	size_t nrules;
	struct rf_net *trusted;   /* trusted-resolvers */
	size_t ntrusted;
	struct rf_cache_conf cache;
	unsigned long deadline_ms; /* 0: derived from pdns's timeout */
	bool pdns_caches_off;     /* pdns runs with cache-ttl=0 and
				   * query-cache-ttl=0 */
	char *zone_image;         /* NULL: none */
	const char *zone_image_file; /* where it was set */
	unsigned zone_image_line;
};

/**
 * Read and check the config file and --zone arguments.  Every problem goes
 * to diag; on error cfg holds what was understood (free it anyway).
 * @return 0, or -1 if there were errors.
 */
int rf_config_load(struct rf_config *cfg, const struct rf_options *opts,
    struct rf_diag *diag);
void rf_config_fini(struct rf_config *cfg);
/** True for the keys of a rule block the config itself reads (name,
 *  name-regex, client); a source skips them when checking its keys. */
int rf_config_rule_key(const char *key);

#endif
