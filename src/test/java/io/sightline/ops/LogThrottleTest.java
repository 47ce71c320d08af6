package io.sightline.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogThrottleTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.sightline.test.LogThrottleTest");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final LogThrottle throttle;

  LogThrottleTest() {
    lines.start();
    logger.addAppender(lines);
    throttle = new LogThrottle(logger, Duration.ofSeconds(60), nanos::get);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  private List<String> messages() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void logsTheFirstWarningOfAReasonAtOnceAndThenOneLinePerIntervalWithTheCount() {
    assertTrue(throttle.warn("timeout", "lookups fail: {}", "timeout"));
    for (int i = 0; i < 999; i++) {
      nanos.addAndGet(50_000_000); // 20 a second: 49.95 s
      assertFalse(throttle.warn("timeout", "lookups fail: {}", "timeout"));
    }
    assertEquals(List.of("lookups fail: timeout"), messages());
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    assertTrue(throttle.warn("timeout", "lookups fail: {}", "timeout"));
    assertEquals(List.of("lookups fail: timeout", "lookups fail: timeout (999 more like it since the previous line)"), messages());
  }

  @Test
  void eachReasonHasItsOwnInterval() {
    assertTrue(throttle.warn("a", "a failed"));
    assertTrue(throttle.warn("b", "b failed"));
    assertFalse(throttle.warn("a", "a failed"));
    assertEquals(List.of("a failed", "b failed"), messages());
  }

  @Test
  void aReasonThatStoppedIsLoggedAtOnceWhenItComesBackWithoutACount() {
    throttle.warn("a", "a failed");
    nanos.addAndGet(Duration.ofHours(2).toNanos());
    assertTrue(throttle.warn("a", "a failed"));
    assertEquals(List.of("a failed", "a failed"), messages());
  }
}
