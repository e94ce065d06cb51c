/* synfin lab — environments: loopback, or a pair of network namespaces joined by veth.
 *
 *   namespace sflab-<pid>-c                     namespace sflab-<pid>-s
 *   ┌──────────────────────────┐  veth pair   ┌──────────────────────────┐
 *   │ client   sflc<pid>       │◄────────────►│ sfls<pid>   server       │
 *   │ 10.213.0.1/24  (capture) │              │ 10.213.0.2/24  nft table │
 *   └──────────────────────────┘              └──────────────────────────┘
 *
 * Offloads (TSO, GSO, GRO) are turned off on both ends so that one captured frame is one TCP
 * segment, as on a real wire; otherwise the capture shows 64 KB "segments" that no network
 * carried and retransmission analysis loses its meaning. Deleting a namespace deletes the
 * veth end and the nftables table inside it, so cleanup is two `ip netns del`.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/lab_env.h"
#include "lab/lab_sock.h"

extern char **environ;

#define CLIENT_IP "10.213.0.1"
#define SERVER_IP "10.213.0.2"

int lab_run_cmd_out(char *const argv[], char *out, size_t outlen, char *err, size_t errlen)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	char buf[2048];
	size_t used = 0;
	ssize_t n;
	while ((n = read(pipefd[0], buf + used, sizeof(buf) - 1 - used)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0 && (used += (size_t)n) == sizeof(buf) - 1)
			break;
	buf[used] = '\0';
	close(pipefd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out)
		snprintf(out, outlen, "%s", buf);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	char cmd[160] = "";
	for (size_t i = 0; argv[i] && strlen(cmd) < sizeof(cmd) - 40; i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s", i ? " " : "",
		         argv[i]);
	snprintf(err, errlen, "`%s` failed: %s", cmd, buf[0] ? buf : "non-zero exit");
	return -1;
}

int lab_run_cmd(char *const argv[], char *err, size_t errlen)
{
	return lab_run_cmd_out(argv, NULL, 0, err, errlen);
}

/* Runs a command inside namespace ns: ip netns exec NS CMD… */
static int run_in_ns(const char *ns, char *out, size_t outlen, char *err, size_t errlen,
                     const char *arg0, ...)
{
	char *argv[16] = {"ip", "netns", "exec", (char *)ns, (char *)arg0};
	size_t n = 5;
	va_list ap;
	va_start(ap, arg0);
	const char *a;
	while (n < 15 && (a = va_arg(ap, const char *)) != NULL)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return lab_run_cmd_out(argv, out, outlen, err, errlen);
}

long lab_nft_add(const struct sf_lab_env *env, const char *rule, char *err, size_t errlen)
{
	char cmd[512], out[1024];
	snprintf(cmd, sizeof(cmd), "add rule inet %s input %s", LAB_NFT_TABLE, rule);
	if (run_in_ns(env->ns_server, out, sizeof(out), err, errlen, "nft", "--echo", "--handle",
	              cmd, (char *)NULL) < 0)
		return -1;
	const char *h = strstr(out, "# handle ");
	if (!h) {
		snprintf(err, errlen, "nft did not report the handle of rule \"%s\"", rule);
		return -1;
	}
	return strtol(h + 9, NULL, 10);
}

int lab_nft_del(const struct sf_lab_env *env, long handle, char *err, size_t errlen)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "delete rule inet %s input handle %ld", LAB_NFT_TABLE, handle);
	return run_in_ns(env->ns_server, NULL, 0, err, errlen, "nft", cmd, (char *)NULL);
}

static int open_ns_fd(const char *ns, char *err, size_t errlen)
{
	char path[96];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return fd;
}

/* One side: move the veth end in, address it, bring it and lo up, turn offloads off. */
static int setup_side(const char *ns, const char *veth, const char *cidr, char *err, size_t errlen)
{
	char *mv[] = {"ip", "link", "set", (char *)veth, "netns", (char *)ns, NULL};
	char *addr[] = {"ip",         "-n",  (char *)ns,   "addr", "add",
	                (char *)cidr, "dev", (char *)veth, NULL};
	char *up[] = {"ip", "-n", (char *)ns, "link", "set", (char *)veth, "up", NULL};
	char *lo[] = {"ip", "-n", (char *)ns, "link", "set", "lo", "up", NULL};
	if (lab_run_cmd(mv, err, errlen) < 0 || lab_run_cmd(addr, err, errlen) < 0 ||
	    lab_run_cmd(up, err, errlen) < 0 || lab_run_cmd(lo, err, errlen) < 0)
		return -1;
	return run_in_ns(ns, NULL, 0, err, errlen, "ethtool", "-K", veth, "tso", "off", "gso",
	                 "off", "gro", "off", (char *)NULL);
}

static int setup_nft(struct sf_lab_env *env, char *err, size_t errlen)
{
	char table[64], chain[160];
	snprintf(table, sizeof(table), "add table inet %s", LAB_NFT_TABLE);
	snprintf(chain, sizeof(chain),
	         "add chain inet %s input { type filter hook input priority 0 ; policy accept ; }",
	         LAB_NFT_TABLE);
	if (run_in_ns(env->ns_server, NULL, 0, err, errlen, "nft", table, (char *)NULL) < 0 ||
	    run_in_ns(env->ns_server, NULL, 0, err, errlen, "nft", chain, (char *)NULL) < 0)
		return -1;
	env->nft_table = true;
	return 0;
}

