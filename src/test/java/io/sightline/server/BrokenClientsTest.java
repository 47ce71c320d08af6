package io.sightline.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sightline.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Clients that send too much or go away: the server answers what it can and spends nothing more on them. */
@Tag("integration")
class BrokenClientsTest {
  static RunningServer server;

  @BeforeAll
  static void start() {
    server = RunningServer.start("http.maxBodyBytes", "65536");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Socket connect() throws Exception {
    Socket socket = new Socket("127.0.0.1", server.server.httpPort());
    socket.setSoTimeout(5000);
    return socket;
  }

  /**
   * Everything the server sends until it closes the connection (a reset counts: closing with unread bytes sends one);
   * fails if it keeps the connection open 5 s without a byte.
   */
  private static String readUntilClosed(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      fail("the connection was kept open after: " + got.toString(StandardCharsets.UTF_8));
    } catch (SocketException reset) {
      // closed by a reset
    }
    return got.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anOversizedBodyIsA413AndTheConnectionClosesWithoutReadingTheRest() throws Exception {
    // announced by Content-Length: answered before a byte of the body is read, and closed instead of waiting for it
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("POST /api/event HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + server.siteKey()
          + "\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = readUntilClosed(socket);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      assertTrue(answer.toLowerCase().contains("connection: close"), answer);
      assertTrue(answer.contains("\"error\":\"Request Entity Too Large\""), "Clickport's shape: " + answer);
    }
    // chunked, no length: refused once the limit (64 KiB) is passed, and closed: 100 MiB more are not read
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/query HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + server.siteKey()
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      try {
        for (int i = 0; i < 1600; i++) {
          out.write(chunk);
          sent += chunk.length;
        }
        out.flush();
      } catch (SocketException closed) {
        // the server closed the connection: the rest cannot be sent
      }
      String answer = readUntilClosed(socket);
      assertTrue(sent < 50L << 20, "the server stopped taking the body after " + sent + " bytes");
      assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 413"), answer);
    }
  }

  @Test
  void aClientThatGoesAwayMidBodyIsNotLoggedAsAnError() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      for (boolean reset : List.of(false, true)) {
        try (Socket socket = connect()) {
          socket.getOutputStream().write(("POST /api/event HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + server.siteKey()
              + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"url\":").getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          Thread.sleep(300); // the body handler is reading
          if (reset) {
            socket.setSoLinger(true, 0); // an abrupt RST instead of a FIN
          }
        }
        Thread.sleep(500);
      }
      assertEquals(200, server.get("/health/live").statusCode());
      List<String> errors = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
      assertEquals(List.of(), errors);
    } finally {
      root.detachAppender(logs);
    }
  }
}
