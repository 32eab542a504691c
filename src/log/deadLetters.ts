// Poison is set aside, never retried for ever: a consumed message that is not an event envelope,
// and a stored user state that no longer decodes, go to the dead-letter topic with where they came
// from and why, and the partition moves on. Written before the batch's offsets are committed, so
// nothing set aside is lost (a redelivered batch may write a letter twice).
import type { Kafka, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC } from '../config';

export interface DeadLetter {
  /** `message`: a consumed message that could not be scored; `state`: a stored user state that could not be read. */
  kind: 'message' | 'state';
  reason: string;
  /** The partition and offset being scored when it was found. */
  topic: string;
  partition: number;
  offset: number;
  /** The message's key, or the state's user id. */
  key: string | null;
  /** The message's bytes, or the stored state's text, as found. */
  value: Buffer | string | null;
}

export interface DeadLetterSink {
  /** Resolves once every letter is stored; rejects otherwise (the batch is then not committed). */
  setAside(letters: DeadLetter[]): Promise<void>;
  stop(): Promise<void>;
}

/** Header names on the dead-letter topic. */
export const DEAD_LETTER_HEADERS = {
  kind: 'dead-letter-kind',
  reason: 'dead-letter-reason',
  topic: 'dead-letter-source-topic',
  partition: 'dead-letter-source-partition',
  offset: 'dead-letter-source-offset',
} as const;

export const deadLetterTopic = (topicPrefix: string) => topicPrefix + DEAD_LETTER_TOPIC;

export class KafkaDeadLetters implements DeadLetterSink {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  readonly topic: string;

  constructor(
    kafka: Kafka,
    topicPrefix: string,
    private readonly onSetAside?: (letter: DeadLetter) => void,
  ) {
    this.topic = deadLetterTopic(topicPrefix);
    // Rare writes, each awaited before a commit: no idempotence needed (a duplicate letter is harmless).
    this.producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 } });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = null));
  }

  async setAside(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    if (!this.connected) {
      this.connected = this.producer.connect();
      this.connected.catch(() => (this.connected = null));
    }
    await this.connected;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((l) => ({
        key: l.key,
        value: l.value,
        headers: {
          [DEAD_LETTER_HEADERS.kind]: l.kind,
          [DEAD_LETTER_HEADERS.reason]: l.reason,
          [DEAD_LETTER_HEADERS.topic]: l.topic,
          [DEAD_LETTER_HEADERS.partition]: String(l.partition),
          [DEAD_LETTER_HEADERS.offset]: String(l.offset),
        },
      })),
    });
    for (const letter of letters) this.onSetAside?.(letter);
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Embedded mode: the letters stay in memory (readable by tests and the demo). */
export class MemoryDeadLetters implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];
  constructor(private readonly onSetAside?: (letter: DeadLetter) => void) {}

  async setAside(letters: DeadLetter[]): Promise<void> {
    this.letters.push(...letters);
    for (const letter of letters) this.onSetAside?.(letter);
  }

  async stop(): Promise<void> {}
}
