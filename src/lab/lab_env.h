/* synfin lab — environment plumbing shared by the scenario drivers (private to src/lab):
 * running ip / nft / ethtool, and nftables rules in the server namespace. */
#ifndef SYNFIN_LAB_ENV_H
#define SYNFIN_LAB_ENV_H

#include <stddef.h>

#include "synfin/lab.h"

#define LAB_NFT_TABLE "synfin_lab" /* table (family inet) the lab owns in the server namespace */

/* Runs argv (argv[0] looked up in PATH) and waits for it. 0 when it exited 0; otherwise -1
 * with "argv[0] …: <its first line of output>" in err. */
int lab_run_cmd(char *const argv[], char *err, size_t errlen);
/* Same, keeping the command's output (stdout and stderr) in out. */
int lab_run_cmd_out(char *const argv[], char *out, size_t outlen, char *err, size_t errlen);

/* Adds one rule (nft syntax, e.g. "tcp dport 4000 drop") to the lab's input chain in the
 * server namespace; returns its handle (> 0) or -1. */
long lab_nft_add(const struct sf_lab_env *env, const char *rule, char *err, size_t errlen);
/* Deletes a rule added by lab_nft_add. */
int lab_nft_del(const struct sf_lab_env *env, long handle, char *err, size_t errlen);

#endif
