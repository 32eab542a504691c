// What the held-profile and A/B scripts leave on the shared stack, removed by their prefix: Redis
// keys (SCAN + UNLINK), Kafka topics and the consumer groups named. `kafkajs` is the caller's copy.
async function removeLeftovers({ redis, kafkajs, id, groups }) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${id}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  const admin = new kafkajs.Kafka({ brokers: ['127.0.0.1:9093'], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(id));
  if (topics.length) await admin.deleteTopics({ topics, timeout: 10000 }).catch(() => {});
  await admin.deleteGroups(groups).catch(() => {});
  await admin.disconnect();
}
module.exports = { removeLeftovers };
