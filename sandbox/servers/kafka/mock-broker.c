/*
 * A Kafka-protocol cluster for tests and demos, built on librdkafka's mock
 * cluster. Usage: mock-broker [broker-count]
 *
 * Prints the bootstrap address list on stdout, then reads one command per line
 * on stdin and answers each with "ok" or "error <reason>":
 *   topic <name> <partitions> <replication-factor>
 *   down <brokerId>            up <brokerId>
 *   rtt <brokerId> <ms>
 *   errors <apiKey> <code> [code...]
 *   quit
 * It exits when stdin closes, so a test process that dies never leaves a
 * cluster behind.
 */
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE 4096
#define MAX_ERRORS 256

static void reply_ok(void) {
    fputs("ok\n", stdout);
    fflush(stdout);
}

static void reply_error(const char *reason) {
    fprintf(stdout, "error %s\n", reason);
    fflush(stdout);
}

static void reply_kafka(rd_kafka_resp_err_t err) {
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        reply_ok();
    else
        reply_error(rd_kafka_err2str(err));
}

/* Parses a whole token as a base-10 integer; returns 0 on success. */
static int parse_long(const char *token, long *out) {
    char *end = NULL;
    if (token == NULL || *token == '\0') return -1;
    errno = 0;
    *out = strtol(token, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0') return -1;
    return 0;
}

/* The mock cluster logs through the owning handle; keep its chatter off stdout. */
static void log_to_stderr(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    if (level <= 4) fprintf(stderr, "%s: %s\n", fac, buf);
}

static void handle(rd_kafka_mock_cluster_t *mc, char *line) {
    char *saveptr = NULL;
    char *cmd = strtok_r(line, " \t", &saveptr);
    if (cmd == NULL) {
        reply_error("empty command");
        return;
    }

    if (strcmp(cmd, "topic") == 0) {
        char *name = strtok_r(NULL, " \t", &saveptr);
        long partitions, rf;
        if (name == NULL || parse_long(strtok_r(NULL, " \t", &saveptr), &partitions) != 0 ||
            parse_long(strtok_r(NULL, " \t", &saveptr), &rf) != 0 || partitions < 1 || rf < 1) {
            reply_error("usage: topic <name> <partitions> <replication-factor>");
            return;
        }
        reply_kafka(rd_kafka_mock_topic_create(mc, name, (int)partitions, (int)rf));
    } else if (strcmp(cmd, "down") == 0 || strcmp(cmd, "up") == 0) {
        long broker;
        if (parse_long(strtok_r(NULL, " \t", &saveptr), &broker) != 0) {
            reply_error("usage: down|up <brokerId>");
            return;
        }
        reply_kafka(strcmp(cmd, "down") == 0 ? rd_kafka_mock_broker_set_down(mc, (int32_t)broker)
                                             : rd_kafka_mock_broker_set_up(mc, (int32_t)broker));
    } else if (strcmp(cmd, "rtt") == 0) {
        long broker, ms;
        if (parse_long(strtok_r(NULL, " \t", &saveptr), &broker) != 0 ||
            parse_long(strtok_r(NULL, " \t", &saveptr), &ms) != 0 || ms < 0) {
            reply_error("usage: rtt <brokerId> <ms>");
            return;
        }
        reply_kafka(rd_kafka_mock_broker_set_rtt(mc, (int32_t)broker, (int)ms));
    } else if (strcmp(cmd, "errors") == 0) {
        long api_key;
        rd_kafka_resp_err_t codes[MAX_ERRORS];
        size_t count = 0;
        char *token;
        if (parse_long(strtok_r(NULL, " \t", &saveptr), &api_key) != 0 || api_key < 0) {
            reply_error("usage: errors <apiKey> <code> [code...]");
            return;
        }
        while ((token = strtok_r(NULL, " \t", &saveptr)) != NULL) {
            long code;
            if (count >= MAX_ERRORS || parse_long(token, &code) != 0) {
                reply_error("error codes must be integers, at most 256 of them");
                return;
            }
            codes[count++] = (rd_kafka_resp_err_t)code;
        }
        if (count == 0) {
            reply_error("usage: errors <apiKey> <code> [code...]");
            return;
        }
        rd_kafka_mock_push_request_errors_array(mc, (int16_t)api_key, count, codes);
        reply_ok();
    } else {
        reply_error("unknown command");
    }
}

int main(int argc, char **argv) {
    long broker_count = 1;
    char errstr[512];
    char line[MAX_LINE];

    if (argc > 1 && (parse_long(argv[1], &broker_count) != 0 || broker_count < 1 ||
                     broker_count > 16)) {
        fprintf(stderr, "broker count must be 1-16\n");
        return 2;
    }

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, log_to_stderr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        fprintf(stderr, "rd_kafka_new failed: %s\n", errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, (int)broker_count);
    if (mc == NULL) {
        fprintf(stderr, "could not create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }

    fprintf(stdout, "%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);

    while (fgets(line, sizeof(line), stdin) != NULL) {
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (strcmp(line, "quit") == 0) {
            reply_ok();
            break;
        }
        handle(mc, line);
    }

    /* Teardown must not hang a test run: SIGALRM's default action ends the process. */
    signal(SIGALRM, SIG_DFL);
    alarm(5);
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
