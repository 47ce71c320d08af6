package io.sightline.ingest;

import io.sightline.event.EventRecord;
import io.sightline.event.SessionRow;
import io.sightline.event.WriterPartitions;
import io.sightline.store.EventKey;
import io.sightline.store.EventWriterVerticle;
import io.sightline.store.LocalCodec;
import io.sightline.store.StoredIds;
import io.sightline.store.WriteRequest;
import io.sightline.support.RealtimeFixtures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox's promise: beacons sent in one event-loop turn share one message per partition, each is
 * answered as the writer answers its message, and a message PostgreSQL refuses for its data is retried
 * event by event so only the bad event fails. The writer here is a plain consumer on the partition's
 * address that records what it receives (the real writer's commit is covered by the writer tests).
 */
class WriterOutboxTest {
  private static final Instant T = Instant.parse("2026-12-07T12:00:00Z");
  private static final String BAD_PATH = "/unstorable";

  private Vertx vertx;
  private final List<Integer> received = new CopyOnWriteArrayList<>();
  private Consumer<Message<WriteRequest>> writer;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().registerDefaultCodec(WriteRequest.class, new LocalCodec<>(WriteRequest.class));
    writer = m -> m.reply(null);
    for (int p = 0; p < 2; p++) {
      vertx.eventBus().<WriteRequest>consumer(WriterPartitions.address(p), m -> {
        received.add(m.body().events().size());
        writer.accept(m);
      }).completion().await(10, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void beaconsOfOneTurnTravelAsOneMessagePerPartition() throws Exception {
    WriterOutbox outbox = outbox();
    List<Future<Void>> answers = inOneTurn(() -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        sent.add(outbox.send(i % 2, new WriteRequest(one(i, "/p" + i), oneSession())));
      }
      return sent;
    });
    Future.all(answers).await(10, TimeUnit.SECONDS);
    assertTrue(answers.stream().allMatch(Future::succeeded));
    assertEquals(List.of(5, 5), sorted(received));
  }

  @Test
  void aTurnWithMoreBeaconsThanAMessageHoldsSendsSeveral() throws Exception {
    WriterOutbox outbox = outbox();
    int n = WriterOutbox.MAX_EVENTS_PER_MESSAGE + 44;
    List<Future<Void>> answers = inOneTurn(() -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(outbox.send(0, new WriteRequest(one(i, "/p"), oneSession())));
      }
      return sent;
    });
    Future.all(answers).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(44, WriterOutbox.MAX_EVENTS_PER_MESSAGE), sorted(received));
  }

  @Test
  void anUnstorableEventFailsAloneAndTheOthersCommit() throws Exception {
    writer = m -> {
      boolean bad = m.body().events().stream().anyMatch(e -> BAD_PATH.equals(e.pathname()));
      if (bad) {
        m.fail(EventWriterVerticle.UNSTORABLE, "PostgreSQL cannot store this event");
      } else {
        m.reply(null);
      }
    };
    WriterOutbox outbox = outbox();
    List<Future<Void>> answers = inOneTurn(() -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        sent.add(outbox.send(0, new WriteRequest(one(i, i == 3 ? BAD_PATH : "/p"), oneSession())));
      }
      return sent;
    });
    Future.join(answers).otherwiseEmpty().await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 6; i++) {
      assertEquals(i != 3, answers.get(i).succeeded(), "beacon " + i);
    }
    Throwable refused = answers.get(3).cause();
    assertTrue(refused instanceof ReplyException r && r.failureCode() == EventWriterVerticle.UNSTORABLE, String.valueOf(refused));
    assertEquals(List.of(6, 1, 1, 1, 1, 1, 1), received, "the shared message, then each event alone");
  }

  @Test
  void aRefusedMessageFailsEveryBeaconInIt() throws Exception {
    writer = m -> m.fail(EventWriterVerticle.QUEUE_FULL, "event queue full");
    WriterOutbox outbox = outbox();
    List<Future<Void>> answers = inOneTurn(() -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sent.add(outbox.send(1, new WriteRequest(one(i, "/p"), oneSession())));
      }
      return sent;
    });
    Future.join(answers).otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertTrue(answers.stream().allMatch(f -> f.cause() instanceof ReplyException r && r.failureCode() == EventWriterVerticle.QUEUE_FULL));
    assertEquals(List.of(4), received);
  }

  @Test
  void offAnEventLoopEachSendIsItsOwnMessage() throws Exception {
    WriterOutbox outbox = outbox();
    List<Future<Void>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(outbox.send(0, new WriteRequest(one(i, "/p"), oneSession())));
    }
    Future.all(answers).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(1, 1, 1), received);
  }

  @Test
  void eachRequestOfASharedMessageIsToldItsOwnDuplicatesByItsOwnIndex() throws Exception {
    // the writer finds the events at whole-message index 1 and 2 already stored under their client event ids
    writer = m -> {
      assertEquals(List.of(0, 1, 2), m.body().keys().stream().map(EventKey::index).toList());
      m.body().settled().tryComplete(Map.of(1, new StoredIds(11, 0), 2, new StoredIds(22, 0)));
      m.reply(null);
    };
    WriterOutbox outbox = outbox();
    List<Promise<Map<Integer, StoredIds>>> settled = new ArrayList<>();
    List<Future<Void>> answers = inOneTurn(() -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Promise<Map<Integer, StoredIds>> own = Promise.promise();
        settled.add(own);
        sent.add(outbox.send(0, keyed(i, "/p", own)));
      }
      return sent;
    });
    Future.all(answers).await(10, TimeUnit.SECONDS);
    assertEquals(Map.of(), settled.get(0).future().result());
    assertEquals(Map.of(0, new StoredIds(11, 0)), settled.get(1).future().result());
    assertEquals(Map.of(0, new StoredIds(22, 0)), settled.get(2).future().result());
  }

  @Test
  void requestsSentAgainAloneAreSettledByTheirOwnWritesNotByTheRefusedMessage() throws Exception {
    writer = m -> {
      if (m.body().events().stream().anyMatch(e -> BAD_PATH.equals(e.pathname()))) {
        m.body().notStored("PostgreSQL cannot store this event");
        m.fail(EventWriterVerticle.UNSTORABLE, "PostgreSQL cannot store this event");
      } else {
        m.body().settled().tryComplete(Map.of());
        m.reply(null);
      }
    };
    WriterOutbox outbox = outbox();
    List<Promise<Map<Integer, StoredIds>>> settled = new ArrayList<>();
    List<Future<Void>> answers = inOneTurn(() -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Promise<Map<Integer, StoredIds>> own = Promise.promise();
        settled.add(own);
        sent.add(outbox.send(0, keyed(i, i == 1 ? BAD_PATH : "/p", own)));
      }
      return sent;
    });
    Future.join(answers).otherwiseEmpty().await(10, TimeUnit.SECONDS);
    assertTrue(settled.get(0).future().succeeded() && settled.get(2).future().succeeded(), "stored alone: told stored");
    assertTrue(settled.get(1).future().failed(), "the bad one: told not stored");
    assertEquals(List.of(3, 1, 1, 1), received);
  }

  private static WriteRequest keyed(long visitor, String path, Promise<Map<Integer, StoredIds>> settled) {
    return new WriteRequest(one(visitor, path), oneSession(), List.of(new EventKey(1, 1000 + visitor, T, new StoredIds(visitor, 0), 0)),
        List.of(), settled);
  }

  private WriterOutbox outbox() {
    return new WriterOutbox(vertx, new DeliveryOptions().setSendTimeout(5_000).setLocalOnly(true), 2);
  }

  private List<Future<Void>> inOneTurn(java.util.function.Supplier<List<Future<Void>>> sends) throws Exception {
    CompletableFuture<List<Future<Void>>> result = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> result.complete(sends.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  private static List<EventRecord> one(long visitor, String path) {
    return List.of(RealtimeFixtures.pageview(visitor, T, path));
  }

  private static List<SessionRow> oneSession() {
    return Arrays.asList((SessionRow) null);
  }

  private static List<Integer> sorted(List<Integer> sizes) {
    List<Integer> copy = new ArrayList<>(sizes);
    Collections.sort(copy);
    return copy;
  }
}