static int setup_netns(struct sf_lab_env *env, char *err, size_t errlen)
{
	if (geteuid() != 0) {
		snprintf(
		    err, errlen,
		    "needs root: it creates network namespaces, a veth pair and nftables rules "
		    "(CAP_SYS_ADMIN and CAP_NET_ADMIN); run it with sudo");
		return -1;
	}
	long pid = (long)getpid();
	snprintf(env->ns_client, sizeof(env->ns_client), "sflab-%ld-c", pid);
	snprintf(env->ns_server, sizeof(env->ns_server), "sflab-%ld-s", pid);
	snprintf(env->veth_client, sizeof(env->veth_client), "sflc%ld", pid);
	snprintf(env->veth_server, sizeof(env->veth_server), "sfls%ld", pid);

	char *addc[] = {"ip", "netns", "add", env->ns_client, NULL};
	char *adds[] = {"ip", "netns", "add", env->ns_server, NULL};
	env->netns = true; /* from here on, env_close deletes whatever exists */
	if (lab_run_cmd(addc, err, errlen) < 0 || lab_run_cmd(adds, err, errlen) < 0)
		return -1;
	char *veth[] = {"ip",   "link", "add",  env->veth_client, "type",
	                "veth", "peer", "name", env->veth_server, NULL};
	if (lab_run_cmd(veth, err, errlen) < 0)
		return -1;
	if (setup_side(env->ns_client, env->veth_client, CLIENT_IP "/24", err, errlen) < 0 ||
	    setup_side(env->ns_server, env->veth_server, SERVER_IP "/24", err, errlen) < 0)
		return -1;
	if ((env->needs & SF_LAB_NEEDS_NFT) && setup_nft(env, err, errlen) < 0)
		return -1;
	if ((env->client_nsfd = open_ns_fd(env->ns_client, err, errlen)) < 0 ||
	    (env->server_nsfd = open_ns_fd(env->ns_server, err, errlen)) < 0)
		return -1;
	env->client_ip.s_addr = htonl(0x0ad50001u); /* 10.213.0.1 */
	env->server_ip.s_addr = htonl(0x0ad50002u); /* 10.213.0.2 */
	env->capture_iface = env->veth_client;
	env->capture_nsfd = env->client_nsfd;
	return 0;
}

int sf_lab_env_open(struct sf_lab_env *env, unsigned needs, uint16_t port, char *err, size_t errlen)
{
	memset(env, 0, sizeof(*env));
	env->needs = needs;
	env->client_nsfd = env->server_nsfd = env->capture_nsfd = -1;
	env->client_ip.s_addr = env->server_ip.s_addr = htonl(INADDR_LOOPBACK);
	env->capture_iface = "lo";
	/* Ports are chosen on loopback even for namespaces, where every port is free. */
	env->port = port ? port : lab_unused_port(env->server_ip);
	env->port2 = lab_unused_port(env->server_ip);
	while (env->port2 == env->port || env->port2 == 0)
		env->port2 = (uint16_t)(env->port2 + 7919u) | 0x8000u;
	if (env->port == 0) {
		snprintf(err, errlen, "cannot find an unused TCP port on loopback");
		return -1;
	}
	if (!(needs & SF_LAB_NEEDS_NETNS))
		return 0;
	if (setup_netns(env, err, errlen) < 0) {
		sf_lab_env_close(env);
		return -1;
	}
	return 0;
}

void sf_lab_env_close(struct sf_lab_env *env)
{
	if (env->client_nsfd >= 0)
		close(env->client_nsfd);
	if (env->server_nsfd >= 0)
		close(env->server_nsfd);
	env->client_nsfd = env->server_nsfd = env->capture_nsfd = -1;
	if (!env->netns)
		return;
	char err[256];
	/* Deleting a namespace deletes its veth end (and so the pair) and its nftables table. */
	char *delc[] = {"ip", "netns", "del", env->ns_client, NULL};
	char *dels[] = {"ip", "netns", "del", env->ns_server, NULL};
	lab_run_cmd(delc, err, sizeof(err));
	lab_run_cmd(dels, err, sizeof(err));
	/* If the veth was made but never moved into a namespace, it lives here. */
	char *delv[] = {"ip", "link", "del", env->veth_client, NULL};
	lab_run_cmd(delv, err, sizeof(err));
	env->netns = false;
	env->nft_table = false;
}

int sf_lab_capture_ns_enter(const struct sf_lab_env *env, int *saved, char *err, size_t errlen)
{
	*saved = -1;
	if (env->capture_nsfd < 0)
		return 0;
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0) {
		snprintf(err, errlen, "cannot open this thread's network namespace: %s",
		         strerror(errno));
		return -1;
	}
	if (lab_enter_ns(env->capture_nsfd, err, errlen) < 0) {
		close(*saved);
		*saved = -1;
		return -1;
	}
	return 0;
}

void sf_lab_capture_ns_leave(int saved)
{
	if (saved < 0)
		return;
	char err[128];
	lab_enter_ns(saved, err, sizeof(err));
	close(saved);
}
