// kafkajs's Cluster is built by the client factory (clients/kafkajsCluster.ts);
// the monitor and its tests keep importing it from here.
export * from '../../clients/kafkajsCluster';
