/** What one KRaft node of a test cluster listens on. */
export interface NodePorts {
  plaintext: number;
  controller: number;
  sasl: number | null;
  ssl: number | null;
}

export interface NodeConfigInput {
  nodeId: number;
  dataDir: string;
  ports: NodePorts;
  /** node id → controller port, for the static quorum. */
  voters: Map<number, number>;
  replication: number;
  authorizer: boolean;
  tls: { keystore: string; truststore: string } | null;
}

/**
 * server.properties for one combined broker+controller node. Each node is
 * both, so a three-node cluster keeps its quorum with one node killed.
 * Settings are Kafka's defaults except where a one-laptop test cluster needs
 * otherwise (replication of internal topics, no initial rebalance delay, few
 * threads).
 */
export function nodeProperties(input: NodeConfigInput): string {
  const { ports } = input;
  const host = '127.0.0.1';
  const listeners = [`PLAINTEXT://${host}:${ports.plaintext}`];
  const advertised = [`PLAINTEXT://${host}:${ports.plaintext}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  if (ports.sasl !== null) {
    listeners.push(`SASL_PLAINTEXT://${host}:${ports.sasl}`);
    advertised.push(`SASL_PLAINTEXT://${host}:${ports.sasl}`);
    protocols.push('SASL_PLAINTEXT:SASL_PLAINTEXT');
  }
  if (ports.ssl !== null) {
    listeners.push(`SSL://${host}:${ports.ssl}`);
    advertised.push(`SSL://${host}:${ports.ssl}`);
    protocols.push('SSL:SSL');
  }
  listeners.push(`CONTROLLER://${host}:${ports.controller}`);
  const voters = [...input.voters].map(([id, port]) => `${id}@${host}:${port}`).join(',');
  const internalReplicas = Math.min(3, input.replication);
  const lines = [
    'process.roles=broker,controller',
    `node.id=${input.nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${listeners.join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=${protocols.join(',')}`,
    `log.dirs=${input.dataDir}`,
    `offsets.topic.replication.factor=${internalReplicas}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${internalReplicas}`,
    `transaction.state.log.min.isr=${Math.min(2, internalReplicas)}`,
    'group.initial.rebalance.delay.ms=0',
    // A killed node is fenced (its partitions get new leaders) after 3 s instead of 9 s.
    'broker.session.timeout.ms=3000',
    'broker.heartbeat.interval.ms=1000',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.partitions=1',
  ];
  if (ports.sasl !== null) {
    lines.push(
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    );
  }
  if (input.tls) {
    lines.push(
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${input.tls.keystore}`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${input.tls.truststore}`,
      'ssl.client.auth=none',
    );
  }
  if (input.authorizer) {
    // Plaintext and TLS clients (and the controllers) are User:ANONYMOUS and
    // administer the cluster; SCRAM users get only what ACLs grant them.
    lines.push(
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users=User:ANONYMOUS',
      'allow.everyone.if.no.acl.found=false',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Kafka's own log goes to stderr at WARN, which the harness keeps for start-up errors. */
export const LOG4J2_PROPERTIES = `status = error
appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = STDERR
`;
