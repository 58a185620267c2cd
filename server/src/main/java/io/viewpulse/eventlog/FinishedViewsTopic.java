package io.viewpulse.eventlog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka topic of finished views ({@code serve --finished-views-topic}), beside the event log's topic on the same
 * brokers: created at start when missing, with the event log's partition count and replication factor (and
 * {@code min.insync.replicas=2} for three or more replicas); an existing topic of another partition count is taken as
 * it is (records are keyed by view id, which any count spreads). Records go through a producer of its own, idempotent
 * with {@code acks=all}: {@link #send} returns once every in-sync replica has each record.
 */
public final class FinishedViewsTopic implements AutoCloseable {
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  /**
   * Creates the topic unless it exists and readies the producer.
   *
   * @throws EventLogException when Kafka cannot be reached in time or cannot create the topic
   */
  public FinishedViewsTopic(EventLogConfig.Kafka log) {
    EventLogConfig.Kafka c = log.withTopic(log.finishedViewsTopic());
    this.topic = c.topic();
    Admin a = Admin.create(KafkaClients.admin(c));
    try {
      KafkaClients.ensureTopic(a, c, false);
    } finally {
      a.close(Duration.ofSeconds(5));
    }
    Properties p = KafkaClients.producer(c);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "viewpulse-finished-views");
    // its own thread sends: it may wait for the topic's metadata, as long as a record may wait for Kafka
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, c.deliveryTimeout().toMillis());
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public String name() {
    return topic;
  }

  /**
   * Sends records (key, value) and returns once Kafka acknowledged every one of them.
   *
   * @throws EventLogException when one was not acknowledged within the delivery timeout (others may have been)
   */
  public void send(List<Map.Entry<String, byte[]>> records) {
    List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
    try {
      for (Map.Entry<String, byte[]> r : records) {
        sent.add(producer.send(new ProducerRecord<>(topic, r.getKey().getBytes(StandardCharsets.UTF_8),
            r.getValue())));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new EventLogException("Kafka did not acknowledge a record of topic " + topic + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventLogException("interrupted while sending to topic " + topic, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new EventLogException("cannot send to topic " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
