/* synfin lab — scenario drivers (private to src/lab). Each runs server and client once. */
#ifndef SYNFIN_LAB_SCENARIOS_H
#define SYNFIN_LAB_SCENARIOS_H

#include <stddef.h>

#include "synfin/lab.h"

#define LAB_SERVER_PAUSE_MS 250 /* longer than Linux's largest delayed ACK (200 ms) */

int lab_run_handshake(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                      size_t errlen);
int lab_run_merged_close(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                         size_t errlen);
int lab_run_half_close(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                       size_t errlen);
int lab_run_reset(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                  size_t errlen);
int lab_run_refused(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                    size_t errlen);
int lab_run_simultaneous_close(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                               size_t errlen);
int lab_run_time_wait(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                      size_t errlen);
/* Namespace scenarios (lab_scenarios_ns.c). */
int lab_run_simultaneous_open(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                              size_t errlen);
int lab_run_syn_retry(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                      size_t errlen);
int lab_run_lossy(const struct sf_lab_env *env, struct sf_lab_result *res, char *err,
                  size_t errlen);

#endif
